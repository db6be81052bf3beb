"use client"

import * as React from "react"

import { useChatRoomVirtualizer } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-virtualizer"
import type {
  ChatHistoryState,
  ChatMessage,
  ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

/** Within this distance (px) of the bottom, the list follows new messages. */
const STICK_THRESHOLD = 48
/** Within this distance (px) of the top, older messages are loaded. */
const LOAD_THRESHOLD = 160
/** The row above the list (loading / beginning of the conversation) is this tall, always: no shift when it changes. */
export const TOP_ROW_PX = 40
/**
 * A row's height before it is measured: one line of text under its author line. (Estimating each row from its
 * content was tried: the rebuild of 100k estimates it needs cost more frames than the corrections it saved; one
 * estimate for all also lets a row's position be found without a pass over every row.)
 */
const ESTIMATED_ROW_PX = 71
/** The viewport the first render fills before the scroll element is measured: a tall room, so nothing is missing. */
const INITIAL_VIEWPORT_PX = 1000

interface ChatRoomScrollOptions {
  rows: readonly ChatRow[]
  history: readonly ChatMessage[]
  setHistory: React.Dispatch<React.SetStateAction<readonly ChatMessage[]>>
  loadHistory:
    | ((before: ChatMessage | undefined) => Promise<readonly ChatMessage[]>)
    | undefined
}

/**
 * The message list's scrolling: a virtualizer over the rows, following the bottom while the reader is there (and
 * counting what arrives while they are not), and older messages loaded at the top without moving what they read.
 */
export function useChatRoomScroll({
  rows,
  history,
  setHistory,
  loadHistory,
}: ChatRoomScrollOptions) {
  const scrollRef = React.useRef<HTMLDivElement>(null)
  /** Follow new messages: true while the reader is at the bottom. */
  const stuck = React.useRef(true)
  const [atBottom, setAtBottom] = React.useState(true)
  const [unseen, setUnseen] = React.useState(0)
  /** Set before prepending history: where the content was, to put the reader back in the same place. */
  const anchor = React.useRef<{ height: number; top: number } | null>(null)
  const [historyState, setHistoryState] = React.useState<ChatHistoryState>(
    loadHistory ? "idle" : "done"
  )

  const getItemKey = React.useCallback(
    (index: number) => rows[index]?.key ?? index,
    [rows]
  )
  const { virtualizer, changes } = useChatRoomVirtualizer({
    count: rows.length,
    scrollRef,
    estimateSize: ESTIMATED_ROW_PX,
    initialHeight: INITIAL_VIEWPORT_PX,
    getItemKey,
    overscan: 8,
    scrollMargin: TOP_ROW_PX,
    paddingEnd: 12,
  })

  const scrollToBottom = React.useCallback(() => {
    const element = scrollRef.current
    if (!element) return
    stuck.current = true
    element.scrollTop = element.scrollHeight
    setAtBottom(true)
    setUnseen(0)
  }, [])

  /** Puts row `index` in the middle of the view (a reply's original), leaving the bottom. */
  const scrollToRow = React.useCallback(
    (index: number) => {
      stuck.current = false
      setAtBottom(false)
      virtualizer.scrollToIndex(index)
    },
    [virtualizer]
  )

  /** A load in flight: scroll events keep coming before the state says so, and must not start a second one. */
  const loading = React.useRef(false)
  const loadOlder = React.useCallback(async () => {
    if (!loadHistory || loading.current || historyState === "done") return
    loading.current = true
    setHistoryState("loading")
    try {
      const older = await loadHistory(history[0])
      if (older.length === 0) {
        setHistoryState("done")
        return
      }
      const element = scrollRef.current
      if (element)
        anchor.current = {
          height: element.scrollHeight,
          top: element.scrollTop,
        }
      setHistory((current) => {
        const known = new Set(current.map((message) => message.id))
        return [
          ...older.filter((message) => !known.has(message.id)),
          ...current,
        ]
      })
      setHistoryState("idle")
    } catch {
      setHistoryState("error")
    } finally {
      loading.current = false
    }
  }, [loadHistory, historyState, history, setHistory])

  const onScroll = React.useCallback(() => {
    const element = scrollRef.current
    if (!element) return
    const distance =
      element.scrollHeight - element.scrollTop - element.clientHeight
    const bottom = distance <= STICK_THRESHOLD
    stuck.current = bottom
    setAtBottom(bottom)
    if (bottom) setUnseen(0)
    // After a failure, only the Retry button asks again (not every scroll event).
    if (element.scrollTop <= LOAD_THRESHOLD && historyState === "idle")
      void loadOlder()
  }, [loadOlder, historyState])

  /** After a render of the room or of the list: keep the place after history was prepended, or follow the bottom. */
  const keepPlace = React.useCallback(() => {
    const element = scrollRef.current
    if (!element) return
    if (anchor.current) {
      element.scrollTop =
        anchor.current.top + (element.scrollHeight - anchor.current.height)
      anchor.current = null
    } else if (
      stuck.current &&
      element.scrollHeight - element.scrollTop - element.clientHeight > 1
    ) {
      element.scrollTop = element.scrollHeight
    }
  }, [])
  React.useLayoutEffect(keepPlace)

  // Nothing to scroll yet (an empty or short room): load older messages until it fills or history ends.
  React.useEffect(() => {
    const element = scrollRef.current
    if (
      element &&
      historyState === "idle" &&
      element.scrollTop <= LOAD_THRESHOLD
    )
      void loadOlder()
  }, [historyState, rows.length, loadOlder])

  /** The history was replaced by the newest page (a reload): more may load above it again, and the reader is at the bottom. */
  const restart = React.useCallback(() => {
    setHistoryState(loadHistory ? "idle" : "done")
    scrollToBottom()
  }, [loadHistory, scrollToBottom])

  /** New messages arrived: counted for the "New messages" button while the reader is scrolled up. */
  const addUnseen = React.useCallback((count: number) => {
    if (!stuck.current) setUnseen((current) => current + count)
  }, [])

  return {
    scrollRef,
    virtualizer,
    virtualizerChanges: changes,
    keepPlace,
    onScroll,
    atBottom,
    unseen,
    addUnseen,
    scrollToBottom,
    scrollToRow,
    historyState,
    loadOlder,
    restart,
  }
}

export type ChatRoomScroll = ReturnType<typeof useChatRoomScroll>

/**
 * The rows to render now, for the list: its component (not the room) re-renders as the reader scrolls and as rows are
 * measured, and after each of its renders the scroll keeps its place (the bottom, or the anchor after history).
 */
export function useChatRoomVirtualItems(scroll: ChatRoomScroll) {
  const { virtualizer, virtualizerChanges, keepPlace } = scroll
  const [, rerender] = React.useReducer((count: number) => count + 1, 0)
  const renderedVersion = virtualizerChanges.version()
  React.useLayoutEffect(
    () => virtualizerChanges.subscribe(rerender),
    [virtualizerChanges]
  )
  React.useLayoutEffect(() => {
    // Changes since this render (the scroll element attached, rows measured) that it does not show yet.
    if (virtualizerChanges.version() !== renderedVersion) rerender()
    virtualizer.settle(keepPlace)
  })
  return virtualizer.getVirtualItems()
}
