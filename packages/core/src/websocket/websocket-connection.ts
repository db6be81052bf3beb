import { backoff } from '../connection/backoff.js';
import { createReconnectEngine } from '../connection/reconnect-engine.js';
import { RealtimeError } from '../errors.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import { resolveHeartbeat } from './heartbeat.js';
import { createSocketAttempts, droppedError } from './socket-attempts.js';
import type { WebSocketConnection, WebSocketConstructorLike, WebSocketData, WebSocketOptions } from './types.js';
import { createWebSocketListeners } from './websocket-listeners.js';

export { DEFAULT_HEARTBEAT } from './heartbeat.js';

/** Default bound of the outbound queue while not open. */
export const DEFAULT_MAX_QUEUED = 1000;

/** `readyState` of an open socket, the same number in every implementation. */
const OPEN = 1;

/**
 * A WebSocket that stays connected: a fresh `auth()` token on every attempt, backoff with full jitter, close
 * codes classified into retry / re-authenticate / stop (see `classifyClose`), an ordered outbound queue while not
 * open, ping/pong liveness (on by default), offline awareness, and a store of its state for UIs.
 *
 * Works over the browser's WebSocket, Node 22's, or `ws` (pass `options.WebSocket` in Node 20).
 *
 * @example
 * const socket = createWebSocketConnection('wss://example.com/live', { auth: () => getToken() });
 * socket.on('message', (data) => render(data));
 * socket.send(JSON.stringify({ type: 'hello' })); // queued until open
 */
export function createWebSocketConnection(url: string, options: WebSocketOptions = {}): WebSocketConnection {
  const WebSocketImpl: WebSocketConstructorLike | undefined =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (typeof WebSocketImpl !== 'function') {
    throw new TypeError(
      process.env.NODE_ENV !== 'production'
        ? 'createWebSocketConnection: this runtime has no global WebSocket (Node < 22). Install `ws` and pass its ' +
            "class: import { WebSocket } from 'ws'; createWebSocketConnection(url, { WebSocket })."
        : 'createWebSocketConnection: no WebSocket',
    );
  }
  const Socket: WebSocketConstructorLike = WebSocketImpl;
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  if (!(Number.isInteger(maxQueued) && maxQueued >= 0)) {
    throw new RangeError(`createWebSocketConnection: maxQueued must be a whole number >= 0 (got ${maxQueued}).`);
  }
  const heartbeat = resolveHeartbeat(options.heartbeat);
  // Invalid backoff options would otherwise throw later, inside a close handler.
  backoff(1, { ...options.backoff, random: () => 0 });

  const now = options.now ?? (() => Date.now());
  const queue: WebSocketData[] = [];
  const listeners = createWebSocketListeners();
  const attempts = createSocketAttempts({
    url,
    options,
    Socket,
    heartbeat,
    now,
    queue,
    listeners,
    engine: () => engine,
  });

  const engine = createReconnectEngine({
    begin: attempts.begin,
    end: attempts.end,
    wentOffline: attempts.announceSentClose,
    visibleWhileOpen: attempts.probe,
    inspectable: () => inspectable,
    ...(options.network ? { network: options.network } : {}),
    now,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });

  function openSocketOf() {
    if (engine.phase !== 'open') return null;
    const socket = attempts.socket();
    return socket !== null && socket.readyState === OPEN ? socket : null;
  }

  function send(data: WebSocketData) {
    if (engine.phase === 'closed') {
      throw new RealtimeError(
        'closed',
        process.env.NODE_ENV !== 'production'
          ? `send() on the closed WebSocket connection to ${url}: nothing was sent. Call connect() or reconnect() first.`
          : `${url} closed`,
      );
    }
    const socket = openSocketOf();
    if (socket !== null) {
      socket.send(data as never);
      return;
    }
    if (queue.length >= maxQueued) {
      throw new RealtimeError(
        'queue_full',
        process.env.NODE_ENV !== 'production'
          ? `${maxQueued} messages already wait for the WebSocket to ${url} to open (maxQueued): this one was refused ` +
              'and none was dropped. Raise maxQueued, wait for status "open", or use trySend() for messages that may be lost.'
          : `${url} maxQueued ${maxQueued}`,
      );
    }
    queue.push(data);
  }

  function close(code = 1000, reason = '') {
    if (!(code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999))) {
      throw new RangeError(`WebSocketConnection.close: code must be 1000 or 3000–4999 (got ${code}).`);
    }
    if (new TextEncoder().encode(reason).byteLength > 123) {
      throw new RangeError('WebSocketConnection.close: reason must be at most 123 bytes of UTF-8.');
    }
    attempts.closeWith({ code, reason });
    const dropped = queue.splice(0).length;
    engine.close();
    attempts.closeWith({ code: 1000, reason: 'reconnect' });
    attempts.announceSentClose();
    if (dropped > 0) emitToListeners(listeners.error, droppedError(url, dropped, 'close() was called'));
  }

  const connection: WebSocketConnection = {
    url,
    subscribe: engine.subscribe,
    getSnapshot: engine.getSnapshot,
    get queued() {
      return queue.length;
    },
    send,
    trySend(data) {
      const socket = openSocketOf();
      if (socket === null) return false;
      socket.send(data as never);
      return true;
    },
    on: listeners.on,
    connect: engine.connect,
    reconnect() {
      engine.reconnect();
      attempts.announceSentClose();
    },
    close,
  };

  const inspectable = { kind: 'websocket', connection } as const;
  if (options.autoConnect ?? true) engine.connect();
  return connection;
}
