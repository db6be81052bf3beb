import type { Transport } from '../channel/transport.js';
import type { BackoffOptions } from '../connection/backoff.js';
import type { NetworkSource } from '../env/network.js';
import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import { SESSION_HEADER, type ClientFrame, type ServerFrame } from '../protocol/frames.js';
import { createTransportListeners } from './transport-events.js';
import { gateOnWelcome } from './welcome-gate.js';
import { createSSEConnection } from '../sse/sse-connection.js';
import type { HeadersInput } from '../sse/types.js';

/** The request header that names the session a POSTed frame belongs to (the `connectionId` of `welcome`). */
export const SSE_SESSION_HEADER = SESSION_HEADER;

/** Options for {@link sseTransport}. */
export interface SSETransportOptions {
  /** The endpoint (see `createChannelEndpoint` in `@realtime-kit/server`): GET streams frames, POST takes them. */
  url: string;
  /** Where client frames are POSTed. Default `url`. */
  publishUrl?: string;
  /** Headers for the stream and every POST, or a function called before each request (e.g. for a fresh token). */
  headers?: HeadersInput;
  /** The fetch implementation. Default the global `fetch`, resolved per request. */
  fetch?: typeof fetch;
  network?: NetworkSource;
  backoff?: BackoffOptions;
}

/** A {@link Transport} over Server-Sent Events (server → client) and HTTP POST (client → server). */
export interface SSETransport extends Transport {
  readonly kind: 'sse';
  /**
   * Events that were not protocol frames (`bad_frame`, dropped; the stream goes on), refused or failed POSTs
   * (a failed POST reconnects, so the client re-subscribes and re-sends what was not acked), and every error of
   * the underlying stream. Without a listener, `bad_frame` errors are logged with `console.warn`.
   */
  onError(listener: (error: RealtimeError) => void): () => void;
}

/**
 * The channel transport for hosts without WebSockets (serverless, Next.js route handlers): one SSE stream carries
 * every server frame, each client frame is a POST naming the stream's session. Pairs with `createChannelEndpoint`.
 *
 * ```ts
 * import { sseTransport } from '@realtime-kit/core/sse-transport'
 * const client = createRealtimeClient({ transport: sseTransport({ url: '/api/realtime' }) })
 * ```
 *
 * Frames POSTed on one session go one request at a time, so the server sees them in order. Resume needs nothing
 * from the stream's `Last-Event-ID`: after every reconnect the client subscribes again with `after`.
 */
export function sseTransport(options: SSETransportOptions): SSETransport {
  const postUrl = options.publishUrl ?? options.url;
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  const [addErrorListener, emitError] = createTransportListeners<RealtimeError>();

  const connection = createSSEConnection<unknown>(options.url, {
    headers: options.headers,
    fetch: options.fetch,
    network: options.network,
    backoff: options.backoff,
    autoConnect: false,
  });

  // A session begins with `welcome` (it names the session POSTs must carry), not with the response opening.
  let sessionId: string | null = null;
  const gate = gateOnWelcome(connection, () => sessionId !== null);
  let watching = false;
  let queue: ClientFrame[] = [];
  let posting = false;

  function reportError(error: RealtimeError) {
    // Never swallow: with nobody listening, a dropped frame still leaves a trace.
    if (!emitError(error) && error.code === 'bad_frame') console.warn(`[realtime-kit] ${error.message}`);
  }

  function watch() {
    if (watching) return;
    watching = true;
    // Leaving `open` ends the session: frames still queued belong to it and are dropped (the client re-sends).
    connection.subscribe(() => {
      if (connection.getSnapshot().status !== 'open' && sessionId !== null) {
        sessionId = null;
        queue = [];
      }
    });
  }


  connection.on('*', (message) => {
    const frame = message.data;
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame) || typeof (frame as { type?: unknown }).type !== 'string') {
      reportError(
        new RealtimeError(
          'bad_frame',
          `sseTransport(${options.url}) dropped an event that is not a realtime-kit protocol frame (JSON with a "type"). ` +
            'Check that the URL points at a realtime-kit endpoint (createChannelEndpoint) and not another event stream.',
          { raw: JSON.stringify(frame)?.slice(0, 1024) },
        ),
      );
      return;
    }
    const serverFrame = frame as ServerFrame;
    if (serverFrame.type === 'welcome' && sessionId === null) {
      sessionId = serverFrame.connectionId;
      gate.notify();
    }
    emitFrame(serverFrame);
  });
  connection.on('error', (event) => reportError(event.error));

  async function drain() {
    posting = true;
    try {
      while (queue.length > 0 && sessionId !== null) {
        const session = sessionId;
        const frames = queue;
        queue = [];
        if (!(await post(session, frames))) break;
      }
    } finally {
      posting = false;
    }
    if (queue.length > 0 && sessionId !== null) void drain();
  }

  /** POSTs frames of one session; false when it failed (the transport then reconnects or has reported why). */
  async function post(session: string, frames: ClientFrame[]): Promise<boolean> {
    let response: Response;
    try {
      const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
      headers.set('Content-Type', 'application/json');
      headers.set(SSE_SESSION_HEADER, session);
      response = await fetchImpl(postUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify(frames.length === 1 ? frames[0] : frames),
        credentials: 'same-origin',
      });
    } catch (cause) {
      return failed(session, new RealtimeError('network', `sseTransport could not POST to ${postUrl}: reconnecting to resume.`, { cause, retryable: true }), true);
    }
    if (response.ok) {
      response.body?.cancel().catch(() => {});
      return true;
    }
    const detail = await readError(response);
    const [code, retry] = classifyPostStatus(response.status);
    const message =
      `sseTransport: POST ${postUrl} answered ${response.status}${detail ? ` (${detail})` : ''}. ` +
      (retry ? 'Reconnecting: the client re-subscribes and re-sends unacknowledged publishes.' : 'The frame was dropped: fix it before sending again.');
    return failed(session, new RealtimeError(code, message, { status: response.status, retryable: retry }), retry);
  }

  function failed(session: string, error: RealtimeError, retry: boolean): boolean {
    // A failure of an older session is moot: the current one already re-sent everything.
    if (session !== sessionId) return false;
    reportError(error);
    if (retry) connection.reconnect();
    return !retry;
  }

  return {
    kind: 'sse',
    subscribe(listener) {
      // The first store subscriber starts the connection, so session tracking must be in place before it.
      watch();
      return gate.subscribe(listener);
    },
    getSnapshot: gate.getSnapshot,
    connect() {
      watch();
      connection.connect();
    },
    close: () => connection.close(),
    reconnect() {
      watch();
      connection.reconnect();
    },
    send(frame) {
      if (sessionId === null) return false;
      queue.push(frame);
      if (!posting) void drain();
      return true;
    },
    onFrame: addFrameListener,
    onError: addErrorListener,
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
async function readError(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    return typeof body.error?.message === 'string' ? body.error.message : undefined;
  } catch {
    return undefined;
  }
}
