import type { MessageBufferSnapshot } from '../buffer/message-buffer.js';
import { scheduleSync, toSchedule, type Throttle } from '../buffer/schedule.js';
import type { ConnectionState } from '../connection/status.js';
import { createStore, type Store } from '../store.js';

/** Options of {@link createConnectionView}. */
export interface ConnectionViewOptions<M> {
  /** The messages shown with the connection's state (usually a `createMessageBuffer`). */
  buffer?: Store<MessageBufferSnapshot<M>>;
  /**
   * When a resume point that moved on its own shows: the buffer's schedule (`'frame'`, ms, or `false` for at once).
   * Default `'frame'`.
   */
  throttle?: Throttle;
}

/**
 * One store over a connection's state and its message buffer, for a component to render from: its snapshot is
 * `toView(state, messages)`, a new object only when either changed, and it listens to both only while it has
 * subscribers (without any, `getSnapshot` reads the latest state).
 *
 * A change of the resume point alone (`lastEventId`: every SSE event with an `id:` moves it) is not shown at once:
 * re-rendering for it would undo the buffer's batching (10k events/s would be 10k commits/s). It shows with the
 * next flush of the messages, or on its own at the next `throttle` tick when no message comes (an id on an event
 * nobody collects). Every other change shows at once.
 * @example
 * const view = createConnectionView(connection, (state, { messages }) => ({ ...state, messages }), { buffer, throttle: 'frame' })
 */
export function createConnectionView<S extends ConnectionState, M, V>(
  connection: Store<S>,
  toView: (state: S, messages: MessageBufferSnapshot<M>) => V,
  options: ConnectionViewOptions<M> & { buffer: Store<MessageBufferSnapshot<M>> },
): Store<V>;
export function createConnectionView<S extends ConnectionState, V>(
  connection: Store<S>,
  toView: (state: S) => V,
  options?: Omit<ConnectionViewOptions<never>, 'buffer'>,
): Store<V>;
export function createConnectionView<S extends ConnectionState, M, V>(
  connection: Store<S>,
  toView: (state: S, messages: MessageBufferSnapshot<M>) => V,
  { buffer, throttle }: ConnectionViewOptions<M> = {},
): Store<V> {
  const schedule = toSchedule(throttle);
  /** The state the view shows: the latest, except for a resume point still waiting for its tick. */
  let shown = connection.getSnapshot();
  // What `view` was computed from: a connection's snapshot is never undefined, so the first read computes it.
  let viewState: S | undefined;
  let viewMessages: MessageBufferSnapshot<M> | undefined;
  let view: V;
  let cancelRefresh: (() => void) | undefined;
  let stopListening: (() => void) | undefined;
  // The snapshot is computed on read; this store only counts changes, for its listeners and first/last hooks.
  const changes = createStore(0, { onFirstSubscribe: listen, onLastUnsubscribe: () => stopListening?.() });

  function showLatest() {
    cancelRefresh?.();
    cancelRefresh = undefined;
    shown = connection.getSnapshot();
  }
  function show() {
    showLatest();
    changes.set((count) => count + 1);
  }
  function onConnection() {
    const latest = connection.getSnapshot();
    if (latest === shown) return;
    // Without a throttle there is no batching to keep: show every change (and never hold a spent cancel function).
    if (schedule === scheduleSync || !onlyResumePointMoved(shown, latest)) return show();
    cancelRefresh ??= schedule(show);
  }
  function listen() {
    // Catch up with whatever changed while nobody listened.
    showLatest();
    const offConnection = connection.subscribe(onConnection);
    const offBuffer = buffer?.subscribe(show);
    stopListening = () => {
      offConnection();
      offBuffer?.();
      cancelRefresh?.();
      cancelRefresh = undefined;
    };
  }

  return {
    subscribe: changes.subscribe,
    getSnapshot() {
      if (changes.size === 0) shown = connection.getSnapshot();
      const messages = buffer?.getSnapshot();
      if (viewState !== shown || viewMessages !== messages) {
        viewState = shown;
        viewMessages = messages;
        // Without a buffer, `toView` is the one-argument overload's.
        view = toView(shown, messages as MessageBufferSnapshot<M>);
      }
      return view;
    },
  };
}

/** Whether only `lastEventId` differs (a transport's extra state fields included). */
function onlyResumePointMoved(before: ConnectionState, after: ConnectionState): boolean {
  const keys = Object.keys(after) as (keyof ConnectionState)[];
  if (keys.length !== Object.keys(before).length) return false;
  return keys.every((key) => key === 'lastEventId' || Object.is(before[key], after[key]));
}
