"use client"

import * as React from "react"
import { Paperclip } from "lucide-react"

import { AiChatReasoning } from "@/registry/realtime/blocks/ai-chat/components/ai-chat-reasoning"
import { AiChatToolCall } from "@/registry/realtime/blocks/ai-chat/components/ai-chat-tool-call"
import {
  isToolPart,
  type AiChatFilePart,
  type AiChatLabels,
  type AiChatSourcePart,
  type AiChatToolPart,
  type AiChatUIMessage,
} from "@/registry/realtime/blocks/ai-chat/lib/ai-chat-messages"
import { cn } from "@/registry/realtime/lib/utils"

interface AiChatMessageProps<M extends AiChatUIMessage = AiChatUIMessage> {
  message: M
  labels: AiChatLabels
  /** This answer is being written: a caret follows its last words. */
  streaming?: boolean
  /** Renders an answer's text (e.g. as Markdown). Default: the text as written, line breaks kept. */
  renderText?: (text: string, message: M) => React.ReactNode
  /** Renders a tool call your own way (a weather card…); return undefined for the default one-line summary. */
  renderTool?: (part: AiChatToolPart, message: M) => React.ReactNode
  /** What goes under the message: "Stopped", Regenerate. */
  footer?: React.ReactNode
}

/** The blinking block at the end of an answer being written; still under reduced motion. */
function AiChatCaret() {
  return (
    <span
      aria-hidden="true"
      data-slot="ai-chat-caret"
      className="ms-0.5 inline-block h-[1.1em] w-[0.45em] translate-y-[0.2em] rounded-[1px] bg-foreground/80 motion-safe:animate-pulse"
    />
  )
}

/**
 * One message of the conversation. The user's is a bubble at the end of the line; the assistant's runs the full width,
 * its parts in order: text, reasoning (collapsed), tool calls (one line each), files, and the sources it cites.
 */
function AiChatMessageView<M extends AiChatUIMessage>({
  message,
  labels,
  streaming = false,
  renderText,
  renderTool,
  footer,
}: AiChatMessageProps<M>) {
  const fromUser = message.role === "user"
  const parts = message.parts as M["parts"]
  const lastIndex = parts.length - 1
  const sources = parts.filter(
    (part): part is AiChatSourcePart => part.type === "source-url"
  )

  const body = parts.map((part, index) => {
    const key = `${message.id}-${index}`
    if (part.type === "text") {
      const caret = streaming && index === lastIndex
      if (!fromUser && renderText)
        return (
          <div key={key} data-slot="ai-chat-text">
            {renderText(part.text, message)}
            {caret && <AiChatCaret />}
          </div>
        )
      return (
        <p
          key={key}
          data-slot="ai-chat-text"
          dir="auto"
          className="leading-relaxed [overflow-wrap:anywhere] whitespace-pre-wrap"
        >
          {part.text}
          {caret && <AiChatCaret />}
        </p>
      )
    }
    if (part.type === "reasoning")
      return <AiChatReasoning key={key} part={part} labels={labels} />
    if (isToolPart(part))
      return (
        <React.Fragment key={key}>
          {renderTool?.(part, message) ?? (
            <AiChatToolCall part={part} labels={labels} active={streaming} />
          )}
        </React.Fragment>
      )
    if (part.type === "file") return <AiChatFile key={key} part={part} />
    return null
  })

  return (
    <div
      data-slot="ai-chat-message"
      data-role={message.role}
      className={cn("flex flex-col gap-2", fromUser && "items-end")}
    >
      <div
        className={cn(
          "flex min-w-0 flex-col gap-3",
          fromUser ? "max-w-[85%] rounded-2xl bg-muted px-4 py-2.5" : "w-full"
        )}
      >
        <span className="sr-only">
          {fromUser ? labels.you : labels.assistant}:
        </span>
        {body}
        {/* A caret before any text: the answer has started (a tool call, reasoning) and words are coming. */}
        {streaming && parts.at(-1)?.type !== "text" && <AiChatCaret />}
        {sources.length > 0 && (
          <ul
            aria-label={labels.sources}
            data-slot="ai-chat-sources"
            className="flex flex-wrap gap-2"
          >
            {sources.map((source) => (
              <li key={source.sourceId}>
                <a
                  href={source.url}
                  target="_blank"
                  rel="noreferrer"
                  className="inline-flex max-w-56 items-center rounded-full border px-2.5 py-0.5 text-xs text-muted-foreground underline-offset-4 hover:text-foreground hover:underline"
                >
                  <span className="truncate">
                    {source.title ?? hostOf(source.url)}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
      {footer}
    </div>
  )
}

/** An image as a thumbnail, any other file as its name. */
function AiChatFile({ part }: { part: AiChatFilePart }) {
  if (part.mediaType.startsWith("image/"))
    return (
      <img
        src={part.url}
        alt={part.filename ?? ""}
        className="max-h-48 w-auto rounded-md"
      />
    )
  return (
    <a
      href={part.url}
      target="_blank"
      rel="noreferrer"
      className="inline-flex items-center gap-1.5 text-sm underline underline-offset-4"
    >
      <Paperclip aria-hidden="true" className="size-4" />
      {part.filename ?? part.mediaType}
    </a>
  )
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname
  } catch {
    return url
  }
}

/** Messages that did not change keep their rendering while the last one streams. */
const AiChatMessage = React.memo(AiChatMessageView) as typeof AiChatMessageView

export { AiChatMessage, AiChatCaret }
export type { AiChatMessageProps }
