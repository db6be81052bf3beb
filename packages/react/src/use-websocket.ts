import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { RealtimeError, type WebSocketConnection, type WebSocketData } from '@realtime-kit/core';
import { useRealtimeConfig } from './realtime-provider.js';
import { identityOf, stableStringify } from './lib/stable-key.js';
import {
  getSharedWebSocket,
  IDLE_WEBSOCKET_VIEW,
  type SharedWebSocketOptions,
  type WebSocketView,
} from './lib/shared-websocket.js';

/** Options for {@link useWebSocket}: the connection's own (`auth`, `backoff`, `heartbeat`, …) plus how to collect messages. */
export interface UseWebSocketOptions<T> extends SharedWebSocketOptions<T> {
  /**
   * How a message becomes `T`: `'json'` (default) parses text messages as JSON (binary ones pass through; text
   * that is not JSON is reported to `onError` as `bad_data` and skipped), `'raw'` keeps the data as received, or
   * a function of the raw data.
   */
  parse?: SharedWebSocketOptions<T>['parse'];
  /** Keep at most this many messages (newest). Default 1000. */
  maxMessages?: number;
  /** How often updates commit: `'frame'` (default, once per animation frame), a number of ms, or `false` (every message). */
  throttle?: SharedWebSocketOptions<T>['throttle'];
  /** Called for every message as it arrives (not batched). A new function identity never reconnects. */
  onMessage?: (data: T) => void;
  /** Called for errors: the socket's own, and messages `parse` could not read. */
  onError?: (error: RealtimeError) => void;
}

/** What {@link useWebSocket} renders from, plus the actions on its shared socket. */
export interface UseWebSocketResult<T> extends WebSocketView<T> {
  /**
   * Sends `data`: strings and binary data as they are, anything else as JSON. While not open it waits in the
   * connection's queue and goes out on open; throws `RealtimeError('queue_full')` when the queue is full, and
   * `RealtimeError('closed')` while `url` is null.
   */
  send(data: unknown): void;
  /** Drop the socket and connect again now. */
  reconnect(): void;
  /** Close the shared socket for good, for every component using it. */
  close(code?: number, reason?: string): void;
  /** The underlying connection, for `useConnectionState(connection)`; null while `url` is null or on the server. */
  readonly connection: WebSocketConnection | null;
}

const noopSubscribe = () => () => {};
const getIdle = () => IDLE_WEBSOCKET_VIEW;
const noop = () => {};
const sendWhileIdle = () => {
  throw new RealtimeError('closed', 'useWebSocket: there is no socket to send on while the url is null.');
};

/**
 * A WebSocket (over core's `createWebSocketConnection`): reconnects with backoff, pauses while offline, queues
 * sends until open, and batches renders to one per animation frame by default without dropping a message.
 * Components passing the same `url` and options share one socket, opened with the first and closed one tick
 * after the last unmounts (so StrictMode's double mount opens one).
 *
 * @param url The endpoint (`wss://…`), or `null` to stay idle.
 * @example
 * const { status, lastMessage, send } = useWebSocket<Tick>('wss://example.com/ticks', { auth: getToken })
 */
export function useWebSocket<T = unknown>(url: string | null, options: UseWebSocketOptions<T> = {}): UseWebSocketResult<T> {
  const config = useRealtimeConfig();
  const network = options.network ?? config.network;
  const merged: UseWebSocketOptions<T> = { ...options, network };
  const key =
    url === null ? null : `${url}|${identityOf(options.WebSocket)}|${identityOf(network)}|${stableStringify(keyedOptions(merged))}`;
  const entry = key !== null && url !== null && typeof window !== 'undefined' ? getSharedWebSocket<T>(key, url, merged) : null;

  const latestOptions = useRef(options);
  useLayoutEffect(() => {
    latestOptions.current = options;
    if (entry) entry.latest.current = merged;
  });

  const view = useSyncExternalStore(entry ? entry.subscribe : noopSubscribe, entry ? entry.getSnapshot : getIdle, getIdle);

  useEffect(() => {
    if (!entry) return;
    const offMessage = entry.onMessage((data) => latestOptions.current.onMessage?.(data));
    const offParseError = entry.onParseError((error) => latestOptions.current.onError?.(error));
    const offError = entry.connection.on('error', (error) => latestOptions.current.onError?.(error));
    return () => {
      offMessage();
      offParseError();
      offError();
    };
  }, [entry]);

  const actions = useMemo(
    () =>
      entry
        ? {
            send: (data: unknown) => entry.connection.send(toWebSocketData(data)),
            reconnect: () => entry.connection.reconnect(),
            close: (code?: number, reason?: string) => entry.connection.close(code, reason),
          }
        : { send: sendWhileIdle, reconnect: noop, close: noop },
    [entry],
  );

  return useMemo(() => ({ ...view, ...actions, connection: entry?.connection ?? null }), [view, actions, entry]);
}

function toWebSocketData(data: unknown): WebSocketData {
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data;
  return JSON.stringify(data);
}

/** The options that decide whether two components can share a socket: every serializable one. */
function keyedOptions<T>(options: UseWebSocketOptions<T>) {
  const { WebSocket: _ws, network: _network, onMessage: _onMessage, onError: _onError, now: _now, ...rest } = options;
  return {
    ...rest,
    // A function option is shared by role, not identity: the newest `auth`/`parse` is called.
    auth: typeof rest.auth === 'function' ? 'fn' : rest.auth,
    parse: typeof rest.parse === 'function' ? 'fn' : rest.parse,
  };
}
