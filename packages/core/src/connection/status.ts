import type { RealtimeError } from '../errors.js';

/**
 * What users see of a connection.
 * - `idle`: not started (no subscribers yet, or a `null` URL).
 * - `connecting`: the first attempt is in flight.
 * - `open`: connected; events flow.
 * - `reconnecting`: it was open or tried, failed, and waits `retryInMs` before the next attempt.
 * - `offline`: the browser is offline; no attempts until it is back.
 * - `closed`: stopped for good, by `close()` or a non-retryable error (see `error`).
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

export const CONNECTION_STATUSES: readonly ConnectionStatus[] = [
  'idle',
  'connecting',
  'open',
  'reconnecting',
  'offline',
  'closed',
];

/** A connection's public state: the snapshot of its store. */
export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** The last failure; kept while reconnecting, cleared once open. */
  readonly error: RealtimeError | null;
  /** Consecutive failed attempts since the last successful open (0 when open). */
  readonly attempt: number;
  /** Delay before the next attempt, when `reconnecting`; otherwise null. */
  readonly retryInMs: number | null;
  /** Wall-clock time (ms since epoch) of the next attempt, for countdowns; otherwise null. */
  readonly retryAt: number | null;
  /** The last event id seen, sent as `Last-Event-ID` on reconnect. */
  readonly lastEventId: string | null;
  /**
   * Which transport carries the connection, where that can change: `fallbackTransport` says `'websocket'`,
   * `'sse'` or `'polling'` (the one in use, or being tried). Absent on single transports.
   */
  readonly transport?: string;
}

export const INITIAL_CONNECTION_STATE: ConnectionState = Object.freeze({
  status: 'idle',
  error: null,
  attempt: 0,
  retryInMs: null,
  retryAt: null,
  lastEventId: null,
});
