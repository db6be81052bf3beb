import { createStore, type Store } from '../store.js';
import { toSchedule, type Schedule, type Throttle } from './schedule.js';

export interface MessageBufferOptions<M = unknown> {
  /** Keep at most this many messages (the newest). Default {@link DEFAULT_MAX_MESSAGES}. */
  maxMessages?: number;
  /** When pushes become visible to subscribers. Default `'frame'`. A `Schedule` function is accepted too. */
  throttle?: Throttle | Schedule;
  /**
   * How a message joins the list (default: appended). `applyMessage` folds edits, deletions and reactions into the
   * messages they change instead of listing them.
   */
  fold?: (messages: readonly M[], message: M) => readonly M[];
}

export interface MessageBufferSnapshot<M> {
  /** Every message received, oldest first, bounded by `maxMessages`. */
  readonly messages: readonly M[];
  /** The newest message, or undefined before the first. */
  readonly latest: M | undefined;
  /** How many messages were pushed since creation or the last `clear()`, including those trimmed away. */
  readonly total: number;
}

export interface MessageBuffer<M> extends Store<MessageBufferSnapshot<M>> {
  /** Adds a message; subscribers hear about it at the next scheduled flush. */
  push(message: M): void;
  /** Delivers pending messages now. */
  flush(): void;
  /** Drops every message, pending ones included. */
  clear(): void;
  /** Cancels a pending flush (pending messages stay pending until the next push or flush). */
  dispose(): void;
}

export const DEFAULT_MAX_MESSAGES = 1000;

// Marked pure so bundles that never buffer messages drop it.
const EMPTY: MessageBufferSnapshot<never> = /* @__PURE__ */ Object.freeze({
  messages: /* @__PURE__ */ Object.freeze([]),
  latest: undefined,
  total: 0,
});

/**
 * Collects messages and publishes them in batches: many pushes within one frame make one new snapshot,
 * so a UI renders at most once per frame however fast events arrive — and never loses one in between.
 */
export function createMessageBuffer<M>(options: MessageBufferOptions<M> = {}): MessageBuffer<M> {
  const max = Math.max(1, options.maxMessages ?? DEFAULT_MAX_MESSAGES);
  const schedule: Schedule = typeof options.throttle === 'function' ? options.throttle : toSchedule(options.throttle);
  const store = createStore<MessageBufferSnapshot<M>>(EMPTY);
  let pending: M[] = [];
  let pushed = 0; // pushes since the last flush, counting any trimmed from `pending`
  let cancel: (() => void) | null = null;

  function flush() {
    cancel?.();
    cancel = null;
    if (pending.length === 0) return;
    const batch = pending;
    const count = pushed;
    pending = [];
    pushed = 0;
    const { fold } = options;
    store.set((previous) => {
      let joined: readonly M[] = previous.messages;
      if (fold) for (const message of batch) joined = fold(joined, message);
      else joined = [...joined, ...batch];
      if (joined.length > max) joined = joined.slice(-max);
      return { messages: joined, latest: batch[batch.length - 1], total: previous.total + count };
    });
  }

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    push(message) {
      pending.push(message);
      pushed += 1;
      // Keep the pending batch bounded too: only the newest `max` can ever be shown.
      if (pending.length > max * 2) pending = pending.slice(-max);
      if (cancel === null) {
        let ran = false;
        const cancelFn = schedule(() => {
          ran = true;
          flush();
        });
        if (!ran) cancel = cancelFn;
      }
    },
    flush,
    clear() {
      cancel?.();
      cancel = null;
      pending = [];
      pushed = 0;
      store.set(EMPTY as MessageBufferSnapshot<M>);
    },
    dispose() {
      cancel?.();
      cancel = null;
    },
  };
}
