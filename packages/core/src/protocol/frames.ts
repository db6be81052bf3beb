/**
 * The realtime-kit channel protocol: JSON frames, one per WebSocket message (or per SSE event / POST body /
 * Socket.io emit on the other transports). Defined once here; client transports and `@realtime-kit/server`
 * both import it. Version {@link PROTOCOL_VERSION}; see PROTOCOL.md beside this file for the prose.
 *
 * Guarantees the frames make possible:
 * - every channel message has a server-assigned `id` and a per-channel `seq` (1, 2, 3, … with no holes);
 * - a client resumes a channel by subscribing with the last `seq` it saw; the server replays what follows,
 *   or says `gap` with the range it cannot replay (so the app can refetch history);
 * - a publish carries a client message id (`cid`, an idempotency key): the server stores it once however
 *   often it is sent, and acks every copy with the same `id`/`seq`.
 */
export const PROTOCOL_VERSION = 1;

/** Over SSE + POST, the header (or `?session=` parameter) naming the stream a POSTed frame belongs to. */
export const SESSION_HEADER = 'x-realtime-session';

/**
 * How present a member is: `active` (using the app), `idle` (no input for a while) or `away` (the page is hidden).
 * A user with several connections is as present as their most present one.
 */
export type PresenceStatus = 'active' | 'idle' | 'away';

/** A member of a presence set. One member per `userId`, however many connections or tabs it has. */
export interface PresenceMember<D = unknown> {
  readonly userId: string;
  readonly data: D;
  /** Connections of this user currently present (tabs, devices); 1 where a transport cannot tell. */
  readonly connections: number;
  /** How present the user is (the client reads a member without one, from an older server, as `active`). */
  readonly status: PresenceStatus;
}

/** The error shape carried by `nack` and `error` frames. `code` is a `RealtimeErrorCode`. */
export interface FrameError {
  readonly code: string;
  readonly message: string;
}

export type ClientFrame =
  /** Start receiving a channel. With `after`, replay every message with `seq > after` first. */
  | { type: 'subscribe'; channel: string; after?: number }
  | { type: 'unsubscribe'; channel: string }
  /** Publish; `cid` is the idempotency key. The server answers `ack` (stored) or `nack` (refused). */
  | { type: 'publish'; channel: string; event: string; data: unknown; cid: string }
  /** `status` defaults to `active`; an `update` without `data` keeps the data and changes the status only. */
  | { type: 'presence'; channel: string; action: 'enter' | 'update' | 'leave'; data?: unknown; status?: PresenceStatus }
  /**
   * An ephemeral event (typing, read receipts, cursors): relayed to the channel's other subscribers at once, never
   * stored, never replayed, never acked. Lost when nobody is connected — by design.
   */
  | { type: 'signal'; channel: string; event: string; data: unknown }
  | { type: 'ping'; t: number };

export type ServerFrame =
  /** First frame after connecting. `userId`: who the server authenticated (absent for anonymous sessions). */
  | { type: 'welcome'; v: number; connectionId: string; heartbeatMs: number; userId?: string }
  /** Subscribed; `seq` is the channel's newest sequence number at that moment (after any replay). */
  | { type: 'subscribed'; channel: string; seq: number }
  | {
      type: 'message';
      channel: string;
      id: string;
      seq: number;
      event: string;
      data: unknown;
      /** The publisher's client message id, so a sender recognises its own echo. */
      cid?: string;
      /** Server time (ms since epoch) when it was stored. */
      at: number;
      /**
       * Never sent by a server: set by a client-side transport wrapper that could not read the message (e.g.
       * `decryption_failed` on an encrypted channel). The client moves its resume point past it and reports the
       * error on the channel instead of delivering the message.
       */
      error?: FrameError;
    }
  /** Messages with `from <= seq <= to` are gone from the server's log: refetch them another way. */
  | { type: 'gap'; channel: string; from: number; to: number }
  | { type: 'ack'; cid: string; channel: string; id: string; seq: number }
  | { type: 'nack'; cid: string; channel: string; error: FrameError }
  /** `sync` carries the whole set (after subscribe/resume); the others one member. */
  | { type: 'presence'; channel: string; action: 'sync'; members: PresenceMember[] }
  | { type: 'presence'; channel: string; action: 'enter' | 'update' | 'leave'; member: PresenceMember }
  /** A signal from another connection; `from` is the sender's user id as the server knows it (or its connection id). */
  | { type: 'signal'; channel: string; event: string; data: unknown; from: string }
  /** A refusal not tied to one publish (unauthorized channel, rate limit, bad frame). */
  | { type: 'error'; error: FrameError; channel?: string }
  | { type: 'pong'; t: number };

export type ClientFrameType = ClientFrame['type'];
export type ServerFrameType = ServerFrame['type'];
