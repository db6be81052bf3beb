import { setInspectable, type Inspectable } from '../devtools/registry.js';
import { browserNetwork, type NetworkEvent, type NetworkSource } from '../env/network.js';
import type { RealtimeError } from '../errors.js';
import { assertNever } from '../lib/assert-never.js';
import { createStore, type Store } from '../store.js';
import { backoff, type BackoffOptions } from './backoff.js';
import { toConnectionStatus, type ConnectionPhase } from './machine.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from './status.js';

/** How long a session must last for the retries granted at once to start over (see `hurried`). */
export const STABLE_SESSION_MS = 10_000;

/** What to do when an attempt ends: try again (after `delayMs`, or a backoff), try again now with fresh credentials, or stop. */
export type AttemptVerdict =
  | { readonly action: 'retry'; readonly error: RealtimeError; readonly delayMs?: number }
  | { readonly action: 'reauthenticate'; readonly error: RealtimeError }
  | { readonly action: 'stop'; readonly error: RealtimeError };

/** Why an attempt ended: its own failure, or the connection going offline, reconnecting or closing. */
export type AttemptEnd = 'failed' | 'offline' | 'reconnect' | 'close';

/** One attempt to connect, as the engine hands it to the connection. */
export interface Attempt {
  /** Aborted when the attempt ends, whatever ended it. */
  readonly signal: AbortSignal;
  /** Still the current attempt: async steps of older attempts check it and stop. */
  live(): boolean;
  /**
   * The attempt carries a session now: the connection is `open`, its failure count back to 0. `credentialsAccepted`
   * false: being open does not prove the credentials good yet (a WebSocket server accepts the upgrade, then closes
   * 4401); call `acceptCredentials()` once something does.
   */
  open(credentialsAccepted?: boolean): void;
  /** The server accepted this attempt's credentials: a later refusal asks for fresh ones again instead of stopping. */
  acceptCredentials(): void;
  /** The attempt ended; the verdict says what comes next. Ignored once the attempt is no longer current. */
  fail(verdict: AttemptVerdict): void;
}

/** What a connection tells the engine: how to make an attempt, and what it needs besides. */
export interface ReconnectEngineOptions {
  /** Starts one attempt (a request, a socket). Called with no attempt in flight. */
  begin(attempt: Attempt): void;
  /** The attempt is over (it failed, or the connection went offline, reconnected or closed): release it. */
  end?(attempt: Attempt, why: AttemptEnd): void;
  /** The delay before retry number `failures` when the verdict names none. Default `backoff(failures, options.backoff)`. */
  retryDelay?(failures: number): number;
  /** The network went down: the attempt was ended and the state says `offline` (the only end the engine starts itself). */
  wentOffline?(): void;
  /** The page became visible while the connection is open (a socket asleep with the device may be dead: probe it). */
  visibleWhileOpen?(): void;
  /** The resume point the state shows (SSE's last event id). */
  lastEventId?(): string | null;
  /** The connection as devtools list it while it runs (asked when first needed: the connection is built after the engine). */
  inspectable?(): Inspectable;
  readonly network?: NetworkSource;
  readonly now?: () => number;
  readonly backoff?: BackoffOptions;
}

/** The lifecycle every connection shares, owned once. See {@link createReconnectEngine}. */
export interface ReconnectEngine extends Store<ConnectionState> {
  /** The detailed phase (the store shows the public status). */
  readonly phase: ConnectionPhase;
  /** Consecutive failed attempts. */
  readonly failures: number;
  /** The last failure asked for fresh credentials and none were accepted since: another refusal stops. */
  readonly reauthenticated: boolean;
  /** Starts connecting unless already running. */
  connect(): void;
  /** Drops the current attempt and connects again now, failure count reset. */
  reconnect(): void;
  /** Stops for good (status `closed`). */
  close(): void;
  /** Something the state shows changed outside the engine (the resume point): publish it. */
  refresh(): void;
}

/**
 * The one reconnect lifecycle of every connection (SSE, WebSocket, long polling): phases, the failure count, backoff
 * and its timer, offline and visibility handling, close and reconnect, the public state with change detection, and
 * listing for devtools. A connection supplies how to make one attempt and classifies how it ended; everything after
 * that is decided here, the same for all.
 *
 * - A failed attempt is retried after the verdict's delay (a server's `Retry-After`), else after a backoff with full
 *   jitter; `reauthenticate` retries at once (with fresh credentials); `stop` closes.
 * - Offline: the attempt ends and nothing runs until the network is back, then it connects at once (waiting out a
 *   backoff would only delay recovery). The page becoming visible ends a backoff early too.
 * - The first store subscriber starts an idle connection (lazy connections).
 */
export function createReconnectEngine(options: ReconnectEngineOptions): ReconnectEngine {
  const network = options.network ?? browserNetwork;
  const now = options.now ?? (() => Date.now());
  // Invalid backoff options would otherwise throw later, inside an async failure path.
  backoff(1, { ...options.backoff, random: () => 0 });
  const retryDelay = options.retryDelay ?? ((failures: number) => backoff(failures, options.backoff));

  let phase: ConnectionPhase = 'idle';
  let failures = 0;
  let error: RealtimeError | null = null;
  let retryInMs: number | null = null;
  let retryAt: number | null = null;
  let current: { attempt: Attempt; controller: AbortController } | null = null;
  /** The last failure asked for fresh credentials: a second such failure in a row stops. */
  let reauthenticated = false;
  /**
   * Retries granted at once (fresh credentials, a session the server forgot) whose next session did not last
   * {@link STABLE_SESSION_MS}: from the second, they wait a backoff, so a server that refuses every new session the
   * same way (a POST reaching an instance without the session, over and over) meets a backoff, not a hot loop.
   */
  let hurried = 0;
  let openedAt: number | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatchNetwork: (() => void) | null = null;

  const resumeFrom = options.lastEventId?.() ?? null;
  const initial = resumeFrom === null ? INITIAL_CONNECTION_STATE : Object.freeze({ ...INITIAL_CONNECTION_STATE, lastEventId: resumeFrom });
  const store = createStore<ConnectionState>(initial, {
    onFirstSubscribe() {
      if (phase === 'idle') start();
    },
  });

  function publish() {
    const previous = store.getSnapshot();
    const status = toConnectionStatus(phase, failures);
    const lastEventId = options.lastEventId?.() ?? null;
    if (
      previous.status === status &&
      previous.error === error &&
      previous.attempt === failures &&
      previous.retryInMs === retryInMs &&
      previous.retryAt === retryAt &&
      previous.lastEventId === lastEventId
    ) {
      return;
    }
    // Listed for devtools while running (an idle one is not started by an inspector's subscribe).
    if (options.inspectable) setInspectable(options.inspectable(), status !== 'closed');
    store.set(Object.freeze({ status, error, attempt: failures, retryInMs, retryAt, lastEventId }));
  }

  function start() {
    failures = 0;
    error = null;
    reauthenticated = false;
    hurried = 0;
    unwatchNetwork ??= network.subscribe(onNetworkEvent);
    beginAttempt();
  }

  function beginAttempt() {
    clearRetryTimer();
    if (!network.isOnline()) return goOffline();
    const controller = new AbortController();
    const attempt: Attempt = {
      signal: controller.signal,
      live: () => current?.attempt === attempt,
      open(credentialsAccepted = true) {
        if (current?.attempt !== attempt) return;
        phase = 'open';
        failures = 0;
        openedAt = now();
        if (credentialsAccepted) reauthenticated = false;
        error = null;
        retryInMs = null;
        retryAt = null;
        publish();
      },
      acceptCredentials() {
        if (current?.attempt !== attempt) return;
        // The server took this session's credentials and spoke: a later refusal is news, answered at once again.
        reauthenticated = false;
        hurried = 0;
      },
      fail(verdict) {
        if (current?.attempt === attempt) settle(verdict);
      },
    };
    current = { attempt, controller };
    phase = 'connecting';
    retryInMs = null;
    retryAt = null;
    publish();
    options.begin(attempt);
  }

  function settle(given: AttemptVerdict) {
    if (openedAt !== null && now() - openedAt >= STABLE_SESSION_MS) hurried = 0;
    endAttempt('failed');
    failures += 1;
    error = given.error;
    // Fresh credentials were refused as well: asking again would loop.
    const verdict: AttemptVerdict = given.action === 'reauthenticate' && reauthenticated ? { action: 'stop', error: given.error } : given;
    reauthenticated = verdict.action === 'reauthenticate';
    switch (verdict.action) {
      case 'stop':
        stopWatchingNetwork();
        phase = 'closed';
        retryInMs = null;
        retryAt = null;
        publish();
        return;
      case 'reauthenticate':
        return scheduleRetry(atOnce());
      case 'retry':
        return scheduleRetry(verdict.delayMs === 0 ? atOnce() : (verdict.delayMs ?? retryDelay(failures)));
      default:
        assertNever(verdict);
    }
  }

  function atOnce(): number {
    hurried += 1;
    return hurried === 1 ? 0 : retryDelay(hurried - 1);
  }

  function scheduleRetry(delay: number) {
    phase = 'backoff';
    retryInMs = delay;
    retryAt = now() + delay;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      beginAttempt();
    }, delay);
    publish();
  }

  function endAttempt(why: AttemptEnd) {
    const ending = current;
    current = null;
    openedAt = null;
    if (ending === null) return;
    ending.controller.abort();
    options.end?.(ending.attempt, why);
  }

  function clearRetryTimer() {
    clearTimeout(retryTimer);
    retryTimer = undefined;
  }

  function stopWatchingNetwork() {
    unwatchNetwork?.();
    unwatchNetwork = null;
  }

  function goOffline() {
    endAttempt('offline');
    clearRetryTimer();
    phase = 'offline';
    retryInMs = null;
    retryAt = null;
    publish();
    options.wentOffline?.();
  }

  function onNetworkEvent(event: NetworkEvent) {
    switch (event) {
      case 'offline':
        if (phase === 'connecting' || phase === 'open' || phase === 'backoff') goOffline();
        return;
      case 'online':
        if (phase === 'offline' || phase === 'backoff') beginAttempt();
        return;
      case 'visible':
        if (phase === 'backoff') beginAttempt();
        else if (phase === 'open') options.visibleWhileOpen?.();
        return;
      default:
        assertNever(event);
    }
  }

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    get phase() {
      return phase;
    },
    get failures() {
      return failures;
    },
    get reauthenticated() {
      return reauthenticated;
    },
    connect() {
      if (phase === 'idle' || phase === 'closed') start();
    },
    reconnect() {
      endAttempt('reconnect');
      clearRetryTimer();
      unwatchNetwork ??= network.subscribe(onNetworkEvent);
      failures = 0;
      error = null;
      reauthenticated = false;
      hurried = 0;
      beginAttempt();
    },
    close() {
      endAttempt('close');
      clearRetryTimer();
      stopWatchingNetwork();
      phase = 'closed';
      failures = 0;
      error = null;
      retryInMs = null;
      retryAt = null;
      publish();
    },
    refresh: publish,
  };
}
