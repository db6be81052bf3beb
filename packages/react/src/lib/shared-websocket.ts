import { createSharedLifecycle, createSharedRegistry } from './shared-entry.js';
import {
  createMessageBuffer,
  createWebSocketConnection,
  INITIAL_CONNECTION_STATE,
  RealtimeError,
  type ConnectionState,
  type MessageBuffer,
  type Throttle,
  type WebSocketConnection,
  type WebSocketOptions,
} from '@realtime-kit/core';
import { reportCallbackError } from './report-callback-error.js';

/** How incoming messages become data: `'json'` parses text frames (binary ones pass through), `'raw'` passes everything. */
export type WebSocketParse<T> = 'json' | 'raw' | ((data: unknown) => T);

/** What `useWebSocket` renders from: the connection's state plus the batched messages. */
export interface WebSocketView<T> extends ConnectionState {
  /** The newest message's data. */
  readonly lastMessage: T | undefined;
  /** Every message received, oldest first, bounded by `maxMessages`. */
  readonly messages: readonly T[];
  /** Messages received in total (including those trimmed by `maxMessages`). */
  readonly total: number;
}

/** The options a shared socket is created with (everything but `autoConnect`, which the entry owns). */
export interface SharedWebSocketOptions<T> extends Omit<WebSocketOptions, 'autoConnect'> {
  parse?: WebSocketParse<T>;
  maxMessages?: number;
  throttle?: Throttle;
}

/** One socket shared by every component using the same url and options. */
export interface SharedWebSocket<T> {
  readonly connection: WebSocketConnection;
  readonly buffer: MessageBuffer<T>;
  /** The latest options of any component using this entry: function options are read through it. */
  readonly latest: { current: SharedWebSocketOptions<T> };
  subscribe(listener: () => void): () => void;
  getSnapshot(): WebSocketView<T>;
  /** Every parsed message, as it arrives (not batched). */
  onMessage(listener: (data: T) => void): () => void;
  /** Messages that could not be parsed (`bad_data`; the message is skipped and the connection goes on). */
  onParseError(listener: (error: RealtimeError) => void): () => void;
}

const entries = createSharedRegistry<SharedWebSocket<unknown>>();

/** The view while `url` is null and during server rendering. */
export const IDLE_WEBSOCKET_VIEW: WebSocketView<never> = Object.freeze({
  ...INITIAL_CONNECTION_STATE,
  lastMessage: undefined,
  messages: Object.freeze([]) as readonly never[],
  total: 0,
});

/**
 * The one WebSocket for `key`, created on first use. It connects with the first subscriber and closes one tick
 * after the last leaves, so StrictMode's unmount/remount keeps a single socket.
 */
export function getSharedWebSocket<T>(key: string, url: string, options: SharedWebSocketOptions<T>): SharedWebSocket<T> {
  return entries.get(key, (release) => createEntry<T>(url, options, release) as SharedWebSocket<unknown>) as SharedWebSocket<T>;
}

/** Number of live shared entries (for tests and devtools). */
export function sharedWebSocketCount(): number {
  return entries.size;
}

function createEntry<T>(url: string, initial: SharedWebSocketOptions<T>, release: () => void): SharedWebSocket<T> {
  const latest = { current: initial };
  const { auth } = initial;
  const connection = createWebSocketConnection(url, {
    ...initial,
    // `auth` may change identity every render (an inline arrow); call whichever is newest.
    auth: auth ? () => (latest.current.auth ?? auth)() : undefined,
    autoConnect: false,
  });
  const buffer = createMessageBuffer<T>({ maxMessages: initial.maxMessages, throttle: initial.throttle });
  const messageListeners = new Set<(data: T) => void>();
  const parseErrorListeners = new Set<(error: RealtimeError) => void>();

  connection.on('message', (raw) => {
    let data: T;
    try {
      data = parseMessage(latest.current.parse ?? initial.parse ?? 'json', raw);
    } catch (cause) {
      const error = new RealtimeError('bad_data', 'A WebSocket message could not be parsed; it was skipped. Pass `parse` to read it differently.', {
        cause,
        raw: typeof raw === 'string' ? raw : undefined,
      });
      notify(parseErrorListeners, error);
      return;
    }
    buffer.push(data);
    notify(messageListeners, data);
  });

  const entry: SharedWebSocket<T> = {
    connection,
    buffer,
    latest,
    ...createSharedLifecycle(
      connection,
      buffer,
      (state, messages): WebSocketView<T> => ({ ...state, lastMessage: messages.latest, messages: messages.messages, total: messages.total }),
      release,
      initial.throttle,
    ),
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onParseError(listener) {
      parseErrorListeners.add(listener);
      return () => parseErrorListeners.delete(listener);
    },
  };
  return entry;
}

function notify<A>(listeners: Set<(value: A) => void>, value: A) {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (error) {
      reportCallbackError(error);
    }
  }
}

function parseMessage<T>(parse: WebSocketParse<T>, raw: unknown): T {
  if (typeof parse === 'function') return parse(raw);
  if (parse === 'json' && typeof raw === 'string') return JSON.parse(raw) as T;
  return raw as T;
}
