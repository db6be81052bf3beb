import {
  createTestTransport,
  type MemoryTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import { RealtimeProvider } from "@realtime-kit/react"
import type { Meta, StoryContext, StoryObj } from "@storybook/react-vite"
import type { Editor } from "@tiptap/react"
import { expect, userEvent, waitFor, within } from "storybook/test"

import {
  CollaborativeRichText,
  type CollaborativeRichTextProps,
} from "@/registry/realtime/components/collaborative-rich-text"

/*
 * Every story gets its own in-memory server and two users on it, "you" and "ada", each on their own transport (two
 * browsers). Stories render your editor alone or both side by side, and act through the editors' own DOM and
 * Tiptap commands (as a person typing would, without relying on a simulated IME in a contenteditable).
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

const CHANNEL = "doc:rich"
const YOU = { id: "you", name: "You" }
const ADA = { id: "ada", name: "Ada" }
const WAIT = { timeout: 4000 }

function SideBySide({
  loaded,
  ...rest
}: Partial<CollaborativeRichTextProps> & { loaded: Loaded }) {
  return (
    <div className="grid gap-6 md:grid-cols-2">
      {(
        [
          ["You", loaded.you, YOU],
          ["Ada", loaded.ada, ADA],
        ] as const
      ).map(([who, transport, user]) => (
        <RealtimeProvider key={who} transport={transport}>
          <section aria-label={who} className="min-w-0 space-y-2">
            <h3 className="text-sm font-semibold">{who}</h3>
            <CollaborativeRichText {...rest} channel={CHANNEL} user={user} />
          </section>
        </RealtimeProvider>
      ))}
    </div>
  )
}

/** Your editor's parts, found the way a person (or a screen reader) would. */
function editorIn(canvasElement: HTMLElement, who: "You" | "Ada") {
  const region = within(canvasElement).getByRole("region", { name: who })
  const slot = (name: string) =>
    region.querySelector<HTMLElement>(`[data-slot="${name}"]`)!
  const textbox = () =>
    within(region).getByRole("textbox") as HTMLElement & { editor?: Editor }
  return {
    region,
    textbox,
    /** The live Tiptap editor (Tiptap sets it on its element); throws before the document is ready. */
    editor: () => {
      const editor = textbox().editor
      if (!editor) throw new Error(`${who}'s editor is not ready yet`)
      return editor
    },
    status: () => slot("collaborative-rich-text-status"),
    count: () => slot("collaborative-rich-text-count"),
    announcer: () => slot("collaborative-rich-text-announcer"),
    button: (name: string) =>
      within(region).getByRole("button", { name }) as HTMLButtonElement,
    caretLabels: () =>
      [
        ...region.querySelectorAll<HTMLElement>(
          '[data-slot="collaborative-rich-text-caret-label"]'
        ),
      ].map((label) => label.textContent),
    selections: () =>
      region.querySelectorAll(
        '[data-slot="collaborative-rich-text-selection"]'
      ),
  }
}

const meta = {
  title: "Realtime/CollaborativeRichText",
  component: CollaborativeRichText,
  loaders: [loadKit],
  args: {
    channel: CHANNEL,
    user: YOU,
    placeholder: "Write something together…",
  },
  render: (args, { loaded }) => (
    <RealtimeProvider transport={loadedOf({ loaded }).you}>
      <section aria-label="You" className="max-w-2xl">
        <CollaborativeRichText {...args} />
      </section>
    </RealtimeProvider>
  ),
} satisfies Meta<typeof CollaborativeRichText>

export default meta
type Story = StoryObj<typeof meta>

/** A new document, alone: labelled, empty with its placeholder, "Saved" once connected, nothing pressed. */
export const Empty: Story = {
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"), WAIT)
    await waitFor(() => expect(you.editor()).toBeTruthy(), WAIT)
    await expect(you.textbox()).toHaveAccessibleName("Shared document")
    await expect(you.textbox()).toHaveAccessibleDescription("0 words")
    await expect(you.textbox()).toHaveAttribute("contenteditable", "true")
    await expect(
      you.region.querySelector("[data-placeholder]")
    ).toHaveAttribute("data-placeholder", "Write something together…")
    const toolbar = within(you.region).getByRole("toolbar", {
      name: "Formatting",
    })
    await expect(you.button("Bold")).toHaveAttribute("aria-pressed", "false")
    // One tab stop for the whole toolbar.
    await expect(toolbar.querySelectorAll('button[tabindex="0"]').length).toBe(
      1
    )
    await expect(
      within(you.region).getByRole("list", { name: "People editing" })
    ).toHaveTextContent("You(you)")
  },
}

/** Both start from the same `initialContent` at once: one copy, not two, with its heading and list. */
export const WithContent: Story = {
  args: {
    initialContent:
      "<h2>Launch plan</h2><p>Owners and dates below.</p><ul><li><p>Docs</p></li><li><p>Demo</p></li></ul>",
  },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"), WAIT)
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"), WAIT)
    ada.editor().chain().focus("end").insertContent(" and blog post").run()
    await waitFor(
      () => expect(you.editor().getText()).toContain("Demo and blog post"),
      WAIT
    )
    await expect(
      you
        .editor()
        .getText()
        .match(/Launch plan/g)
    ).toHaveLength(1)
    await expect(you.textbox().querySelector("h2")).toHaveTextContent(
      "Launch plan"
    )
    await expect(you.count()).toHaveTextContent("11 words")
    // The same document on both sides, and no empty paragraph appended by each editor that opened it.
    await expect(you.editor().getJSON()).toEqual(ada.editor().getJSON())
    await expect(
      you
        .editor()
        .getJSON()
        .content?.map((node) => node.type)
    ).toEqual(["heading", "paragraph", "bulletList"])
  },
}

/** Keyboard: Ctrl+B turns bold on (the button says so); the arrow keys move along the toolbar. */
export const FormattingWithTheKeyboard: Story = {
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    await waitFor(() => expect(you.editor()).toBeTruthy(), WAIT)
    // Tiptap focuses in the next animation frame: type only once the editor has the focus.
    you.editor().commands.focus()
    await waitFor(() => expect(you.textbox()).toHaveFocus(), WAIT)
    await userEvent.keyboard("{Control>}b{/Control}")
    await waitFor(
      () => expect(you.button("Bold")).toHaveAttribute("aria-pressed", "true"),
      WAIT
    )
    you.editor().commands.insertContent("loud")
    await expect(you.textbox().querySelector("strong")).toHaveTextContent(
      "loud"
    )
    await expect(you.button("Bold")).toHaveAttribute(
      "aria-keyshortcuts",
      "Control+B Meta+B"
    )
    you.button("Bold").focus()
    await userEvent.keyboard("{ArrowRight}")
    await expect(you.button("Italic")).toHaveFocus()
    await userEvent.keyboard("{End}")
    await expect(you.button("Redo")).toHaveFocus()
    await userEvent.click(you.button("Bulleted list"))
    await waitFor(
      () =>
        expect(you.button("Bulleted list")).toHaveAttribute(
          "aria-pressed",
          "true"
        ),
      WAIT
    )
  },
}

/** Ada selects a word: you see her caret with her name, and her selection in her colour. */
export const RemoteCaretsAndSelections: Story = {
  args: { initialContent: "<p>Ship the rich text editor on Friday.</p>" },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"), WAIT)
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"), WAIT)
    ada.editor().chain().focus().setTextSelection({ from: 10, to: 14 }).run()
    await waitFor(() => expect(you.caretLabels()).toEqual(["Ada"]), WAIT)
    await waitFor(() => expect(you.selections().length).toBeGreaterThan(0))
    await expect(you.selections()[0]).toHaveTextContent("rich")
    // Names on carets are decorative: the people list says who is here.
    await expect(
      you.region.querySelector('[data-slot="collaborative-rich-text-caret"]')
    ).toHaveAttribute("aria-hidden", "true")
  },
}

/** Offline, your edits stay here ("changes will sync"); back online they go out, "Saved" is announced. */
export const OfflineWithUnsentEdits: Story = {
  args: { initialContent: "<p>Agenda</p>" },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"), WAIT)
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"), WAIT)
    kit.chaos.offline()
    await waitFor(() => expect(you.status()).toHaveTextContent("Offline"), WAIT)
    await expect(you.announcer()).toHaveTextContent("Offline")
    you.editor().chain().focus("end").insertContent(" for Monday").run()
    ada.editor().chain().focus("start").insertContent("Team ").run()
    await waitFor(() =>
      expect(you.status()).toHaveTextContent("Offline — changes will sync")
    )
    await expect(you.editor().getText()).toBe("Agenda for Monday")
    kit.chaos.online()
    await waitFor(
      () => expect(you.editor().getText()).toBe("Team Agenda for Monday"),
      WAIT
    )
    await waitFor(
      () => expect(ada.editor().getText()).toBe("Team Agenda for Monday"),
      WAIT
    )
    await waitFor(() => expect(you.status()).toHaveTextContent("Saved"), WAIT)
    await expect(you.announcer()).toHaveTextContent("Saved")
  },
}

/** Read-only: the document and the others' carets show, but it cannot be edited and the toolbar is disabled. */
export const ReadOnly: Story = {
  args: {
    readOnly: true,
    initialContent: "<p>Minutes, approved and locked.</p>",
  },
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    await waitFor(() => expect(you.editor()).toBeTruthy(), WAIT)
    await expect(you.textbox()).toHaveAttribute("aria-readonly", "true")
    await expect(you.textbox()).toHaveAttribute("contenteditable", "false")
    await expect(you.button("Bold")).toHaveAttribute("aria-disabled", "true")
    await expect(you.textbox()).toHaveTextContent(
      "Minutes, approved and locked."
    )
  },
}

/** Dark theme, side by side, with Ada's caret on your screen. */
export const Dark: Story = {
  globals: { theme: "dark" },
  args: {
    initialContent:
      "<h2>Dark mode notes</h2><p>Contrast of carets and <strong>name tags</strong>.</p>",
  },
  render: (args, { loaded }) => (
    <SideBySide loaded={loadedOf({ loaded })} {...args} />
  ),
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    const ada = editorIn(canvasElement, "Ada")
    await waitFor(() => expect(ada.status()).toHaveTextContent("Saved"), WAIT)
    ada.editor().chain().focus().setTextSelection({ from: 18, to: 26 }).run()
    await waitFor(() => expect(you.caretLabels()).toEqual(["Ada"]), WAIT)
    await expect(document.documentElement).toHaveClass("dark")
  },
}

/** Connecting, with reduced motion: the spinner holds still, and the box already has its final size. */
export const ConnectingReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  beforeEach: ({ loaded }) => {
    const { kit } = loadedOf({ loaded })
    kit.chaos.delay(60_000)
    return () => kit.chaos.heal()
  },
  play: async ({ canvasElement }) => {
    const you = editorIn(canvasElement, "You")
    await expect(you.status()).toHaveTextContent("Connecting…")
    await expect(
      getComputedStyle(you.status().querySelector("svg")!).animationName
    ).toBe("none")
    await expect(you.textbox().getBoundingClientRect().height).toBe(256)
  },
}
