"use client"

import * as React from "react"
import { useReadReceipts } from "@realtime-kit/react"

import {
  findLast,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

const isOwnStored = (message: { own: boolean }) => message.own

/**
 * Read receipts for the room: who has seen your last message (names, "Someone" for a reader who left unnamed),
 * and your own receipt, sent up to the newest message while it is on screen (at the bottom, page visible).
 */
export function useChatRoomReceipts(
  room: Parameters<typeof useReadReceipts>[0],
  {
    historyRows,
    liveRows,
    rows,
    names,
    anonymousName,
    atBottom,
  }: {
    historyRows: readonly ChatRow[]
    liveRows: readonly ChatRow[]
    rows: readonly ChatRow[]
    names: ReadonlyMap<string, string>
    anonymousName: string
    atBottom: boolean
  }
) {
  const storedHistory = React.useMemo(
    () => historyRows.map((row) => ({ id: row.id as string, own: row.own })),
    [historyRows]
  )
  const stored = React.useMemo(() => {
    const fresh = liveRows.flatMap((row) =>
      row.id === undefined ? [] : [{ id: row.id, own: row.own }]
    )
    return fresh.length === 0 ? storedHistory : storedHistory.concat(fresh)
  }, [storedHistory, liveRows])
  const { markRead, seenBy } = useReadReceipts(room, {
    messages: stored,
    isOwn: isOwnStored,
  })

  const newestId = findLast(rows, (row) => row.id !== undefined)?.id
  React.useEffect(() => {
    if (!atBottom || newestId === undefined) return
    const mark = () => {
      if (document.visibilityState === "visible") markRead(newestId)
    }
    mark()
    document.addEventListener("visibilitychange", mark)
    return () => document.removeEventListener("visibilitychange", mark)
  }, [atBottom, newestId, markRead])

  const lastOwn = findLast(rows, (row) => row.own && row.id !== undefined)
  // A reader who has left (and whose name we never saw) is "Someone", not a connection id.
  const seenNames = lastOwn?.id
    ? seenBy(lastOwn.id).map((id) => names.get(id) ?? anonymousName)
    : []
  return { lastOwn, seenNames }
}
