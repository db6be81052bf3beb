import type { PresenceStatus } from '../protocol/frames.js';
import { createStore, type Store } from '../store.js';

/** Default of {@link ActivityOptions.idleMs}: a minute without input reads as idle. */
export const DEFAULT_IDLE_MS = 60_000;

/** The input events that count as activity. */
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'] as const;

/** Where activity is read from: the browser's `window` and `document` by default (injectable for tests). */
export interface ActivityTarget {
  addEventListener(type: string, listener: () => void, options?: { passive?: boolean }): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface ActivityOptions {
  /** No input for this long → `idle`. Default 60 000 ms. */
  idleMs?: number;
  /** Receives input events. Default `window` (none outside a browser: always `active`). */
  window?: ActivityTarget;
  /** Has `visibilityState` and fires `visibilitychange`. Default `document`. */
  document?: ActivityTarget & { readonly visibilityState: string };
}

/**
 * How present this user is, for presence: `away` while the page is hidden, `idle` after `idleMs` without input,
 * `active` otherwise. Listens only while subscribed; input events are passive and coalesced (one timer reset per
 * event, no work while already active).
 * @example
 * const activity = createActivityMonitor({ idleMs: 30_000 })
 * activity.subscribe(() => room.presence.setStatus(activity.getSnapshot()))
 */
export function createActivityMonitor(options: ActivityOptions = {}): Store<PresenceStatus> {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  if (!(idleMs > 0)) throw new RangeError(`createActivityMonitor: idleMs must be > 0 (got ${String(idleMs)}).`);
  const win = options.window ?? (typeof window === 'undefined' ? undefined : window);
  const doc = options.document ?? (typeof document === 'undefined' ? undefined : document);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let idle = false;

  const compute = (): PresenceStatus => (doc?.visibilityState === 'hidden' ? 'away' : idle ? 'idle' : 'active');
  const store = createStore<PresenceStatus>('active', {
    onFirstSubscribe() {
      idle = false;
      for (const type of ACTIVITY_EVENTS) win?.addEventListener(type, onInput, { passive: true });
      doc?.addEventListener('visibilitychange', onVisibility);
      arm();
      store.set(compute());
    },
    onLastUnsubscribe() {
      for (const type of ACTIVITY_EVENTS) win?.removeEventListener(type, onInput);
      doc?.removeEventListener('visibilitychange', onVisibility);
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  });

  function arm() {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      idle = true;
      store.set(compute());
    }, idleMs);
  }

  function onInput() {
    arm();
    if (!idle) return;
    idle = false;
    store.set(compute());
  }

  function onVisibility() {
    if (doc?.visibilityState === 'visible') onInput();
    store.set(compute());
  }

  return { subscribe: store.subscribe, getSnapshot: () => (store.size === 0 ? compute() : store.getSnapshot()) };
}
