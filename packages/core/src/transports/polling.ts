import type { Transport } from '../channel/transport.js';
import { backoff } from '../connection/backoff.js';
import { toConnectionStatus, type ConnectionPhase } from '../connection/machine.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { browserNetwork } from '../env/network.js';
import { RealtimeError } from '../errors.js';
import type { ServerFrame } from '../protocol/frames.js';
import { createStore } from '../store.js';
import { createFramePoster, readError, type HttpTransportOptions } from './frame-poster.js';
import { createTransportListeners } from './transport-events.js';

/** Options for {@link pollingTransport}. */
export interface PollingTransportOptions extends HttpTransportOptions {
  /**
   * A poll with no answer for this long is presumed lost (a proxy swallowed it): the transport starts a new
   * session and resumes. Keep it above the server's `polling.waitMs` (default 25 s). Default 40 000.
   */
  pollTimeoutMs?: number;
}

/** A {@link Transport} over HTTP long polling (server → client) and POST (client → server). */
export interface PollingTransport extends Transport {
  readonly kind: 'polling';
  /** Failed polls and POSTs, and answers that were not protocol frames (the transport reconnects and resumes). */
  onError(listener: (error: RealtimeError) => void): () => void;
}

const DEFAULT_POLL_TIMEOUT_MS = 40_000;
/** The response header numbering a poll's answer (`createChannelEndpoint`); the next poll acknowledges it with `ack`. */
const POLL_BATCH_HEADER = 'x-realtime-batch';

/**
 * The channel transport of last resort, for networks where neither WebSockets nor event streams get through
 * (proxies that buffer responses, old corporate gateways): each GET waits on the server until frames are ready
 * and returns them as a JSON array; client frames are POSTed like `sseTransport`'s. Pairs with
 * `createChannelEndpoint` (its `?transport=polling` mode). Usually the last step of `fallbackTransport`.
 *
 * ```ts
 * import { pollingTransport } from '@realtime-kit/core/polling'
 * const client = createRealtimeClient({ transport: pollingTransport({ url: '/api/realtime' }) })
 * ```
 *
 * A failed poll ends the session: the next one starts a new session, and the client subscribes again with its
 * resume points, so nothing is lost and nothing repeats.
 */
export function pollingTransport(options: PollingTransportOptions): PollingTransport {
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const network = options.network ?? browserNetwork;
  const pollTimeoutMs = options.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS;
  if (!(pollTimeoutMs > 0)) throw new RangeError(`pollingTransport: pollTimeoutMs must be > 0 (got ${String(pollTimeoutMs)}).`);
  backoff(1, { ...options.backoff, random: () => 0 });
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  const [addErrorListener, emitError] = createTransportListeners<RealtimeError>();
  const state = createStore<ConnectionState>(INITIAL_CONNECTION_STATE);

  let phase: ConnectionPhase = 'idle';
  let attempt = 0;
  let error: RealtimeError | null = null;
  let retryAt: number | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The session being polled; null while connecting or down. */
  let sessionId: string | null = null;
  /** The attempt (a session's poll loop) in flight; older loops stop when they see it replaced. */
  let current: AbortController | null = null;
  let offNetwork: (() => void) | null = null;

  const poster = createFramePoster({
    name: 'pollingTransport',
    url: options.publishUrl ?? options.url,
    headers: options.headers,
    fetch: fetchImpl,
    session: () => sessionId,
    onError: report,
    onRetry: () => fail(current, new RealtimeError('network', 'pollingTransport: a POST failed; starting a new session to resume.', { retryable: true })),
  });

  function report(failure: RealtimeError) {
    emitError(failure);
  }

  function publish() {
    const status = toConnectionStatus(phase, attempt);
    const retryInMs = retryAt === null ? null : Math.max(0, retryAt - Date.now());
    state.set(Object.freeze({ ...INITIAL_CONNECTION_STATE, status, error, attempt, retryInMs: phase === 'backoff' ? retryInMs : null, retryAt: phase === 'backoff' ? retryAt : null }));
  }

  function watchNetwork() {
    offNetwork ??= network.subscribe((event) => {
      if (event === 'offline') goOffline();
      else if (phase === 'offline' || phase === 'backoff') start();
    });
  }

  function goOffline() {
    if (phase === 'closed' || phase === 'idle') return;
    stopAttempt();
    phase = 'offline';
    publish();
  }

  function stopAttempt() {
    current?.abort();
    current = null;
    sessionId = null;
    poster.reset();
    clearTimeout(retryTimer);
    retryTimer = undefined;
    retryAt = null;
  }

  function start() {
    if (phase === 'closed') return;
    stopAttempt();
    watchNetwork();
    if (!network.isOnline()) {
      phase = 'offline';
      publish();
      return;
    }
    phase = 'connecting';
    publish();
    const attemptController = new AbortController();
    current = attemptController;
    void run(attemptController);
  }

  /** One session: open it, then poll until it fails or is replaced. */
  async function run(controller: AbortController) {
    let session: string | null = null;
    /** The last batch received: the next poll acknowledges it, so a lost answer is sent again. */
    let batch = 0;
    while (current === controller) {
      const url = new URL(options.url, typeof location === 'undefined' ? undefined : location.href);
      url.searchParams.set('transport', 'polling');
      if (session !== null) {
        url.searchParams.set('session', session);
        url.searchParams.set('ack', String(batch));
      }
      let frames: unknown;
      const timer = setTimeout(() => controller.abort(new RealtimeError('timeout', `pollingTransport: no answer from ${options.url} within ${pollTimeoutMs} ms.`, { retryable: true })), pollTimeoutMs);
      try {
        const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
        headers.set('Accept', 'application/json');
        const response = await fetchImpl(url.toString(), { headers, signal: controller.signal, cache: 'no-store', credentials: 'same-origin' });
        if (!response.ok) {
          const detail = await readError(response);
          // 410: the server forgot the session (it ended, expired, its server restarted): a new one resumes.
          const retry = response.status >= 500 || response.status === 404 || response.status === 410 || response.status === 429 || response.status === 408;
          const code = response.status === 401 || response.status === 403 ? 'unauthorized' : response.status === 404 ? 'not_found' : response.status === 410 ? 'session_gone' : response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'server_error' : 'http_error';
          return fail(controller, new RealtimeError(code, `pollingTransport: GET ${options.url} answered ${response.status}${detail ? ` (${detail})` : ''}.`, { status: response.status, retryable: retry }), retry);
        }
        frames = await response.json();
        const numbered = Number(response.headers.get(POLL_BATCH_HEADER));
        if (Number.isSafeInteger(numbered) && numbered > batch) batch = numbered;
      } catch (cause) {
        if (current !== controller) return;
        const reason = controller.signal.reason;
        return fail(controller, reason instanceof RealtimeError ? reason : new RealtimeError('network', `pollingTransport: polling ${options.url} failed; starting a new session to resume.`, { cause, retryable: true }));
      } finally {
        clearTimeout(timer);
      }
      if (current !== controller) return;
      if (!Array.isArray(frames) || !frames.every(isFrame)) {
        return fail(controller, new RealtimeError('bad_frame', `pollingTransport: ${options.url} did not answer a JSON array of protocol frames: is it a realtime-kit endpoint (createChannelEndpoint)?`, { retryable: true }));
      }
      for (const frame of frames) {
        if (current !== controller) return;
        if (frame.type === 'welcome' && session === null) {
          session = frame.session ?? frame.connectionId;
          sessionId = session;
          phase = 'open';
          attempt = 0;
          error = null;
          emitFrame(frame);
          publish();
          continue;
        }
        emitFrame(frame);
      }
      if (session === null) {
        return fail(controller, new RealtimeError('bad_frame', `pollingTransport: ${options.url} opened no session (no welcome frame).`, { retryable: true }));
      }
    }
  }

  function fail(controller: AbortController | null, failure: RealtimeError, retry = failure.retryable) {
    if (controller === null || current !== controller || phase === 'closed') return;
    report(failure);
    stopAttempt();
    error = failure;
    if (!retry) {
      phase = 'closed';
      publish();
      return;
    }
    attempt += 1;
    const delay = backoff(attempt, options.backoff);
    retryAt = Date.now() + delay;
    phase = 'backoff';
    publish();
    retryTimer = setTimeout(start, delay);
  }

  return {
    kind: 'polling',
    url: options.url,
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    connect() {
      if (phase === 'idle') start();
    },
    close() {
      if (phase === 'closed') return;
      stopAttempt();
      offNetwork?.();
      offNetwork = null;
      phase = 'closed';
      error = null;
      publish();
    },
    reconnect() {
      if (phase === 'closed') return;
      attempt = 0;
      start();
    },
    send(frame) {
      if (sessionId === null || phase !== 'open') return false;
      poster.send(frame);
      return true;
    },
    onFrame: addFrameListener,
    onError: addErrorListener,
  };
}

function isFrame(value: unknown): value is ServerFrame {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}
export type { HttpTransportOptions } from './frame-poster.js';
