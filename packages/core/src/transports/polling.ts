import type { Transport } from '../channel/transport.js';
import { createReconnectEngine, type Attempt, type AttemptVerdict } from '../connection/reconnect-engine.js';
import { RealtimeError } from '../errors.js';
import type { ServerFrame } from '../protocol/frames.js';
import { createFramePoster, type HttpTransportOptions } from './frame-poster.js';
import { requestPoll, retry, type PollAnswer } from './poll-request.js';
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
  const pollTimeoutMs = options.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS;
  if (!(pollTimeoutMs > 0))
    throw new RangeError(`pollingTransport: pollTimeoutMs must be > 0 (got ${String(pollTimeoutMs)}).`);
  const now = () => Date.now();
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  const [addErrorListener, emitError] = createTransportListeners<RealtimeError>();

  /** The session being polled; null while connecting or down. */
  let sessionId: string | null = null;
  /** The attempt (a session's poll loop) in flight; null between attempts. */
  let current: Attempt | null = null;

  const engine = createReconnectEngine({
    begin(attempt) {
      current = attempt;
      void run(attempt);
    },
    end() {
      current = null;
      sessionId = null;
      poster.reset();
    },
    ...(options.network ? { network: options.network } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });

  const poster = createFramePoster({
    name: 'pollingTransport',
    url: options.publishUrl ?? options.url,
    headers: options.headers,
    fetch: fetchImpl,
    session: () => sessionId,
    onRejected: emitError,
    onFailed: (verdict) => {
      if (current !== null) fail(current, verdict);
    },
  });

  /** One session: open it, then poll until it fails or is replaced. */
  async function run(attempt: Attempt) {
    let session: string | null = null;
    /** The last batch received: the next poll acknowledges it, so a lost answer is sent again. */
    let batch = 0;
    while (attempt.live()) {
      const url = new URL(options.url, typeof location === 'undefined' ? undefined : location.href);
      url.searchParams.set('transport', 'polling');
      if (session !== null) {
        url.searchParams.set('session', session);
        url.searchParams.set('ack', String(batch));
      }
      const answer = await poll(attempt, url.toString());
      if (answer === null || !attempt.live()) return;
      batch = Math.max(batch, answer.batch);
      for (const frame of answer.frames) {
        if (!attempt.live()) return;
        emitFrame(frame);
        if (frame.type === 'welcome' && session === null) {
          session = frame.session ?? frame.connectionId;
          sessionId = session;
          attempt.open();
        }
      }
      if (session === null) {
        return fail(
          attempt,
          retry(
            new RealtimeError('bad_frame', `pollingTransport: ${options.url} opened no session (no welcome frame).`, {
              retryable: true,
            }),
          ),
        );
      }
    }
  }

  /** One poll: the frames it answered and their batch number, or null when it failed (the attempt is then over). */
  async function poll(attempt: Attempt, url: string): Promise<PollAnswer | null> {
    const answer = await requestPoll(url, attempt.signal, { options, fetch: fetchImpl, pollTimeoutMs, now });
    if ('frames' in answer) return answer;
    fail(attempt, answer);
    return null;
  }

  function fail(attempt: Attempt, verdict: AttemptVerdict) {
    if (!attempt.live()) return;
    emitError(verdict.error);
    attempt.fail(verdict);
  }

  return {
    kind: 'polling',
    url: options.url,
    subscribe: engine.subscribe,
    getSnapshot: engine.getSnapshot,
    connect() {
      if (engine.phase === 'idle') engine.connect();
    },
    close() {
      if (engine.phase !== 'closed') engine.close();
    },
    reconnect() {
      if (engine.phase !== 'closed') engine.reconnect();
    },
    send(frame) {
      if (sessionId === null || engine.phase !== 'open') return false;
      poster.send(frame);
      return true;
    },
    onFrame: addFrameListener,
    onError: addErrorListener,
  };
}

export type { HttpTransportOptions } from './frame-poster.js';
