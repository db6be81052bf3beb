import type { Transport } from '../channel/transport.js';
import { RealtimeError } from '../errors.js';
import { SESSION_HEADER, type ServerFrame } from '../protocol/frames.js';
import { createFramePoster, type HttpTransportOptions } from './frame-poster.js';
import { createTransportListeners } from './transport-events.js';
import { gateOnWelcome } from './welcome-gate.js';
import { plainFrame, type FrameEncoding } from './frame-encoding.js';
import { createSSEStream } from '../sse/sse-connection.js';

/** The request header that names the session a POSTed frame belongs to (the `connectionId` of `welcome`). */
export const SSE_SESSION_HEADER = SESSION_HEADER;

/** Options for {@link sseTransport}: the endpoint streams frames on GET and takes client frames by POST. */
export interface SSETransportOptions extends HttpTransportOptions {
  /**
   * Ask the server for a smaller frame encoding on the stream: `compactFrames` from `@realtime-kit/core` (a server that
   * does not speak it sends plain JSON frames, read as before). Default: plain JSON frames.
   */
  encoding?: FrameEncoding;
}

/** A {@link Transport} over Server-Sent Events (server → client) and HTTP POST (client → server). */
export interface SSETransport extends Transport {
  readonly kind: 'sse';
  /**
   * Events that were not protocol frames (`bad_frame`, dropped; the stream goes on), refused or failed POSTs
   * (a failed POST ends the session as a failed GET would: the client then re-subscribes and re-sends what was not
   * acked), and every error of the underlying stream. Without a listener, `bad_frame` errors are logged with `console.warn`.
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

  const readFrame = options.encoding?.reader() ?? plainFrame;
  const { connection, interrupt } = createSSEStream<unknown>(options.encoding?.url(options.url) ?? options.url, {
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
  const poster = createFramePoster({
    name: 'sseTransport',
    url: postUrl,
    headers: options.headers,
    fetch: fetchImpl,
    session: () => sessionId,
    // A failed POST ends the stream's attempt with the same verdict a failed GET would get (and it reports the error).
    onRejected: reportError,
    onFailed: interrupt,
  });

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
        poster.reset();
      }
    });
  }

  connection.on('*', (message) => {
    const serverFrame = readFrame(message.data);
    if (serverFrame === undefined) {
      reportError(
        new RealtimeError(
          'bad_frame',
          `sseTransport(${options.url}) dropped an event that is not a realtime-kit protocol frame (JSON with a "type"). ` +
            'Check that the URL points at a realtime-kit endpoint (createChannelEndpoint) and not another event stream.',
          { raw: JSON.stringify(message.data)?.slice(0, 1024) },
        ),
      );
      return;
    }
    if (serverFrame.type === 'welcome' && sessionId === null) {
      // `session` is the secret token POSTs must carry (it also names the instance holding the session).
      sessionId = serverFrame.session ?? serverFrame.connectionId;
      gate.notify();
    }
    emitFrame(serverFrame);
  });
  connection.on('error', (event) => reportError(event.error));

  return {
    kind: 'sse',
    url: options.url,
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
      poster.send(frame);
      return true;
    },
    onFrame: addFrameListener,
    onError: addErrorListener,
  };
}
export type { HttpTransportOptions } from './frame-poster.js';
