"use client"

import * as React from "react"
import { LoaderCircle, TriangleAlert, X } from "lucide-react"

import { Button } from "@/components/ui/button"
import type { ChatRoomLabels } from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

interface ChatRoomGapBannerProps {
  /** Reloads the latest messages (the room's `loadHistory`); absent when the room has none: dismiss only. */
  onReload: (() => Promise<void>) | undefined
  onDismiss: () => void
  labels: ChatRoomLabels
}

/**
 * Over the top of the list (nothing under it moves when it appears): says that this client may have missed messages (it was away longer than the server keeps them, or the server's
 * log started over), with Reload when the room can load history, and a way to dismiss it. A failed reload keeps
 * the banner and says so.
 */
function ChatRoomGapBanner({
  onReload,
  onDismiss,
  labels,
}: ChatRoomGapBannerProps) {
  const [state, setState] = React.useState<"idle" | "loading" | "error">("idle")
  return (
    <div
      role="status"
      data-slot="chat-room-gap"
      data-state={state}
      className="absolute inset-x-0 top-0 z-10 flex items-center gap-2 border-b bg-muted px-4 py-1.5 text-xs shadow-xs"
    >
      <TriangleAlert
        aria-hidden="true"
        className="size-3.5 shrink-0 text-muted-foreground"
      />
      <span className="min-w-0 flex-1">
        {labels.missedMessages}
        {state === "error" && <> {labels.historyFailed}</>}
      </span>
      {onReload && (
        <Button
          type="button"
          variant="outline"
          size="xs"
          disabled={state === "loading"}
          onClick={async () => {
            setState("loading")
            try {
              await onReload()
            } catch {
              setState("error")
              return
            }
            onDismiss()
          }}
        >
          {state === "loading" && (
            <LoaderCircle
              aria-hidden="true"
              className="motion-safe:animate-spin"
            />
          )}
          {labels.reload}
        </Button>
      )}
      <Button
        type="button"
        variant="ghost"
        size="icon-xs"
        aria-label={labels.dismiss}
        onClick={onDismiss}
      >
        <X aria-hidden="true" />
      </Button>
    </div>
  )
}

export { ChatRoomGapBanner }
export type { ChatRoomGapBannerProps }
