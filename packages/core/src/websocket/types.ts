import type { BackoffOptions } from '../connection/backoff.js';
import type { ConnectionState } from '../connection/status.js';
import type { NetworkSource } from '../env/network.js';
import type { RealtimeError } from '../errors.js';
import type { Store } from '../store.js';

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

export interface HeartbeatOptions {
  /** Send a ping after this long without any incoming message. Default 25 000. */
  intervalMs?: number;
  /** No message of any kind for this long after a ping = dead connection → reconnect. Default 10 000. */
  timeoutMs?: number;
  /** The ping to send. Default the text `"ping"`. */
  message?: () => WebSocketData;
  /** Whether an incoming message is the pong (pongs are not delivered to `'message'` listeners). Default `data === 'pong'`. */
  isPong?: (data: unknown) => boolean;
}

export interface WebSocketOptions {
  /** Sub-protocols for the WebSocket constructor. */
  protocols?: string | string[];
  /**
   * Called before every (re)connect so tokens are fresh. The token is sent as the `token` query parameter
   * (browsers cannot set headers on a WebSocket); return null to connect without one.
   */
  auth?: () => string | null | Promise<string | null>;
  /** The query parameter name for the token. Default `'token'`. */
  authParam?: string;
  backoff?: BackoffOptions;
  /** Ping/pong liveness. Off when omitted or false. */
  heartbeat?: HeartbeatOptions | false;
  /** Sends made while not open wait in a queue of at most this many; beyond it `send` throws `queue_full`. Default 1000. */
  maxQueued?: number;
  /** Connect as soon as created. Default true. */
  autoConnect?: boolean;
  /** The WebSocket class (Node < 22 has no global one: pass `ws`'s). Default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructorLike;
  binaryType?: 'arraybuffer' | 'blob';
  network?: NetworkSource;
  now?: () => number;
}

/** The subset of the WebSocket constructor realtime-kit uses (the browser's, Node 22's, or `ws`). */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: never): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketCloseInfo {
  readonly code: number;
  readonly reason: string;
}

export interface WebSocketConnection extends Store<ConnectionState> {
  readonly url: string;
  /** Sends now when open; otherwise queues (in order) and sends on open. Throws `RealtimeError('queue_full')` when the queue is full. */
  send(data: WebSocketData): void;
  /** Sends only if open; returns whether it was sent (nothing is queued). */
  trySend(data: WebSocketData): boolean;
  /** Messages waiting for the connection to open. */
  readonly queued: number;
  on(event: 'message', listener: (data: unknown) => void): () => void;
  on(event: 'open', listener: () => void): () => void;
  on(event: 'close', listener: (info: WebSocketCloseInfo) => void): () => void;
  on(event: 'error', listener: (error: RealtimeError) => void): () => void;
  connect(): void;
  reconnect(): void;
  /** Closes for good (queued messages are dropped and counted in the error event). */
  close(code?: number, reason?: string): void;
}
