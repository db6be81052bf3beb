import { classifyHttpRefusal, readRefusalBody, toAttemptVerdict } from '../connection/http-refusal.js';
import type { AttemptVerdict } from '../connection/reconnect-engine.js';
import { RealtimeError } from '../errors.js';
import { SESSION_HEADER, type ClientFrame } from '../protocol/frames.js';
import type { BackoffOptions } from '../connection/backoff.js';
import type { NetworkSource } from '../env/network.js';
import type { HeadersInput } from '../sse/types.js';

/** What the HTTP transports (`sseTransport`, `pollingTransport`) take in common. */
export interface HttpTransportOptions {
  /** The endpoint (`createChannelEndpoint` in `@realtime-kit/server`): GET carries server frames, POST takes client frames. */
  url: string;
  /** Where client frames are POSTed. Default `url`. */
  publishUrl?: string;
  /** Headers for every GET and POST, or a function called before each request (e.g. for a fresh token). */
  headers?: HeadersInput;
  /** The fetch implementation. Default the global `fetch`, resolved per request. */
  fetch?: typeof fetch;
  network?: NetworkSource;
  backoff?: BackoffOptions;
}

/**
 * The client → server half of the HTTP transports (`sseTransport`, `pollingTransport`): client frames POSTed to
 * the endpoint with the header naming their session, one request at a time so the server sees them in order.
 *
 * @internal Not exported from the package index.
 */
export interface FramePoster {
  /** Queues a frame of the current session (see `session()`); sent after the ones before it. */
  send(frame: ClientFrame): void;
  /** Forgets queued frames: their session ended (the client re-sends what the server did not ack). */
  reset(): void;
}

export interface FramePosterOptions {
  /** Who is posting, for error messages: `sseTransport`, `pollingTransport`. */
  name: string;
  url: string;
  headers?: HeadersInput;
  fetch: typeof fetch;
  /** The current session id; null when there is none (queued frames wait, or are dropped by `reset`). */
  session: () => string | null;
  /** A POST of the current session was refused as malformed (400, 413, …): its frames were dropped, the session goes on. */
  onRejected: (error: RealtimeError) => void;
  /**
   * A POST of the current session failed in a way that ends the session (the shared status table: network, 429, 5xx,
   * `session_gone` retried; 401/403/404 stop): the transport ends its attempt with this verdict.
   */
  onFailed: (verdict: AttemptVerdict) => void;
  /** Clock for HTTP-date `Retry-After` values. Default `Date.now`. */
  now?: () => number;
}

/** Most frames in one POST (`createChannelEndpoint` refuses more than 100). */
const MAX_FRAMES_PER_POST = 100;
/** Most characters of JSON in one POST beyond its first frame: half the server's default 64 KiB body limit. */
const MAX_BATCH_CHARS = 32 * 1024;

/** @internal See {@link FramePoster}. */
export function createFramePoster(options: FramePosterOptions): FramePoster {
  const now = options.now ?? (() => Date.now());
  let queue: ClientFrame[] = [];
  let posting = false;

  async function drain() {
    posting = true;
    try {
      let session: string | null;
      while (queue.length > 0 && (session = options.session()) !== null) {
        const frames = nextBatch();
        if (!(await post(session, frames))) break;
      }
    } finally {
      posting = false;
    }
    if (queue.length > 0 && options.session() !== null) void drain();
  }

  /**
   * The next frames to POST together, in order: at most {@link MAX_FRAMES_PER_POST}, and no more than
   * {@link MAX_BATCH_CHARS} of JSON beyond the first (so a burst, e.g. an outbox flushed after a reconnect, stays under
   * the server's body limit instead of being refused whole).
   */
  function nextBatch(): ClientFrame[] {
    let size = 0;
    let count = 0;
    while (count < queue.length && count < MAX_FRAMES_PER_POST) {
      const length = JSON.stringify(queue[count])?.length ?? 0;
      if (count > 0 && size + length > MAX_BATCH_CHARS) break;
      size += length;
      count += 1;
    }
    return queue.splice(0, count);
  }

  /** POSTs frames of one session; false when the session failed (the transport then ends its attempt). */
  async function post(session: string, frames: ClientFrame[]): Promise<boolean> {
    let response: Response;
    try {
      const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
      headers.set('Content-Type', 'application/json');
      headers.set(SESSION_HEADER, session);
      response = await options.fetch(options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(frames.length === 1 ? frames[0] : frames),
        credentials: 'same-origin',
      });
    } catch (cause) {
      const error = new RealtimeError(
        'network',
        `${options.name} could not POST to ${options.url}: reconnecting to resume.`,
        { cause, retryable: true },
      );
      return failed(session, { action: 'retry', error });
    }
    if (response.ok) {
      response.body?.cancel().catch(() => {});
      return true;
    }
    const body = await readRefusalBody(response);
    const refusal = classifyHttpRefusal(response.status, response.headers, body, {
      label: `${options.name}: `,
      url: options.url,
      method: 'POST',
      now,
    });
    if (refusal.verdict.action === 'reject') {
      if (session === options.session()) options.onRejected(refusal.error);
      return true;
    }
    return failed(session, toAttemptVerdict(refusal));
  }

  function failed(session: string, verdict: AttemptVerdict): false {
    // A failure of an older session is moot: the current one already re-sent everything.
    if (session === options.session()) options.onFailed(verdict);
    return false;
  }

  return {
    send(frame) {
      queue.push(frame);
      if (!posting) void drain();
    },
    reset() {
      queue = [];
    },
  };
}
