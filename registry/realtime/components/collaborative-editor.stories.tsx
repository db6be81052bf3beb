import * as React from "react"
import {
  createRealtimeClient,
  type Channel,
  type RealtimeClient,
} from "@realtime-kit/core"
import {
  createTestTransport,
  type MemoryTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import {
  applyTextEdit,
  bindYjsToChannel,
  diffText,
  encodeCaret,
  LOCAL_ORIGIN,
  transformIndex,
  type YjsChannelBinding,
} from "@realtime-kit/core/yjs"
import { RealtimeProvider } from "@realtime-kit/react"
import type { Meta, StoryContext, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"
import * as Y from "yjs"

import { Button } from "@/components/ui/button"
import {
  CollaborativeEditor,
  type CollaborativeEditorProps,
} from "@/registry/realtime/components/collaborative-editor"
import { sleep } from "@/registry/realtime/testing/story-kit"

/*
 * Every story gets its own in-memory server and two users on it: "you" and "ada", each with their own
 * transport (their own client, as in two browsers). Stories render one editor, or both side by side; other
 * peers are real RealtimeClients driven from `play`, some with a bare Y.Doc bound to the channel.
 */
interface Loaded {
  kit: TestTransport
  you: MemoryTransport
  ada: MemoryTransport
}

const loadKit = async (): Promise<Loaded> => {
  const kit = createTestTransport()
  return {
    kit,
    you: kit.createTransport({ userId: "you" }),
    ada: kit.createTransport({ userId: "ada" }),
  }
}

const loadedOf = (context: Pick<StoryContext, "loaded">) =>
  context.loaded as Loaded

const CHANNEL = "doc:1"
const YOU = { id: "you", name: "You" }
const ADA = { id: "ada", name: "Ada" }

/** One editor, as "you". */
function Single(props: Partial<CollaborativeEditorProps> & { loaded: Loaded }) {
  const { loaded, ...rest } = props
  return (
    <RealtimeProvider transport={loaded.you}>
      <section aria-label="You" className="max-w-xl">
        <CollaborativeEditor channel={CHANNEL} user={YOU} {...rest} />
      </section>
    </RealtimeProvider>
  )
}

/** "You" and "Ada" side by side, each on their own connection to the same server. */
function SideBySide({
  loaded,
  adaJoins = true,
  ...rest
}: Partial<CollaborativeEditorProps> & { loaded: Loaded; adaJoins?: boolean }) {
  const [adaHere, setAdaHere] = React.useState(adaJoins)
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <RealtimeProvider transport={loaded.you}>
        <section aria-label="You" className="min-w-0 space-y-2">
          <h3 className="text-sm font-semibold">You</h3>
          <CollaborativeEditor {...rest} channel={CHANNEL} user={YOU} />
        </section>
      </RealtimeProvider>
      <RealtimeProvider transport={loaded.ada}>
        <section aria-label="Ada" className="min-w-0 space-y-2">
          <h3 className="text-sm font-semibold">Ada</h3>
          {adaHere ? (
            <CollaborativeEditor {...rest} channel={CHANNEL} user={ADA} />
          ) : (
            <Button
              onClick={() => setAdaHere(true)}
              variant="outline"
              size="sm"
            >
              Ada opens the document
            </Button>
          )}
        </section>
      </RealtimeProvider>
    </div>
  )
}

function editorIn(canvasElement: HTMLElement, who: "You" | "Ada") {
  const region = within(canvasElement).getByRole("region", { name: who })
  return {
    region,
    textarea: within(region).getByRole("textbox") as HTMLTextAreaElement,
    status: () =>
      region.querySelector('[data-slot="collaborative-editor-status"]')!,
    people: () =>
      region.querySelector('[data-slot="collaborative-editor-people"]')!,
    count: () =>
      region.querySelector('[data-slot="collaborative-editor-count"]')!,
    carets: () => [
      ...region.querySelectorAll<HTMLElement>(
        '[data-slot="collaborative-editor-caret"]'
      ),
    ],
  }
}

interface DocPeer {
  client: RealtimeClient
  channel: Channel
  doc: Y.Doc
  text: Y.Text
  binding: YjsChannelBinding
  /** Edits the peer's text as a user would (published like the editor's own edits). */
  edit(index: number, remove: number, insert: string): void
  close(): void
}

/** A peer without a UI: a RealtimeClient, presence, and a Y.Doc bound to the channel with the same binding the editor uses. */
async function joinWithDoc(
  kit: TestTransport,
  id: string,
  name: string
): Promise<DocPeer> {
  const client = createRealtimeClient({
    transport: kit.createTransport({ userId: id }),
  })
  const channel = client.channel(CHANNEL)
  channel.presence.enter({ id, name })
  const doc = new Y.Doc()
  const text = doc.getText("text")
  const binding = bindYjsToChannel(doc, channel)
  await waitFor(() => expect(binding.getSnapshot().synced).toBe(true), {
    timeout: 4000,
  })
  return {
    client,
    channel,
    doc,
    text,
    binding,
    edit: (index, remove, insert) =>
      applyTextEdit(text, { index, remove, insert }),
    close: () => {
      binding.destroy()
      client.close()
    },
  }
}

const meta = {
  title: "Realtime/CollaborativeEditor",
  component: CollaborativeEditor,
  loaders: [loadKit],
  args: {
    channel: CHANNEL,
    user: YOU,
    placeholder: "Write something together…",
  },
  render: (args, { loaded }) => (
    <Single loaded={loadedOf({ loaded })} {...args} />
  ),
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
  beforeEach: ({ loaded }) => {
    const { kit } = loadedOf({ loaded })
    kit.chaos.delay(60_000)
    return () => kit.chaos.heal()
  },
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

/** With reduced motion the spinner holds still. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  beforeEach: Connecting.beforeEach,
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    await expect(you.status()).toHaveTextContent("Connecting…")
    await expect(
      getComputedStyle(you.status().querySelector("svg")!).animationName
    ).toBe("none")
  },
}

const crowd = [
  ["ada", "Ada"],
  ["grace", "Grace"],
  ["linus", "Linus"],
  ["margaret", "Margaret"],
  ["alan", "Alan"],
  ["barbara", "Barbara Liskov-Huang, Distributed Systems"],
] as const

/** Seven people: the list wraps, a long name truncates, and each colour is distinct. */
export const ManyPeople: Story = {
  args: {
    initialText:
      "Roadmap 2027\n\nQ1: realtime everything\nQ2: offline everything\nQ3: everything everywhere",
  },
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const peers: DocPeer[] = []
    for (const [id, name] of crowd) peers.push(await joinWithDoc(kit, id, name))
    try {
      const you = editorIn(canvasElement, "You")
      await waitFor(() =>
        expect(
          you.region.querySelectorAll(
            '[data-slot="collaborative-editor-person"]'
          )
        ).toHaveLength(7)
      )
      // Everyone's caret on a different line or word.
      peers.forEach((peer, index) => {
        const at = [0, 14, 20, 38, 60, 75][index]!
        peer.channel.signal(
          "yjs-caret",
          encodeCaret(peer.text, at, index === 2 ? at + 8 : at)
        )
      })
      await waitFor(() => expect(you.carets()).toHaveLength(6))
    } finally {
      peers.forEach((peer) => peer.close())
    }
  },
}

const longText = Array.from(
  { length: 40 },
  (_, index) =>
    `${index + 1}. A paragraph long enough to wrap across the width of the editor, so scrolling and wrapping both matter here.`
).join("\n")

/** A long document: the textarea scrolls, carets scroll with the text, and the count uses the locale's grouping. */
export const LongContent: Story = {
  args: { initialText: longText, locale: "en-US" },
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    const peer = await joinWithDoc(kit, "ada", "Ada")
    try {
      await expect(you.count()).toHaveTextContent(
        `${longText.length.toLocaleString("en-US")} characters`
      )
      await expect(you.textarea.scrollHeight).toBeGreaterThan(
        you.textarea.clientHeight
      )
      peer.channel.signal("yjs-caret", encodeCaret(peer.text, 10, 10))
      const caret = await waitFor(() => {
        const [first] = you.carets()
        expect(first).toBeDefined()
        return first!
      })
      const before = caret.getBoundingClientRect().top
      you.textarea.scrollTop = 100
      you.textarea.dispatchEvent(new Event("scroll"))
      await waitFor(() =>
        expect(caret.getBoundingClientRect().top).toBeCloseTo(before - 100, 0)
      )
    } finally {
      peer.close()
    }
  },
}

/** Right-to-left text and an Arabic locale: Arabic digits in the count, translated labels. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    initialText: "مرحبا بالعالم",
    locale: "ar-EG",
    label: "مستند مشترك",
    labels: {
      status: {
        saved: "تم الحفظ",
        syncing: "جارٍ المزامنة…",
        offline: "غير متصل — ستتم مزامنة التغييرات",
        connecting: "جارٍ الاتصال…",
      },
      characters: (_count, formatted) => `${formatted} حرفًا`,
      people: "المحررون",
      you: "(أنت)",
    },
    user: { id: "you", name: "ليلى" },
  },
  play: async ({ canvasElement, loaded }) => {
    const you = editorIn(canvasElement, "You")
    await expect(you.textarea).toHaveAccessibleName("مستند مشترك")
    await expect(you.count()).toHaveTextContent("١٣ حرفًا")
    await waitFor(() => expect(you.status()).toHaveTextContent("تم الحفظ"))
    // A peer's caret after the first word sits on it in right-to-left text too: left of "مرحبا", right of the rest.
    const peer = await joinWithDoc(loadedOf({ loaded }).kit, "omar", "عمر")
    peer.channel.signal("yjs-caret", encodeCaret(peer.text, 5, 5))
    const caret = await waitFor(() => {
      const [first] = you.carets()
      expect(first).toBeDefined()
      return first!
    })
    const box = you.textarea.getBoundingClientRect()
    const x = caret.getBoundingClientRect().left
    await expect(x).toBeLessThan(box.right - 40)
    await expect(x).toBeGreaterThan(box.right - 120)
  },
}

/** Dark theme, side by side, with each other's carets. */
export const Dark: Story = {
  globals: { theme: "dark" },
  args: { initialText: "Dark mode notes:\n- contrast of carets\n- name tags" },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"))
    ada.textarea.focus()
    ada.textarea.setSelectionRange(17, 25)
    await waitFor(() => expect(you.carets()).toHaveLength(1))
    await expect(document.documentElement).toHaveClass("dark")
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
