import { setInspectable, type Inspectable } from '../devtools/registry.js';
import { browserNetwork, type NetworkEvent, type NetworkSource } from '../env/network.js';
import type { RealtimeError } from '../errors.js';
import { assertNever } from '../lib/assert-never.js';
import { sameFields } from '../lib/same-fields.js';
import { createStore, type Store } from '../store.js';
import { backoff, type BackoffOptions } from './backoff.js';
import { toConnectionStatus, type ConnectionPhase } from './connection-phase.js';
import { createRetryPolicy } from './retry-policy.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from './status.js';

export { STABLE_SESSION_MS } from './retry-policy.js';

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
 *   jitter; `reauthenticate` retries at once (with fresh credentials); `stop` closes. {@link createRetryPolicy}
 *   decides; {@link reactToNetwork} says what network events do.
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
  let retryPolicy = createRetryPolicy(retryDelay);
  let phase: ConnectionPhase = 'idle';
  let failures = 0;
  let error: RealtimeError | null = null;
  let retryInMs: number | null = null;
  let retryAt: number | null = null;
  let current: Attempt | null = null;
  let controller: AbortController | undefined;
  let openedAt: number | null = null;
  /** The last failure asked for fresh credentials, got a retry, and none were accepted since: another refusal stops. */
  let reauthenticated = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatchNetwork: (() => void) | null = null;
  const store = createStore<ConnectionState>(initialState(options.lastEventId?.() ?? null), {
    onFirstSubscribe() {
      if (phase === 'idle') start();
    },
  });

  function publish() {
    const status = toConnectionStatus(phase, failures);
    const lastEventId = options.lastEventId?.() ?? null;
    const next: ConnectionState = { status, error, attempt: failures, retryInMs, retryAt, lastEventId };
    if (sameFields(store.getSnapshot(), next)) return;
    // Listed for devtools while running (an idle one is not started by an inspector's subscribe).
    if (options.inspectable) setInspectable(options.inspectable(), status !== 'closed');
    store.set(Object.freeze(next));
  }

  /** Moves to `next` and publishes; `delay` is the wait of a backoff (no other phase has a retry due). */
  function enter(next: ConnectionPhase, delay: number | null = null) {
    phase = next;
    retryInMs = delay;
    retryAt = delay === null ? null : now() + delay;
    publish();
  }

  function start() {
    failures = 0;
    error = null;
    reauthenticated = false;
    retryPolicy = createRetryPolicy(retryDelay);
    unwatchNetwork ??= network.subscribe((event) => reactToNetwork(event, phase, goOffline, beginAttempt, options));
    beginAttempt();
  }

  function beginAttempt() {
    clearTimeout(retryTimer);
    if (!network.isOnline()) return goOffline();
    controller = new AbortController();
    const live = () => current === attempt;
    const attempt: Attempt = {
      signal: controller.signal,
      live,
      open(credentialsAccepted = true) {
        if (!live()) return;
        failures = 0;
        error = null;
        openedAt = now();
        if (credentialsAccepted) reauthenticated = false;
        enter('open');
      },
      acceptCredentials() {
        if (!live()) return;
        // The server took this session's credentials and spoke: a later refusal is news, answered at once again.
        reauthenticated = false;
        retryPolicy = createRetryPolicy(retryDelay);
      },
      fail(verdict) {
        if (live()) settle(verdict);
      },
    };
    current = attempt;
    enter('connecting');
    options.begin(attempt);
  }

  function settle(given: AttemptVerdict) {
    const sessionMs = openedAt === null ? 0 : now() - openedAt;
    endAttempt('failed');
    failures += 1;
    error = given.error;
    const delay = retryPolicy(given, failures, sessionMs, reauthenticated);
    reauthenticated = given.action === 'reauthenticate' && !reauthenticated;
    if (delay === null) return stop();
    retryTimer = setTimeout(beginAttempt, delay);
    enter('backoff', delay);
  }

  /** Ends the current attempt, if any, and stops a backoff's timer (clearing one that already ran is harmless). */
  function endAttempt(why: AttemptEnd) {
    const ending = current;
    current = null;
    openedAt = null;
    if (ending !== null) {
      controller?.abort();
      options.end?.(ending, why);
    }
    clearTimeout(retryTimer);
  }

  /** Stops for good: no more network events, phase `closed`. */
  function stop() {
    unwatchNetwork?.();
    unwatchNetwork = null;
    enter('closed');
  }

  function goOffline() {
    endAttempt('offline');
    enter('offline');
    options.wentOffline?.();
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
      start();
    },
    close() {
      endAttempt('close');
      failures = 0;
      error = null;
      stop();
    },
    refresh: publish,
  };
}

/** The state before the first attempt: idle, with the resume point a connection starts from, if any. */
function initialState(resumeFrom: string | null): ConnectionState {
  return resumeFrom === null
    ? INITIAL_CONNECTION_STATE
    : Object.freeze({ ...INITIAL_CONNECTION_STATE, lastEventId: resumeFrom });
}

/**
 * What a network event does to a connection in `phase`. Offline ends an attempt or a backoff. Online ends the
 * offline wait or a backoff at once (waiting out a backoff would only delay recovery), and so does the page becoming
 * visible; visible while open asks for a probe (a socket asleep with the device may be dead).
 */
function reactToNetwork(
  event: NetworkEvent,
  phase: ConnectionPhase,
  goOffline: () => void,
  attemptNow: () => void,
  options: Pick<ReconnectEngineOptions, 'visibleWhileOpen'>,
) {
  switch (event) {
    case 'offline':
      if (phase === 'connecting' || phase === 'open' || phase === 'backoff') goOffline();
      return;
    case 'online':
      if (phase === 'offline' || phase === 'backoff') attemptNow();
      return;
    case 'visible':
      if (phase === 'backoff') attemptNow();
      else if (phase === 'open') options.visibleWhileOpen?.();
      return;
    default:
      assertNever(event);
  }
}
