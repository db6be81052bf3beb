import type { BackoffOptions } from '../connection/backoff.js';
import { browserNetwork, type NetworkEvent, type NetworkSource } from '../env/network.js';
import { RealtimeError } from '../errors.js';
import { addListener } from '../lib/add-listener.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import { sameFields } from '../lib/same-fields.js';
import { createStore, type Store } from '../store.js';
import { toPollError } from './to-poll-error.js';
import { mergePollSettings, pollIntervalMs, pollRetryDelay, pollsBlocked } from './poll-settings.js';

export { DEFAULT_POLL_INTERVAL_MS } from './poll-settings.js';
export { toPollError } from './to-poll-error.js';

/**
 * What a poller shows: `idle` (nobody subscribed, or never started), `loading` (running, no result yet), `ok` /
 * `error` (the last poll's outcome), `paused` (running, but offline or the page is hidden).
 */
export type PollStatus = 'idle' | 'loading' | 'ok' | 'error' | 'paused';

/** A poller's snapshot. A new object only when a field changed. */
export interface PollState<T> {
  readonly status: PollStatus;
  /** The last successful result (kept through errors and pauses). */
  readonly data: T | undefined;
  /** The last poll's error; null once a poll succeeds. */
  readonly error: RealtimeError | null;
  /** When the last successful poll settled (ms since epoch), null before the first. */
  readonly updatedAt: number | null;
  /** When the next poll is due (ms since epoch): null while idle, paused or fetching. */
  readonly nextPollAt: number | null;
  /** Consecutive failed polls (0 after a success): the backoff attempt of the next retry. */
  readonly failures: number;
  /** Whether a request is in flight. */
  readonly fetching: boolean;
}

/** What the fetcher is given for one poll. */
export interface PollContext<T> {
  /** Aborted when the poller stops (its last subscriber leaves): pass it to `fetch`. */
  readonly signal: AbortSignal;
  /** The last successful result, e.g. to carry a cursor (`?after=${previous.seq}`). */
  readonly previous: T | undefined;
}

/** Fetches one result. A rejection is an error outcome (see {@link toPollError}). */
export type PollFetcher<T> = (context: PollContext<T>) => Promise<T>;

/** The outcome of one poll, as {@link Poller.onResult} reports it. */
export type PollOutcome<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: RealtimeError };

/** Options for {@link createPoller}; all but `network` and `now` can change later through {@link Poller.setOptions}. */
export interface PollerOptions<T> {
  /** Time between the end of one successful poll and the start of the next. Default {@link DEFAULT_POLL_INTERVAL_MS}. */
  intervalMs?: number;
  /**
   * Extra wait after consecutive errors, added to `intervalMs` (so errors never poll faster than successes):
   * `backoff(failures, options)`, exponential with full jitter. Default `{ minMs: intervalMs, factor: 2, maxMs:
   * max(30 s, intervalMs) }`; given fields override these. `false`: retry at the plain interval.
   */
  backoff?: BackoffOptions | false;
  /** Online/offline and "page visible again" events. Default `browserNetwork` (always online outside a browser). */
  network?: NetworkSource;
  /** Skip polls while the page is hidden. Default true. */
  pauseWhenHidden?: boolean;
  /** Whether the page is hidden now. Default: `document.visibilityState === 'hidden'` (never outside a browser). */
  isHidden?: () => boolean;
  /** When it returns true for a result (a page with `more: true`), the next poll starts at once, not after the interval. */
  hasMore?: (data: T) => boolean;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Options that can change while polling. */
export type PollerSettings<T> = Omit<PollerOptions<T>, 'network' | 'now'>;

/** A poller: a {@link Store} of {@link PollState} that polls while it has subscribers. See {@link createPoller}. */
export interface Poller<T> extends Store<PollState<T>> {
  /**
   * Polls now (even when paused or unsubscribed: it is an explicit request) and restarts the interval from its end.
   * While a poll is in flight, returns that one instead of starting another. Never rejects: read `error`.
   */
  refresh(): Promise<void>;
  /** Changes settings; a new `intervalMs` moves a waiting poll's deadline at once. */
  setOptions(settings: PollerSettings<T>): void;
  /** Calls `listener` with every poll's outcome (including `refresh()`es). Returns the unsubscribe function. */
  onResult(listener: (outcome: PollOutcome<T>) => void): () => void;
}

const IDLE: PollState<never> = /* @__PURE__ */ Object.freeze({
  status: 'idle',
  data: undefined,
  error: null,
  updatedAt: null,
  nextPollAt: null,
  failures: 0,
  fetching: false,
});

/** The snapshot of a poller that has never polled: also what SSR renders. */
export function idlePollState<T>(): PollState<T> {
  return IDLE;
}

/**
 * Polls `fetcher` on an interval while the returned store has subscribers: the first subscriber starts it (polling
 * at once when the last result is older than `intervalMs`, or there is none), the last one stops it and aborts the
 * request in flight. Requests never overlap: the next one is timed from the end of the previous.
 *
 * - Errors (typed as {@link RealtimeError}, see {@link toPollError}) back off exponentially with jitter on top of
 *   the interval; a success resets the count.
 * - Offline, the timer stops (`paused`); hidden (with `pauseWhenHidden`), a poll that falls due is skipped
 *   (`paused`). A request already in flight finishes either way.
 * - On `online` or `visible`, it polls at once if a poll is due — the last one settled `intervalMs` ago or more, or
 *   its backoff deadline passed — and otherwise waits out the rest of the deadline.
 *
 * @example
 * const poller = createPoller(async ({ signal }) => (await fetch('/api/status', { signal })).json(), { intervalMs: 10_000 })
 * const stop = poller.subscribe(() => render(poller.getSnapshot()))
 */
export function createPoller<T>(fetcher: PollFetcher<T>, options: PollerOptions<T> = {}): Poller<T> {
  const { network = browserNetwork, now = Date.now, ...initial } = options;
  let settings = mergePollSettings<T>({}, initial);

  let running = false;
  let offNetwork: (() => void) | undefined;
  /** The wait for the next poll (clearing one that already ran is harmless). */
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: { controller: AbortController; promise: Promise<void> } | null = null;
  let paused = false;
  let outcome: 'ok' | 'error' | null = null;
  let data: T | undefined;
  let error: RealtimeError | null = null;
  let updatedAt: number | null = null;
  let lastSettledAt: number | null = null;
  let deadline: number | null = null;
  let failures = 0;
  const resultListeners = new Set<(outcome: PollOutcome<T>) => void>();

  const store = createStore<PollState<T>>(IDLE, { onFirstSubscribe: start, onLastUnsubscribe: stop });

  function publish() {
    const status: PollStatus = !running ? 'idle' : paused ? 'paused' : (outcome ?? 'loading');
    const fetching = inFlight !== null;
    const nextPollAt = running && !paused && !fetching ? deadline : null;
    const next = { status, data, error, updatedAt, nextPollAt, failures, fetching };
    if (!sameFields(store.getSnapshot(), next)) store.set(Object.freeze(next));
  }

  /** Polls wait (offline, or hidden): no deadline shows. */
  function pause() {
    paused = true;
    publish();
  }

  function start() {
    running = true;
    offNetwork = network.subscribe(onNetwork);
    resume();
    publish();
  }

  function stop() {
    running = false;
    paused = false;
    offNetwork?.();
    offNetwork = undefined;
    clearTimeout(timer);
    const current = inFlight;
    inFlight = null;
    current?.controller.abort(new RealtimeError('closed', 'The poller stopped: its last subscriber left.'));
    publish();
  }

  function onNetwork(event: NetworkEvent) {
    if (!running) return;
    if (event !== 'offline') return resume();
    clearTimeout(timer);
    pause();
  }

  /** Polls now when a poll is due, else waits for the deadline; pauses instead while offline or hidden. */
  function resume() {
    if (!running || inFlight) return;
    const at = now();
    const due =
      lastSettledAt === null || deadline === null || at >= deadline || at - lastSettledAt >= pollIntervalMs(settings);
    if (!due || pollsBlocked(network, settings)) return schedule();
    paused = false;
    void poll();
  }

  /** Waits for the deadline (a timer, even for a deadline already reached: a `hasMore` chain never starves timers). */
  function schedule() {
    clearTimeout(timer);
    if (pollsBlocked(network, settings)) return pause();
    paused = false;
    timer = setTimeout(onTimer, Math.max(0, (deadline ?? now()) - now()));
    publish();
  }

  function onTimer() {
    if (!running) return;
    if (pollsBlocked(network, settings)) return pause();
    void poll();
  }

  function poll(): Promise<void> {
    if (inFlight) return inFlight.promise;
    clearTimeout(timer);
    const controller = new AbortController();
    const promise = settle(controller);
    inFlight = { controller, promise };
    publish();
    return promise;
  }

  async function settle(controller: AbortController): Promise<void> {
    let result: PollOutcome<T>;
    try {
      // Deferred one microtask, so `inFlight` is set before a synchronous fetcher can settle.
      await undefined;
      if (controller.signal.aborted) return;
      result = { ok: true, data: await fetcher({ signal: controller.signal, previous: data }) };
    } catch (thrown) {
      result = { ok: false, error: toPollError(thrown) };
    }
    // Stopped meanwhile: the result of an aborted request is dropped.
    if (inFlight?.controller !== controller) return;
    inFlight = null;
    lastSettledAt = now();
    if (result.ok) {
      outcome = 'ok';
      data = result.data;
      error = null;
      failures = 0;
      updatedAt = lastSettledAt;
      deadline = settings.hasMore?.(result.data) ? lastSettledAt : lastSettledAt + pollIntervalMs(settings);
    } else {
      outcome = 'error';
      error = result.error;
      failures += 1;
      deadline = lastSettledAt + pollRetryDelay(settings, failures);
    }
    if (running) schedule();
    publish();
    emitToListeners(resultListeners, result);
  }

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    refresh: poll,
    setOptions(next) {
      const before = pollIntervalMs(settings);
      const hiddenBefore = settings.pauseWhenHidden;
      settings = mergePollSettings(settings, next);
      const intervalChanged = pollIntervalMs(settings) !== before;
      // A waiting success deadline follows the new interval; a backoff deadline keeps its jittered retry.
      if (intervalChanged && lastSettledAt !== null && outcome === 'ok' && deadline !== lastSettledAt) {
        deadline = lastSettledAt + pollIntervalMs(settings);
      }
      if (running && (intervalChanged || settings.pauseWhenHidden !== hiddenBefore)) resume();
    },
    onResult: (listener) => addListener(resultListeners, listener),
  };
}
