"use client"

import { CircleAlert, FileText, RotateCcw, X } from "lucide-react"

import { Button } from "@/components/ui/button"
import {
  formatFileSize,
  type ChatRoomAttachmentsState,
} from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-attachments"
import type { ChatRoomLabels } from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"

interface ChatRoomAttachmentsProps {
  state: ChatRoomAttachmentsState
  locale: string
  labels: ChatRoomLabels
}

/**
 * The files about to be sent, above the field: each with its preview (images) or icon, its name and size, a
 * progress bar while it uploads (Cancel aborts it), Retry after a failure, Remove once uploaded; and the files
 * refused before uploading (too big, a type the room does not take), in an alert.
 */
function ChatRoomAttachments({
  state,
  locale,
  labels,
}: ChatRoomAttachmentsProps) {
  const { drafts, refusals } = state
  if (drafts.length === 0 && refusals.length === 0) return null
  return (
    <div data-slot="chat-room-attachments" className="mb-2 flex flex-col gap-2">
      {refusals.length > 0 && (
        <div
          role="alert"
          data-slot="chat-room-attachment-refusals"
          className="flex items-start gap-1.5 text-xs text-destructive"
        >
          <CircleAlert aria-hidden="true" className="mt-px size-3.5 shrink-0" />
          <ul className="min-w-0 flex-1 [overflow-wrap:anywhere]">
            {refusals.map((refusal) => (
              <li key={refusal.key}>{refusal.message}</li>
            ))}
          </ul>
          <Button
            type="button"
            variant="ghost"
            size="icon-xs"
            aria-label={labels.dismiss}
            onClick={state.dismissRefusals}
            className="-my-1 text-foreground"
          >
            <X aria-hidden="true" />
          </Button>
        </div>
      )}
      {drafts.length > 0 && (
        <ul aria-label={labels.attachments} className="flex flex-wrap gap-2">
          {drafts.map((draft) => {
            const { name } = draft.file
            const percent = Math.round(draft.progress * 100)
            return (
              <li
                key={draft.key}
                data-slot="chat-room-attachment"
                data-status={draft.status}
                className={cn(
                  "relative flex w-56 items-center gap-2 rounded-lg border bg-background p-1.5 pe-1",
                  draft.status === "failed" && "border-destructive/60"
                )}
              >
                <div className="flex size-10 shrink-0 items-center justify-center overflow-hidden rounded-md bg-muted">
                  {draft.previewUrl ? (
                    <img
                      src={draft.previewUrl}
                      alt={name}
                      width={40}
                      height={40}
                      className="size-full object-cover"
                    />
                  ) : (
                    <FileText
                      aria-hidden="true"
                      className="size-5 text-muted-foreground"
                    />
                  )}
                </div>
                <div className="flex min-w-0 flex-1 flex-col gap-1">
                  <span className="truncate text-xs font-medium">{name}</span>
                  {draft.status === "uploading" ? (
                    <div
                      role="progressbar"
                      aria-label={labels.uploading(name)}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={percent}
                      className="h-1.5 w-full overflow-hidden rounded-full bg-muted"
                    >
                      <div
                        className="h-full rounded-full bg-primary transition-[width] motion-reduce:transition-none"
                        style={{ width: `${percent}%` }}
                      />
                    </div>
                  ) : draft.status === "failed" ? (
                    <span className="text-xs text-destructive">
                      {labels.uploadFailed}
                    </span>
                  ) : (
                    <span className="text-xs text-muted-foreground tabular-nums">
                      {formatFileSize(draft.file.size, locale)}
                    </span>
                  )}
                </div>
                {draft.status === "failed" && (
                  <Button
                    type="button"
                    variant="ghost"
                    size="icon-xs"
                    aria-label={`${labels.retry} ${name}`}
                    onClick={() => state.retry(draft.key)}
                  >
                    <RotateCcw aria-hidden="true" />
                  </Button>
                )}
                <Button
                  type="button"
                  variant="ghost"
                  size="icon-xs"
                  aria-label={
                    draft.status === "uploading"
                      ? labels.cancelUpload(name)
                      : labels.removeAttachment(name)
                  }
                  onClick={() => state.remove(draft.key)}
                  className="text-muted-foreground"
                >
                  <X aria-hidden="true" />
                </Button>
              </li>
            )
          })}
        </ul>
      )}
    </div>
  )
}

export { ChatRoomAttachments }
export type { ChatRoomAttachmentsProps }
