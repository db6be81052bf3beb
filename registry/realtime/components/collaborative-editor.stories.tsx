import {
  applyTextEdit,
  diffText,
  LOCAL_ORIGIN,
  transformIndex,
} from "@realtime-kit/core/yjs"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"
import * as Y from "yjs"

import { CollaborativeEditor } from "@/registry/realtime/components/collaborative-editor"
import {
  CHANNEL,
  collaborativeEditorMeta,
  editorIn,
  holdConnecting,
  joinWithDoc,
  loadedOf,
  SideBySide,
} from "@/registry/realtime/components/collaborative-editor.story-fixtures"
import { sleep } from "@/registry/realtime/testing/story-kit"

// Behaviour: typing, syncing, carets, offline, chaos, undo. Reduced motion, many people, long content, right to left
// and dark are in collaborative-editor-display.stories.tsx; the shared setup in collaborative-editor.story-fixtures.tsx.
const meta = {
  ...collaborativeEditorMeta,
  title: "Realtime/CollaborativeEditor",
  component: CollaborativeEditor,
} satisfies Meta<typeof CollaborativeEditor>

export default meta
type Story = StoryObj<typeof meta>

/** Alone on a new document: connected, nothing to sync, so it says "Saved" at once. */
export const Alone: Story = {
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    await expect(you.textarea).toHaveAccessibleName("Shared document")
    await expect(you.textarea).toHaveAccessibleDescription("0 characters")
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    await expect(
      within(you.region).getByRole("list", { name: "People editing" })
    ).toHaveTextContent("You(you)")
  },
}

/** Typing: counted as you go (graphemes: an emoji is one character), published, "Saved" once the server stored it. */
export const Typing: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    await userEvent.type(you.textarea, "Hi 👋🏽")
    await expect(you.count()).toHaveTextContent("4 characters")
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    // Several keystrokes went out merged, as stored Yjs updates.
    const updates = kit.server
      .messages(CHANNEL)
      .filter((message) => message.event === "yjs-update")
    await expect(updates.length).toBeGreaterThan(0)
    await expect(updates.length).toBeLessThan(6)
    const replay = new Y.Doc()
    for (const message of updates)
      Y.applyUpdate(
        replay,
        Uint8Array.from(atob(message.data as string), (c) => c.charCodeAt(0))
      )
    await expect(replay.getText("text").toString()).toBe("Hi 👋🏽")
  },
}

/** Both clients seed the same `initialText` at once: one copy, not two. */
export const InitialText: Story = {
  args: { initialText: "Meeting notes\n- " },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"))
    await userEvent.type(ada.textarea, "agenda", {
      initialSelectionStart: 16,
      initialSelectionEnd: 16,
    })
    await waitFor(() =>
      expect(you.textarea).toHaveValue("Meeting notes\n- agenda")
    )
    await expect(ada.textarea).toHaveValue("Meeting notes\n- agenda")
    await expect(you.count()).toHaveTextContent("22 characters")
  },
}

/** You and Ada type at the same time, with frames in flight both ways: both end with the same text, nobody's lost. */
export const ConcurrentTyping: Story = {
  args: { initialText: "Plan: " },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"))
    await waitFor(() => expect(you.people()).toHaveTextContent("Ada"))
    kit.chaos.delay(250)
    // Both type at the end of the same text before either sees the other's edits.
    await userEvent.type(you.textarea, "ship", {
      initialSelectionStart: 6,
      initialSelectionEnd: 6,
    })
    await userEvent.type(ada.textarea, "test", {
      initialSelectionStart: 6,
      initialSelectionEnd: 6,
    })
    kit.chaos.delay(0)
    await waitFor(() => expect(you.textarea.value).toBe(ada.textarea.value), {
      timeout: 4000,
    })
    await expect(you.textarea.value).toMatch(/^Plan: (shiptest|testship)$/)
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"))
  },
}

/** Someone types above you: your caret (and selection) stays on the same characters. */
export const RemoteEditKeepsCaret: Story = {
  args: { initialText: "world peace" },
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    const peer = await joinWithDoc(kit, "grace", "Grace")
    try {
      await waitFor(() => expect(peer.text.toString()).toBe("world peace"))
      you.textarea.focus()
      you.textarea.setSelectionRange(6, 11) // "peace"
      peer.edit(0, 0, "Hello, ")
      await waitFor(() =>
        expect(you.textarea).toHaveValue("Hello, world peace")
      )
      await expect(you.textarea.selectionStart).toBe(13)
      await expect(you.textarea.selectionEnd).toBe(18)
      await expect(you.textarea).toHaveFocus()
      // A deletion before it pulls it back; text typed after it leaves it alone.
      peer.edit(0, 7, "")
      peer.edit(11, 0, "!")
      await waitFor(() => expect(you.textarea).toHaveValue("world peace!"))
      await expect([
        you.textarea.selectionStart,
        you.textarea.selectionEnd,
      ]).toEqual([6, 11])
      // And your next keystroke lands where your caret is.
      await userEvent.keyboard("love")
      await waitFor(() => expect(peer.text.toString()).toBe("world love!"))
    } finally {
      peer.close()
    }
  },
}

/** Ada's caret and selection show in your editor in her colour with her name; they go when she leaves. */
export const RemoteCarets: Story = {
  args: { initialText: "The quick brown fox jumps over the lazy dog." },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"))
    ada.textarea.focus()
    ada.textarea.setSelectionRange(4, 9) // "quick"
    const caret = await waitFor(() => {
      const [first] = you.carets()
      expect(first).toBeDefined()
      return first!
    })
    await expect(caret).toHaveTextContent("Ada")
    await expect(caret.closest('[aria-hidden="true"]')).not.toBeNull()
    const selection = you.region.querySelector(
      '[data-slot="collaborative-editor-selection"]'
    )
    await expect(selection).toHaveTextContent("quick")
    // The caret sits on the text: right after "quick" on the first line.
    const box = you.textarea.getBoundingClientRect()
    const bar = caret.getBoundingClientRect()
    await expect(bar.top).toBeGreaterThanOrEqual(box.top)
    await expect(bar.top).toBeLessThan(box.top + 40)
    await expect(bar.left).toBeGreaterThan(box.left + 20)
    // Ada's caret moves with her, and with the text.
    ada.textarea.setSelectionRange(44, 44)
    await waitFor(() =>
      expect(
        you.region.querySelector('[data-slot="collaborative-editor-selection"]')
      ).toBeNull()
    )
    // Ada leaves the textarea: her caret goes.
    ada.textarea.blur()
    await waitFor(() => expect(you.carets()).toHaveLength(0))
  },
}

/** Both go offline and keep typing; back online, the edits merge (CRDT) and both say "Saved". */
export const OfflineEditsMerge: Story = {
  args: { initialText: "Groceries:" },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"))
    kit.chaos.offline()
    await waitFor(() =>
      expect(you.status()).toHaveTextContent("Offline — changes will sync")
    )
    await waitFor(() =>
      expect(ada.status()).toHaveTextContent("Offline — changes will sync")
    )
    await expect(
      you.region.querySelector('[data-slot="collaborative-editor-announcer"]')
    ).toHaveTextContent("Offline — changes will sync")
    await userEvent.type(you.textarea, " milk", {
      initialSelectionStart: 10,
      initialSelectionEnd: 10,
    })
    await userEvent.type(ada.textarea, "Shopping ", {
      initialSelectionStart: 0,
      initialSelectionEnd: 0,
    })
    await sleep(300)
    await expect(you.textarea).toHaveValue("Groceries: milk")
    await expect(ada.textarea).toHaveValue("Shopping Groceries:")
    // Nothing was sent while offline: the edits wait, merged.
    await expect(
      kit.server
        .messages(CHANNEL)
        .filter((message) => message.event === "yjs-update")
    ).toHaveLength(0)
    kit.chaos.online()
    await waitFor(
      () => expect(you.textarea).toHaveValue("Shopping Groceries: milk"),
      { timeout: 4000 }
    )
    await waitFor(() =>
      expect(ada.textarea).toHaveValue("Shopping Groceries: milk")
    )
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    await expect(
      you.region.querySelector('[data-slot="collaborative-editor-announcer"]')
    ).toHaveTextContent("Saved")
    // One merged update per client, however many keystrokes.
    await expect(
      kit.server
        .messages(CHANNEL)
        .filter((message) => message.event === "yjs-update")
    ).toHaveLength(2)
  },
}

/** The connection drops (not the device): the same "changes will sync" promise, and your typing is kept. */
export const ConnectionDrops: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    kit.chaos.disconnect()
    await waitFor(() =>
      expect(you.status()).toHaveTextContent("Offline — changes will sync")
    )
    await expect(you.status()).toHaveAttribute("data-state", "offline")
    await userEvent.type(you.textarea, "kept")
    kit.chaos.reconnect()
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"), {
      timeout: 4000,
    })
    await waitFor(() =>
      expect(
        kit.server
          .messages(CHANNEL)
          .filter((message) => message.event === "yjs-update")
      ).toHaveLength(1)
    )
  },
}

/** Ada opens the document after you wrote in it: a fresh subscription has no history, so a peer (you) syncs her. */
export const NewcomerSyncs: Story = {
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} adaJoins={false} {...args} />
  ),
  play: async ({ canvas, canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    await userEvent.type(you.textarea, "Written before Ada came")
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
    await userEvent.click(
      canvas.getByRole("button", { name: "Ada opens the document" })
    )
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() =>
      expect(ada.textarea).toHaveValue("Written before Ada came")
    )
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"))
    // And she sees where you are, too.
    you.textarea.focus()
    you.textarea.setSelectionRange(7, 7)
    await waitFor(() => expect(ada.carets()).toHaveLength(1))
    await expect(ada.carets()[0]).toHaveTextContent("You")
  },
}

/** A peer over a lossy wire (dropped, duplicated, reordered frames): the channel resumes, Yjs merges, all converge. */
export const ConvergesUnderChaos: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    const peer = await joinWithDoc(kit, "linus", "Linus")
    try {
      await waitFor(() => expect(you.status()).toHaveTextContent("Saved"))
      kit.chaos.duplicate(3)
      kit.chaos.reorder(4)
      kit.chaos.drop(2)
      for (const word of ["alpha ", "beta ", "gamma "]) {
        peer.edit(peer.text.length, 0, word)
        await sleep(130)
      }
      await userEvent.type(you.textarea, "zeta ", {
        initialSelectionStart: 0,
        initialSelectionEnd: 0,
      })
      kit.chaos.heal()
      // A later update makes the channel notice any hole and resubscribe for it.
      peer.edit(peer.text.length, 0, "omega")
      await waitFor(
        () => expect(you.textarea.value).toBe(peer.text.toString()),
        { timeout: 5000 }
      )
      await expect(you.textarea.value).toBe("zeta alpha beta gamma omega")
    } finally {
      peer.close()
    }
  },
}

/** Undo (Ctrl/Cmd+Z) takes back your own edits only, never someone else's. */
export const UndoIsYours: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    const peer = await joinWithDoc(kit, "grace", "Grace")
    try {
      await userEvent.type(you.textarea, "mine")
      await waitFor(() => expect(peer.text.toString()).toBe("mine"))
      peer.edit(0, 0, "theirs ")
      await waitFor(() => expect(you.textarea).toHaveValue("theirs mine"))
      you.textarea.focus()
      await userEvent.keyboard("{Control>}z{/Control}")
      await waitFor(() => expect(you.textarea).toHaveValue("theirs "))
      await waitFor(() => expect(peer.text.toString()).toBe("theirs "))
      await userEvent.keyboard("{Control>}{Shift>}z{/Shift}{/Control}")
      await waitFor(() => expect(you.textarea).toHaveValue("theirs mine"))
    } finally {
      peer.close()
    }
  },
}

/** Before the server answers: "Connecting…", with a spinner. */
export const Connecting: Story = {
  beforeEach: holdConnecting,
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    await expect(you.status()).toHaveTextContent("Connecting…")
    const icon = you.status().querySelector("svg")!
    await expect(getComputedStyle(icon).animationName).not.toBe("none")
    // You can type already; it goes out once connected.
    await userEvent.type(you.textarea, "early")
    await expect(you.textarea).toHaveValue("early")
  },
}

// The pure helpers behind the binding, checked on their own (no node test runner covers registry/).

/** `diffText` and `transformIndex`: the minimal edit and caret mapping the textarea binding relies on. */
export const TextHelpers: Story = {
  render: () => (
    <p className="text-sm text-muted-foreground">
      Checks the text helpers of @realtime-kit/core/yjs.
    </p>
  ),
  play: async () => {
    // The caret decides where a repeated letter went.
    await expect(diffText("aa", "aaa", 2)).toEqual({
      index: 1,
      remove: 0,
      insert: "a",
    })
    await expect(diffText("aa", "aaa", 3)).toEqual({
      index: 2,
      remove: 0,
      insert: "a",
    })
    await expect(diffText("abc", "ac", 1)).toEqual({
      index: 1,
      remove: 1,
      insert: "",
    })
    await expect(diffText("hello world", "hello there", 11)).toEqual({
      index: 6,
      remove: 5,
      insert: "there",
    })
    await expect(diffText("", "x", 1)).toEqual({
      index: 0,
      remove: 0,
      insert: "x",
    })
    // An emoji is never split in half.
    await expect(diffText("a😀", "a😃", 3)).toEqual({
      index: 1,
      remove: 2,
      insert: "😃",
    })
    // Inserts before move the caret, inserts at it do not, deletes before pull it back (never past their start).
    await expect(transformIndex(5, [{ insert: "abc" }])).toBe(8)
    await expect(transformIndex(5, [{ retain: 5 }, { insert: "abc" }])).toBe(5)
    await expect(transformIndex(5, [{ retain: 2 }, { delete: 2 }])).toBe(3)
    await expect(transformIndex(5, [{ retain: 3 }, { delete: 10 }])).toBe(3)
    await expect(transformIndex(0, [{ insert: "x" }])).toBe(0)
    // The two agree with Yjs itself.
    const doc = new Y.Doc()
    const text = doc.getText("text")
    text.insert(0, "world")
    let delta: unknown = null
    text.observe((event) => (delta = event.delta))
    doc.transact(() => text.insert(0, "hello "), "remote")
    await expect(transformIndex(2, delta as never)).toBe(8)
    applyTextEdit(text, diffText(text.toString(), "hello, world", 6))
    await expect(text.toString()).toBe("hello, world")
    await expect(typeof LOCAL_ORIGIN).toBe("symbol")
  },
}
