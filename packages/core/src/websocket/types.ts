import type { BackoffOptions } from '../connection/backoff.js';
import type { ConnectionState } from '../connection/status.js';
import type { NetworkSource } from '../env/network.js';
import type { RealtimeError } from '../errors.js';
import type { Store } from '../store.js';

/** What `send` accepts: the types every WebSocket implementation can send. */
export type WebSocketData = string | ArrayBufferLike | ArrayBufferView | Blob;

/** Application close codes realtime-kit servers use (4000–4999 is the range reserved for applications). */
export const CLOSE_CODES = Object.freeze({
  /** The token was missing, invalid or expired: get a fresh one (the client calls `auth` again) — or stop. */
  UNAUTHORIZED: 4401,
  /** Authenticated but not allowed. Not retried. */
  FORBIDDEN: 4403,
  /** Too many messages: back off and reconnect. */
  RATE_LIMITED: 4429,
});

/** Ping/pong liveness for {@link WebSocketOptions.heartbeat}. */
export interface HeartbeatOptions {
  /** Send a ping after this long without any incoming message. Default 25 000. */
  intervalMs?: number;
  /**
   * No message of any kind for this long after a ping = dead connection → reconnect with `heartbeat_timeout`.
   * Also bounds the opening handshake. Default 10 000.
   */
  timeoutMs?: number;
  /** The ping to send. Default the text `"ping"`. */
  message?: () => WebSocketData;
  /** Whether an incoming message is the pong (not delivered to `'message'` listeners). Default `data === 'pong'`. */
  isPong?: (data: unknown) => boolean;
}

export interface WebSocketOptions {
  /** Sub-protocols for the WebSocket constructor. */
  protocols?: string | string[];
  /**
   * Called before every (re)connect so tokens are fresh. The token is sent as the `token` query parameter
   * (browsers cannot set headers on a WebSocket); return null to connect without one.
   * When it throws or rejects, the attempt fails with `network` and is retried with backoff — unless it threw
   * a `RealtimeError` with `retryable: false`, which stops the connection with that error (e.g. logged out).
   */
  auth?: () => string | null | Promise<string | null>;
  /** The query parameter name for the token. Default `'token'`. */
  authParam?: string;
  /** Reconnect delays; see `backoff()`. */
  backoff?: BackoffOptions;
  /**
   * Ping/pong liveness, on by default: after 25 s without any message the text `"ping"` goes out, and if nothing
   * at all arrives within 10 s more the socket is presumed dead and replaced (`heartbeat_timeout`), so a socket a
   * proxy keeps open after its server is gone is noticed within 35 s. Any message counts as an answer; a `"pong"`
   * is not delivered. Pass options to change the timings or the ping/pong messages, or `false` for a server that
   * neither answers a ping nor sends something every 35 s (it would otherwise be reconnected after each silence).
   */
  heartbeat?: HeartbeatOptions | boolean;
  /** Sends made while not open wait in a queue of at most this many; beyond it `send` throws `queue_full`. Default 1000. */
  maxQueued?: number;
  /** Connect as soon as created. Default true; when false, the first `subscribe()` or `connect()` connects. */
  autoConnect?: boolean;
  /** The WebSocket class (Node < 22 has no global one: pass `ws`'s). Default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructorLike;
  /** How binary messages arrive. Default: the platform's (`'blob'` in browsers, `'nodebuffer'` in `ws`). */
  binaryType?: 'arraybuffer' | 'blob';
  /** Online/offline/visibility source. Default: the browser's. */
  network?: NetworkSource;
  /** Clock for `retryAt`, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/** The subset of the WebSocket constructor realtime-kit uses (the browser's, Node 22's, or `ws`). */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

/**
 * An event handler property. Checked bivariantly (method syntax), so the browser's `(ev: MessageEvent) => any`
 * and `ws`'s handlers are assignable while this file only names the fields it reads.
 */
export type WebSocketHandler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The subset of a WebSocket instance realtime-kit uses. */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: never): void;
  close(code?: number, reason?: string): void;
  onopen: WebSocketHandler<unknown> | null;
  onmessage: WebSocketHandler<{ data: unknown }> | null;
  onclose: WebSocketHandler<{ code: number; reason: string; wasClean?: boolean }> | null;
  onerror: WebSocketHandler<unknown> | null;
}

/** How a socket ended: the server's close frame, or the code and reason this client closed it with. */
export interface WebSocketCloseInfo {
  readonly code: number;
  readonly reason: string;
}

/**
 * A WebSocket that reconnects: the store's snapshot is its {@link ConnectionState} (`lastEventId` is always null).
 * Listeners that throw are reported (`reportError`, else rethrown in a microtask) and never break the connection.
 */
export interface WebSocketConnection extends Store<ConnectionState> {
  /** The URL as given (without the token). */
  readonly url: string;
  /**
   * Sends now when open; otherwise queues (in order) and sends on open. Throws `RealtimeError('queue_full')` when
   * the queue is full, and `RealtimeError('closed')` after `close()` or a stop (call `connect()` first).
   */
  send(data: WebSocketData): void;
  /** Sends only if open; returns whether it was sent (nothing is queued). */
  trySend(data: WebSocketData): boolean;
  /** Messages waiting for the connection to open. */
  readonly queued: number;
  /** Every incoming message's `data` as the socket delivered it (pongs excluded). */
  on(event: 'message', listener: (data: unknown) => void): () => void;
  /** Each time a socket opens (after the queue was flushed). */
  on(event: 'open', listener: () => void): () => void;
  /** Once per socket that ends, whoever ended it (for a socket this client closed: the code and reason it sent). */
  on(event: 'close', listener: (info: WebSocketCloseInfo) => void): () => void;
  /** Every failure (the state's `error`), and messages dropped from the queue by `close()` or a stop (`closed`). */
  on(event: 'error', listener: (error: RealtimeError) => void): () => void;
  /** Starts connecting if idle or closed. No-op otherwise. */
  connect(): void;
  /** Drops the current socket or pending retry and connects now, resetting backoff. Reopens a closed connection. */
  reconnect(): void;
  /**
   * Closes for good (status `closed`, no error, no timers left) with `code` (1000 or 3000–4999; default 1000)
   * and `reason`. Queued messages are dropped and counted in an `error` event with code `closed`.
   */
  close(code?: number, reason?: string): void;
}
