import type { Transport } from '../channel/transport.js';
import type { BackoffOptions } from '../connection/backoff.js';
import type { NetworkSource } from '../env/network.js';
import { RealtimeError } from '../errors.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import { gateOnWelcome } from './welcome-gate.js';
import { plainFrame, type FrameEncoding } from './frame-encoding.js';
import { createWebSocketConnection } from '../websocket/websocket-connection.js';
import type { WebSocketConnection, WebSocketConstructorLike } from '../websocket/types.js';

/**
 * Protocol-level liveness, on by default: a `ping` frame after `intervalMs` of silence; no frame within `timeoutMs`
 * → reconnect and resume (`heartbeat_timeout`). With the defaults a dead socket is noticed within 35 s.
 */
export interface WebSocketTransportHeartbeat {
  /** Default 25 000. */
  intervalMs?: number;
  /** Default 10 000. */
  timeoutMs?: number;
}

/** Options for {@link websocketTransport}. */
export interface WebSocketTransportOptions {
  /** The realtime-kit endpoint, e.g. `wss://example.com/realtime` (see `createWebSocketEndpoint` in `@realtime-kit/server`). */
  url: string;
  /** Called before every (re)connect; the token goes in the `token` query parameter. Return null to connect without one. */
  auth?: () => string | null | Promise<string | null>;
  /** The WebSocket class. Default `globalThis.WebSocket`; in Node < 22 pass `ws`'s. */
  WebSocket?: WebSocketConstructorLike;
  /** Protocol `ping`/`pong` liveness (on by default); `false` turns it off. */
  heartbeat?: WebSocketTransportHeartbeat | false;
  backoff?: BackoffOptions;
  network?: NetworkSource;
  /** Clock for ping timestamps (injectable for tests). Default `Date.now`. */
  now?: () => number;
  /**
   * Ask the server for a smaller frame encoding: `compactFrames` from `@realtime-kit/core` (a server that does not
   * speak it sends plain JSON frames, read as before). Default: plain JSON frames.
   */
  encoding?: FrameEncoding;
}

/** A {@link Transport} over realtime-kit's own WebSocket protocol. */
export interface WebSocketTransport extends Transport {
  readonly kind: 'websocket';
  /**
   * Frames that were not protocol JSON (code `bad_frame`, the text in `raw`: the frame is dropped, the connection
   * goes on), and every error of the underlying connection (the ones `getSnapshot().error` shows as they happen).
   * Without a listener, dropped frames are logged with `console.warn`.
   */
  onError(listener: (error: RealtimeError) => void): () => void;
}

/**
 * The channel transport for your own server (`createWebSocketEndpoint` from `@realtime-kit/server`): one JSON
 * protocol frame per WebSocket message, reconnection with backoff, a fresh `auth` token on every attempt.
 *
 * ```ts
 * import { websocketTransport } from '@realtime-kit/core/websocket'
 * const client = createRealtimeClient({ transport: websocketTransport({ url: '/realtime', auth: () => fetchToken() }) })
 * ```
 *
 * It does not connect until `connect()` (the client calls it when the first channel is used).
 */
export function websocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const now = options.now ?? Date.now;
  const frameListeners = new Set<(frame: ServerFrame) => void>();
  const errorListeners = new Set<(error: RealtimeError) => void>();

  const readFrame = options.encoding?.reader() ?? plainFrame;
  const connection: WebSocketConnection = createWebSocketConnection(options.encoding?.url(options.url) ?? options.url, {
    auth: options.auth,
    WebSocket: options.WebSocket,
    backoff: options.backoff,
    network: options.network,
    now: options.now,
    autoConnect: false,
    // The connection's defaults (a ping after 25 s of silence, 10 s for any frame) notice a dead socket in 35 s.
    heartbeat:
      options.heartbeat === false
        ? false
        : {
            intervalMs: options.heartbeat?.intervalMs,
            timeoutMs: options.heartbeat?.timeoutMs,
            message: () => JSON.stringify({ type: 'ping', t: now() } satisfies ClientFrame),
            // Cheap substring test first: only a message that can be a pong is parsed twice.
            isPong: (data) =>
              typeof data === 'string' &&
              data.includes('"pong"') &&
              (parseJson(data) as ServerFrame | undefined)?.type === 'pong',
          },
  });

  function emit<T>(listeners: Set<(value: T) => void>, value: T) {
    emitToListeners(listeners, value);
  }

  function reportError(error: RealtimeError) {
    if (errorListeners.size > 0) emit(errorListeners, error);
    // Never swallow: with nobody listening, a dropped frame still leaves a trace.
    else if (error.code === 'bad_frame') console.warn(`[realtime-kit] ${error.message}`);
  }

  // A session begins with the server's `welcome`, not with the socket opening: a server that refuses the token
  // accepts the socket and then closes it with 4401. Until `welcome`, the transport reports `connecting` and sends
  // nothing, so the client neither re-subscribes nor flushes its outbox into a socket about to close.
  let welcomed = false;
  const gate = gateOnWelcome(connection, () => welcomed);
  // Every new socket starts a new session that must be welcomed again.
  connection.on('open', () => {
    welcomed = false;
  });
  connection.on('close', () => {
    welcomed = false;
  });

  connection.on('message', (data) => {
    const frame = typeof data === 'string' ? readFrame(parseJson(data)) : undefined;
    if (frame === undefined) {
      const raw = typeof data === 'string' ? data : `<${describeBinary(data)}>`;
      reportError(
        new RealtimeError(
          'bad_frame',
          `websocketTransport(${options.url}) dropped a message that is not a realtime-kit protocol frame (JSON text with a "type"). ` +
            'Check that the URL points at a realtime-kit endpoint (createWebSocketEndpoint) and not another WebSocket server.',
          { raw: raw.slice(0, 1024) },
        ),
      );
      return;
    }
    if (frame.type === 'welcome' && !welcomed) {
      welcomed = true;
      gate.notify();
    }
    emit(frameListeners, frame);
  });
  connection.on('error', (error) => reportError(error));

  return {
    kind: 'websocket',
    url: options.url,
    subscribe: gate.subscribe,
    getSnapshot: gate.getSnapshot,
    connect: () => connection.connect(),
    close: () => connection.close(),
    reconnect: () => connection.reconnect(),
    send: (frame) => welcomed && connection.trySend(JSON.stringify(frame)),
    onFrame(listener) {
      const entry = (frame: ServerFrame) => listener(frame);
      frameListeners.add(entry);
      return () => void frameListeners.delete(entry);
    },
    onError(listener) {
      const entry = (error: RealtimeError) => listener(error);
      errorListeners.add(entry);
      return () => void errorListeners.delete(entry);
    },
  };
}

/** The value of JSON text; undefined (not a frame) when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeBinary(data: unknown): string {
  if (typeof Blob !== 'undefined' && data instanceof Blob) return `binary message, ${data.size} bytes`;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return `binary message, ${data.byteLength} bytes`;
  return `${typeof data} message`;
}
