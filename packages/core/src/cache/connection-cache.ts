import type { Store } from '../store.js';
import { createRefCount } from './ref-count.js';

/**
 * How long an entry that never had a subscriber stays before it is disposed: one made by a render React threw away,
 * or by a Suspense render that never committed. 10 s.
 */
export const UNUSED_ENTRY_TTL_MS = 10_000;

/**
 * What a {@link ConnectionCache} keeps under a key: a store that connects when its entry gets a subscriber and is
 * disposed once nobody uses it. `createSharedSSE`, `createSharedWebSocket` and `createSharedPoller` make these.
 * As with `createStore`, a second call of an unsubscribe function must do nothing: the cache passes repeated calls on.
 */
export interface CacheableConnection<V> extends Store<V> {
  /**
   * Starts the connection. Called whenever the entry's subscriber count goes from 0 to 1, which can happen again
   * before disposal (StrictMode's unmount/remount): it must do nothing when already started.
   */
  connect(): void;
  /** Stops the connection for good and frees what it holds. Called when the entry leaves the cache. */
  dispose(): void;
}

/** One keyed entry of a {@link ConnectionCache}: a ref-counted store over the connection it shares. */
export interface ConnectionCacheEntry<C extends CacheableConnection<unknown>> extends Store<
  ReturnType<C['getSnapshot']>
> {
  readonly key: string;
  /** The connection this entry shares, as its factory created it. */
  readonly resource: C;
  /** How many subscriptions the entry has now. */
  readonly subscribers: number;
}

/** Keyed, ref-counted connections shared by every user of the same key. See {@link createConnectionCache}. */
export interface ConnectionCache<C extends CacheableConnection<unknown>> {
  /**
   * The entry under `key`, made with `create()` on first use. Creating an entry connects nothing (its first
   * subscriber does), so this may run during a render. Its `subscribe` and `getSnapshot` keep their identity.
   */
  get<R extends C>(key: string, create: () => R): ConnectionCacheEntry<R>;
  /** Every entry in the cache, oldest first (for tests and devtools). */
  getAll(): ConnectionCacheEntry<C>[];
  /** How many entries the cache holds. */
  readonly size: number;
}

/**
 * A keyed, ref-counted cache of connections, shaped like TanStack Query's `QueryCache` for framework bindings: a
 * hook (or a Vue composable, a Svelte store) turns its arguments into a key, takes the entry with `get` and
 * subscribes to it. Users of one key share one connection, which
 * - connects with the first subscriber;
 * - is disposed one tick after the last leaves, so StrictMode's unmount/remount (and a component moving in the
 *   tree) keeps a single connection;
 * - is disposed after {@link UNUSED_ENTRY_TTL_MS} if it never gets a subscriber at all.
 *
 * Framework-free: it runs in browsers and Node alike.
 * @example
 * const cache = createConnectionCache<SharedSSE<Job>>()
 * const entry = cache.get(sharedSSEKey(url, options), () => createSharedSSE<Job>(url, options))
 * const off = entry.subscribe(() => render(entry.getSnapshot()))   // connects; off() closes it a tick later
 */
export function createConnectionCache<C extends CacheableConnection<unknown>>(): ConnectionCache<C> {
  const entries = new Map<string, ConnectionCacheEntry<C>>();

  function createEntry(key: string, resource: C): ConnectionCacheEntry<C> {
    const dispose = () => {
      if (entries.get(key) === entry) entries.delete(key);
      resource.dispose();
    };
    const refCount = createRefCount(() => {
      clearTimeout(unusedTimer);
      resource.connect();
    }, dispose);
    // Cleared by the first hold: when it fires, the entry never had a subscriber.
    const unusedTimer = setTimeout(dispose, UNUSED_ENTRY_TTL_MS);
    const entry: ConnectionCacheEntry<C> = {
      key,
      resource,
      get subscribers() {
        return refCount.count;
      },
      subscribe(listener) {
        // Listen before connecting, so the listener sees the first transition.
        const off = resource.subscribe(listener);
        const release = refCount.hold();
        return () => {
          off();
          release();
        };
      },
      getSnapshot: () => resource.getSnapshot() as ReturnType<C['getSnapshot']>,
    };
    return entry;
  }

  return {
    get<R extends C>(key: string, create: () => R) {
      let entry = entries.get(key);
      if (entry === undefined) {
        entry = createEntry(key, create());
        entries.set(key, entry);
      }
      return entry as unknown as ConnectionCacheEntry<R>;
    },
    getAll: () => [...entries.values()],
    get size() {
      return entries.size;
    },
  };
}
