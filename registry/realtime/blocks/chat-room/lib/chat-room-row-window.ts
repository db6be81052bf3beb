import { ChatRoomRowOffsets } from "@/registry/realtime/blocks/chat-room/lib/chat-room-row-offsets"

/** A row to render: its key and index, and where it starts in the scroll element (`scrollMargin` included). */
export interface ChatRoomVirtualRow {
  key: string | number
  index: number
  start: number
}

export interface ChatRoomRowWindowOptions {
  count: number
  getItemKey: (index: number) => string | number
  /** Every row's height until it is measured. */
  estimateSize: number
  /** Rows rendered beyond each edge of the view. */
  overscan: number
  /** Where the first row starts in the scroll element (what sits above the list). */
  scrollMargin: number
  /** Room after the last row. */
  paddingEnd: number
  /** The view's height before the scroll element is measured. */
  initialHeight: number
}

/** How long a row scrolled to stays centred while the rows around it are measured. */
const ALIGN_MS = 1000

/**
 * The rows of the message list in view: every row is estimated until its element is measured, so opening, scrolling
 * and a new message cost the same with 100 rows or 100k (see {@link ChatRoomRowOffsets}). A row that grows or
 * shrinks above the view moves the scroll position by as much, so what the reader sees stays put. Framework-free:
 * `onChange(sync)` says when the rows to render changed (`sync`: render them before this frame is painted).
 */
export class ChatRoomRowWindow {
  private options: ChatRoomRowWindowOptions
  private readonly offsets: ChatRoomRowOffsets
  private readonly onChange: (sync: boolean) => void
  private element: HTMLElement | null = null
  private scrollTop: number | undefined
  private height: number
  private version = 0
  private rendered:
    | {
        first: number
        last: number
        version: number
        rows: ChatRoomVirtualRow[]
      }
    | undefined
  private aligning: { index: number; until: number } | undefined
  /** Where the view must go once the list shows the heights just measured (see {@link settle}). */
  private pendingScrollTop: number | undefined
  /** Row elements mounted since the list last settled: measured together, in one layout. */
  private fresh: HTMLElement[] = []
  private readonly rowObserver: ResizeObserver | undefined

  constructor(
    options: ChatRoomRowWindowOptions,
    onChange: (sync: boolean) => void
  ) {
    this.options = options
    this.onChange = onChange
    this.height = options.initialHeight
    this.offsets = new ChatRoomRowOffsets(options.estimateSize)
    this.offsets.setRows(options.count, options.getItemKey)
    this.rowObserver =
      typeof ResizeObserver === "undefined"
        ? undefined
        : new ResizeObserver((entries) => this.measured(entries))
  }

  setOptions(options: ChatRoomRowWindowOptions) {
    this.options = options
    this.offsets.setRows(options.count, options.getItemKey)
  }

  /** Follows `element`'s scrolling and size; returns the cleanup. */
  attach(element: HTMLElement) {
    this.element = element
    this.scrollTop = element.scrollTop
    this.height = element.clientHeight || this.options.initialHeight
    const onScroll = () => this.scrolled()
    element.addEventListener("scroll", onScroll, { passive: true })
    const sizeObserver =
      typeof ResizeObserver === "undefined"
        ? undefined
        : new ResizeObserver(() => {
            if (element.clientHeight === this.height) return
            this.height = element.clientHeight
            this.changed(false)
          })
    sizeObserver?.observe(element)
    this.changed(false)
    return () => {
      element.removeEventListener("scroll", onScroll)
      sizeObserver?.disconnect()
      this.element = null
    }
  }

  /**
   * A row element's ref (`data-index` says which row it is): measured when the list settles after mounting it, and
   * whenever its size changes after that.
   */
  measureElement = (element: HTMLElement | null) => {
    if (!element) return
    this.fresh.push(element)
    this.rowObserver?.observe(element)
    return () => this.rowObserver?.unobserve(element)
  }

  /**
   * After each render of the list (in a layout effect, before paint): the view first goes where the last
   * measurements said, then the room keeps its own place (the bottom, or above older history) with `keepPlace`, then
   * the rows this render mounted are measured, all in one layout (which may render the list once more).
   */
  settle(keepPlace: () => void) {
    const element = this.element
    if (element && this.pendingScrollTop !== undefined) {
      element.scrollTop = this.pendingScrollTop
      this.scrollTop = element.scrollTop
    }
    this.pendingScrollTop = undefined
    keepPlace()
    if (this.fresh.length === 0) return
    const fresh = this.fresh
    this.fresh = []
    const heights = fresh
      .filter((row) => row.isConnected)
      .map((row) => [row, row.offsetHeight] as const)
    this.apply(heights, true)
  }

  /** The rows' total height. */
  getTotalSize() {
    return this.options.count === 0
      ? 0
      : this.offsets.total() + this.options.paddingEnd
  }

  /** The rows to render: those in view and `overscan` more on each side. */
  getVirtualItems(): ChatRoomVirtualRow[] {
    const { count, overscan, scrollMargin, getItemKey } = this.options
    if (count === 0) return []
    const top = this.viewTop() - scrollMargin
    const first = Math.max(0, this.offsets.indexAt(top) - overscan)
    const last = Math.min(
      count - 1,
      this.offsets.indexAt(top + this.height) + overscan
    )
    const cached = this.rendered
    if (
      cached?.first === first &&
      cached.last === last &&
      cached.version === this.version
    )
      return cached.rows
    const rows: ChatRoomVirtualRow[] = []
    for (let index = first; index <= last; index += 1)
      rows.push({
        key: getItemKey(index),
        index,
        start: scrollMargin + this.offsets.start(index),
      })
    this.rendered = { first, last, version: this.version, rows }
    return rows
  }

  /** Puts row `index` in the middle of the view, and keeps it there while the rows around it are measured. */
  scrollToIndex(index: number) {
    this.aligning = { index, until: Date.now() + ALIGN_MS }
    const target = this.alignedTop()
    if (target === undefined) return
    this.pendingScrollTop = target
    this.scrollTop = target
    this.changed(true)
  }

  /** Before the scroll element is there, the view is at the bottom: a chat opens on its newest messages. */
  private viewTop() {
    return (
      this.scrollTop ??
      Math.max(0, this.options.scrollMargin + this.getTotalSize() - this.height)
    )
  }

  /** Where the view centres the row being scrolled to (undefined once that is over). */
  private alignedTop() {
    if (!this.aligning) return undefined
    const { index } = this.aligning
    if (Date.now() > this.aligning.until || index >= this.options.count) {
      this.aligning = undefined
      return undefined
    }
    const target =
      this.options.scrollMargin +
      this.offsets.start(index) -
      (this.height - this.offsets.height(index)) / 2
    return Math.max(0, target)
  }

  private scrolled() {
    const element = this.element
    if (!element) return
    // The view is about to be moved where the last measurements said: the position before that is no news.
    if (this.pendingScrollTop !== undefined) return
    const top = element.scrollTop
    if (top === this.scrollTop) return
    // Not where a centring put it: the reader scrolled, and the row they asked for no longer holds the view.
    if (this.aligning && Math.abs(top - (this.scrollTop ?? top)) > 1)
      this.aligning = undefined
    this.scrollTop = top
    const before = this.rendered
    const rows = this.getVirtualItems()
    if (rows !== before?.rows) this.onChange(true)
  }

  private measured(entries: ResizeObserverEntry[]) {
    this.apply(
      entries.map((entry) => [
        entry.target as HTMLElement,
        Math.round(
          entry.borderBoxSize?.[0]?.blockSize ??
            (entry.target as HTMLElement).offsetHeight
        ),
      ]),
      false
    )
  }

  /**
   * Takes rows' heights. A row above the view (its top, the first time; all of it after that) moves what the reader
   * sees by as much as it changed, so the view moves with it (or, while centring a row, centres it again).
   */
  private apply(
    heights: readonly (readonly [HTMLElement, number])[],
    /** Called from React's commit: the list renders again before paint anyway, and `flushSync` cannot run there. */
    inCommit: boolean
  ) {
    const { count, getItemKey, scrollMargin } = this.options
    // Read now, not from the last scroll event: the room may have moved it since (to the bottom, or to keep its
    // place above older history), and layout is fresh here.
    if (this.element) this.scrollTop = this.element.scrollTop
    const top = this.viewTop() - scrollMargin
    let shift = 0
    let changed = false
    for (const [element, height] of heights) {
      if (!element.isConnected) continue
      const index = Number(element.dataset.index)
      if (!(index >= 0 && index < count)) continue
      const key = getItemKey(index)
      const firstTime = !this.offsets.isMeasured(key)
      const start = this.offsets.start(index)
      const before = this.offsets.height(index)
      const delta = this.offsets.measure(index, key, height)
      if (delta === 0) continue
      changed = true
      if (firstTime ? start < top : start + before <= top) shift += delta
    }
    if (!changed) return
    const target = this.aligning
      ? this.alignedTop()
      : shift !== 0 && this.scrollTop !== undefined
        ? this.scrollTop + shift
        : undefined
    if (target !== undefined) {
      // Rendered from there at once; the element follows once the list has its new height (`settle`).
      this.pendingScrollTop = target
      this.scrollTop = target
    }
    this.changed(!inCommit && target !== undefined)
  }

  private changed(sync: boolean) {
    this.version += 1
    this.onChange(sync)
  }
}
