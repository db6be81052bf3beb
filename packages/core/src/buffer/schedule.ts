/**
 * Decides when buffered updates are delivered: call `flush` later, return a function that cancels.
 * Batching through a schedule is what keeps 10k events/s from meaning 10k renders.
 */
export type Schedule = (flush: () => void) => () => void;

/** Deliver at once: every push notifies. */
export const scheduleSync: Schedule = (flush) => {
  flush();
  return () => {};
};

/** Deliver at most once per `ms` milliseconds. */
export function scheduleEvery(ms: number): Schedule {
  return (flush) => {
    const timer = setTimeout(flush, ms);
    return () => clearTimeout(timer);
  };
}

/** Deliver once per animation frame; where there are no frames (Node, hidden tabs' fallbacks) every ~16 ms. */
export const scheduleFrame: Schedule = (flush) => {
  if (typeof requestAnimationFrame === 'function') {
    const handle = requestAnimationFrame(() => flush());
    return () => cancelAnimationFrame(handle);
  }
  return scheduleEvery(16)(flush);
};

/** `'frame'` (default), a number of milliseconds, or `false` for every event. */
export type Throttle = 'frame' | number | false;

export function toSchedule(throttle: Throttle | undefined): Schedule {
  if (throttle === false || throttle === 0) return scheduleSync;
  if (typeof throttle === 'number') return scheduleEvery(throttle);
  return scheduleFrame;
}
