/**
 * Where each row of the list starts, for any number of rows: every row is `estimate` tall until it is measured, and
 * only measured rows are stored (their difference from the estimate, in a Fenwick tree by index). A row's start, the
 * total height and the row at an offset cost O(log n); a measurement costs O(log n); a message appended costs
 * nothing. Nothing here walks every row, except after a change that moved rows other than at the ends (a reload).
 */
export class ChatRoomRowOffsets {
  readonly estimate: number
  private count = 0
  private firstKey: unknown = undefined
  private lastKey: unknown = undefined
  /** Fenwick tree (1-based) of (measured - estimate) by row index; its length is a power of two plus one. */
  private corrections = new Float64Array(1)
  /** Measured heights by row key, and the index each of those rows has now. */
  private readonly heights = new Map<unknown, number>()
  private readonly indexes = new Map<unknown, number>()

  constructor(estimate: number) {
    this.estimate = estimate
  }

  /**
   * The rows are now `count`, keyed by `keyAt`. Appended rows (or rows prepended before the same ones, as older
   * history loads) keep their measurements by shifting indexes; anything else is found again by key, once.
   */
  setRows(count: number, keyAt: (index: number) => unknown) {
    const previous = this.count
    const previousFirst = this.firstKey
    const previousLast = this.lastKey
    const first = count > 0 ? keyAt(0) : undefined
    const last = count > 0 ? keyAt(count - 1) : undefined
    if (count === previous && first === previousFirst && last === previousLast)
      return
    this.count = count
    this.firstKey = first
    this.lastKey = last
    const grown = this.grow(count)
    if (this.heights.size === 0) return
    // Appended after the same rows (a new message): their indexes hold.
    if (
      count > previous &&
      first === previousFirst &&
      keyAt(previous - 1) === previousLast
    ) {
      if (grown) this.rebuild()
      return
    }
    // Prepended before the same rows (older history): they moved down by as many rows as came.
    const shift = count - previous
    if (shift > 0 && last === previousLast && keyAt(shift) === previousFirst) {
      for (const [key, index] of this.indexes)
        this.indexes.set(key, index + shift)
      this.rebuild()
      return
    }
    this.reindex(count, keyAt)
  }

  /** Records row `index` (keyed `key`) as `height` px tall; returns the change from what was assumed (0: none). */
  measure(index: number, key: unknown, height: number) {
    if (index < 0 || index >= this.count) return 0
    const before = this.heights.get(key) ?? this.estimate
    this.indexes.set(key, index)
    if (height === before && this.heights.has(key)) return 0
    this.heights.set(key, height)
    const delta = height - before
    if (delta !== 0) this.add(index, delta)
    return delta
  }

  /** Whether row `key` has been measured. */
  isMeasured(key: unknown) {
    return this.heights.has(key)
  }

  /** Where row `index` starts, from the top of the first row. */
  start(index: number) {
    return index * this.estimate + this.prefix(index)
  }

  /** Row `index`'s height (measured, or the estimate). */
  height(index: number) {
    return this.start(index + 1) - this.start(index)
  }

  /** All rows' height. */
  total() {
    return this.start(this.count)
  }

  /** The row that covers `offset` (from the top of the first row), clamped to the rows there are. */
  indexAt(offset: number) {
    if (this.count === 0) return -1
    let low = 0
    let high = this.count - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (this.start(middle) <= offset) low = middle
      else high = middle - 1
    }
    return low
  }

  private reindex(count: number, keyAt: (index: number) => unknown) {
    this.indexes.clear()
    for (let index = 0; index < count; index += 1) {
      const key = keyAt(index)
      if (this.heights.has(key)) this.indexes.set(key, index)
    }
    for (const key of this.heights.keys())
      if (!this.indexes.has(key)) this.heights.delete(key)
    this.rebuild()
  }

  /** Room for `count` rows and as many again; true when the tree was replaced (and must be refilled). */
  private grow(count: number) {
    if (count < this.corrections.length - 1) return false
    let capacity = 1024
    while (capacity <= count * 2) capacity *= 2
    this.corrections = new Float64Array(capacity + 1)
    return true
  }

  private rebuild() {
    this.corrections.fill(0)
    for (const [key, index] of this.indexes) {
      const height = this.heights.get(key)
      if (height !== undefined && index < this.count)
        this.add(index, height - this.estimate)
    }
  }

  private add(index: number, delta: number) {
    for (let at = index + 1; at < this.corrections.length; at += at & -at)
      this.corrections[at]! += delta
  }

  /** The corrections of rows before `index`. */
  private prefix(index: number) {
    let sum = 0
    for (
      let at = Math.min(index, this.corrections.length - 1);
      at > 0;
      at -= at & -at
    )
      sum += this.corrections[at]!
    return sum
  }
}
