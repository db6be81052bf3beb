import type { ChannelBroker, ChannelHistory, HistoryQuery, HubMessage, MaybePromise } from './broker.js';
import type { ClientFrame, FrameError, PresenceMember, ReactionMode, ServerFrame } from './frames.js';
import type { HubLimits } from './hub-checks.js';
import type { HubAction, HubSessionInfo } from './hub-state.js';
import type { MemoryBroker, MemoryBrokerOptions } from './memory-broker.js';

/** What {@link ChannelHubOptions.beforePublish} is asked about one client publish. */
export interface PublishContext {
  /** The publishing session (its user, its transport). */
  readonly session: HubSessionInfo;
  readonly channel: string;
  readonly event: string;
  /** The data as published (after the payload schema, when there is one). */
  readonly data: unknown;
  /** Set when the publish edits a stored message (`channel.edit`): `target` is its id, `event` its event. */
  readonly action?: 'update';
  readonly target?: string;
  /**
   * The newest stored message of `event` (default: this publish's event) on the channel. Read inside the channel's
   * turn: no other publish of the channel is stored between this read and this publish's own append.
   */
  latest(event?: string): Promise<HubMessage | undefined>;
}

/**
 * What `beforePublish` answers: nothing to store the publish as it is, `{ data }` to store other data (stamp the
 * author, the server's time), `{ reject }` to refuse it (`RealtimeError` code `rejected` for the publisher, with
 * `reject` as its message and `details` as its `details`).
 */
export type PublishVerdict =
  void | undefined | { readonly data: unknown } | { readonly reject: string; readonly details?: unknown };

/** What {@link ChannelHubOptions.authorizeMessage} is asked about one edit, deletion or reaction. */
export interface MessageActionContext {
  readonly session: HubSessionInfo;
  readonly channel: string;
  readonly action: 'update' | 'delete' | 'reaction';
  /** The message acted on: its id, event and author (`from`; undefined when the server published it). */
  readonly message: { readonly id: string; readonly event: string; readonly author: string | undefined };
  /** Whether the session's user (or anonymous presence id) is the author. */
  readonly isAuthor: boolean;
}

/** How reactions count: see {@link ChannelHubOptions.reactions}. */
export interface ReactionOptions {
  /**
   * `distinct` (default): one of each reaction per user; `unique`: one reaction per user, a new one replaces it;
   * `multiple`: every add counts. Per channel with a function.
   */
  readonly mode?: ReactionMode | ((channel: string) => ReactionMode);
  /** Users named per reaction in a summary; the count stays exact and `clipped` says more reacted. Default 20. */
  readonly maxUsers?: number;
  /** Different reactions one message may carry; a new one past it is refused `rejected`. Default 50. */
  readonly maxKinds?: number;
}

/** Options for {@link createChannelHub}. */
export interface ChannelHubOptions<B extends ChannelBroker = MemoryBroker> extends MemoryBrokerOptions {
  /**
   * Where messages are stored and how they reach other server instances. Default a `createMemoryBroker` built
   * from the memory broker options here (which are ignored when a broker is given).
   */
  broker?: B;
  /**
   * Whether a session may use a channel for `action` (subscribe, publish, presence, signal). Asked once per session,
   * channel and action; the answer is kept for the session's lifetime. Refusals are `nack`ed (publish) or answered
   * with an `error` frame carrying the channel, code `unauthorized`. Default: everything is allowed.
   */
  authorize?: (session: HubSessionInfo, channel: string, action: HubAction) => boolean | Promise<boolean>;
  /**
   * Asked for every well-formed frame except `ping`, after `authorize`, in the session's frame order: return an
   * error to refuse it (a publish is `nack`ed with it, other frames answered with an `error` frame for the
   * channel), nothing to let it through. The server kit puts rate limits and payload validation here.
   */
  admit?: (
    session: HubSessionInfo,
    frame: Exclude<ClientFrame, { type: 'ping' }>,
  ) => MaybePromise<FrameError | null | undefined>;
  /**
   * The server rule for client publishes, after `admit`: see {@link PublishVerdict}. Calls for one channel run one at
   * a time, on every instance sharing the broker (its `exclusive`), and each accepted publish is stored before the
   * next call starts, so a rule that reads `latest` cannot race. A repeated `cid` is acknowledged without asking
   * again. A throw refuses the publish with `server_error` (reported to `onError`); the session goes on.
   */
  beforePublish?: (context: PublishContext) => MaybePromise<PublishVerdict>;
  /**
   * Who may edit, delete or react to a stored message (`channel.edit`, `remove`, `react`): asked in the channel's turn,
   * before `beforePublish` (which an edit also passes). A false answer refuses it `forbidden`. Default: only the
   * author edits or deletes (`isAuthor`); anyone allowed to publish on the channel reacts.
   */
  authorizeMessage?: (context: MessageActionContext) => MaybePromise<boolean>;
  /** How reactions count and how many users their summaries name. */
  reactions?: ReactionOptions;
  /**
   * A message was stored (or a repeated `cid` acknowledged again, `fresh: false`): for audit trails and metrics.
   * `session` is the publishing session, undefined for `hub.publish`. Must not throw (a throw goes to `onError`).
   */
  onStored?: (session: HubSessionInfo | undefined, stored: StoredInfo) => void;
  /** The hub refused a client frame on its own (limits, `beforePublish`): for audit trails. Must not throw. */
  onRefused?: (
    session: HubSessionInfo,
    refusal: { readonly channel: string; readonly frame: ClientFrame['type']; readonly error: FrameError },
  ) => void;
  /** Sent in `welcome`: how often clients should ping. Default 25 000. */
  heartbeatMs?: number;
  /**
   * Longest one client frame may wait on `authorize`, `admit`, `beforePublish`, `authorizeMessage` or the broker.
   * Past it the session is closed and a `timeout` error reported to `onError`: the client reconnects and sends again
   * what was not acknowledged (deduplicated by `cid`), instead of every later frame of the session waiting behind a
   * step that never answered. Default 15 000.
   */
  frameTimeoutMs?: number;
  /** What one client may send: name lengths, data nesting, channels per session, presence data size. */
  limits?: Partial<HubLimits>;
  /**
   * A connection's `send` threw, the broker failed, or a hook threw: a failing connection is closed (so one broken
   * connection cannot stop a broadcast) and the error reported here. Default: reported like a throwing listener
   * (`reportError`, else an uncaught exception in a microtask).
   */
  onError?: (error: unknown, session: HubSessionInfo) => void;
}

/** What {@link ChannelHubOptions.onStored} is told about a stored message. */
export interface StoredInfo {
  readonly channel: string;
  readonly event: string;
  readonly id: string;
  readonly seq: number;
  /** False when the `cid` was already stored: nothing was stored this time. */
  readonly fresh: boolean;
}

/** A connection as the hub sees it: somewhere to send frames. */
export interface HubConnection {
  /** Sends one frame to the client. Called synchronously from `connect`, `receive` and deliveries. */
  send(frame: ServerFrame): void;
  /** The authenticated user; presence is keyed by it. Anonymous sessions get a random presence id of their own. */
  userId?: string;
  /** Called when the hub itself ends the session (`reset()`, a `send` that threw, a broker failure): close the connection. */
  close?(): void;
  /** Which endpoint carries it, for audit trails (`HubSessionInfo.transport`). */
  transport?: string;
  /** The channels the connection's credentials are limited to (a scoped token): others are refused `forbidden`. */
  channels?: readonly string[];
  /** Sent in `welcome` as `session`: the secret an HTTP carrier's client sends with its POSTs and polls. */
  session?: string;
  /**
   * Sent in `welcome` as `encoding`: the frame encoding the carrier uses for this connection's later frames, when the
   * client asked for one it supports (`'compact'`, see PROTOCOL.md). Absent: plain JSON frames.
   */
  encoding?: string;
}

/** One client connection to the hub. */
export interface HubSession {
  /** The session id; also the `connectionId` of the `welcome` frame. */
  readonly id: string;
  readonly info: HubSessionInfo;
  /**
   * Handles one frame from the client. Frames of one session are handled in arrival order even when
   * `authorize`, `admit` or the broker are asynchronous: the returned promise (only then) settles once this frame is done.
   */
  receive(frame: ClientFrame): void | Promise<void>;
  /** The connection is gone: unsubscribes everything and leaves presence. Idempotent. */
  close(): void;
}

/** Options for {@link ChannelHub.reset}. */
export interface HubResetOptions {
  /** Also forget every stored message and `cid`, keeping each log's count: resuming clients get a `gap` (memory broker only). */
  dropLogs?: boolean;
  /** Every log starts over under a new epoch, as in a new process: resuming clients get a `reset` (memory broker only). */
  restartLogs?: boolean;
}

/** What {@link ChannelHub.publish} answers: synchronously over a memory broker, as a promise over a networked one. */
export type HubPublishResult<B extends ChannelBroker> = B extends MemoryBroker ? HubReceipt : MaybePromise<HubReceipt>;

/** The stored message's id and sequence number. */
export interface HubReceipt {
  readonly id: string;
  readonly seq: number;
}

/** The reference server side of the channel protocol, free of any transport. See {@link createChannelHub}. */
export interface ChannelHub<B extends ChannelBroker = MemoryBroker> {
  /** Opens a session for a new connection and sends it `welcome`. */
  connect(connection: HubConnection): HubSession;
  /**
   * Publishes from the server (a Server Action, a job): stored, numbered and sent to subscribers (on every
   * instance sharing the broker). With a `cid` already stored on that channel, nothing is stored or sent again
   * and the first `{ id, seq }` is returned. Throws `invalid_payload` for data with no safe JSON form; rejects
   * (never acknowledging) when the broker could not store it. Not subject to `beforePublish`.
   */
  publish(channel: string, event: string, data: unknown, options?: { cid?: string }): HubPublishResult<B>;
  /**
   * Sends a signal from the server (`from` is `''`): to `channel`'s subscribers on every instance sharing the broker,
   * or with `to` (a session id, `HubSessionInfo.id`) only to that session, when it is on this instance and subscribes
   * to the channel. Not stored. Throws `bad_frame` / `invalid_payload` for a bad name or data, like `publish`.
   */
  signal(channel: string, event: string, data: unknown, options?: { to?: string }): void;
  /**
   * Adds an admission check at runtime: asked like the `admit` option (after it) for every frame of this instance's
   * sessions that `authorize` and `admit` let through; an error refuses the frame. This is how server code follows
   * a channel's client signals and publishes before they are relayed or stored (the Yjs keeper answers sync
   * requests and enforces document sizes here); their stored messages it reads with `broker.subscribe`. Returns
   * its removal.
   */
  addAdmission(
    check: (
      session: HubSessionInfo,
      frame: Exclude<ClientFrame, { type: 'ping' }>,
    ) => MaybePromise<FrameError | null | undefined>,
  ): () => void;
  /**
   * Stored messages of a channel (see `HistoryQuery`): `{ before, limit }` pages back from the newest. Messages come
   * as a late joiner sees them: edits applied, deleted text gone (`deleted: true`, `data: null`), reaction summaries
   * on the originals. `{ versions: true }` gives the log as stored instead: every version of every message.
   */
  history(channel: string, query: HistoryQuery, options?: { versions?: boolean }): MaybePromise<ChannelHistory>;
  /** A channel's presence set as this instance sees it (cluster-wide while it has subscribers here, with a networked broker). */
  presence(channel: string): readonly PresenceMember[];
  /** Where messages are stored: read `broker.messages(channel)` / `broker.head(channel)` on a memory broker. */
  readonly broker: B;
  /** Open sessions. */
  readonly sessions: number;
  /** Channels this instance holds state for (subscribers or present members): for memory checks. */
  readonly channels: number;
  /**
   * A server restart: every session is ended (each connection's `close` is called; subscriptions and presence
   * are gone) while the message logs are kept, as on a server with a persistent log; see {@link HubResetOptions}.
   * Clients reconnect, resubscribe with their resume points and re-send un-acked publishes.
   */
  reset(options?: HubResetOptions): void;
}
