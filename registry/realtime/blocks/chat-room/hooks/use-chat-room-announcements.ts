"use client"

import * as React from "react"

import {
  spokenMessage,
  type ChatRoomLabels,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

/** How many recent messages the screen-reader log keeps. */
const ANNOUNCED = 5

/**
 * News for screen readers: each live message from the others, once ("Ada Lovelace: …"), the last few kept for a
 * `role="log"`. `onNews` hears how many arrived (the list counts them while the reader is scrolled up). History is
 * not news, and neither are the rows virtualization mounts.
 */
export function useChatRoomAnnouncements(
  liveRows: readonly ChatRow[],
  onNews: (count: number) => void,
  sentFiles: ChatRoomLabels["sentFiles"]
) {
  const seenKeys = React.useRef<Set<string> | null>(null)
  const [announced, setAnnounced] = React.useState<
    readonly { key: string; text: string }[]
  >([])
  React.useEffect(() => {
    // Only live messages are news (history is not announced), so only the live part is looked at.
    if (seenKeys.current === null) {
      seenKeys.current = new Set(liveRows.map((row) => row.key))
      return
    }
    const fresh: ChatRow[] = []
    for (const row of liveRows) {
      if (seenKeys.current.has(row.key)) continue
      seenKeys.current.add(row.key)
      if (row.live && !row.own && !row.deleted) fresh.push(row)
    }
    if (fresh.length === 0) return
    setAnnounced((current) =>
      [
        ...current,
        ...fresh.map((row) => ({
          key: row.key,
          text: `${row.message.author?.name ?? ""}: ${spokenMessage(row.message, { sentFiles })}`,
        })),
      ].slice(-ANNOUNCED)
    )
    onNews(fresh.length)
  }, [liveRows, onNews, sentFiles])
  // A message deleted since it was announced leaves the log too: none of its text may stay in the page.
  return React.useMemo(() => {
    const deleted = new Set(
      liveRows.filter((row) => row.deleted).map((row) => row.key)
    )
    return deleted.size === 0
      ? announced
      : announced.filter((entry) => !deleted.has(entry.key))
  }, [announced, liveRows])
}
