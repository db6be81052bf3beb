import type { useChat, UseChatHelpers } from "@ai-sdk/react"

/**
 * A message as `useChat` from `@ai-sdk/react` gives it (the AI SDK's `UIMessage`).
 *
 * The block takes every AI SDK type from `@ai-sdk/react`, none from `ai`: `@ai-sdk/react` pins its own copy of `ai`,
 * which can be a patch behind or ahead of the app's, and the types of two copies do not mix.
 */
export type AiChatUIMessage = ReturnType<typeof useChat>["messages"][number]

/**
 * What the block needs from `useChat()` (the whole return value fits): the conversation, its status and error, and
 * the actions behind the composer, Stop, Regenerate and Retry.
 */
export type AiChatHelpers<M extends AiChatUIMessage = AiChatUIMessage> = Pick<
  UseChatHelpers<M>,
  "messages" | "status" | "error" | "sendMessage" | "regenerate" | "stop"
>

/** `useChat`'s status: `submitted`, `streaming`, `ready` or `error`. */
export type AiChatStatus = UseChatHelpers<AiChatUIMessage>["status"]

/** One part of a message, as `useChat` builds it. */
export type AiChatPart<M extends AiChatUIMessage = AiChatUIMessage> =
  M["parts"][number]

/** A tool call: a static tool (`tool-<name>`) or a dynamic one. */
export type AiChatToolPart = Extract<
  AiChatPart,
  { type: "dynamic-tool" } | { type: `tool-${string}` }
>
export type AiChatReasoningPart = Extract<AiChatPart, { type: "reasoning" }>
export type AiChatFilePart = Extract<AiChatPart, { type: "file" }>
export type AiChatSourcePart = Extract<AiChatPart, { type: "source-url" }>

/**
 * Where the conversation stands, also set as `data-state` on the root:
 * - `idle`: no messages yet;
 * - `ready`: waiting for the user;
 * - `submitted`: a question was sent, no answer yet;
 * - `resuming`: reconnecting to an answer that was being written before a reload (`useChat({ resume: true })`);
 * - `streaming`: an answer is being written;
 * - `error`: the last request failed.
 */
export type AiChatPhase =
  "idle" | "ready" | "submitted" | "resuming" | "streaming" | "error"

/** The texts of the chat. Override any of them to translate. */
export interface AiChatLabels {
  /** Names the conversation. */
  conversation: string
  /** Shown when there are no messages. */
  empty: string
  /** Names the text field. */
  message: string
  placeholder: string
  send: string
  stop: string
  regenerate: string
  retry: string
  /** Under the field while an answer is being written. */
  busyHint: string
  /** Under the field otherwise. */
  hint: string
  /** Where the answer will be, before its first word. */
  thinking: string
  resuming: string
  /** Under an answer the user stopped. */
  stopped: string
  /** Above the error's own message. */
  error: string
  /** The collapsed reasoning, while the model still reasons, and once it is done. */
  reasoning: string
  reasoningStreaming: string
  /** Names what the user wrote, and what the assistant wrote, for screen readers. */
  you: string
  assistant: string
  /** A tool call's state, after its name. */
  toolInputStreaming: string
  toolInputAvailable: string
  toolApprovalRequested: string
  toolApprovalResponded: string
  toolOutputAvailable: string
  toolOutputError: string
  toolOutputDenied: string
  /** Headings of a tool call's details. */
  toolInput: string
  toolOutput: string
  /** Names the list of sources an answer cites. */
  sources: string
}

export const defaultAiChatLabels: AiChatLabels = {
  conversation: "Conversation",
  empty: "Ask anything to start the conversation.",
  message: "Message",
  placeholder: "Ask a question…",
  send: "Send",
  stop: "Stop",
  regenerate: "Regenerate",
  retry: "Retry",
  busyHint: "Writing an answer… Stop it to ask something else.",
  hint: "Enter to send, Shift+Enter for a new line.",
  thinking: "Thinking…",
  resuming: "Resuming the answer…",
  stopped: "Stopped",
  error: "The answer could not be completed.",
  reasoning: "Reasoning",
  reasoningStreaming: "Reasoning…",
  you: "You",
  assistant: "Assistant",
  toolInputStreaming: "preparing",
  toolInputAvailable: "running",
  toolApprovalRequested: "waiting for approval",
  toolApprovalResponded: "approval sent",
  toolOutputAvailable: "done",
  toolOutputError: "failed",
  toolOutputDenied: "denied",
  toolInput: "Input",
  toolOutput: "Output",
  sources: "Sources",
}

/** The text parts of a message, joined: what is announced, and what a test compares. */
export function messageText(message: AiChatUIMessage): string {
  return message.parts
    .map((part) => (part.type === "text" ? part.text : ""))
    .join("")
}

/** Whether `part` is a tool call. Checked by hand so the block ships no code from `ai`. */
export function isToolPart(part: { type: string }): part is AiChatToolPart {
  return part.type === "dynamic-tool" || part.type.startsWith("tool-")
}

/** The tool's own title when it has one, else its name (`tool-getWeather` → `getWeather`). */
export function toolTitle(part: AiChatToolPart): string {
  if (part.title) return part.title
  return part.type === "dynamic-tool"
    ? part.toolName
    : part.type.slice("tool-".length)
}

/** The words for a tool call's state. */
export function toolStateText(
  state: AiChatToolPart["state"],
  labels: AiChatLabels
): string {
  switch (state) {
    case "input-streaming":
      return labels.toolInputStreaming
    case "input-available":
      return labels.toolInputAvailable
    case "approval-requested":
      return labels.toolApprovalRequested
    case "approval-responded":
      return labels.toolApprovalResponded
    case "output-available":
      return labels.toolOutputAvailable
    case "output-error":
      return labels.toolOutputError
    case "output-denied":
      return labels.toolOutputDenied
  }
}

/** A tool's input or output for the details: strings as they are, anything else as indented JSON. */
export function formatToolValue(value: unknown): string {
  if (typeof value === "string") return value
  try {
    return JSON.stringify(value, null, 2) ?? ""
  } catch {
    return String(value)
  }
}
