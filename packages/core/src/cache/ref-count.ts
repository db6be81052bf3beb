/** Holders of one shared thing, released one tick after the last lets go. See {@link createRefCount}. */
export interface RefCount {
  /** Takes a hold. Returns the function that lets go; calling it again does nothing. */
  hold(): () => void;
  /** How many hold it now. */
  readonly count: number;
}

/**
 * Counts the holders of a shared connection. `onFirstHold` runs when the count goes from 0 to 1; `onRelease` runs
 * one macrotask after it falls back to 0, unless a new hold came first. That tick is what lets React StrictMode's
 * unmount/remount, or a component moving in the tree, keep the one connection instead of closing and reopening it.
 */
export function createRefCount(onFirstHold: () => void, onRelease: () => void): RefCount {
  let count = 0;
  let releaseTimer: ReturnType<typeof setTimeout> | undefined;
  return {
    get count() {
      return count;
    },
    hold() {
      count += 1;
      clearTimeout(releaseTimer);
      if (count === 1) onFirstHold();
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        // A hold taken before the timer fires clears it: when it fires, nobody holds.
        if (--count === 0) releaseTimer = setTimeout(onRelease, 0);
      };
    },
  };
}
