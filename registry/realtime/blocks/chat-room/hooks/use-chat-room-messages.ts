"use client"

import * as React from "react"
import type {
  OptimisticItem,
  PresenceMember,
  UseMessageActionsResult,
} from "@realtime-kit/react"

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
  /** Your edits, deletions and reactions on their way, shown at once. */
  actions: Pick<UseMessageActionsResult, "apply" | "pending">
  /** Keys of live rows a reload replaced with fresh history (they are in it, or older than it). */
  superseded: ReadonlySet<string>
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
  actions,
  superseded,
}: ChatRoomMessagesOptions) {
  const historyRows = React.useMemo(
    () =>
      history.map<ChatRow>((message) => ({
        key: message.id,
        id: message.id,
        // A deleted message's text never reaches the page, whatever the history held.
        message: message.deleted ? { ...message, text: "" } : message,
        status: "sent",
        own: message.author?.id === userId,
        live: false,
        retry: undefined,
        version: message.version,
        deleted: message.deleted,
        reactions: message.reactions,
      })),
    [history, userId]
  )
  // Built on first use: a room opened on 100k stored messages, with nothing live yet, does not pay for it.
  const isStored = React.useMemo(() => {
    let ids: ReadonlySet<string> | undefined
    return (id: string) =>
      (ids ??= new Set(history.map((message) => message.id))).has(id)
  }, [history])
  const liveRows = React.useMemo(() => {
    const result: ChatRow[] = []
    for (const item of live as readonly OptimisticItem<ChatMessageData>[]) {
      // A live message the history already has (a reload raced the subscription) is shown once.
      if (item.id !== undefined && isStored(item.id)) continue
      if (superseded.has(item.key)) continue
      if (item.deleted) {
        result.push(tombstoneRow(item, userId))
        continue
      }
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
        version: item.version,
        reactions: item.reactions,
      })
    }
    return result
  }, [isStored, live, userId, anonymousName, channel, superseded])
  const storedRows = React.useMemo(
    () => (liveRows.length === 0 ? historyRows : historyRows.concat(liveRows)),
    [historyRows, liveRows]
  )
  const { apply, pending } = actions
  const rows = React.useMemo(
    () =>
      pending.size === 0 ? storedRows : withPendingChanges(storedRows, apply),
    [storedRows, pending, apply]
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
      if (row.message.author && !row.deleted)
        map.set(row.message.author.id, row.message.author.name)
    for (const member of members)
      if (member.data?.name) map.set(member.userId, member.data.name)
    return map
  }, [historyNames, liveRows, members])

  return { historyRows, liveRows, rows, names }
}

/** A live message deleted since (or before) it arrived: who wrote it, no text. */
function tombstoneRow(item: OptimisticItem<unknown>, userId: string): ChatRow {
  const authorId = item.from ?? ""
  return {
    key: item.key,
    id: item.id,
    message: {
      text: "",
      author: { id: authorId, name: "" },
      sentAt: Number.NaN,
    },
    status: item.status,
    own: authorId !== "" && authorId === userId,
    live: true,
    retry: undefined,
    version: item.version,
    deleted: true,
  }
}

/** `rows` as they will be once your changes on their way are stored: edited text, tombstones, reaction counts. */
function withPendingChanges(
  rows: readonly ChatRow[],
  apply: UseMessageActionsResult["apply"]
): readonly ChatRow[] {
  const targets = rows.map((row) => ({
    id: row.id,
    data: row.message as unknown,
    deleted: row.deleted,
    reactions: row.reactions,
    row,
  }))
  return apply(targets).map((shown) => {
    if (!shown.pendingChange) return shown.row
    const edited = shown.data as ChatMessageData
    return {
      ...shown.row,
      message: shown.deleted
        ? { ...shown.row.message, text: "" }
        : { ...shown.row.message, text: edited.text },
      deleted: shown.deleted,
      reactions: shown.reactions,
      pendingChange: true,
    }
  })
}
