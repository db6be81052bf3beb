import type { TestTransport } from "@realtime-kit/core/testing"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, fn, userEvent, waitFor } from "storybook/test"

import { StreamingText } from "@/registry/realtime/components/streaming-text"
import {
  kitOf,
  sleep,
  slowBackoff,
  testTransportLoader,
  withTestTransport,
} from "@/registry/realtime/testing/story-kit"

const ANSWER = [
  "Server-Sent",
  " Events",
  " keep",
  " one",
  " response",
  " open.",
  " When",
  " it",
  " drops,",
  " the",
  " client",
  " resumes",
  " from",
  " the",
  " last",
  " id.",
]

/** Sends tokens `from`..`to` (inclusive) of `tokens`, with their index as id. */
function sendTokens(
  kit: TestTransport,
  from: number,
  to: number,
  tokens: readonly string[] = ANSWER
) {
  for (let index = from; index <= to && index < tokens.length; index++) {
    kit.server.send({
      id: String(index),
      event: "token",
      data: { text: tokens[index] },
    })
  }
}

const root = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>('[data-slot="streaming-text"]')!
const content = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>(
    '[data-slot="streaming-text-content"]'
  )!
const caret = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>('[data-slot="streaming-text-caret"]')
const announcer = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>(
    '[data-slot="streaming-text-announcer"]'
  )!

const meta = {
  title: "Realtime/StreamingText",
  component: StreamingText,
  loaders: [testTransportLoader],
  decorators: [withTestTransport],
  args: {
    url: "/answers/7/stream",
    locale: "en-US",
    className: "max-w-xl rounded-xl border bg-card p-4 text-card-foreground",
    sseOptions: { backoff: slowBackoff },
  },
} satisfies Meta<typeof StreamingText>

export default meta
type Story = StoryObj<typeof meta>

/** No URL yet: empty, no caret, no buttons. */
export const Idle: Story = {
  args: { url: null },
  play: async ({ canvas, canvasElement }) => {
    await expect(root(canvasElement)).toHaveAttribute("data-state", "idle")
    await expect(caret(canvasElement)).toBeNull()
    await expect(canvas.queryByRole("button")).toBeNull()
    await expect(content(canvasElement)).toHaveAttribute("aria-busy", "false")
  },
}

/** Waiting for the first token: a caret, "Connecting…", and Stop already works. */
export const Connecting: Story = {
  beforeEach: (context) => kitOf(context).server.respondWith("hang"),
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent("Connecting…")
    await expect(content(canvasElement)).toHaveAttribute("aria-busy", "true")
    await expect(caret(canvasElement)).not.toBeNull()
    await expect(canvas.getByRole("button", { name: "Stop" })).toBeVisible()
  },
}

/** Tokens arrive: the text grows behind a blinking caret; screen readers get whole sentences, not tokens. */
export const Streaming: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, 7)
    await waitFor(() =>
      expect(content(canvasElement)).toHaveTextContent(
        "Server-Sent Events keep one response open. When"
      )
    )
    await expect(root(canvasElement)).toHaveAttribute("data-state", "streaming")
    await expect(canvas.getByRole("status")).toHaveTextContent("Writing…")
    await expect(content(canvasElement)).toHaveAttribute("aria-busy", "true")
    await expect(
      getComputedStyle(caret(canvasElement)!).animationName
    ).not.toBe("none")
    // The live region holds the finished sentence only: "When" waits for the rest of its sentence.
    const live = announcer(canvasElement)
    await expect(live).toHaveAttribute("aria-live", "polite")
    await waitFor(() =>
      expect(live).toHaveTextContent(
        "Server-Sent Events keep one response open."
      )
    )
    await expect(live).not.toHaveTextContent("When")
    await expect(live.children).toHaveLength(1)
  },
}

/** Stop closes the stream and keeps the text; the same button becomes Retry and keeps keyboard focus. */
export const Stopped: Story = {
  args: { onStop: fn() },
  play: async (context) => {
    const { canvas, canvasElement, args } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, 8)
    await waitFor(() =>
      expect(content(canvasElement)).toHaveTextContent(/When it drops,$/)
    )
    const stop = canvas.getByRole("button", { name: "Stop" })
    stop.focus()
    await userEvent.keyboard("{Enter}")
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "stopped")
    )
    await expect(kit.server.connections).toBe(0)
    await expect(content(canvasElement)).toHaveTextContent(
      "Server-Sent Events keep one response open. When it drops,"
    )
    await expect(content(canvasElement)).toHaveAttribute("aria-busy", "false")
    await expect(caret(canvasElement)).toBeNull()
    await expect(canvas.getByRole("status")).toHaveTextContent("Stopped")
    await expect(args.onStop).toHaveBeenCalledWith(
      "Server-Sent Events keep one response open. When it drops,"
    )
    const retry = canvas.getByRole("button", { name: "Retry" })
    await expect(retry).toBe(stop)
    await expect(document.activeElement).toBe(retry)
    // What was left of the sentence is announced once the text stops.
    await waitFor(() =>
      expect(announcer(canvasElement)).toHaveTextContent("When it drops,")
    )
  },
}

/**
 * The connection drops mid-answer. The client reconnects with `Last-Event-ID`; this server honours it but also
 * replays two tokens from before it (as a server resuming from a coarser checkpoint might). No token is doubled or lost.
 */
export const ResumedAfterDrop: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, 8)
    await waitFor(() =>
      expect(content(canvasElement)).toHaveTextContent(/When it drops,$/)
    )
    kit.chaos.disconnect()
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "reconnecting")
    )
    // The text so far stays while it waits; the countdown is visual only.
    await expect(content(canvasElement)).toHaveTextContent(/When it drops,$/)
    await expect(canvas.getByRole("status")).toHaveTextContent(
      /Connection lost\. Reconnecting in [5-8]\s?s/
    )
    kit.chaos.reconnect()
    await userEvent.click(canvas.getByRole("button", { name: "Retry now" }))
    await kit.server.waitForConnections(1)
    await expect(kit.server.requests.at(-1)?.lastEventId).toBe("8")
    sendTokens(kit, 7, ANSWER.length - 1)
    kit.server.send({ event: "done", data: {} })
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "done")
    )
    await expect(content(canvasElement).textContent).toBe(ANSWER.join(""))
  },
}

/** Done: the caret goes, the stream is closed (its end is not a drop), `onDone` gets the text, and Regenerate appears. */
export const Done: Story = {
  args: { onDone: fn() },
  play: async (context) => {
    const { canvas, canvasElement, args } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, ANSWER.length - 1)
    kit.server.send({ event: "done", data: {} })
    kit.server.end()
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "done")
    )
    await expect(caret(canvasElement)).toBeNull()
    await expect(content(canvasElement)).toHaveAttribute("aria-busy", "false")
    await expect(canvas.getByRole("status")).toHaveTextContent("Done")
    await expect(args.onDone).toHaveBeenCalledOnce()
    await expect(args.onDone).toHaveBeenCalledWith(ANSWER.join(""))
    await expect(kit.server.connections).toBe(0)
    await expect(
      canvas.getByRole("button", { name: "Regenerate" })
    ).toBeVisible()
    // Every sentence was announced, the last one once the answer was done.
    await waitFor(() =>
      expect(announcer(canvasElement)).toHaveTextContent(
        "When it drops, the client resumes from the last id."
      )
    )
    await sleep(300)
    await expect(kit.server.requests).toHaveLength(1)
  },
}

/** The server reports a failure (`error` event): the text so far stays, with the message and Retry. */
export const ErrorEvent: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, 5)
    kit.server.send({
      event: "error",
      data: { message: "The model is overloaded. Try again in a moment." },
    })
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "error")
    )
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Something went wrong"
    )
    await expect(
      canvas.getByText("The model is overloaded. Try again in a moment.")
    ).toBeVisible()
    await expect(content(canvasElement)).toHaveTextContent(
      "Server-Sent Events keep one response open."
    )
    await expect(canvas.getByRole("button", { name: "Retry" })).toBeVisible()
  },
}

/** Retry after an error starts a fresh answer: no `Last-Event-ID`, the old text cleared. */
export const RetryAfterError: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = kitOf(context)
    await ErrorEvent.play?.(context)
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    await kit.server.waitForConnections(1)
    await expect(kit.server.requests.at(-1)?.lastEventId).toBeNull()
    await waitFor(() => expect(content(canvasElement).textContent).toBe(""))
    sendTokens(kit, 0, 1)
    await waitFor(() =>
      expect(content(canvasElement).textContent).toBe("Server-Sent Events")
    )
    await expect(root(canvasElement)).toHaveAttribute("data-state", "streaming")
  },
}

/** The server refuses the stream (401): the reason and Retry, which calls `onRetry`. */
export const Unauthorized: Story = {
  args: { onRetry: fn() },
  beforeEach: (context) => kitOf(context).server.respondWith({ status: 401 }),
  play: async ({ canvas, canvasElement, args }) => {
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "error")
    )
    await expect(
      canvasElement.querySelector('[data-slot="streaming-text-error"]')
        ?.textContent
    ).toMatch(/401/)
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    await expect(args.onRetry).toHaveBeenCalledOnce()
  },
}

/** Offline: the text stays, the caret holds still, and it continues when the network is back. */
export const Offline: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, 5)
    await waitFor(() =>
      expect(content(canvasElement)).toHaveTextContent(/open\.$/)
    )
    kit.chaos.offline()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("You are offline.")
    )
    await expect(getComputedStyle(caret(canvasElement)!).animationName).toBe(
      "none"
    )
    kit.chaos.online()
    await kit.server.waitForConnections(1)
    await expect(kit.server.requests.at(-1)?.lastEventId).toBe("5")
    sendTokens(kit, 6, 7)
    await waitFor(() =>
      expect(content(canvasElement)).toHaveTextContent(/open\. When it$/)
    )
  },
}

const LONG_TOKENS = [
  "Long",
  " answers",
  " wrap:",
  " https://example.com/a/very/long/path/without/any/spaces/that/would/otherwise/overflow/the/card/and/scroll/sideways",
  " and",
  " Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenhersteller",
  " too.\n\nParagraphs",
  " keep",
  " their",
  " breaks.",
]

/** Long URLs and words wrap inside the card; line breaks in the text are kept. */
export const LongText: Story = {
  args: {
    className: "max-w-sm rounded-xl border bg-card p-4 text-card-foreground",
  },
  play: async (context) => {
    const { canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, LONG_TOKENS.length - 1, LONG_TOKENS)
    await waitFor(() =>
      expect(content(canvasElement)).toHaveTextContent(/breaks\.$/)
    )
    const card = root(canvasElement)
    await expect(card.scrollWidth).toBeLessThanOrEqual(card.clientWidth)
    await expect(getComputedStyle(content(canvasElement)).whiteSpace).toBe(
      "pre-wrap"
    )
  },
}

const ARABIC = [
  "تُبقي",
  " الأحداث",
  " المرسلة",
  " من",
  " الخادم",
  " استجابة",
  " واحدة",
  " مفتوحة.",
  " وعندما",
  " ينقطع",
]

/** Right-to-left: an Arabic answer, Arabic sentence splitting and labels. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: { locale: "ar", labels: { streaming: "جارٍ الكتابة…", stop: "إيقاف" } },
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, ARABIC.length - 1, ARABIC)
    await waitFor(() =>
      expect(content(canvasElement)).toHaveTextContent(/ينقطع$/)
    )
    await expect(getComputedStyle(content(canvasElement)).direction).toBe("rtl")
    await expect(canvas.getByRole("button", { name: "إيقاف" })).toBeVisible()
    await waitFor(() =>
      expect(announcer(canvasElement)).toHaveTextContent(
        "تُبقي الأحداث المرسلة من الخادم استجابة واحدة مفتوحة."
      )
    )
    await expect(announcer(canvasElement)).not.toHaveTextContent("ينقطع")
  },
}

/** An Arabic answer inside a left-to-right page still reads right to left (`dir="auto"`). */
export const MixedDirection: Story = {
  play: async (context) => {
    const { canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, 3, ARABIC)
    await waitFor(() => expect(content(canvasElement)).toHaveTextContent(/من$/))
    await expect(document.documentElement.dir).toBe("ltr")
    await expect(content(canvasElement).matches(":dir(rtl)")).toBe(true)
  },
}

/** Dark theme, mid-answer. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async (context) => {
    const { canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, 8)
    await waitFor(() =>
      expect(content(canvasElement)).toHaveTextContent(/drops,$/)
    )
    await expect(document.documentElement).toHaveClass("dark")
  },
}

/** Reduced motion: the caret is shown but does not blink. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async (context) => {
    const { canvasElement } = context
    const kit = kitOf(context)
    await kit.server.waitForConnections(1)
    sendTokens(kit, 0, 3)
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "streaming")
    )
    await expect(caret(canvasElement)).not.toBeNull()
    await expect(getComputedStyle(caret(canvasElement)!).animationName).toBe(
      "none"
    )
  },
}
