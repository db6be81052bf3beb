interface Pending {
  ready: boolean;
  readonly run: () => void;
}

/**
 * The server→client faults of a test link: drop, duplicate, reorder and delay, applied to frames in send order
 * across every transport on the link. Counts are checked by the link before they get here.
 */
export interface FaultPipeline {
  /** Carries one frame through the faults: `receive` runs once, twice or never, in order with the other frames. */
  carry(receive: () => void): void;
  drop(count: number): void;
  duplicate(count: number): void;
  reorder(count: number): void;
  delay(ms: number): void;
  /** Clears the faults (frames already held are still delivered). */
  heal(): void;
  /** The link went down: frames in flight are lost. */
  loseInFlight(): void;
}

export function createFaultPipeline(): FaultPipeline {
  let dropCount = 0;
  let duplicateCount = 0;
  let reorderCount = 0;
  let reorderBatch: (() => void)[] = [];
  let reorderTarget = 0;
  let reorderTimer: ReturnType<typeof setTimeout> | undefined;
  let delayMs = 0;
  let queue: Pending[] = [];
  let pumpScheduled = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  function pump() {
    while (queue[0]?.ready) queue.shift()!.run();
  }

  function schedulePump() {
    if (pumpScheduled) return;
    pumpScheduled = true;
    queueMicrotask(() => {
      pumpScheduled = false;
      pump();
    });
  }

  function enqueue(run: () => void) {
    const pending: Pending = { ready: delayMs <= 0, run };
    queue.push(pending);
    if (pending.ready) {
      schedulePump();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      pending.ready = true;
      pump();
    }, delayMs);
    timers.add(timer);
  }

  function releaseReorder() {
    if (reorderTimer !== undefined) clearTimeout(reorderTimer);
    reorderTimer = undefined;
    const batch = reorderBatch.reverse();
    reorderBatch = [];
    reorderTarget = 0;
    for (const run of batch) enqueue(run);
  }

  function reorderStage(run: () => void) {
    if (reorderTarget === 0) {
      if (reorderCount === 0) return enqueue(run);
      reorderTarget = reorderCount;
      reorderCount = 0;
      reorderTimer = setTimeout(releaseReorder, 0);
    }
    reorderBatch.push(run);
    if (reorderBatch.length >= reorderTarget) releaseReorder();
  }

  return {
    carry(receive) {
      if (dropCount > 0) {
        dropCount -= 1;
        return;
      }
      const copies = duplicateCount > 0 ? 2 : 1;
      if (copies === 2) duplicateCount -= 1;
      for (let i = 0; i < copies; i += 1) reorderStage(receive);
    },
    drop(count) {
      dropCount += count;
    },
    duplicate(count) {
      duplicateCount += count;
    },
    reorder(count) {
      reorderCount += count;
    },
    delay(ms) {
      delayMs = ms;
    },
    heal() {
      dropCount = 0;
      duplicateCount = 0;
      reorderCount = 0;
      delayMs = 0;
    },
    loseInFlight() {
      queue = [];
      reorderBatch = [];
      reorderTarget = 0;
      if (reorderTimer !== undefined) clearTimeout(reorderTimer);
      reorderTimer = undefined;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
