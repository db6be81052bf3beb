"use client"

import * as React from "react"

import { ChatRoomMessageAttachments } from "@/registry/realtime/blocks/chat-room/components/chat-room-message-attachments"
import { ChatRoomReplyQuote } from "@/registry/realtime/blocks/chat-room/components/chat-room-reply-preview"
import type {
  ChatRoomLabels,
  ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"

interface ChatRoomMessageBodyProps {
  row: ChatRow
  /** You: a mention of you stands out more. */
  userId: string
  getName: (userId: string) => string | undefined
  /** The original of a reply is in the list and deleted. */
  originalDeleted: boolean
  onShowOriginal: (id: string) => boolean
  locale: string
  labels: ChatRoomLabels
  /** Beside the bubble (the toolbar). */
  children?: React.ReactNode
}

/** A message's content: the quote it answers, its text with mentions highlighted, and its files. */
function ChatRoomMessageBody({
  row,
  userId,
  getName,
  originalDeleted,
  onShowOriginal,
  locale,
  labels,
  children,
}: ChatRoomMessageBodyProps) {
  const { message, own, status } = row
  const attachments = message.attachments ?? []
  return (
    <>
      {message.replyTo && (
        <ChatRoomReplyQuote
          replyTo={message.replyTo}
          originalDeleted={originalDeleted}
          onShow={onShowOriginal}
          labels={labels}
          className={own ? "items-end" : "items-start"}
        />
      )}
      <div
        className={cn(
          "flex max-w-full min-w-0 items-center gap-1",
          own && "flex-row-reverse"
        )}
      >
        {message.text !== "" || attachments.length === 0 ? (
          <div
            dir="auto"
            data-slot="chat-message-text"
            className={cn(
              "max-w-full min-w-0 rounded-2xl px-3 py-2 text-sm leading-relaxed [overflow-wrap:anywhere] whitespace-pre-wrap",
              own
                ? "bg-primary text-primary-foreground"
                : "bg-muted text-foreground",
              (status === "pending" || row.pendingChange) && "opacity-70",
              status === "failed" &&
                "bg-destructive/10 text-foreground ring-1 ring-destructive/50"
            )}
          >
            <MentionedText
              text={message.text}
              mentions={message.mentions}
              userId={userId}
              getName={getName}
              inverted={own && status !== "failed"}
            />
          </div>
        ) : (
          <ChatRoomMessageAttachments
            attachments={attachments}
            locale={locale}
            labels={labels}
            className={own ? "justify-end" : undefined}
          />
        )}
        {children}
      </div>
      {message.text !== "" && attachments.length > 0 && (
        <ChatRoomMessageAttachments
          attachments={attachments}
          locale={locale}
          labels={labels}
          className={own ? "justify-end" : undefined}
        />
      )}
    </>
  )
}

/** `text` with each `@Name` of a mentioned user marked; a mention of you more strongly. */
function MentionedText({
  text,
  mentions,
  userId,
  getName,
  inverted,
}: {
  text: string
  mentions: readonly string[] | undefined
  userId: string
  getName: (userId: string) => string | undefined
  /** On your own (primary-coloured) bubble. */
  inverted: boolean
}) {
  const tokens = React.useMemo(() => {
    const byName = new Map<string, string>()
    for (const id of mentions ?? []) {
      const name = getName(id)
      if (name) byName.set(`@${name}`, id)
    }
    if (byName.size === 0) return [text]
    // Longest first: "@Ada Lovelace" wins over "@Ada".
    const names = [...byName.keys()].sort((a, b) => b.length - a.length)
    const pattern = new RegExp(`(${names.map(escapeRegExp).join("|")})`, "g")
    return text
      .split(pattern)
      .map((part) =>
        byName.has(part) ? { text: part, id: byName.get(part)! } : part
      )
  }, [text, mentions, getName])
  return tokens.map((token, index) =>
    typeof token === "string" ? (
      <React.Fragment key={index}>{token}</React.Fragment>
    ) : (
      <span
        key={index}
        data-slot="chat-message-mention"
        data-self={token.id === userId || undefined}
        className={cn(
          "rounded-sm px-0.5 font-semibold",
          token.id === userId
            ? inverted
              ? "bg-primary-foreground text-primary"
              : "bg-primary text-primary-foreground"
            : inverted
              ? "underline underline-offset-2"
              : "bg-background text-foreground"
        )}
      >
        {token.text}
      </span>
    )
  )
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

export { ChatRoomMessageBody }
export type { ChatRoomMessageBodyProps }
