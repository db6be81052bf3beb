import { createPoller, type PollerOptions, type PollFetcher, type Poller, type PollState } from '../polling/poller.js';
import type { CacheableConnection } from './connection-cache.js';

/** One poller shared by every user of the same key: one timer, one request in flight, one result. */
export interface SharedPoller<T> extends CacheableConnection<PollState<T>> {
  readonly poller: Poller<T>;
  /** The fetcher polls call: set `current` to the newest, so an inline function needs no new poller. */
  readonly latest: { current: PollFetcher<T> };
}

const noop = () => {};

/**
 * A poller for a {@link ConnectionCache}. A poller polls while it has subscribers; this one is also held from
 * `connect()` (the entry's first subscriber) until `dispose()`, so StrictMode's unmount/remount, which leaves it
 * without a subscriber for a moment, neither aborts the request in flight nor fetches again.
 * @example
 * const entry = cache.get(`${key}|${identityOf(network)}`, () => createSharedPoller(fetcher, { network, intervalMs: 10_000 }))
 */
export function createSharedPoller<T>(fetcher: PollFetcher<T>, options?: PollerOptions<T>): SharedPoller<T> {
  const latest = { current: fetcher };
  const poller = createPoller<T>((context) => latest.current(context), options);
  let hold: (() => void) | undefined;
  return {
    poller,
    latest,
    subscribe: poller.subscribe,
    getSnapshot: poller.getSnapshot,
    connect() {
      hold ??= poller.subscribe(noop);
    },
    dispose() {
      hold?.();
      hold = undefined;
    },
  };
}
