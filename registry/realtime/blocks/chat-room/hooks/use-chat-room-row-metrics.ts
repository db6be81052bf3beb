"use client"

import * as React from "react"

import {
  continuesGroup,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

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
export const UNMEASURED_ROOM_ROW_PX = 71

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
export function estimateRowPx(
  row: ChatRow,
  previous: ChatRow | undefined,
  metrics: RowMetrics
) {
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
export function useChatRoomRowMetrics(
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
