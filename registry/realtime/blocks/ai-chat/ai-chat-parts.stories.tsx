import type { Meta, StoryObj } from "@storybook/react-vite"
import type { UIMessage, UIMessageChunk } from "ai"
import { expect, userEvent, waitFor, within } from "storybook/test"

import {
  aiChatMeta,
  answerChunks,
  answerIs,
  ANSWERS,
  lastAnswerText,
  phaseIs,
  transportOf,
  userText,
  wordsOf,
  type AiChatStoryArgs,
} from "@/registry/realtime/blocks/ai-chat/ai-chat.story-fixtures"

const meta = {
  ...aiChatMeta,
  title: "Realtime/AiChat/Parts",
} satisfies Meta<AiChatStoryArgs>

export default meta
type Story = StoryObj<typeof meta>

const toolCallsOf = (canvasElement: HTMLElement) => [
  ...canvasElement.querySelectorAll<HTMLElement>(
    '[data-slot="ai-chat-tool-call"]'
  ),
]
const toolCall = (canvasElement: HTMLElement, state: string) =>
  canvasElement.querySelector<HTMLElement>(
    `[data-slot="ai-chat-tool-call"][data-tool-state="${state}"]`
  )!

/** An answer that used tools, one in each state a tool call goes through. */
const toolAnswer: UIMessage = {
  id: "a-tools",
  role: "assistant",
  parts: [
    { type: "step-start" },
    {
      type: "tool-searchDocs",
      toolCallId: "call-1",
      state: "output-available",
      input: { query: "resume a stream after reload" },
      output: { hits: 3, top: "AI responses over channels" },
    },
    {
      type: "tool-getForecast",
      toolCallId: "call-2",
      state: "input-streaming",
      input: { city: "Lisb" },
    },
    {
      type: "tool-runQuery",
      toolCallId: "call-3",
      state: "input-available",
      input: { sql: "select count(*) from chats" },
    },
    {
      type: "tool-sendEmail",
      toolCallId: "call-4",
      state: "output-error",
      input: { to: "ops@example.com" },
      errorText: "The mail server refused the connection.",
    },
    {
      type: "dynamic-tool",
      toolName: "deleteChat",
      toolCallId: "call-5",
      state: "output-denied",
      input: { chatId: "c-7" },
      approval: { id: "ap-1", approved: false, reason: "Not now" },
    },
    {
      type: "text",
      text: "I found the docs page, but could not send the email.",
      state: "done",
    },
    {
      type: "source-url",
      sourceId: "s-1",
      url: "https://example.com/docs/ai",
      title: "AI responses over channels",
    },
  ],
}

/** Tool calls, one line each: name and state, the error of a failed one in view, details folded away. */
export const ToolCallStates: Story = {
  args: {
    initialMessages: [userText("u-1", "Look it up and email ops."), toolAnswer],
  },
  play: async ({ canvasElement, canvas }) => {
    await expect(toolCallsOf(canvasElement)).toHaveLength(5)
    const lines = {
      "output-available": "searchDocs · done",
      "input-streaming": "getForecast · preparing",
      "input-available": "runQuery · running",
      "output-error": "sendEmail · failed",
      "output-denied": "deleteChat · denied",
    }
    for (const [state, text] of Object.entries(lines))
      await expect(toolCall(canvasElement, state)).toHaveTextContent(text)
    await expect(
      within(toolCall(canvasElement, "output-error")).getByText(
        "The mail server refused the connection."
      )
    ).toBeVisible()
    // The answer is over: a call it left unfinished holds still instead of spinning forever.
    await expect(
      toolCall(canvasElement, "input-available").querySelector(
        '[class*="animate-spin"]'
      )
    ).toBeNull()
    // Details are folded: the trigger opens input and output.
    const done = within(toolCall(canvasElement, "output-available"))
    const trigger = done.getByRole("button", { name: /searchDocs/ })
    await expect(trigger).toHaveAttribute("aria-expanded", "false")
    await expect(done.queryByText(/"hits": 3/)).toBeNull()
    await userEvent.click(trigger)
    await expect(trigger).toHaveAttribute("aria-expanded", "true")
    await expect(done.getByText(/"hits": 3/)).toBeVisible()
    await expect(done.getByText(/resume a stream after reload/)).toBeVisible()
    await expect(
      canvas.getByRole("link", { name: "AI responses over channels" })
    ).toHaveAttribute("href", "https://example.com/docs/ai")
  },
}

const TOOL_TEXT = "It is 21 °C and sunny in Lisbon."

/** A tool call as it streams: preparing while its input arrives, done with its output, then the answer. */
export const ToolCallStreaming: Story = {
  parameters: {
    script: {
      answers: [
        {
          holdAt: 4,
          chunks: [
            { type: "start" },
            { type: "start-step" },
            {
              type: "tool-input-start",
              toolCallId: "call-1",
              toolName: "getForecast",
            },
            {
              type: "tool-input-delta",
              toolCallId: "call-1",
              inputTextDelta: '{"city":"Lis',
            },
            {
              type: "tool-input-delta",
              toolCallId: "call-1",
              inputTextDelta: 'bon"}',
            },
            {
              type: "tool-input-available",
              toolCallId: "call-1",
              toolName: "getForecast",
              input: { city: "Lisbon" },
            },
            {
              type: "tool-output-available",
              toolCallId: "call-1",
              output: { celsius: 21, sky: "sunny" },
            },
            { type: "finish-step" },
            { type: "start-step" },
            { type: "text-start", id: "t1" },
            ...wordsOf(TOOL_TEXT).map((delta): UIMessageChunk => ({
              type: "text-delta",
              id: "t1",
              delta,
            })),
            { type: "text-end", id: "t1" },
            { type: "finish-step" },
            { type: "finish" },
          ],
        },
      ],
    },
  },
  args: { initialMessages: [userText("u-1", "Weather in Lisbon?")] },
  play: async (context) => {
    const { canvasElement } = context
    const field = within(canvasElement).getByRole("textbox", {
      name: "Message",
    })
    await userEvent.type(field, "And tomorrow?{Enter}")
    await waitFor(() =>
      expect(toolCall(canvasElement, "input-streaming")).toHaveTextContent(
        "getForecast · preparing"
      )
    )
    await expect(
      canvasElement.querySelector('[data-slot="ai-chat-caret"]')
    ).not.toBeNull()
    // While the answer is written, the call in progress spins.
    await expect(
      toolCall(canvasElement, "input-streaming").querySelector(
        '[class*="animate-spin"]'
      )
    ).not.toBeNull()
    transportOf(context).release()
    await answerIs(canvasElement, TOOL_TEXT)
    await expect(toolCall(canvasElement, "output-available")).toHaveTextContent(
      "getForecast · done"
    )
    await phaseIs(canvasElement, "ready")
  },
}

const REASONING =
  "The user wants to know about reloads. The answer is on a channel, so a reload can replay it."

/** Reasoning is folded away: "Reasoning…" while the model thinks, then "Reasoning", opened on demand. */
export const Reasoning: Story = {
  parameters: {
    script: {
      answers: [
        {
          chunks: answerChunks(ANSWERS[0]!, { reasoning: REASONING }),
          holdAt: 6,
        },
      ],
    },
  },
  play: async (context) => {
    const { canvasElement, canvas } = context
    await userEvent.type(
      canvas.getByRole("textbox", { name: "Message" }),
      "What about reloads?{Enter}"
    )
    const thinking = await canvas.findByRole("button", {
      name: "Reasoning…",
    })
    await expect(thinking).toHaveAttribute("aria-expanded", "false")
    await expect(canvas.queryByText(/The user wants/)).toBeNull()
    transportOf(context).release()
    await answerIs(canvasElement, ANSWERS[0]!)
    const done = canvas.getByRole("button", { name: "Reasoning" })
    await expect(done).toHaveAttribute("aria-expanded", "false")
    await userEvent.click(done)
    await expect(canvas.getByText(REASONING)).toBeVisible()
    // Reasoning is not part of the answer's text.
    await expect(lastAnswerText(canvasElement)).not.toContain("The user wants")
  },
}

/** Right to left: bubbles and icons mirror, and each message takes its own direction. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar",
    labels: {
      message: "الرسالة",
      placeholder: "اطرح سؤالاً…",
      regenerate: "إعادة التوليد",
      conversation: "المحادثة",
    },
    initialMessages: [
      userText("u-1", "كيف تستأنف الإجابة بعد إعادة التحميل؟"),
      {
        id: "a-1",
        role: "assistant",
        parts: [
          {
            type: "text",
            text: "تُكتب الإجابة في قناة، فتُعاد من أولها بعد إعادة التحميل.",
            state: "done",
          },
        ],
      },
    ],
  },
  play: async ({ canvasElement, canvas }) => {
    await expect(document.documentElement).toHaveAttribute("dir", "rtl")
    await expect(
      canvas.getByRole("button", { name: "إعادة التوليد" })
    ).toBeVisible()
    await expect(
      within(canvasElement).getByRole("log", { name: "المحادثة" })
    ).toBeVisible()
  },
}
