import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import {
  createConnectionCache,
  createSharedWebSocket,
  IDLE_WEBSOCKET_VIEW,
  RealtimeError,
  sharedWebSocketKey,
  type SharedWebSocket,
  type SharedWebSocketOptions,
  type WebSocketConnection,
  type WebSocketData,
  type WebSocketView,
} from '@realtime-kit/core';
import { useRealtimeConfig } from './realtime-provider.js';

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

/** Every component's sockets, shared by key. */
const cache = /* @__PURE__ */ createConnectionCache<SharedWebSocket<unknown>>();
const noopSubscribe = () => () => {};
const getIdle = () => IDLE_WEBSOCKET_VIEW;
const noop = () => {};
const sendWhileIdle = () => {
  throw new RealtimeError('closed', 'useWebSocket: there is no socket to send on while the url is null.');
};

/** Number of shared sockets (for tests and devtools). */
export function sharedWebSocketCount(): number {
  return cache.size;
}

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
export function useWebSocket<T = unknown>(
  url: string | null,
  options: UseWebSocketOptions<T> = {},
): UseWebSocketResult<T> {
  const config = useRealtimeConfig();
  const merged: UseWebSocketOptions<T> = { ...options, network: options.network ?? config.network };
  const entry =
    url !== null && typeof window !== 'undefined'
      ? cache.get(sharedWebSocketKey(url, merged), () => createSharedWebSocket<T>(url, merged))
      : null;
  const shared = entry?.resource;

  const latestOptions = useRef(options);
  useLayoutEffect(() => {
    latestOptions.current = options;
    if (shared) shared.latest.current = merged;
  });

  const view = useSyncExternalStore(
    entry ? entry.subscribe : noopSubscribe,
    entry ? entry.getSnapshot : getIdle,
    getIdle,
  );

  useEffect(() => {
    if (!shared) return;
    const offMessage = shared.onMessage((data) => latestOptions.current.onMessage?.(data));
    const offParseError = shared.onParseError((error) => latestOptions.current.onError?.(error));
    const offError = shared.connection.on('error', (error) => latestOptions.current.onError?.(error));
    return () => {
      offMessage();
      offParseError();
      offError();
    };
  }, [shared]);

  const actions = useMemo(
    () =>
      shared
        ? {
            send: (data: unknown) => shared.connection.send(toWebSocketData(data)),
            reconnect: () => shared.connection.reconnect(),
            close: (code?: number, reason?: string) => shared.connection.close(code, reason),
          }
        : { send: sendWhileIdle, reconnect: noop, close: noop },
    [shared],
  );

  return useMemo(() => ({ ...view, ...actions, connection: shared?.connection ?? null }), [view, actions, shared]);
}

function toWebSocketData(data: unknown): WebSocketData {
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data;
  return JSON.stringify(data);
}
