/** Something whose pending bytes go out on `flush()`: an event stream's core. */
export interface Flushable {
  flush(): void;
}

// One microtask flushes every stream written to in this tick, so a broadcast to N clients schedules one task, not N.
let dirty: Flushable[] = [];
let flushScheduled = false;
// Streams with a coalescing window: one timer per window length, shared by every stream waiting on it.
const windows = new Map<number, Flushable[]>();

/** Flushes `target` at the end of this tick (`delayMs` 0), or with every stream waiting on the same window. */
export function scheduleFlush(target: Flushable, delayMs: number) {
  if (delayMs > 0) {
    let waiting = windows.get(delayMs);
    if (!waiting) {
      const cores: Flushable[] = [];
      waiting = cores;
      windows.set(delayMs, cores);
      setTimeout(() => {
        windows.delete(delayMs);
        flushRound(cores);
      }, delayMs);
    }
    waiting.push(target);
    return;
  }
  dirty.push(target);
  if (flushScheduled) return;
  flushScheduled = true;
  queueMicrotask(flushDirty);
}

function flushDirty() {
  const cores = dirty;
  dirty = [];
  flushScheduled = false;
  flushRound(cores);
}

// The write window runs from when the event loop is back after a flush round, not from the round itself: the
// work a round of writes to thousands of sockets leaves for the loop (write completions, I/O) can take longer than
// the window, which would then always have passed before the next broadcast. Until the loop is back (a
// `setImmediate` after the round), a new write waits a whole window.
// A loop that needed longer than the window to come back is saturated: the window then grows to that time (at
// most MAX_WINDOW_MS, so one long pause, a GC say, does not hold the next events as long).
const MAX_WINDOW_MS = 50;
/** When the round that is still settling ended; undefined when the loop is back. */
let settlingSince: number | undefined;
let settledAt = -Infinity;
let settleMs = 0;

function flushRound(cores: readonly Flushable[]) {
  for (const target of cores) target.flush();
  if (cores.length === 0) return;
  const roundEnd = performance.now();
  // One pending mark at a time; a mark that never ran (timers faked and reset in tests) expires after the cap.
  if (settlingSince !== undefined && roundEnd >= settlingSince && roundEnd - settlingSince <= MAX_WINDOW_MS) return;
  settlingSince = roundEnd;
  setImmediate(() => {
    if (settlingSince !== roundEnd) return;
    settlingSince = undefined;
    settledAt = performance.now();
    settleMs = settledAt - roundEnd;
  });
}

/** How long a stream with a `coalesceMs` window should hold a write that arrives now (0: at the end of this tick). */
export function holdFor(coalesceMs: number): number {
  if (coalesceMs <= 0) return 0;
  const now = performance.now();
  if (settlingSince !== undefined && now >= settlingSince && now - settlingSince <= MAX_WINDOW_MS) return coalesceMs;
  const wait = settledAt + Math.max(coalesceMs, Math.min(settleMs, MAX_WINDOW_MS)) - now;
  return wait > 0 ? Math.ceil(Math.min(wait, Math.max(coalesceMs, MAX_WINDOW_MS))) : 0;
}
