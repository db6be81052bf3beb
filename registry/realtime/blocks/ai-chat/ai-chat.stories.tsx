import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import {
  aiChatMeta,
  announcerOf,
  answerChunks,
  answerIs,
  ANSWERS,
  caretOf,
  composerOf,
  conversation,
  lastAnswerText,
  logOf,
  messagesOf,
  phaseIs,
  QUESTIONS,
  rootOf,
  transportOf,
  userText,
  wordsOf,
  type AiChatStoryArgs,
} from "@/registry/realtime/blocks/ai-chat/ai-chat.story-fixtures"

const meta = {
  ...aiChatMeta,
  title: "Realtime/AiChat",
} satisfies Meta<AiChatStoryArgs>

export default meta
type Story = StoryObj<typeof meta>

/** Where the held answers of these stories stop: before this chunk (2 chunks, then 10 words). */
const MID = 12
/** The words of an answer delivered before a hold at `holdAt` (after its start and text-start chunks). */
const before = (answer: string, holdAt: number) =>
  wordsOf(answer)
    .slice(0, holdAt - 2)
    .join("")
const FIRST_SENTENCE =
  "Stop aborts the request in the browser and sends a stop to the chat route. "

/** No messages yet: an invitation, and a Send that does nothing until there is a question. */
export const Empty: Story = {
  play: async ({ canvasElement, canvas }) => {
    await expect(rootOf(canvasElement)).toHaveAttribute("data-state", "idle")
    await expect(
      canvas.getByText("Ask anything to start the conversation.")
    ).toBeVisible()
    const send = canvas.getByRole("button", { name: "Send" })
    await expect(send).toHaveAttribute("aria-disabled", "true")
    await userEvent.click(send)
    await expect(messagesOf(canvasElement)).toHaveLength(0)
    await expect(logOf(canvasElement)).toHaveAttribute("aria-busy", "false")
  },
}

/** Enter sends: "Thinking…" until the first word, then the answer streams in, and Regenerate appears under it. */
export const AskAndAnswer: Story = {
  parameters: {
    script: { answers: [{ chunks: answerChunks(ANSWERS[0]!), holdAt: 1 }] },
  },
  play: async (context) => {
    const { canvasElement, canvas } = context
    const transport = transportOf(context)
    await userEvent.type(composerOf(canvasElement), `${QUESTIONS[0]}{Enter}`)
    await expect(composerOf(canvasElement)).toHaveValue("")
    await phaseIs(canvasElement, "submitted")
    await expect(canvas.getByRole("status")).toHaveTextContent("Thinking…")
    await expect(logOf(canvasElement)).toHaveAttribute("aria-busy", "true")
    await expect(transport.requests[0]?.trigger).toBe("submit-message")

    transport.release()
    await answerIs(canvasElement, ANSWERS[0]!)
    await phaseIs(canvasElement, "ready")
    await expect(caretOf(canvasElement)).toBeNull()
    await expect(logOf(canvasElement)).toHaveAttribute("aria-busy", "false")
    await expect(
      canvas.getByRole("button", { name: "Regenerate" })
    ).toBeVisible()
    // The whole answer was read out, a sentence at a time.
    await waitFor(() =>
      expect(announcerOf(canvasElement)).toHaveTextContent(
        "nothing repeated, nothing missing."
      )
    )
  },
}

/** Mid-answer: the caret blinks, the log is busy, Stop takes Send's place, and only whole sentences are read out. */
export const Streaming: Story = {
  args: { initialMessages: conversation(1) },
  parameters: {
    script: {
      answers: [
        {
          chunks: answerChunks(ANSWERS[1]!),
          holdAt: 2 + wordsOf(FIRST_SENTENCE).length,
        },
      ],
    },
  },
  play: async (context) => {
    const { canvasElement, canvas } = context
    await userEvent.type(composerOf(canvasElement), `${QUESTIONS[1]}{Enter}`)
    await waitFor(() =>
      expect(lastAnswerText(canvasElement)).toBe(FIRST_SENTENCE)
    )
    await expect(rootOf(canvasElement)).toHaveAttribute(
      "data-state",
      "streaming"
    )
    await expect(logOf(canvasElement)).toHaveAttribute("aria-busy", "true")
    const caret = caretOf(canvasElement)!
    await expect(caret).toBeVisible()
    await expect(getComputedStyle(caret).animationName).not.toBe("none")
    await expect(canvas.getByRole("button", { name: "Stop" })).toBeVisible()
    await expect(canvas.queryByRole("button", { name: "Send" })).toBeNull()
    // No Regenerate while it writes; its row is already there, so finishing shifts nothing.
    await expect(
      canvas.queryByRole("button", { name: "Regenerate" })
    ).toBeNull()
    const live = announcerOf(canvasElement)
    await expect(live).toHaveAttribute("aria-live", "polite")
    await waitFor(() =>
      expect(live).toHaveTextContent(
        "Stop aborts the request in the browser and sends a stop to the chat route."
      )
    )
    await expect(live).not.toHaveTextContent("Whichever")
    transportOf(context).release()
  },
}

/** Stop ends the answer where it is: its words stay, marked "Stopped", the transport's request is aborted. */
export const Stopped: Story = {
  parameters: {
    script: { answers: [{ chunks: answerChunks(ANSWERS[1]!), holdAt: MID }] },
  },
  play: async (context) => {
    const { canvasElement, canvas } = context
    const transport = transportOf(context)
    await userEvent.type(composerOf(canvasElement), `${QUESTIONS[1]}{Enter}`)
    const partial = before(ANSWERS[1]!, MID)
    await waitFor(() => expect(lastAnswerText(canvasElement)).toBe(partial))
    const stop = canvas.getByRole("button", { name: "Stop" })
    await userEvent.click(stop)
    await phaseIs(canvasElement, "ready")
    await expect(transport.aborts).toBe(1)
    await expect(canvas.getByText("Stopped")).toBeVisible()
    await expect(lastAnswerText(canvasElement)).toBe(partial)
    await expect(caretOf(canvasElement)).toBeNull()
    await expect(
      canvas.getByRole("button", { name: "Regenerate" })
    ).toBeVisible()
    // The same button became Send again: focus stayed on it.
    await expect(document.activeElement).toBe(
      canvas.getByRole("button", { name: "Send" })
    )
  },
}

/** After a reload mid-answer, `useChat({ resume: true })` reconnects: "Resuming…", then the whole answer. */
export const Resuming: Story = {
  args: { initialMessages: [userText("u-1", QUESTIONS[0]!)], resume: true },
  parameters: {
    script: {
      resume: { chunks: answerChunks(ANSWERS[0]!), holdAt: 0, delayMs: 5 },
    },
  },
  play: async (context) => {
    const { canvasElement, canvas } = context
    await phaseIs(canvasElement, "resuming")
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Resuming the answer…"
    )
    await expect(canvas.queryByText("Thinking…")).toBeNull()
    await expect(logOf(canvasElement)).toHaveAttribute("aria-busy", "true")
    await expect(canvas.getByRole("button", { name: "Stop" })).toBeVisible()

    transportOf(context).release()
    await answerIs(canvasElement, ANSWERS[0]!)
    await phaseIs(canvasElement, "ready")
    await expect(messagesOf(canvasElement)).toHaveLength(2)
    await expect(transportOf(context).requests).toHaveLength(0)
  },
}

/** A failed request: what went wrong in an alert, and Retry asks again. */
export const Failure: Story = {
  args: { initialMessages: conversation(1) },
  parameters: {
    script: {
      answers: [
        { fail: "The model is overloaded. Try again in a minute." },
        { chunks: answerChunks(ANSWERS[2]!) },
      ],
    },
  },
  play: async (context) => {
    const { canvasElement, canvas } = context
    await userEvent.type(composerOf(canvasElement), `${QUESTIONS[2]}{Enter}`)
    const alert = await canvas.findByRole("alert")
    await expect(alert).toHaveTextContent("The answer could not be completed.")
    await expect(alert).toHaveTextContent(
      "The model is overloaded. Try again in a minute."
    )
    await expect(rootOf(canvasElement)).toHaveAttribute("data-state", "error")
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }))
    await answerIs(canvasElement, ANSWERS[2]!)
    await expect(canvas.queryByRole("alert")).toBeNull()
    const transport = transportOf(context)
    await expect(transport.requests.map((request) => request.trigger)).toEqual([
      "submit-message",
      "regenerate-message",
    ])
    // Retry asked the same question again: 1 earlier exchange + the question.
    await expect(transport.requests[1]?.messages).toHaveLength(3)
  },
}

/** Regenerate replaces the last answer with a new one. */
export const Regenerate: Story = {
  args: { initialMessages: conversation(2) },
  parameters: { script: { answers: [{ chunks: answerChunks(ANSWERS[3]!) }] } },
  play: async (context) => {
    const { canvasElement, canvas } = context
    await expect(lastAnswerText(canvasElement)).toBe(ANSWERS[1])
    await userEvent.click(canvas.getByRole("button", { name: "Regenerate" }))
    await answerIs(canvasElement, ANSWERS[3]!)
    await expect(messagesOf(canvasElement)).toHaveLength(4)
    await expect(transportOf(context).requests[0]?.trigger).toBe(
      "regenerate-message"
    )
  },
}

/** Shift+Enter adds a line; Tab reaches Stop, and Enter on it stops, all from the keyboard. */
export const Keyboard: Story = {
  parameters: {
    script: { answers: [{ chunks: answerChunks(ANSWERS[0]!), holdAt: MID }] },
  },
  play: async (context) => {
    const { canvasElement, canvas } = context
    const field = composerOf(canvasElement)
    await userEvent.click(field)
    await userEvent.keyboard("First line{Shift>}{Enter}{/Shift}second line")
    await expect(field).toHaveValue("First line\nsecond line")
    await userEvent.keyboard("{Enter}")
    await waitFor(() => expect(messagesOf(canvasElement)).toHaveLength(2))
    await expect(
      messagesOf(canvasElement)[0]!.querySelector('[data-slot="ai-chat-text"]')
    ).toHaveProperty("textContent", "First line\nsecond line")
    await phaseIs(canvasElement, "streaming")
    // The field stays editable while the answer is written (the next question can be typed), but Enter waits.
    await userEvent.keyboard("Next question{Enter}")
    await expect(field).toHaveValue("Next question")
    await userEvent.tab()
    await expect(canvas.getByRole("button", { name: "Stop" })).toHaveFocus()
    await userEvent.keyboard("{Enter}")
    await phaseIs(canvasElement, "ready")
    await expect(transportOf(context).aborts).toBe(1)
    await expect(canvas.getByRole("button", { name: "Send" })).toHaveFocus()
  },
}

/** A long conversation opens at its end, lets you scroll back to read, and sending brings you back down. */
export const LongConversation: Story = {
  args: { initialMessages: conversation(24) },
  parameters: { script: { answers: [{ chunks: answerChunks(ANSWERS[0]!) }] } },
  play: async ({ canvasElement }) => {
    const viewport = canvasElement.querySelector<HTMLElement>(
      '[data-slot="scroll-area-viewport"]'
    )!
    const distanceFromBottom = () =>
      viewport.scrollHeight - viewport.scrollTop - viewport.clientHeight
    await expect(messagesOf(canvasElement)).toHaveLength(48)
    await waitFor(() => expect(distanceFromBottom()).toBeLessThan(2))
    viewport.scrollTop = 0
    await waitFor(() => expect(distanceFromBottom()).toBeGreaterThan(500))
    await userEvent.type(composerOf(canvasElement), "One more thing{Enter}")
    await answerIs(canvasElement, ANSWERS[0]!)
    await waitFor(() => expect(distanceFromBottom()).toBeLessThan(2))
  },
}

/** Dark theme, mid-answer, with a question and an answer before it. */
export const Dark: Story = {
  globals: { theme: "dark" },
  args: { initialMessages: conversation(1) },
  parameters: {
    script: {
      answers: [
        {
          chunks: answerChunks(ANSWERS[2]!, {
            reasoning:
              "The user asks about tabs. Channels fan out to every tab.",
          }),
          holdAt: 30,
        },
      ],
    },
  },
  play: async (context) => {
    const { canvasElement, canvas } = context
    await userEvent.type(composerOf(canvasElement), `${QUESTIONS[2]}{Enter}`)
    await waitFor(() =>
      expect(lastAnswerText(canvasElement)).toMatch(/^Yes\. Every tab/)
    )
    await expect(document.documentElement).toHaveClass("dark")
    await expect(
      canvas.getByRole("button", { name: "Reasoning" })
    ).toBeVisible()
    await expect(caretOf(canvasElement)).toBeVisible()
    transportOf(context).release()
  },
}

/** Under reduced motion the caret holds still. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  parameters: {
    script: { answers: [{ chunks: answerChunks(ANSWERS[0]!), holdAt: MID }] },
  },
  play: async (context) => {
    const { canvasElement } = context
    await userEvent.type(composerOf(canvasElement), `${QUESTIONS[0]}{Enter}`)
    await phaseIs(canvasElement, "streaming")
    await expect(getComputedStyle(caretOf(canvasElement)!).animationName).toBe(
      "none"
    )
    transportOf(context).release()
  },
}
