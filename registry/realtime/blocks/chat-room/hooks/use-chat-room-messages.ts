"use client"

import * as React from "react"
import type { OptimisticItem, PresenceMember } from "@realtime-kit/react"

import {
  refusalOf,
  type ChatMessage,
  type ChatMessageData,
  type ChatPresenceData,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

interface ChatRoomMessagesOptions {
  channel: string
  /** What `useOptimisticPublish(room, "message")` holds: live messages and yours on their way. */
  live: readonly OptimisticItem<unknown>[]
  /** Stored messages, oldest first (initial ones and what `loadHistory` returned). */
  history: readonly ChatMessage[]
  userId: string
  /** The author shown for a message published without one. */
  anonymousName: string
  members: readonly PresenceMember<ChatPresenceData>[]
}

/**
 * The rows of the list (history, then live messages and yours on their way) and display names by user id.
 *
 * History rows are rebuilt only when the history changes; a live message only adds to the (short) live part, so a
 * room with 100k loaded messages does not rebuild 100k rows for each message that arrives.
 */
export function useChatRoomMessages({
  channel,
  live,
  history,
  userId,
  anonymousName,
  members,
}: ChatRoomMessagesOptions) {
  const historyRows = React.useMemo(
    () =>
      history.map<ChatRow>((message) => ({
        key: message.id,
        id: message.id,
        message,
        status: "sent",
        own: message.author?.id === userId,
        live: false,
        retry: undefined,
      })),
    [history, userId]
  )
  const known = React.useMemo(
    () => new Set(history.map((message) => message.id)),
    [history]
  )
  const liveRows = React.useMemo(() => {
    const result: ChatRow[] = []
    for (const item of live as readonly OptimisticItem<ChatMessageData>[]) {
      // A live message the history already has (a reload raced the subscription) is shown once.
      if (item.id !== undefined && known.has(item.id)) continue
      // Anything published on `message` shows, even without an author or time (e.g. from a route handler).
      if (typeof item.data?.text !== "string") continue
      result.push({
        key: item.key,
        id: item.id,
        message: {
          ...item.data,
          author: item.data.author ?? { id: "", name: anonymousName },
          sentAt: item.data.sentAt ?? Number.NaN,
        },
        status: item.status,
        own: item.data?.author?.id === userId,
        live: true,
        retry: item.retry,
        refusal:
          item.status === "failed" && !item.retry
            ? refusalOf(item.error, channel)
            : undefined,
      })
    }
    return result
  }, [known, live, userId, anonymousName, channel])
  const rows = React.useMemo(
    () => (liveRows.length === 0 ? historyRows : historyRows.concat(liveRows)),
    [historyRows, liveRows]
  )

  // Display names by user id: presence first (it is who is here now), then message authors.
  const historyNames = React.useMemo(() => {
    const map = new Map<string, string>()
    for (const message of history)
      if (message.author) map.set(message.author.id, message.author.name)
    return map
  }, [history])
  const names = React.useMemo(() => {
    const map = new Map(historyNames)
    for (const row of liveRows)
      if (row.message.author)
        map.set(row.message.author.id, row.message.author.name)
    for (const member of members)
      if (member.data?.name) map.set(member.userId, member.data.name)
    return map
  }, [historyNames, liveRows, members])

  return { historyRows, liveRows, rows, names }
}
