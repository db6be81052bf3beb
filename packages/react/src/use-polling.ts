import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import {
  browserNetwork,
  createPoller,
  idlePollState,
  type NetworkSource,
  type PollFetcher,
  type Poller,
  type PollerSettings,
  type PollState,
  type RealtimeError,
} from '@realtime-kit/core';
import { useRealtimeConfig } from './realtime-provider.js';
import { createSharedRegistry } from './lib/shared-entry.js';
import { identityOf } from './lib/stable-key.js';

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

interface PollingEntry<T> {
  readonly poller: Poller<T>;
  /** The newest fetcher and settings of any component using this entry. */
  readonly latest: { current: { fetcher: PollFetcher<T>; options: UsePollingOptions<T> } };
  subscribe(listener: () => void): () => void;
  getSnapshot(): PollState<T>;
}

/** How long an entry created during a render that never committed waits before it is dropped. */
const UNUSED_ENTRY_TTL_MS = 10_000;

const entries = createSharedRegistry<PollingEntry<unknown>>();
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
export function usePolling<T>(key: string | null, fetcher: PollFetcher<T>, options?: UsePollingOptions<T>): UsePollingResult<T>;
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
  const entry = active ? getEntry<T>(`${given}|${identityOf(network)}`, network, fetcher, options) : null;

  const latestOptions = useRef(options);
  useLayoutEffect(() => {
    latestOptions.current = options;
    if (!entry) return;
    entry.latest.current = { fetcher, options };
    entry.poller.setOptions(timingOf(options));
  });

  const state = useSyncExternalStore(entry ? entry.subscribe : noopSubscribe, entry ? entry.getSnapshot : getIdle, getIdle);

  useEffect(() => {
    if (!entry) return;
    return entry.poller.onResult((outcome) => {
      if (outcome.ok) latestOptions.current.onData?.(outcome.data);
      else latestOptions.current.onError?.(outcome.error);
    });
  }, [entry]);

  const refresh = useMemo(() => (entry ? () => entry.poller.refresh() : resolved), [entry]);
  return useMemo(() => ({ ...state, refresh }), [state, refresh]);
}

/** The poller settings that are values; the function ones are read through the entry's `latest`. */
function timingOf<T>(options: UsePollingOptions<T>): PollerSettings<T> {
  const { intervalMs, backoff, pauseWhenHidden } = options;
  return { intervalMs, backoff, pauseWhenHidden };
}

function getEntry<T>(key: string, network: NetworkSource, fetcher: PollFetcher<T>, options: UsePollingOptions<T>): PollingEntry<T> {
  return entries.get(key, (release) => createEntry<T>(network, fetcher, options, release) as PollingEntry<unknown>) as PollingEntry<T>;
}

/**
 * One shared poller with ref-counted subscribers. The poller runs while the entry holds it: from the first
 * subscriber until one tick after the last leaves (so StrictMode's unmount/remount neither aborts nor refetches).
 */
function createEntry<T>(network: NetworkSource, fetcher: PollFetcher<T>, options: UsePollingOptions<T>, release: () => void): PollingEntry<T> {
  const latest = { current: { fetcher, options } };
  // Function settings may change identity every render: call whichever is newest.
  const poller = createPoller<T>((context) => latest.current.fetcher(context), {
    ...timingOf(options),
    isHidden: () => (latest.current.options.isHidden ?? defaultHidden)(),
    hasMore: (data) => latest.current.options.hasMore?.(data) ?? false,
    network,
  });
  let users = 0;
  let hold: (() => void) | undefined;
  let releaseTimer: ReturnType<typeof setTimeout> | undefined;
  let unusedTimer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
    if (users === 0) dispose();
  }, UNUSED_ENTRY_TTL_MS);

  function dispose() {
    hold?.();
    hold = undefined;
    release();
  }

  return {
    poller,
    latest,
    getSnapshot: poller.getSnapshot,
    subscribe(listener) {
      users += 1;
      clearTimeout(unusedTimer);
      unusedTimer = undefined;
      clearTimeout(releaseTimer);
      releaseTimer = undefined;
      hold ??= poller.subscribe(() => {});
      const off = poller.subscribe(listener);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        off();
        users -= 1;
        if (users > 0) return;
        releaseTimer = setTimeout(() => {
          releaseTimer = undefined;
          if (users === 0) dispose();
        }, 0);
      };
    },
  };
}

function defaultHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

/** Number of live shared pollers (for tests and devtools). */
export function sharedPollerCount(): number {
  return entries.size;
}
