"use client"

import * as React from "react"
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualizerOptions,
} from "@tanstack/react-virtual"
import { flushSync } from "react-dom"

import {
  continuesGroup,
  type ChatHistoryState,
  type ChatMessage,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

/** Within this distance (px) of the bottom, the list follows new messages. */
const STICK_THRESHOLD = 48
/** Within this distance (px) of the top, older messages are loaded. */
const LOAD_THRESHOLD = 160
/** The row above the list (loading / beginning of the conversation) is this tall, always: no shift when it changes. */
export const TOP_ROW_PX = 40
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

  const rowMetrics = useChatRoomRowMetrics(scrollRef)
  const getItemKey = React.useCallback(
    (index: number) => rows[index]?.key ?? index,
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new function makes the virtualizer estimate every row again: when lines hold more or fewer characters.
    [rows, rowMetrics.version]
  )
  // Rows are estimated from what they hold (lines of text, reactions, the edited mark): rows measured as estimated
  // neither move the rows after them nor the scroll position, and the virtualizer recomputes nothing.
  const estimateSize = React.useCallback(
    (index: number) =>
      estimateRowPx(
        rows[index] as ChatRow,
        rows[index - 1],
        rowMetrics.current()
      ),
    [rows, rowMetrics]
  )
  const { virtualizer, changes } = useChatRoomVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    initialRect: { width: 0, height: INITIAL_VIEWPORT_PX },
    // Stable between renders: a new function would make the virtualizer re-measure every row on every render.
    getItemKey,
    // Rows render in the scroll event that brings them in (before that frame paints), so a few beyond each edge are
    // enough; each one more is rendered, laid out and measured on every frame of a fast scroll.
    overscan: 4,
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
      virtualizer.scrollToIndex(index, { align: "center" })
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
 * A message row's parts, in px, as chat-room-message lays them out (Tailwind's default spacing): what a row's height
 * is estimated from before it is rendered.
 */
const ROW = {
  top: 12,
  groupedTop: 2,
  /** Between the parts of a message (`gap-1`). */
  gap: 4,
  /** The author and time line, the "(edited)" mark, a status or "Seen by" line (`text-xs`). */
  smallLine: 16,
  /** A line of message text (`text-sm leading-relaxed`), and the bubble's padding (`py-2`) around them. */
  textLine: 22.75,
  bubblePadding: 16,
  /** The bubble's side padding (`px-3`). */
  bubbleInset: 24,
  tombstone: 38,
  reactions: 24,
  replyQuote: 40,
  image: 146,
  file: 34,
  /** The list's side padding (`px-4`), the avatar and its gap, and the toolbar beside the bubble with its gap. */
  sidePadding: 32,
  toolbar: 54,
  /** A message takes at most this share of the row (`max-w-[80%]`). */
  maxShare: 0.8,
} as const

/**
 * A row's estimate before the room is laid out (one line of text under its author line): the first paint measures the
 * rows it shows, and every other row is estimated from its content right after it.
 */
const UNMEASURED_ROOM_ROW_PX = 71

/** The longest the content estimates wait for the browser to be idle after the first paint. */
const IDLE_TIMEOUT_MS = 1000

/** What an estimate needs to know of the room: how wide a line of text is, and an average character in it. */
interface RowMetrics {
  /** The room's inner width, as the list sees it (0 until known). */
  width: number
  charWidth: number
}

/** Characters per line of a message's text, in a room `width` wide; Infinity while the width is unknown. */
function charsPerLine({ width, charWidth }: RowMetrics, stored: boolean) {
  if (width <= 0) return Infinity
  const textWidth =
    (width - ROW.sidePadding) * ROW.maxShare -
    (stored ? ROW.toolbar : 0) -
    ROW.bubbleInset
  return Math.max(1, Math.floor(textWidth / charWidth))
}

/** The lines `text` wraps to at `perLine` characters a line (each of its own lines at least one). */
function linesOf(text: string, perLine: number) {
  let lines = 0
  let start = 0
  for (;;) {
    const end = text.indexOf("\n", start)
    const length = (end < 0 ? text.length : end) - start
    lines += Math.max(1, Math.ceil(length / perLine))
    if (end < 0) return lines
    start = end + 1
  }
}

/** A row's height before it is measured, from what it holds; measuring corrects it. Called for every row: cheap. */
function estimateRowPx(
  row: ChatRow,
  previous: ChatRow | undefined,
  metrics: RowMetrics
) {
  if (metrics.width <= 0) return UNMEASURED_ROOM_ROW_PX
  const { message } = row
  const grouped = continuesGroup(row, previous)
  let height = grouped ? ROW.groupedTop : ROW.top + ROW.smallLine + ROW.gap
  if (row.deleted) return height + ROW.tombstone
  if (message.replyTo) height += ROW.replyQuote + ROW.gap
  const stored = row.status === "sent" && row.id !== undefined
  const files = message.attachments ?? []
  if (message.text !== "" || files.length === 0)
    height +=
      ROW.bubblePadding +
      ROW.textLine * linesOf(message.text, charsPerLine(metrics, stored))
  if (files.length > 0)
    height +=
      (message.text !== "" ? ROW.gap : 0) +
      (files.some((file) => file.type.startsWith("image/"))
        ? ROW.image
        : ROW.file)
  if ((row.version ?? 1) > 1) height += ROW.gap + ROW.smallLine
  if (stored && row.reactions && Object.keys(row.reactions).length > 0)
    height += ROW.gap + ROW.reactions
  if (row.status !== "sent") height += ROW.gap + ROW.smallLine
  return height
}

/** An average character of message text: a sample set in the room's font, measured once (no layout involved). */
function measureCharWidth(element: HTMLElement | null): number {
  const fallback = 7.5
  if (!element || typeof document === "undefined") return fallback
  const context = document.createElement("canvas").getContext("2d")
  if (!context) return fallback
  const style = getComputedStyle(element)
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize)
  context.font = `${0.875 * (rem || 16)}px ${style.fontFamily}`
  const sample = "The build is green again, so we can ship it before lunch #42"
  return context.measureText(sample).width / sample.length || fallback
}

/**
 * The room's width and font, for the estimates: read once the list is laid out and again when its width changes;
 * `version` changes when the estimates should be made again (each line holds a different number of characters).
 */
function useChatRoomRowMetrics(
  scrollRef: React.RefObject<HTMLDivElement | null>
) {
  const metrics = React.useRef<RowMetrics>({ width: 0, charWidth: 7.5 })
  const [version, setVersion] = React.useState(0)
  const update = React.useCallback(() => {
    const element = scrollRef.current
    if (!element) return
    const current = metrics.current
    const width = element.clientWidth
    if (width === current.width) return
    const next = {
      width,
      charWidth:
        current.width === 0 ? measureCharWidth(element) : current.charWidth,
    }
    metrics.current = next
    if (charsPerLine(next, true) !== charsPerLine(current, true))
      setVersion((count) => count + 1)
  }, [scrollRef])
  // Once the browser is idle after the first paint, not before it: estimating 100k rows by their content is work the
  // first paint does not need (it measures the rows it shows). Then again whenever the room's width changes.
  React.useEffect(() => {
    const element = scrollRef.current
    if (!element || typeof ResizeObserver === "undefined") return
    const observer = new ResizeObserver(update)
    const start = () => observer.observe(element)
    const idle =
      typeof requestIdleCallback === "function"
        ? requestIdleCallback(start, { timeout: IDLE_TIMEOUT_MS })
        : undefined
    const timer = idle === undefined ? setTimeout(start) : undefined
    return () => {
      if (idle !== undefined) cancelIdleCallback(idle)
      clearTimeout(timer)
      observer.disconnect()
    }
  }, [scrollRef, update])
  const current = React.useCallback(() => metrics.current, [])
  return { version, current }
}

type ChatRoomVirtualizerOptions = Omit<
  VirtualizerOptions<HTMLDivElement, Element>,
  | "observeElementRect"
  | "observeElementOffset"
  | "scrollToFn"
  | "onChange"
  | "initialOffset"
>

/**
 * A virtualizer for the room whose changes (a scroll, a row measured) re-render only the list that reads them through
 * {@link useChatRoomVirtualItems}. `useVirtualizer` re-renders the component that owns it, and that is the whole room:
 * header, composer and every hook, on every scrolled frame.
 */
function useChatRoomVirtualizer(options: ChatRoomVirtualizerOptions) {
  const [owner] = React.useState(() => {
    const listeners = new Set<() => void>()
    let version = 0
    /** Measuring from a ref callback happens inside React's commit, where `flushSync` cannot flush. */
    let measuringFromRef = false
    const onChange = (_: unknown, sync: boolean) => {
      version += 1
      const notify = () => listeners.forEach((listener) => listener())
      // A scroll must show its rows in the frame it happens in, as `useVirtualizer` does.
      if (sync && !measuringFromRef) flushSync(notify)
      else notify()
    }
    const adapters = {
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange,
      // Render the newest rows on the very first render (a chat opens at the bottom), not only once the scroll
      // element has been measured and scrolled a few frames later: the first paint already shows the latest messages.
      initialOffset: (): number =>
        Math.max(
          0,
          virtualizer.getTotalSize() - (options.initialRect?.height ?? 0)
        ),
    }
    const virtualizer: Virtualizer<HTMLDivElement, Element> = new Virtualizer({
      ...options,
      ...adapters,
    })
    const measureElement = virtualizer.measureElement
    virtualizer.measureElement = (node) => {
      measuringFromRef = true
      try {
        measureElement(node)
      } finally {
        measuringFromRef = false
      }
    }
    const changes = {
      subscribe: (listener: () => void) => {
        listeners.add(listener)
        return () => void listeners.delete(listener)
      },
      version: () => version,
    }
    return { virtualizer, changes, adapters }
  })
  owner.virtualizer.setOptions({ ...options, ...owner.adapters })
  React.useLayoutEffect(() => owner.virtualizer._didMount(), [owner])
  React.useLayoutEffect(() => owner.virtualizer._willUpdate())
  return owner
}

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
    // Rows measured in this commit (their refs ran before the list subscribed) changed the virtualizer already.
    if (virtualizerChanges.version() !== renderedVersion) rerender()
    keepPlace()
  })
  return virtualizer.getVirtualItems()
}
