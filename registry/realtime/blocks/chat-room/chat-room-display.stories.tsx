import { createTypingIndicator } from "@realtime-kit/core"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, waitFor, within } from "storybook/test"

import { ChatRoom } from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  ada,
  chatRoomMeta,
  conversation,
  distanceFromBottom,
  joinAs,
  lines,
  ready,
  ROOM,
  rowsOf,
  scrollerOf,
  you,
} from "@/registry/realtime/blocks/chat-room/chat-room.story-fixtures"
import { kitOf, sleep } from "@/registry/realtime/testing/story-kit"

const meta = {
  ...chatRoomMeta,
  title: "Realtime/ChatRoom/Display",
  component: ChatRoom,
} satisfies Meta<typeof ChatRoom>

export default meta
type Story = StoryObj<typeof meta>

const longWord = "https://example.com/".concat(
  "a-very-long-path-segment-".repeat(12)
)

/** 1,000 messages: only a window of them is in the DOM; long words and paragraphs wrap. */
export const LongContent: Story = {
  args: {
    initialMessages: [
      ...conversation(998),
      {
        id: "long-1",
        text: longWord,
        author: ada,
        sentAt: Date.now() - 30_000,
      },
      {
        id: "long-2",
        text: lines.join(" ").repeat(3),
        author: you,
        sentAt: Date.now() - 20_000,
      },
    ],
  },
  play: async ({ canvasElement }) => {
    await ready(canvasElement)
    const scroller = scrollerOf(canvasElement)
    await waitFor(() =>
      expect(distanceFromBottom(scroller)).toBeLessThanOrEqual(2)
    )
    const rendered = rowsOf(canvasElement)
    await expect(rendered.length).toBeGreaterThan(3)
    await expect(rendered.length).toBeLessThan(40)
    await expect(rendered.at(-1)).toHaveAttribute("aria-posinset", "1000")
    // Nothing overflows sideways.
    await expect(scroller.scrollWidth).toBeLessThanOrEqual(scroller.clientWidth)
    const long = within(canvasElement).getByText(longWord)
    await expect(long.getBoundingClientRect().right).toBeLessThanOrEqual(
      scroller.getBoundingClientRect().right
    )
    // Scrolling to the middle renders that window instead.
    scroller.scrollTop = scroller.scrollHeight / 2
    await waitFor(() =>
      expect(
        Number(rowsOf(canvasElement)[0]!.getAttribute("aria-posinset"))
      ).toBeGreaterThan(300)
    )
    await expect(rowsOf(canvasElement).length).toBeLessThan(40)
  },
}

/** Right to left: Arabic and Hebrew messages, your own on the left, each paragraph in its own direction. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar",
    title: "غرفة الإطلاق",
    labels: {
      messages: "الرسائل",
      message: "رسالة",
      placeholder: "اكتب رسالة…",
      send: "إرسال",
      hint: "Enter للإرسال، Shift+Enter لسطر جديد",
      you: "أنت",
      beginning: "هذه بداية المحادثة.",
    },
    initialMessages: [
      {
        id: "r-1",
        text: "صباح الخير! هل قائمة الإطلاق جاهزة؟",
        author: { id: "omar", name: "عمر" },
        sentAt: Date.now() - 300_000,
      },
      {
        id: "r-2",
        text: "בוקר טוב! כמעט, צריך לעבור על דף הסטטוס.",
        author: { id: "noa", name: "נועה" },
        sentAt: Date.now() - 240_000,
      },
      {
        id: "r-3",
        text: "سأراجعها بعد الاجتماع.",
        author: you,
        sentAt: Date.now() - 180_000,
      },
      {
        id: "r-4",
        text: "Mixed: the canary goes out at 10:30 اليوم",
        author: { id: "omar", name: "عمر" },
        sentAt: Date.now() - 120_000,
      },
    ],
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() =>
      expect(
        canvas.getByRole("list", { name: "غرفة الإطلاق" })
      ).toBeInTheDocument()
    )
    const own = canvas.getByText("سأراجعها بعد الاجتماع.")
    const theirs = canvas.getByText("صباح الخير! هل قائمة الإطلاق جاهزة؟")
    await expect(own).toHaveAttribute("dir", "auto")
    // In RTL, others start on the right and your messages sit on the left.
    await expect(own.getBoundingClientRect().left).toBeLessThan(
      theirs.getBoundingClientRect().left
    )
    await expect(
      getComputedStyle(
        canvas.getByText("Mixed: the canary goes out at 10:30 اليوم")
      ).direction
    ).toBe("ltr")
    await expect(getComputedStyle(theirs).direction).toBe("rtl")
    const composer = canvas.getByRole("textbox", { name: "رسالة" })
    await expect(composer).toHaveAttribute("placeholder", "اكتب رسالة…")
    await expect(canvas.getByRole("button", { name: "إرسال" })).toBeDisabled()
  },
}

/** Dark theme. */
export const Dark: Story = {
  globals: { theme: "dark" },
  args: { initialMessages: conversation(12) },
  play: async ({ canvasElement, loaded }) => {
    await expect(document.documentElement).toHaveClass("dark")
    await ready(canvasElement)
    const kit = kitOf({ loaded })
    const adaClient = await joinAs(kit, ada)
    createTypingIndicator(adaClient.channel(ROOM)).keystroke()
    await waitFor(() =>
      expect(
        canvasElement.querySelector('[data-slot="typing-indicator"]')
      ).toHaveAttribute("data-state", "typing")
    )
  },
}

/** Reduced motion: the typing dots and the history spinner hold still. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  args: { initialMessages: conversation(6) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await ready(canvasElement)
    const adaClient = await joinAs(kit, ada)
    createTypingIndicator(adaClient.channel(ROOM)).keystroke()
    const dots = await waitFor(() => {
      const found = canvasElement.querySelector<HTMLElement>(
        '[data-slot="typing-indicator"][data-state="typing"] [data-slot="typing-indicator-dots"] > span'
      )
      expect(found).not.toBeNull()
      return found!
    })
    await expect(getComputedStyle(dots).animationName).toBe("none")
    await sleep(50)
  },
}
