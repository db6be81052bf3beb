import type { RealtimeErrorIssue } from '../errors.js';

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
export const PROTOCOL_VERSION = 2;

/** Over SSE + POST, the header (or `?session=` parameter) naming the stream a POSTed frame belongs to. */
export const SESSION_HEADER = 'x-realtime-session';

/**
 * The query parameter a client connects with to ask for a frame encoding (`?encoding=compact`): the server names the
 * one it uses in `welcome.encoding`, or sends plain JSON frames when it does not know it (an older server).
 */
export const ENCODING_PARAMETER = 'encoding';

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
  /** `invalid_payload`: the schema's issues. */
  readonly issues?: readonly RealtimeErrorIssue[];
  /** `rejected`: what a `beforePublish` rule attached to its refusal. */
  readonly details?: unknown;
  /** `rate_limited`: when the same frame may succeed. */
  readonly retryAfterMs?: number;
}

/**
 * What a stored message does. `create` (or none): a new message. `update` / `delete`: a new version of the message
 * `target` (its author's, or a moderator's). `reaction`: the reactions on `target` changed; `data` is a
 * {@link ReactionChange} with the new summary.
 */
export type MessageAction = 'create' | 'update' | 'delete' | 'reaction';

/** How reactions on a channel's messages count: see `createRealtime({ reactions })`. */
export type ReactionMode = 'unique' | 'distinct' | 'multiple';

/** The reactions on one message: name → how many, and who (the first `maxUsers` users, then `clipped`). */
export type ReactionSummary = Readonly<
  Record<string, { readonly count: number; readonly users: readonly string[]; readonly clipped: boolean }>
>;

/** The `data` of an `action: 'reaction'` message: the new summary of the target, and the change that made it. */
export interface ReactionChange {
  readonly summary: ReactionSummary;
  readonly reaction: string;
  readonly op: 'add' | 'remove';
  readonly user: string;
}

export type ClientFrame =
  /**
   * Start receiving a channel. With `after`, replay every message with `seq > after` first; `epoch` is the epoch
   * that `after` counts in (from `subscribed`/`reset`): when the log has started over since, the server answers
   * `reset` and replays the new log from its start. Without `after`, `rewind: n` replays the newest `n` stored
   * messages first (initial state without a race). `occupancy: true` asks for `occupancy` frames.
   */
  | { type: 'subscribe'; channel: string; after?: number; epoch?: string; rewind?: number; occupancy?: boolean }
  | { type: 'unsubscribe'; channel: string }
  /**
   * Publish; `cid` is the idempotency key. The server answers `ack` (stored) or `nack` (refused). With `action`, it
   * changes the stored message `target`: `update` (new `data`), `delete`, or `reaction` (`data`:
   * `{ reaction, op: 'add' | 'remove' }`); the server stores it under the target's event and stamps its version.
   */
  | {
      type: 'publish';
      channel: string;
      event: string;
      data: unknown;
      cid: string;
      action?: Exclude<MessageAction, 'create'>;
      target?: string;
    }
  /** `status` defaults to `active`; an `update` without `data` keeps the data and changes the status only. */
  | { type: 'presence'; channel: string; action: 'enter' | 'update' | 'leave'; data?: unknown; status?: PresenceStatus }
  /**
   * An ephemeral event (typing, read receipts, cursors): relayed to the channel's other subscribers at once, never
   * stored, never replayed, never acked. Lost when nobody is connected — by design.
   */
  | { type: 'signal'; channel: string; event: string; data: unknown }
  | { type: 'ping'; t: number };

export type ServerFrame =
  /**
   * First frame after connecting. `userId`: who the server authenticated (absent for anonymous sessions).
   * `session`: over HTTP carriers (SSE + POST, long polling), the secret the client sends with every POST and poll
   * (it names the session and the instance holding it; never shown to other clients). `encoding`: the encoding of
   * the session's later frames when the client asked for one the server speaks (`'compact'`); absent, plain JSON.
   */
  | {
      type: 'welcome';
      v: number;
      connectionId: string;
      heartbeatMs: number;
      userId?: string;
      session?: string;
      encoding?: string;
    }
  /**
   * Subscribed; `seq` is the channel's newest sequence number at that moment (after any replay), counted in
   * `epoch`, the generation of the channel's log (`''` while the channel has no log yet).
   */
  | { type: 'subscribed'; channel: string; seq: number; epoch?: string }
  /**
   * The channel's log started over (a memory server restarted, Redis lost its data, the log expired): sequence
   * numbers of the old epoch mean nothing any more. Messages of the new `epoch` follow from its start.
   */
  | { type: 'reset'; channel: string; epoch: string }
  /** How many connections are subscribed and how many members are present, cluster-wide (asked with `occupancy: true`). */
  | { type: 'occupancy'; channel: string; connections: number; members: number }
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
       * Who published it, stamped by the server: the publisher's user id (an anonymous publisher's presence id).
       * Absent for messages the server published itself.
       */
      from?: string;
      /** What it does (absent: `create`); `target` is the id of the message it changes. */
      action?: Exclude<MessageAction, 'create'>;
      target?: string;
      /**
       * The message's version: on `update`/`delete`, the target's new one; on an original replayed or read from
       * history after changes, its current one (with the newest `data`, `deleted`, `reactions`).
       */
      version?: number;
      /** Replayed or read after it was deleted: `data` is null. */
      deleted?: boolean;
      /** Replayed or read after reactions: the current summary. */
      reactions?: ReactionSummary;
      /**
       * Never sent by a server: set by a client-side transport wrapper that could not read the message (e.g.
       * `decryption_failed` on an encrypted channel). The client moves its resume point past it and reports the
       * error on the channel instead of delivering the message.
       */
      error?: FrameError;
    }
  /** Messages with `from <= seq <= to` are gone from the server's log: refetch them another way. */
  | { type: 'gap'; channel: string; from: number; to: number }
  /** Stored: `seq` counts in the log's `epoch`. */
  | { type: 'ack'; cid: string; channel: string; id: string; seq: number; epoch?: string }
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
