import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
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
  /** A refused or failed POST of the current session. */
  onError: (error: RealtimeError) => void;
  /** A failure a new session can fix (network, 5xx, 401, 404, 429): the transport reconnects. */
  onRetry: () => void;
}

/** Most frames in one POST (`createChannelEndpoint` refuses more than 100). */
const MAX_FRAMES_PER_POST = 100;
/** Most characters of JSON in one POST beyond its first frame: half the server's default 64 KiB body limit. */
const MAX_BATCH_CHARS = 32 * 1024;

/** @internal See {@link FramePoster}. */
export function createFramePoster(options: FramePosterOptions): FramePoster {
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

  /** POSTs frames of one session; false when it failed (the transport then reconnects or has reported why). */
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
      return failed(session, new RealtimeError('network', `${options.name} could not POST to ${options.url}: reconnecting to resume.`, { cause, retryable: true }), true);
    }
    if (response.ok) {
      response.body?.cancel().catch(() => {});
      return true;
    }
    const detail = await readError(response);
    const [code, retry] = classifyPostStatus(response.status);
    const message =
      `${options.name}: POST ${options.url} answered ${response.status}${detail ? ` (${detail})` : ''}. ` +
      (retry ? 'Reconnecting: the client re-subscribes and re-sends unacknowledged publishes.' : 'The frame was dropped: fix it before sending again.');
    return failed(session, new RealtimeError(code, message, { status: response.status, retryable: retry }), retry);
  }

  function failed(session: string, error: RealtimeError, retry: boolean): boolean {
    // A failure of an older session is moot: the current one already re-sent everything.
    if (session !== options.session()) return false;
    options.onError(error);
    if (retry) options.onRetry();
    return !retry;
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

/** The error code of a refused POST, and whether reconnecting (a new session) can help. */
function classifyPostStatus(status: number): [RealtimeErrorCode, boolean] {
  if (status === 400) return ['bad_frame', false];
  if (status === 413) return ['message_too_large', false];
  if (status === 401 || status === 403) return ['unauthorized', true];
  if (status === 404) return ['not_found', true];
  if (status === 429) return ['rate_limited', true];
  if (status >= 500) return ['server_error', true];
  return ['http_error', true];
}

/** The `error.message` of a typed JSON error body, if there is one. */
export async function readError(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    return typeof body.error?.message === 'string' ? body.error.message : undefined;
  } catch {
    return undefined;
  }
}
