"use client"

import * as React from "react"
import { ArrowDown, LoaderCircle, MessagesSquare } from "lucide-react"

import { Button } from "@/components/ui/button"
import { ChatRoomMessage } from "@/registry/realtime/blocks/chat-room/components/chat-room-message"
import type { ChatRoomRowActions } from "@/registry/realtime/blocks/chat-room/components/chat-room-message-actions"
import {
  TOP_ROW_PX,
  useChatRoomVirtualItems,
  type ChatRoomScroll,
} from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-scroll"
import {
  continuesGroup,
  findLast,
  type ChatRoomLabels,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

interface ChatRoomListProps {
  rows: readonly ChatRow[]
  scroll: ChatRoomScroll
  /** Whether `loadHistory` was given: only then does the top say where the conversation begins. */
  pagesHistory: boolean
  /** Names the list (the room's heading). */
  labelledBy: string
  labels: ChatRoomLabels
  connected: boolean
  formatTime: (at: number) => string
  /** The row that shows "Seen by …", and that text. */
  seen: { row: ChatRow | undefined; text: string | undefined }
  /** Where "Jump to latest" puts focus afterwards (the composer). */
  onJumped: () => void
  /** Edit, delete and react, for every row. */
  actions: ChatRoomRowActions
  /** Shown over the top of the list (the "You may have missed messages" banner). */
  banner?: React.ReactNode
}

/**
 * The scrolling message list: a focusable region with the history state on top, the virtualized rows, an empty
 * state, and a "New messages" / "Jump to latest" button while the reader is scrolled up.
 */
function ChatRoomList({
  rows,
  scroll,
  pagesHistory,
  labelledBy,
  labels,
  connected,
  formatTime,
  seen,
  onJumped,
  actions,
  banner,
}: ChatRoomListProps) {
  const { virtualizer, historyState, atBottom, unseen } = scroll
  const items = useChatRoomVirtualItems(scroll)
  const showJump = !atBottom && (unseen > 0 || rows.length > 0)
  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scroll.scrollRef}
        onScroll={scroll.onScroll}
        tabIndex={0}
        role="region"
        aria-label={labels.messages}
        data-slot="chat-room-scroller"
        className="h-full overflow-y-auto overscroll-contain outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset"
      >
        {/* A short conversation sits at the bottom, next to the composer, as in any chat. */}
        <div className="flex min-h-full flex-col justify-end">
          <ChatRoomHistoryRow
            state={historyState}
            showBeginning={pagesHistory && rows.length > 0}
            onRetry={() => void scroll.loadOlder()}
            labels={labels}
          />
          <div
            role="list"
            aria-labelledby={labelledBy}
            data-slot="chat-room-messages"
            onKeyDown={focusNeighbourMessage}
            className="relative w-full"
            style={{ height: virtualizer.getTotalSize() }}
          >
            {items.map((virtual) => {
              const row = rows[virtual.index] as ChatRow
              return (
                <div
                  key={virtual.key}
                  ref={virtualizer.measureElement}
                  data-index={virtual.index}
                  role="listitem"
                  aria-posinset={virtual.index + 1}
                  aria-setsize={historyState === "done" ? rows.length : -1}
                  className="absolute inset-x-0 top-0"
                  style={{
                    transform: `translateY(${virtual.start - TOP_ROW_PX}px)`,
                  }}
                >
                  <ChatRoomListMessage
                    row={row}
                    grouped={continuesGroup(row, rows[virtual.index - 1])}
                    formatTime={formatTime}
                    connected={connected}
                    seenBy={row === seen.row ? seen.text : undefined}
                    labels={labels}
                    actions={actions}
                    originalDeleted={originalDeleted(rows, row)}
                  />
                </div>
              )
            })}
          </div>
        </div>
      </div>

      {banner}

      {rows.length === 0 && historyState !== "loading" && (
        <div
          data-slot="chat-room-empty"
          className="pointer-events-none absolute inset-0 flex flex-col items-center justify-center gap-2 p-6 text-center"
        >
          <MessagesSquare
            aria-hidden="true"
            className="size-8 text-muted-foreground"
          />
          <p className="text-sm font-medium">{labels.empty}</p>
          <p className="text-sm text-muted-foreground">{labels.emptyHint}</p>
        </div>
      )}

      {showJump && (
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => {
            scroll.scrollToBottom()
            onJumped()
          }}
          data-slot="chat-room-jump"
          className="absolute start-1/2 bottom-3 -translate-x-1/2 rounded-full text-xs shadow-md rtl:translate-x-1/2"
        >
          <ArrowDown aria-hidden="true" />
          {unseen > 0 ? labels.newMessages(unseen) : labels.jumpToLatest}
        </Button>
      )}
    </div>
  )
}

/**
 * A message of the list, rendered again only when something it shows changed: while the reader scrolls, the rows
 * that stay in view keep theirs and only the rows coming into view render.
 */
const ChatRoomListMessage = React.memo(function ChatRoomListMessage({
  formatTime,
  ...props
}: Omit<React.ComponentProps<typeof ChatRoomMessage>, "time"> & {
  formatTime: (at: number) => string
}) {
  return (
    <ChatRoomMessage {...props} time={formatTime(props.row.message.sentAt)} />
  )
})

/**
 * ArrowUp / ArrowDown on a focused message focus the one before / after it (and its toolbar): from the keyboard, the
 * list reads like a feed. The neighbours are rendered (the virtualizer's overscan), and focusing scrolls them in.
 */
function focusNeighbourMessage(event: React.KeyboardEvent<HTMLElement>) {
  if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return
  const message = event.target as HTMLElement
  if (message.dataset.slot !== "chat-message") return
  const index = Number(message.parentElement?.dataset.index)
  const step = event.key === "ArrowUp" ? -1 : 1
  const neighbour = event.currentTarget.querySelector<HTMLElement>(
    `[data-index="${index + step}"] > [data-slot="chat-message"]`
  )
  if (!neighbour) return
  event.preventDefault()
  neighbour.focus()
}

/** Whether `row` replies to a message that is in the list and deleted (searched from the end: replies are recent). */
function originalDeleted(rows: readonly ChatRow[], row: ChatRow) {
  const id = row.message.replyTo?.id
  if (id === undefined) return false
  return findLast(rows, (candidate) => candidate.id === id)?.deleted ?? false
}

/** Above the first row, always the same height: loading, a failure with Retry, or the beginning of the conversation. */
function ChatRoomHistoryRow({
  state,
  showBeginning,
  onRetry,
  labels,
}: {
  state: ChatRoomScroll["historyState"]
  showBeginning: boolean
  onRetry: () => void
  labels: ChatRoomLabels
}) {
  return (
    <div
      data-slot="chat-room-history"
      className="flex items-center justify-center gap-2 text-xs text-muted-foreground"
      style={{ height: TOP_ROW_PX }}
    >
      {state === "loading" && (
        <span role="status" className="inline-flex items-center gap-2">
          <LoaderCircle
            aria-hidden="true"
            className="size-3.5 motion-safe:animate-spin"
          />
          {labels.loadingHistory}
        </span>
      )}
      {state === "error" && (
        <span role="alert" className="inline-flex items-center gap-2">
          {labels.historyFailed}
          <Button
            type="button"
            variant="link"
            size="xs"
            onClick={onRetry}
            className="h-auto px-0 text-foreground underline"
          >
            {labels.retry}
          </Button>
        </span>
      )}
      {state === "done" && showBeginning && <span>{labels.beginning}</span>}
    </div>
  )
}

export { ChatRoomList }
export type { ChatRoomListProps }
