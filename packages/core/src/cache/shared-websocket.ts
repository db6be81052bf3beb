import { createMessageBuffer, type MessageBuffer } from '../buffer/message-buffer.js';
import type { Throttle } from '../buffer/schedule.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { RealtimeError } from '../errors.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import type { WebSocketConnection, WebSocketOptions } from '../websocket/types.js';
import { createWebSocketConnection } from '../websocket/websocket-connection.js';
import type { CacheableConnection } from './connection-cache.js';
import { createConnectionView } from './connection-view.js';
import { identityOf, stableStringify } from './stable-key.js';

/** How incoming messages become data: `'json'` parses text frames (binary ones pass through), `'raw'` passes everything. */
export type WebSocketParse<T> = 'json' | 'raw' | ((data: unknown) => T);

/** What a component renders from a {@link SharedWebSocket}: the connection's state plus the batched messages. */
export interface WebSocketView<T> extends ConnectionState {
  /** The newest message's data. */
  readonly lastMessage: T | undefined;
  /** Every message received, oldest first, bounded by `maxMessages`. */
  readonly messages: readonly T[];
  /** Messages received in total (including those trimmed by `maxMessages`). */
  readonly total: number;
}

/** The options a shared socket is created with (everything but `autoConnect`, which the cache owns). */
export interface SharedWebSocketOptions<T> extends Omit<WebSocketOptions, 'autoConnect'> {
  /** How a message becomes `T`. Default `'json'`. */
  parse?: WebSocketParse<T>;
  /** Keep at most this many messages (newest). Default 1000. */
  maxMessages?: number;
  /** How often the view changes: `'frame'` (default), a number of ms, or `false` (every message). */
  throttle?: Throttle;
}

/** One WebSocket shared by every user of the same url and options. */
export interface SharedWebSocket<T> extends CacheableConnection<WebSocketView<T>> {
  readonly connection: WebSocketConnection;
  readonly buffer: MessageBuffer<T>;
  /** The newest options of any user: `auth` and `parse` are read through it. */
  readonly latest: { current: SharedWebSocketOptions<T> };
  /** Every parsed message, as it arrives (not batched). */
  onMessage(listener: (data: T) => void): () => void;
  /** Messages that could not be parsed (`bad_data`; the message is skipped and the connection goes on). */
  onParseError(listener: (error: RealtimeError) => void): () => void;
}

// `Object.assign`, not a spread: bundlers drop an unused pure call only when its arguments cannot have side effects.
/** The view while there is no socket (a `null` url) and during server rendering. */
export const IDLE_WEBSOCKET_VIEW: WebSocketView<never> = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.assign({}, INITIAL_CONNECTION_STATE, {
    lastMessage: undefined,
    messages: /* @__PURE__ */ Object.freeze([]) as readonly never[],
    total: 0,
  }),
);

/**
 * A WebSocket for a {@link ConnectionCache}: it connects on `connect()` (the entry's first subscriber), not when
 * created, parses each message once for every user, and collects them into a frame-batched buffer.
 * @example
 * const entry = cache.get(sharedWebSocketKey(url, options), () => createSharedWebSocket<Tick>(url, options))
 */
export function createSharedWebSocket<T>(url: string, options: SharedWebSocketOptions<T> = {}): SharedWebSocket<T> {
  const latest = { current: options };
  const { auth, maxMessages, throttle } = options;
  const connection = createWebSocketConnection(url, {
    ...options,
    // `auth` may change identity every render (an inline arrow); call whichever is newest.
    auth: auth ? () => (latest.current.auth ?? auth)() : undefined,
    autoConnect: false,
  });
  const buffer = createMessageBuffer<T>({ maxMessages, throttle });
  const messageListeners = new Set<(data: T) => void>();
  const parseErrorListeners = new Set<(error: RealtimeError) => void>();

  connection.on('message', (raw) => {
    let data: T;
    try {
      data = parseMessage(latest.current.parse ?? options.parse ?? 'json', raw);
    } catch (cause) {
      const error = new RealtimeError(
        'bad_data',
        'A WebSocket message could not be parsed; it was skipped. Pass `parse` to read it differently.',
        {
          cause,
          raw: typeof raw === 'string' ? raw : undefined,
        },
      );
      emitToListeners(parseErrorListeners, error);
      return;
    }
    buffer.push(data);
    emitToListeners(messageListeners, data);
  });

  const view = createConnectionView(
    connection,
    (state, messages): WebSocketView<T> => ({
      ...state,
      lastMessage: messages.latest,
      messages: messages.messages,
      total: messages.total,
    }),
    { buffer, throttle },
  );
  return {
    ...view,
    connection,
    buffer,
    latest,
    connect: () => connection.connect(),
    dispose() {
      connection.close();
      buffer.dispose();
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onParseError(listener) {
      parseErrorListeners.add(listener);
      return () => parseErrorListeners.delete(listener);
    },
  };
}

/**
 * The cache key of a WebSocket: users with equal keys can share one. The `WebSocket` class and `network` count by
 * identity, every serializable option by value, and `auth`/`parse` functions by role (the newest one is called).
 */
export function sharedWebSocketKey<T>(url: string, options: SharedWebSocketOptions<T>): string {
  const { WebSocket, network, auth, parse, ...rest } = options;
  const keyed = {
    ...rest,
    auth: typeof auth === 'function' ? 'fn' : auth,
    parse: typeof parse === 'function' ? 'fn' : parse,
  };
  return `${url}|${identityOf(WebSocket)}|${identityOf(network)}|${stableStringify(keyed)}`;
}

function parseMessage<T>(parse: WebSocketParse<T>, raw: unknown): T {
  if (typeof parse === 'function') return parse(raw);
  if (parse === 'json' && typeof raw === 'string') return JSON.parse(raw) as T;
  return raw as T;
}
