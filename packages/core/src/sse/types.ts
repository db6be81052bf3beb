import type { BackoffOptions } from '../connection/backoff.js';
import type { ConnectionState } from '../connection/status.js';
import type { NetworkSource } from '../env/network.js';
import type { RealtimeError } from '../errors.js';
import type { Store } from '../store.js';

/** One dispatched server-sent event. `event` is `"message"` when the server named none. */
export interface SSEMessage<T = unknown> {
  readonly id?: string;
  readonly event: string;
  readonly data: T;
}

/** How `data` is turned into `T`: JSON (default), the raw text, or your own function (throw to reject). */
export type SSEParse<T> = 'json' | 'text' | ((raw: string, event: string) => T);

export type HeadersInput = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

export interface SSEOptions<T = unknown> {
  /** Request headers, or a function called before every (re)connect, e.g. to fetch a fresh token. */
  headers?: HeadersInput;
  /** HTTP method; POST streams are common for AI-style endpoints. Default `GET`. */
  method?: string;
  /** Request body (POST streams). A function is called before every (re)connect. */
  body?: BodyInit | null | (() => BodyInit | null);
  /** Send cookies cross-origin (`credentials: "include"`). Same-origin cookies are always sent. */
  withCredentials?: boolean;
  /** How each event's data is parsed. Default `"json"`. */
  parse?: SSEParse<T>;
  /**
   * Reconnect delays; see `backoff()`. A server `retry:` field replaces `minMs` from then on (raising
   * `maxMs` if needed), so the server sets the base delay and jitter still spreads clients out.
   * A 429's `Retry-After` is waited exactly.
   */
  backoff?: BackoffOptions;
  /**
   * No bytes (events or comments) for this long = dead connection → reconnect with `heartbeat_timeout` (and resume
   * with `Last-Event-ID`). Also bounds the wait for the response headers. Default 45 000: `createEventStream` sends a
   * heartbeat comment every 15 s. Keep it well above your server's heartbeat interval; `false` or `0` turns it off
   * (for a server that may stay silent longer and sends no comments).
   */
  heartbeatTimeoutMs?: number | false;
  /** Start from this event id (sent as `Last-Event-ID` on the first connect too). */
  lastEventId?: string;
  /** Connect as soon as created. Default true; when false, the first `subscribe()` or `connect()` connects. */
  autoConnect?: boolean;
  /** The fetch implementation (injected in tests, or a custom agent). Default global `fetch`. */
  fetch?: typeof fetch;
  /** Online/offline/visibility source. Default: the browser's. */
  network?: NetworkSource;
  /** Clock for `retryAt`, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/** Listener for messages; for `'error'` subscriptions it receives {@link SSEErrorEvent}s. */
export type SSEListener<T> = (message: SSEMessage<T>) => void;

/** Emitted on the `'error'` channel: a failure that did not stop the stream (bad JSON) or did (see state). */
export interface SSEErrorEvent {
  readonly error: RealtimeError;
  readonly event?: string;
  readonly id?: string;
  /** The raw data text, for `bad_data`. */
  readonly raw?: string;
}

export interface SSEConnection<T = unknown> extends Store<ConnectionState> {
  readonly url: string;
  /**
   * Listen to one event name, every event (`'*'`), or parse/transport errors (`'error'`).
   * Returns the function that removes the listener. A listener that throws does not break the stream:
   * its error is reported (`reportError` where it exists, else rethrown in a microtask).
   * A server event literally named `error` or `*` reaches `'*'` listeners only.
   */
  on(event: 'error', listener: (error: SSEErrorEvent) => void): () => void;
  on(event: string, listener: SSEListener<T>): () => void;
  /** Starts connecting if idle or closed. No-op when already connecting or open. */
  connect(): void;
  /** Drops the current attempt or stream and connects again now, resetting backoff. Reopens a closed connection. */
  reconnect(): void;
  /**
   * Forgets `lastEventId` (and any server `retry:` delay) and reconnects now: a fresh stream without
   * `Last-Event-ID`, not a resume (e.g. to run a finished job again).
   */
  reset(): void;
  /** Stops for good (status `closed`, no error). `reconnect()` or `connect()` starts it again. */
  close(): void;
}
