import type { ConnectionStatus } from '../connection/status.js';
import type { RealtimeErrorCode } from '../errors.js';
import type { PresenceMember } from '../protocol/frames.js';
import type { Store } from '../store.js';

/** What an inspected connection is: a channel client (`createRealtimeClient`) or a raw SSE / WebSocket connection. */
export type InspectedKind = 'client' | 'sse' | 'websocket';

/** One status transition, as the inspector saw it happen. */
export interface TimelineEntry {
  /** When (ms since epoch). */
  readonly at: number;
  readonly status: ConnectionStatus;
  /** Consecutive failed attempts at that moment. */
  readonly attempt: number;
  /** The failure that caused it, if any. */
  readonly error: { readonly code: RealtimeErrorCode; readonly message: string } | null;
}

/** A channel of an inspected client. */
export interface InspectedChannel {
  readonly name: string;
  /** The server confirmed the subscription on the current session. */
  readonly subscribed: boolean;
  /** The resume cursor: the newest `seq` delivered. */
  readonly lastSeq: number;
  /** Publishes waiting in the outbox for this channel. */
  readonly pending: number;
  readonly members: readonly PresenceMember[];
}

/** The chaos in effect on a connection. */
export interface ChaosState {
  /** Simulated offline (clients only). */
  readonly offline: boolean;
  /** Incoming frames are held this long (0: none). */
  readonly delayMs: number;
  /** Incoming `message` frames still to drop. */
  readonly dropping: number;
}

/** The chaos actions a connection supports. */
export type ChaosAction = 'disconnect' | 'offline' | 'online' | 'delay' | 'drop' | 'heal';

/** A snapshot of one live connection. Immutable: a new object after every change. */
export interface InspectedConnection {
  /** Stable for the life of the connection, across inspectors. */
  readonly id: string;
  readonly kind: InspectedKind;
  /** The transport's `kind` for clients ('websocket', 'sse', 'memory', 'pusher', …); the kind otherwise. */
  readonly transport: string;
  /** The URL when known (raw connections, and transports that expose one), else null. */
  readonly url: string | null;
  readonly status: ConnectionStatus;
  readonly attempt: number;
  /** When the next attempt is due (ms since epoch), while reconnecting. */
  readonly retryAt: number | null;
  readonly error: { readonly code: RealtimeErrorCode; readonly message: string } | null;
  /** The SSE resume point (`Last-Event-ID`), for raw SSE connections. */
  readonly lastEventId: string | null;
  /** Status transitions since the inspector attached, oldest first (bounded by `maxTimeline`). */
  readonly timeline: readonly TimelineEntry[];
  /** A client's channels (empty for raw connections). */
  readonly channels: readonly InspectedChannel[];
  /** Publishes waiting for the server (clients; 0 otherwise). */
  readonly outbox: number;
  readonly chaos: ChaosState;
  /** Which {@link ChaosControls} this connection supports: all for clients, `disconnect` for raw connections. */
  readonly supports: readonly ChaosAction[];
}

/** One frame (client) or message (raw connection) the inspector saw. */
export interface InspectedEvent {
  /** Increasing per connection; survives `clear()`, so keys stay unique. */
  readonly seq: number;
  /** When it was seen (ms since epoch). */
  readonly at: number;
  readonly direction: 'in' | 'out';
  /** The frame type (`message`, `subscribe`, `presence`, …), or `message` for raw connections. */
  readonly type: string;
  /** The event name, when the frame has one. */
  readonly event?: string;
  readonly channel?: string;
  /** Its size: the length of its JSON (or text) in characters, or bytes for binary. */
  readonly size: number;
  readonly payload: unknown;
  /** Chaos that affected it: dropped (never reached the client) or delayed. */
  readonly fault?: 'dropped' | 'delayed';
}

/** The snapshot of an {@link EventLog}. */
export interface EventLogSnapshot {
  /** The newest `maxEvents` events, newest last. */
  readonly events: readonly InspectedEvent[];
  readonly paused: boolean;
  /** Events not kept: pushed out of the bound, or seen while paused. */
  readonly discarded: number;
}

/** A bounded log of one connection's events. A store: subscribe to re-render. */
export interface EventLog extends Store<EventLogSnapshot> {
  /** Stops recording (events seen meanwhile are counted in `discarded`). */
  pause(): void;
  resume(): void;
  /** Empties the log. */
  clear(): void;
}

/**
 * Fault injection on one connection, for testing by hand. Same names and meaning as the test kit's `Chaos`, applied
 * to this connection only.
 */
export interface ChaosControls {
  /** Drops the connection; it reconnects at once and resumes. */
  disconnect(): void;
  /**
   * Simulates offline: the client shows status `offline`, its sends wait in the outbox, incoming frames are
   * dropped. {@link ChaosControls.online} reconnects, so the session resumes from the cursor.
   */
  offline(): void;
  /** Ends a simulated offline: reconnects and resumes. */
  online(): void;
  /** Holds incoming frames `ms` milliseconds, in order; `delay(0)` ends it (held frames still arrive in order). */
  delay(ms: number): void;
  /** Drops the next `count` (default 1) incoming `message` frames: the client notices the hole and resyncs. */
  drop(count?: number): void;
  /** Ends `delay` and `drop` (held frames are delivered now, in order). Leaves a simulated offline. */
  heal(): void;
}

/** Options for {@link createInspector}. */
export interface InspectorOptions {
  /** Events kept per connection. Default 500. */
  maxEvents?: number;
  /** Timeline entries kept per connection. Default 50. */
  maxTimeline?: number;
  /** Clock (injectable for tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * A live view of every realtime-kit connection in this page. A store of {@link InspectedConnection} snapshots;
 * taps are attached while it exists and removed by `close()`.
 */
export interface Inspector extends Store<readonly InspectedConnection[]> {
  /** The event log of connection `id`. Throws a `RangeError` for an id not listed. */
  events(id: string): EventLog;
  /** The chaos controls of connection `id`. Throws a `RangeError` for an id not listed. */
  chaos(id: string): ChaosControls;
  /** The connection's snapshot and its logged events, as pretty JSON (binary payloads as their size). */
  exportJSON(id: string): string;
  /** Detaches from every connection, heals their chaos (ends a simulated offline), and stops listening. */
  close(): void;
}
