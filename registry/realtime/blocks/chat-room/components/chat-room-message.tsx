"use client"

import { CircleAlert, Clock, RotateCcw } from "lucide-react"

import { Button } from "@/components/ui/button"
import type {
  ChatRoomLabels,
  ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"
import { PresenceAvatar } from "@/registry/realtime/ui/presence-avatars"

interface ChatRoomMessageProps {
  row: ChatRow
  /** It continues the previous author's messages: no avatar and no visible header. */
  grouped: boolean
  /** When it was sent, formatted for the reader ("" when unknown). */
  time: string
  /** The connection is open: a pending message is "Sending…", else it waits for the connection. */
  connected: boolean
  /** "Seen by …" under your last message. */
  seenBy: string | undefined
  labels: ChatRoomLabels
}

/**
 * One message: the others' on the start side with their avatar, yours on the end side. A pending one is dimmed and
 * says whether it is sending or waiting for the connection; a failed one offers Retry, or shows why the server
 * refused it for good.
 */
function ChatRoomMessage({
  row,
  grouped,
  time,
  connected,
  seenBy,
  labels,
}: ChatRoomMessageProps) {
  const { message, own, status } = row
  const author = message.author ?? { id: "", name: "" }
  const name = own ? labels.you : author.name
  const header = (
    <>
      <span className="font-medium text-foreground">{name}</span>
      {time && (
        <>
          {" "}
          <time
            dateTime={new Date(message.sentAt).toISOString()}
            suppressHydrationWarning
            className="tabular-nums"
          >
            {time}
          </time>
        </>
      )}
    </>
  )
  return (
    <div
      data-slot="chat-message"
      data-status={status}
      data-own={own || undefined}
      className={cn(
        "flex gap-2 px-4",
        grouped ? "pt-0.5" : "pt-3",
        own && "flex-row-reverse"
      )}
    >
      {!own && (
        <div className="w-7 shrink-0">
          {!grouped && (
            <PresenceAvatar
              userId={author.id}
              name={author.name}
              avatarUrl={author.avatarUrl}
              size="sm"
              className="size-7 ring-0"
              aria-hidden="true"
            />
          )}
        </div>
      )}
      <div
        className={cn(
          "flex max-w-[80%] min-w-0 flex-col gap-1",
          own ? "items-end" : "items-start"
        )}
      >
        {grouped ? (
          <span className="sr-only">{header}</span>
        ) : (
          <div className="text-xs text-muted-foreground">{header}</div>
        )}
        <div
          dir="auto"
          data-slot="chat-message-text"
          className={cn(
            "max-w-full rounded-2xl px-3 py-2 text-sm leading-relaxed [overflow-wrap:anywhere] whitespace-pre-wrap",
            own
              ? "bg-primary text-primary-foreground"
              : "bg-muted text-foreground",
            status === "pending" && "opacity-70",
            status === "failed" &&
              "bg-destructive/10 text-foreground ring-1 ring-destructive/50"
          )}
        >
          {message.text}
        </div>
        <ChatRoomMessageStatus
          row={row}
          connected={connected}
          labels={labels}
        />
        {seenBy && (
          <span
            data-slot="chat-message-seen"
            className="text-xs text-muted-foreground"
          >
            {seenBy}
          </span>
        )}
      </div>
    </div>
  )
}

/** Under a message of yours that is not through: sending or queued, or failed with Retry or the server's reason. */
function ChatRoomMessageStatus({
  row,
  connected,
  labels,
}: Pick<ChatRoomMessageProps, "row" | "connected" | "labels">) {
  if (row.status === "pending") {
    return (
      <span
        data-slot="chat-message-status"
        className="inline-flex items-center gap-1 text-xs text-muted-foreground"
      >
        <Clock aria-hidden="true" className="size-3" />
        {connected ? labels.sending : labels.queued}
      </span>
    )
  }
  if (row.status !== "failed") return null
  return (
    <>
      <span
        data-slot="chat-message-status"
        className="inline-flex items-center gap-2 text-xs text-destructive"
      >
        <CircleAlert aria-hidden="true" className="size-3.5" />
        {labels.failed}
        {row.retry && (
          <Button
            type="button"
            variant="link"
            size="xs"
            onClick={row.retry}
            className="h-auto px-0 text-foreground underline has-[>svg]:px-0"
          >
            <RotateCcw aria-hidden="true" />
            {labels.retry}
          </Button>
        )}
      </span>
      {row.refusal && (
        <div
          dir="auto"
          data-slot="chat-message-refusal"
          className="max-w-full text-xs [overflow-wrap:anywhere] text-destructive"
        >
          <p>{row.refusal.message}</p>
          {row.refusal.issues.length > 0 && (
            <ul className="list-disc ps-4">
              {row.refusal.issues.map((issue, index) => (
                <li key={index}>{issue}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  )
}

export { ChatRoomMessage }
export type { ChatRoomMessageProps }
