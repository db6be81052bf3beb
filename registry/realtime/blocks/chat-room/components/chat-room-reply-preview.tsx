"use client"

import * as React from "react"
import { Reply, X } from "lucide-react"

import { Button } from "@/components/ui/button"
import type {
  ChatReplyTo,
  ChatRoomLabels,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"

interface ChatRoomReplyPreviewProps {
  replyTo: ChatReplyTo
  onCancel: () => void
  labels: ChatRoomLabels
}

/** Above the field while replying: whom and what you answer, and ✕ to stop (Escape in the field does the same). */
function ChatRoomReplyPreview({
  replyTo,
  onCancel,
  labels,
}: ChatRoomReplyPreviewProps) {
  return (
    <div
      data-slot="chat-room-reply-preview"
      className="mb-2 flex items-center gap-2 rounded-md border-s-2 border-primary bg-muted px-2.5 py-1.5 text-xs"
    >
      <Reply
        aria-hidden="true"
        className="size-3.5 shrink-0 text-muted-foreground rtl:-scale-x-100"
      />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{labels.replyingTo(replyTo.authorName)}</p>
        <p dir="auto" className="truncate text-muted-foreground">
          {replyTo.excerpt}
        </p>
      </div>
      <Button
        type="button"
        variant="ghost"
        size="icon-xs"
        aria-label={labels.cancelReply}
        onClick={onCancel}
        data-slot="chat-room-reply-cancel"
      >
        <X aria-hidden="true" />
      </Button>
    </div>
  )
}

interface ChatRoomReplyQuoteProps {
  replyTo: ChatReplyTo
  /** The original is in the list and deleted: its text is not shown. */
  originalDeleted: boolean
  /** Shows the original; false when it is not in the list (not loaded). */
  onShow: (id: string) => boolean
  labels: ChatRoomLabels
  className?: string
}

/**
 * The quote above a reply: who and what it answers. A button: it scrolls to the original and highlights it, or
 * says politely that the original is not loaded.
 */
function ChatRoomReplyQuote({
  replyTo,
  originalDeleted,
  onShow,
  labels,
  className,
}: ChatRoomReplyQuoteProps) {
  const [missing, setMissing] = React.useState(false)
  return (
    <div className={cn("flex max-w-full min-w-0 flex-col", className)}>
      <button
        type="button"
        data-slot="chat-message-reply-quote"
        data-deleted={originalDeleted || undefined}
        onClick={() => setMissing(!onShow(replyTo.id))}
        className="flex max-w-full min-w-0 flex-col items-start rounded-md border-s-2 border-primary/60 bg-muted/60 px-2.5 py-1 text-start text-xs outline-none hover:bg-muted focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        <span className="font-medium text-foreground">
          <span className="sr-only">{labels.showOriginal} </span>
          {replyTo.authorName}
        </span>
        <span
          dir="auto"
          className={cn(
            "max-w-full truncate text-muted-foreground",
            originalDeleted && "italic"
          )}
        >
          {originalDeleted ? labels.originalDeleted : replyTo.excerpt}
        </span>
      </button>
      <span
        role="status"
        data-slot="chat-message-reply-missing"
        className="text-xs text-muted-foreground"
      >
        {missing ? labels.originalNotLoaded : ""}
      </span>
    </div>
  )
}

export { ChatRoomReplyPreview, ChatRoomReplyQuote }
export type { ChatRoomReplyPreviewProps, ChatRoomReplyQuoteProps }
