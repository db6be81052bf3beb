import { encodeCaret } from "@realtime-kit/core/yjs"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, waitFor } from "storybook/test"

import { CollaborativeEditor } from "@/registry/realtime/components/collaborative-editor"
import {
  collaborativeEditorMeta,
  editorIn,
  holdConnecting,
  joinWithDoc,
  loadedOf,
  SideBySide,
  type DocPeer,
} from "@/registry/realtime/components/collaborative-editor.story-fixtures"

// Presentation and edge cases: motion, a crowd, a long document, right to left, dark. The behaviour stories are in
// collaborative-editor.stories.tsx.
const meta = {
  ...collaborativeEditorMeta,
  title: "Realtime/CollaborativeEditor/Display",
  component: CollaborativeEditor,
} satisfies Meta<typeof CollaborativeEditor>

export default meta
type Story = StoryObj<typeof meta>

/** With reduced motion the spinner holds still. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  beforeEach: holdConnecting,
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
