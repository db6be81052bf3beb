import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import {
  browserNetwork,
  createConnectionCache,
  createSharedPoller,
  identityOf,
  idlePollState,
  type NetworkSource,
  type PollFetcher,
  type PollerSettings,
  type PollState,
  type RealtimeError,
  type SharedPoller,
} from '@realtime-kit/core';
import { useRealtimeConfig } from './realtime-provider.js';

/** Options of {@link usePolling}. Only `network` decides sharing; the rest are read from the latest render. */
export interface UsePollingOptions<T> extends PollerSettings<T> {
  /**
   * The dedupe key, for the `usePolling(fetcher, { key })` call shape: components with the same key share one
   * timer, one request in flight and one result. Omitted: this component polls on its own. `null`: do not poll.
   */
  key?: string | null;
  /** False: do not poll (the hook returns the idle state). Default true. */
  enabled?: boolean;
  /** Online/offline/visibility source. Default the provider's `network`, else the browser's. */
  network?: NetworkSource;
  /** Called with each successful result (once per poll, in every component that passes it). */
  onData?: (data: T) => void;
  /** Called with each failed poll's error. */
  onError?: (error: RealtimeError) => void;
}

/** What {@link usePolling} returns: the shared poll state and a way to poll now. */
export interface UsePollingResult<T> extends PollState<T> {
  /** Polls now (joining a poll in flight) and restarts the interval; resolves when it settles, never rejects. */
  refresh(): Promise<void>;
}

/** Every component's pollers, shared by key. Each has its own `T`, which a poller takes in and gives out: `any`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const cache = /* @__PURE__ */ createConnectionCache<SharedPoller<any>>();
let privateKeys = 0;
const noopSubscribe = () => () => {};
const getIdle = () => idlePollState<never>();
const resolved = () => Promise.resolve();

/**
 * Polls `fetcher` every `intervalMs` (default 5 s) with exponential backoff (full jitter) on consecutive errors.
 * Pauses while offline or while the page is hidden; on `online` / `visible` it polls at once when a poll is due
 * (the last settled `intervalMs` ago or more), else finishes the current interval. Requests never overlap, and the
 * one in flight is aborted (`signal`) when the last component using it unmounts.
 *
 * Components passing the same `key` share one poller (one timer, one request, the same `data`), started by the
 * first and stopped one tick after the last unmounts, so StrictMode's double mount polls once. The newest
 * rendered `fetcher` and options are used. Without a key (`usePolling(fetcher, options)`), each component polls
 * on its own. On the server, and with `key` null or `enabled: false`, it returns the idle state and fetches nothing.
 * Errors are `RealtimeError`s: a thrown `RealtimeError` as it is, a `SyntaxError` as `bad_data`, anything else as `network`.
 *
 * @param key Dedupe key, or null to stay idle.
 * @example
 * const { data, status, error, refresh } = usePolling('build:42', async ({ signal }) => {
 *   const response = await fetch('/api/builds/42', { signal })
 *   if (!response.ok) throw new RealtimeError('http_error', `GET /api/builds/42 answered ${response.status}`, { status: response.status })
 *   return (await response.json()) as Build
 * }, { intervalMs: 10_000 })
 * @example
 * // Or with the key (optional) in the options.
 * const { data } = usePolling(({ signal }) => fetch('/api/health', { signal }).then((r) => r.json()), { key: 'health' })
 */
export function usePolling<T>(
  key: string | null,
  fetcher: PollFetcher<T>,
  options?: UsePollingOptions<T>,
): UsePollingResult<T>;
export function usePolling<T>(fetcher: PollFetcher<T>, options?: UsePollingOptions<T>): UsePollingResult<T>;
export function usePolling<T>(
  first: string | null | PollFetcher<T>,
  second?: PollFetcher<T> | UsePollingOptions<T>,
  third?: UsePollingOptions<T>,
): UsePollingResult<T> {
  const fetcherFirst = typeof first === 'function';
  const fetcher = (fetcherFirst ? first : second) as PollFetcher<T>;
  const options = ((fetcherFirst ? second : third) ?? {}) as UsePollingOptions<T>;
  const [privateKey] = useState(() => `\u0000private:${++privateKeys}`);
  const given = fetcherFirst ? (options.key === undefined ? privateKey : options.key) : (first as string | null);

  const config = useRealtimeConfig();
  const network = options.network ?? config.network ?? browserNetwork;
  const active = given !== null && options.enabled !== false && typeof window !== 'undefined';
  const entry = active
    ? cache.get(`${given}|${identityOf(network)}`, () =>
        createSharedPoller<T>(fetcher, { ...settingsOf(options), network }),
      )
    : null;
  const shared = entry?.resource;

  const latestOptions = useRef(options);
  useLayoutEffect(() => {
    latestOptions.current = options;
    if (!shared) return;
    shared.latest.current = fetcher;
    shared.poller.setOptions(settingsOf(options));
  });

  const state = useSyncExternalStore(
    entry ? entry.subscribe : noopSubscribe,
    entry ? entry.getSnapshot : getIdle,
    getIdle,
  );

  useEffect(() => {
    if (!shared) return;
    return shared.poller.onResult((outcome) => {
      if (outcome.ok) latestOptions.current.onData?.(outcome.data);
      else latestOptions.current.onError?.(outcome.error);
    });
  }, [shared]);

  const refresh = useMemo(() => (shared ? () => shared.poller.refresh() : resolved), [shared]);
  return useMemo(() => ({ ...state, refresh }), [state, refresh]);
}

/**
 * The poller settings of one render. Every render's settings replace the previous ones (an omitted `isHidden` or
 * `hasMore` too), so the poller calls the newest functions and an inline arrow needs no new poller.
 */
function settingsOf<T>(options: UsePollingOptions<T>): PollerSettings<T> {
  const { intervalMs, backoff, pauseWhenHidden, isHidden, hasMore } = options;
  return { intervalMs, backoff, pauseWhenHidden, isHidden, hasMore };
}

/** Number of live shared pollers (for tests and devtools). */
export function sharedPollerCount(): number {
  return cache.size;
}
