"use client"

import * as React from "react"
import { useReadReceipts } from "@realtime-kit/react"

import {
  findLast,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

const isOwnStored = (message: { own: boolean }) => message.own

type StoredRow = ChatRow & { id: string }

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
  // History rows are stored messages (they all have ids): passed as they are, not copied (100k of them at times).
  const stored = React.useMemo(() => {
    const history = historyRows as readonly StoredRow[]
    const fresh = liveRows.filter(
      (row): row is StoredRow => row.id !== undefined
    )
    return fresh.length === 0 ? history : history.concat(fresh)
  }, [historyRows, liveRows])
  const { markRead, seenBy } = useReadReceipts(room, {
    messages: stored,
    isOwn: isOwnStored,
  })

  const newestId = React.useMemo(
    () => findLast(rows, (row) => row.id !== undefined)?.id,
    [rows]
  )
  React.useEffect(() => {
    if (!atBottom || newestId === undefined) return
    const mark = () => {
      if (document.visibilityState === "visible") markRead(newestId)
    }
    mark()
    document.addEventListener("visibilitychange", mark)
    return () => document.removeEventListener("visibilitychange", mark)
  }, [atBottom, newestId, markRead])

  // Searched once per change of the rows, not on every render: without a message of yours it is all of them.
  const lastOwn = React.useMemo(
    () => findLast(rows, (row) => row.own && row.id !== undefined),
    [rows]
  )
  // A reader who has left (and whose name we never saw) is "Someone", not a connection id.
  const seenNames = lastOwn?.id
    ? seenBy(lastOwn.id).map((id) => names.get(id) ?? anonymousName)
    : []
  return { lastOwn, seenNames }
}
