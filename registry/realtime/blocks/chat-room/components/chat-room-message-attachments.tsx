"use client"

import { FileText } from "lucide-react"

import { formatFileSize } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-attachments"
import type {
  ChatAttachment,
  ChatRoomLabels,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"

interface ChatRoomMessageAttachmentsProps {
  attachments: readonly ChatAttachment[]
  locale: string
  labels: ChatRoomLabels
  className?: string
}

/**
 * A message's files: images as thumbnails in a fixed 4:3 box (nothing moves when they load), other files as chips
 * with their size; each opens in a new tab.
 */
function ChatRoomMessageAttachments({
  attachments,
  locale,
  labels,
  className,
}: ChatRoomMessageAttachmentsProps) {
  return (
    <ul
      aria-label={labels.attachments}
      data-slot="chat-message-attachments"
      className={cn("flex max-w-full flex-wrap gap-1.5", className)}
    >
      {attachments.map((attachment, index) => {
        const size = formatFileSize(attachment.size, locale)
        return (
          <li key={`${attachment.url}-${index}`} className="min-w-0">
            {attachment.type.startsWith("image/") ? (
              <a
                href={attachment.url}
                target="_blank"
                rel="noreferrer"
                data-slot="chat-message-image"
                className="block aspect-[4/3] w-48 overflow-hidden rounded-xl border bg-muted outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                <img
                  src={attachment.url}
                  alt={attachment.name}
                  width={192}
                  height={144}
                  loading="lazy"
                  className="size-full object-cover"
                />
              </a>
            ) : (
              <a
                href={attachment.url}
                target="_blank"
                rel="noreferrer"
                data-slot="chat-message-file"
                className="flex max-w-64 items-center gap-2 rounded-lg border bg-background px-2.5 py-2 text-xs outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                <FileText
                  aria-hidden="true"
                  className="size-4 shrink-0 text-muted-foreground"
                />
                <span className="min-w-0 truncate font-medium">
                  {attachment.name}
                </span>
                <span className="shrink-0 text-muted-foreground tabular-nums">
                  {size}
                </span>
              </a>
            )}
          </li>
        )
      })}
    </ul>
  )
}

export { ChatRoomMessageAttachments }
export type { ChatRoomMessageAttachmentsProps }
