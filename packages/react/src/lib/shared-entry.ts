import { emitToListeners, toSchedule } from '@realtime-kit/core';
import type { ConnectionState, MessageBuffer, MessageBufferSnapshot, Store, Throttle } from '@realtime-kit/core';

/** How long an entry created during a render that never committed waits before it is dropped. */
const UNUSED_ENTRY_TTL_MS = 10_000;

/** A connection a hook can share: a store of its state that connects lazily and closes for good. */
export interface ShareableConnection extends Store<ConnectionState> {
  connect(): void;
  close(): void;
}

/** The part of a shared entry every hook renders from: ref-counted subscription and a combined snapshot. */
export interface SharedLifecycle<V> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): V;
}

/**
 * Keyed, ref-counted sharing for connection-backed hooks (`useSSE`, `useWebSocket`). Components with the same key
 * share one entry: it connects with the first subscriber and closes one tick after the last leaves, so
 * StrictMode's unmount/remount (and a component moving in the tree) keeps a single connection. An entry created
 * by a render that never committed is dropped after {@link UNUSED_ENTRY_TTL_MS}.
 */
export function createSharedRegistry<E extends SharedLifecycle<unknown>>() {
  const entries = new Map<string, E>();
  return {
    get(key: string, create: (release: () => void) => E): E {
      const existing = entries.get(key);
      if (existing) return existing;
      const entry = create(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      entries.set(key, entry);
      return entry;
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * The subscribe/getSnapshot pair of one shared entry: listens to the connection and its message buffer, connects
 * on the first subscriber, disposes one tick after the last, and combines both snapshots into a view that keeps
 * its identity until either changes.
 *
 * A change of the connection's resume point alone (`lastEventId`: every event with an `id:` moves it) is not shown
 * at once: re-rendering for it would undo the buffer's batching (10k events/s would be 10k commits/s). It shows with
 * the next flush of the messages, or on its own at the next `throttle` tick (the buffer's schedule) when no
 * message comes (an id on an event this hook does not collect).
 */
export function createSharedLifecycle<M, V>(
  connection: ShareableConnection,
  buffer: MessageBuffer<M>,
  toView: (state: ConnectionState, messages: MessageBufferSnapshot<M>) => V,
  release: () => void,
  throttle?: Throttle,
): SharedLifecycle<V> {
  const schedule = toSchedule(throttle);
  const listeners = new Set<() => void>();
  let users = 0;
  let releaseTimer: ReturnType<typeof setTimeout> | undefined;
  let view: V | undefined;
  let viewOf: [ConnectionState, MessageBufferSnapshot<M>] | null = null;
  /** The connection state the view shows: the latest one, except for a resume point still waiting for its tick. */
  let shown = connection.getSnapshot();
  let cancelRefresh: (() => void) | undefined;
  let stopListening: (() => void) | undefined;

  const notify = () => emitToListeners(listeners, undefined);
  const showLatest = () => {
    cancelRefresh?.();
    cancelRefresh = undefined;
    shown = connection.getSnapshot();
  };
  const onConnection = () => {
    const latest = connection.getSnapshot();
    if (latest === shown) return;
    if (onlyResumePointMoved(shown, latest)) {
      cancelRefresh ??= schedule(() => {
        cancelRefresh = undefined;
        showLatest();
        notify();
      });
      return;
    }
    showLatest();
    notify();
  };
  const onMessages = () => {
    showLatest();
    notify();
  };
  const listen = () => {
    const offConnection = connection.subscribe(onConnection);
    const offBuffer = buffer.subscribe(onMessages);
    return () => {
      offConnection();
      offBuffer();
      cancelRefresh?.();
      cancelRefresh = undefined;
    };
  };

  const dispose = () => {
    connection.close();
    buffer.dispose();
    release();
  };
  let unusedTimer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
    if (users === 0) dispose();
  }, UNUSED_ENTRY_TTL_MS);

  return {
    subscribe(listener) {
      // A fresh function per subscription, so one listener subscribed twice is two subscriptions.
      const entry = () => listener();
      listeners.add(entry);
      stopListening ??= listen();
      users += 1;
      clearTimeout(unusedTimer);
      unusedTimer = undefined;
      clearTimeout(releaseTimer);
      releaseTimer = undefined;
      if (users === 1) connection.connect();
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        listeners.delete(entry);
        users -= 1;
        if (users === 0) {
          stopListening?.();
          stopListening = undefined;
          releaseTimer = setTimeout(() => {
            releaseTimer = undefined;
            if (users === 0) dispose();
          }, 0);
        }
      };
    },
    getSnapshot() {
      // Without subscribers nothing listens: show the latest state (a render before subscribe, or after).
      if (users === 0) shown = connection.getSnapshot();
      const messages = buffer.getSnapshot();
      if (view === undefined || viewOf === null || viewOf[0] !== shown || viewOf[1] !== messages) {
        viewOf = [shown, messages];
        view = toView(shown, messages);
      }
      return view;
    },
  };
}

/** Whether only `lastEventId` differs (other fields of a transport's state included). */
function onlyResumePointMoved(before: ConnectionState, after: ConnectionState): boolean {
  const keys = Object.keys(after) as (keyof ConnectionState)[];
  if (keys.length !== Object.keys(before).length) return false;
  return keys.every((key) => key === 'lastEventId' || Object.is(before[key], after[key]));
}
