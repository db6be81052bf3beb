import { emitToListeners } from './lib/report-listener-error.js';

/** A value that changes over time: the one subscription contract every realtime-kit object follows. */
export interface Store<T> {
  /** Calls `listener` after every change of the snapshot. Returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void;
  /** The current value. Stable between changes (same reference), as `useSyncExternalStore` requires. */
  getSnapshot(): T;
}

export interface WritableStore<T> extends Store<T> {
  /** Replaces the snapshot (or derives it from the previous one) and notifies, unless nothing changed. */
  set(next: T | ((previous: T) => T)): void;
  /** Number of current listeners. */
  readonly size: number;
}

export interface StoreHooks {
  /** Runs when the first listener subscribes. */
  onFirstSubscribe?(): void;
  /** Runs when the last listener unsubscribes. */
  onLastUnsubscribe?(): void;
}

/**
 * A minimal store: `Object.is` early exit, listeners called in subscription order, and
 * first/last subscriber hooks so owners can connect lazily and disconnect when unused.
 * A listener that throws is reported (`reportError`, else rethrown in a microtask); the rest still run.
 */
export function createStore<T>(initial: T, hooks: StoreHooks = {}): WritableStore<T> {
  let snapshot = initial;
  const listeners = new Set<(value: undefined) => void>();

  return {
    getSnapshot: () => snapshot,
    get size() {
      return listeners.size;
    },
    set(next) {
      const value = typeof next === 'function' ? (next as (previous: T) => T)(snapshot) : next;
      if (Object.is(value, snapshot)) return;
      snapshot = value;
      // One throwing listener must neither starve the others nor abort the owner's state change.
      emitToListeners(listeners, undefined);
    },
    subscribe(listener) {
      // A wrapper per call, so subscribing the same function twice needs two unsubscribes.
      const entry = () => listener();
      listeners.add(entry);
      if (listeners.size === 1) hooks.onFirstSubscribe?.();
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        listeners.delete(entry);
        if (listeners.size === 0) hooks.onLastUnsubscribe?.();
      };
    },
  };
}
