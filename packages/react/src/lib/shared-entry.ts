import type { ConnectionState, MessageBuffer, MessageBufferSnapshot, Store } from '@realtime-kit/core';

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
 */
export function createSharedLifecycle<M, V>(
  connection: ShareableConnection,
  buffer: MessageBuffer<M>,
  toView: (state: ConnectionState, messages: MessageBufferSnapshot<M>) => V,
  release: () => void,
): SharedLifecycle<V> {
  let users = 0;
  let releaseTimer: ReturnType<typeof setTimeout> | undefined;
  let view: V | undefined;
  let viewOf: [ConnectionState, MessageBufferSnapshot<M>] | null = null;

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
      const offConnection = connection.subscribe(listener);
      const offBuffer = buffer.subscribe(listener);
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
        offConnection();
        offBuffer();
        users -= 1;
        if (users === 0) {
          releaseTimer = setTimeout(() => {
            releaseTimer = undefined;
            if (users === 0) dispose();
          }, 0);
        }
      };
    },
    getSnapshot() {
      const state = connection.getSnapshot();
      const messages = buffer.getSnapshot();
      if (view === undefined || viewOf === null || viewOf[1] !== messages || (viewOf[0] !== state && !onlyResumePointMoved(viewOf[0], state))) {
        viewOf = [state, messages];
        view = toView(state, messages);
      }
      return view;
    },
  };
}

/**
 * Whether only `lastEventId` differs. Every event with an `id:` moves it; re-rendering for that alone would undo
 * the buffer's once-per-frame batching (10k events/s would be 10k commits/s). The view keeps its old resume point
 * until the messages change (the next flush, at most a frame later), or anything else about the connection does.
 */
function onlyResumePointMoved(before: ConnectionState, after: ConnectionState): boolean {
  const keys = Object.keys(after) as (keyof ConnectionState)[];
  if (keys.length !== Object.keys(before).length) return false;
  return keys.every((key) => key === 'lastEventId' || Object.is(before[key], after[key]));
}
