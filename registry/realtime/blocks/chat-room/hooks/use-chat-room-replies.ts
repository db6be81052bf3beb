"use client"

import * as React from "react"

import type { ChatRoomScroll } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-scroll"
import {
  firstLine,
  type ChatReplyTo,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

/** How long a message shown from a reply's quote stays highlighted. */
const HIGHLIGHT_MS = 2000
/** Frames to wait for the virtualizer to render a row it scrolled to, before giving up on focusing it. */
const FOCUS_FRAMES = 30

/**
 * Replies: the message being answered (quoted in the composer until sent or cancelled), and showing a reply's
 * original (scrolled into the middle of the list, focused and highlighted for a moment).
 */
export function useChatRoomReplies({
  rows,
  scroll,
  composerRef,
  getName,
  anonymousName,
}: {
  rows: readonly ChatRow[]
  scroll: ChatRoomScroll
  composerRef: React.RefObject<HTMLTextAreaElement | null>
  getName: (userId: string) => string | undefined
  anonymousName: string
}) {
  const [replyTo, setReplyTo] = React.useState<ChatReplyTo | undefined>()
  const [highlightedId, setHighlightedId] = React.useState<string | undefined>()

  React.useEffect(() => {
    if (highlightedId === undefined) return
    const timer = setTimeout(() => setHighlightedId(undefined), HIGHLIGHT_MS)
    return () => clearTimeout(timer)
  }, [highlightedId])

  const startReply = React.useCallback(
    (row: ChatRow) => {
      if (row.id === undefined) return
      const { author, text, attachments } = row.message
      setReplyTo({
        id: row.id,
        authorName: author.name || getName(author.id) || anonymousName,
        excerpt:
          firstLine(text) ||
          (attachments ?? []).map((file) => file.name).join(", "),
      })
      composerRef.current?.focus()
    },
    [getName, anonymousName, composerRef]
  )

  const showOriginal = (id: string) => {
    let index = -1
    for (let at = rows.length - 1; at >= 0; at -= 1)
      if (rows[at]?.id === id) {
        index = at
        break
      }
    if (index < 0) return false
    scroll.scrollToRow(index)
    setHighlightedId(id)
    // The row may not be rendered yet (virtualized): focus it once it is.
    let frames = 0
    const focus = () => {
      const element = scroll.scrollRef.current?.querySelector<HTMLElement>(
        `[data-message-id="${CSS.escape(id)}"]`
      )
      if (element) element.focus({ preventScroll: true })
      else if ((frames += 1) < FOCUS_FRAMES) requestAnimationFrame(focus)
    }
    requestAnimationFrame(focus)
    return true
  }

  return {
    replyTo,
    startReply,
    cancelReply: () => setReplyTo(undefined),
    showOriginal,
    highlightedId,
  }
}
