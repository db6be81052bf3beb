import type { MessageAction, PresenceStatus, ServerFrame } from './frames.js';

/** A stored channel message, exactly as it is sent to subscribers. */
export type HubMessage = Extract<ServerFrame, { type: 'message' }>;

/** A value, or a promise of it: memory brokers answer synchronously, networked ones (Redis) asynchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** What a publish asks the broker to store. */
export interface MessageDraft {
  readonly event: string;
  readonly data: unknown;
  /** The publisher's idempotency key: a second publish with a `cid` already stored on the channel stores nothing. */
  readonly cid?: string;
  /** Who published it (stamped by the server, see `HubMessage.from`). */
  readonly from?: string;
  /** The data's approximate size in bytes (the hub measures it): brokers that budget memory count it. */
  readonly size?: number;
  /** What the message does to an earlier one (`target`): stored and delivered as given (see `HubMessage.action`). */
  readonly action?: Exclude<MessageAction, 'create'>;
  readonly target?: string;
  /** For `update` and `delete`: the target's version this message makes. */
  readonly version?: number;
}

/**
 * The server-kept state of one message that was edited, deleted or reacted to, kept beside the log for as long as the
 * message is: what late joiners, replays and history see instead of the original (see {@link MessageStates}).
 */
export interface MessageState {
  /** The original's `seq` and the epoch of its log (a state of another epoch is stale and ignored). */
  readonly seq: number;
  readonly epoch: string;
  /** The original's event and author (`from`). */
  readonly event: string;
  readonly author?: string;
  /** 1 for the original; each edit or deletion adds one. */
  readonly version: number;
  /** The newest data, once edited. */
  readonly data?: unknown;
  /** When it was last edited or deleted (ms since epoch). */
  readonly changedAt?: number;
  /**
   * The `cid` of the last change applied. The state is written before the change is appended to the log: when the
   * append fails, the client's retry (same `cid`) is appended from the state instead of being applied twice.
   */
  readonly cid?: string;
  readonly deleted?: boolean;
  /** Reactions: name → user → count (1 except in `multiple` mode). */
  readonly reactions?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Where a broker keeps {@link MessageState}s, per channel: read and written by the hub inside the channel's turn
 * (`exclusive`), so edits and reactions on every instance apply one at a time. States live as long as the messages do
 * (a state whose message left the log may go with it).
 */
export interface MessageStates {
  /** The kept message `id` of `channel`, if it is still in the log. */
  find(channel: string, id: string): MaybePromise<HubMessage | undefined>;
  /** The states of `ids`, in order (undefined where a message has none). */
  get(channel: string, ids: readonly string[]): MaybePromise<readonly (MessageState | undefined)[]>;
  /** Sets the state of message `id` (refused `unavailable` when the fence no longer holds the channel's turn). */
  set(channel: string, id: string, state: MessageState, options?: BrokerPublishOptions): MaybePromise<void>;
}

/** Options of one {@link ChannelBroker.publish}. */
export interface BrokerPublishOptions {
  /**
   * The token {@link ChannelBroker.exclusive} handed to the task this publish runs in: a networked broker refuses the
   * append (`unavailable`) when the channel's lock has passed to someone else meanwhile, so two rules never interleave.
   */
  readonly fence?: string;
}

/** The outcome of {@link ChannelBroker.publish}. */
export interface PublishOutcome {
  /** The stored message (for a repeated `cid`: the first one, which may no longer be in the log). */
  readonly id: string;
  readonly seq: number;
  /** False when the `cid` was already stored: nothing was stored or delivered this time. */
  readonly fresh: boolean;
  /** The epoch of the log the message is in (see {@link ChannelHistory.epoch}). */
  readonly epoch?: string;
}

/**
 * Which stored messages {@link ChannelBroker.history} returns, oldest first. A number is `{ after: n }`.
 * - `{ after }`: the kept messages with `seq > after` (the first `limit` of them);
 * - otherwise the newest `limit` kept messages with `seq < before` (every kept one without `limit`);
 * - `{ limit: 0 }`: none, only the head and the epoch (the live edge).
 */
export type HistoryQuery = number | { readonly after?: number; readonly before?: number; readonly limit?: number };

/** The outcome of {@link ChannelBroker.history}. */
export interface ChannelHistory {
  /** The messages asked for that are still kept, oldest first. A first seq above `after + 1` means a gap. */
  readonly messages: readonly HubMessage[];
  /** The channel's newest sequence number (0 before its first message). */
  readonly head: number;
  /**
   * The generation of the channel's log: a new one whenever the log starts over (a memory broker's process restarted,
   * Redis lost its data, the log expired), so numbers from another epoch are never mistaken for this one's. `''` while
   * the channel has no log.
   */
  readonly epoch: string;
}

/** A live subscription of one process to one channel. */
export interface BrokerSubscription {
  /** Settles once messages published from now on are certain to arrive (a Redis SUBSCRIBE has been confirmed). */
  readonly ready: MaybePromise<void>;
  close(): void;
}

/** What a broker subscription delivers: stored messages, and (networked brokers) the other instances' ephemeral events. */
export interface BrokerListener {
  /** A stored message, with the epoch of the log it was stored in. */
  message(message: HubMessage, epoch: string): void;
  /** Another instance's presence, occupancy or signal for this channel (see {@link BrokerCluster}). */
  cluster?(event: ClusterEvent): void;
}

/** One present member as one instance holds it: its connections there, their most present status, the newest data. */
export interface ContributionMember {
  readonly key: string;
  readonly data: unknown;
  readonly connections: number;
  readonly status: PresenceStatus;
  /** When its data was last set (ms since epoch): the newest data wins across instances. */
  readonly at: number;
}

/**
 * What one instance contributes to a channel: its subscribers and present members. Each change bumps `version` by
 * one within a `generation` (a new one each time the instance starts contributing), so a receiver can tell a missed
 * change from a stale one and fetch a fresh {@link BrokerCluster.snapshot} when it missed any.
 */
export interface Contribution {
  readonly instance: string;
  readonly generation: string;
  readonly version: number;
  readonly subscribers: number;
  readonly members: readonly ContributionMember[];
}

/**
 * One change of this instance's {@link Contribution}: the new version and subscriber count, and the members that
 * changed. Version 1 of a generation carries every member (`upsert`), so it stands on its own.
 */
export interface ContributionChange {
  readonly generation: string;
  readonly version: number;
  readonly subscribers: number;
  /** Members added or changed on this instance. */
  readonly upsert?: readonly ContributionMember[];
  /** Keys of members that left this instance. */
  readonly remove?: readonly string[];
  /** The instance stopped contributing (no subscribers and no members left here). */
  readonly end?: boolean;
}

/** An ephemeral event of another instance, delivered through {@link BrokerListener.cluster}. */
export type ClusterEvent =
  | ({ readonly type: 'contribution'; readonly instance: string } & ContributionChange)
  | {
      readonly type: 'signal';
      readonly instance: string;
      readonly event: string;
      readonly data: unknown;
      readonly from: string;
    };

/** What a cluster tells the hub about the other instances. */
export type ClusterNotice =
  /** These instances stopped heartbeating (killed without goodbye): drop everything they contributed. */
  | { readonly type: 'down'; readonly instances: readonly string[] }
  /** This instance's connection to the cluster came back after an outage: announce again, fetch snapshots again. */
  | { readonly type: 'resync' };

/**
 * The cluster side of a networked broker: presence, occupancy and signals shared between instances, instance
 * liveness, and requests routed to the instance holding a session (HTTP carriers without sticky sessions).
 */
export interface BrokerCluster {
  /** This instance's id (random per process). */
  readonly instanceId: string;
  /** Records a change of this instance's contribution to `channel` and sends it to the other instances. */
  announce(channel: string, change: ContributionChange): MaybePromise<void>;
  /** The contributions of every other live instance to `channel`. */
  snapshot(channel: string): MaybePromise<readonly Contribution[]>;
  /** Relays a signal to the other instances' subscribers of `channel` (fire and forget, like signals themselves). */
  signal(channel: string, signal: { readonly event: string; readonly data: unknown; readonly from: string }): void;
  /** Instance deaths and this instance's reconnections. */
  onNotice(listener: (notice: ClusterNotice) => void): () => void;
  /**
   * Sends `body` to `instance` and resolves with its handler's answer; rejects with `RealtimeError('unavailable')`
   * when no answer came within `timeoutMs` (the instance is gone or unreachable).
   */
  request(instance: string, body: unknown, timeoutMs: number): Promise<unknown>;
  /** Answers the requests other instances send to this one (one handler; a new one replaces it). */
  onRequest(handler: (body: unknown) => Promise<unknown>): () => void;
}

/**
 * Where channel messages live and how they reach every server instance: the event log (numbering, dedupe by
 * `cid`, replay) and the fan-out, as one interface, because storing and fanning out must be one step for every
 * instance to see one order. `createMemoryBroker` serves one process; `createRedisBroker` in
 * `@realtime-kit/server/redis` serves many (Redis Streams + pub/sub).
 *
 * Contract, which the hub relies on:
 * - `publish` numbers a channel's messages 1, 2, 3, … without holes within an epoch; it resolves only once the
 *   message is stored, and rejects when it could not be (then nothing is delivered). A log that starts over gets a
 *   new epoch, so a number is never reused silently;
 * - every subscriber of the channel, in every process, gets each stored message once, in `seq` order (a
 *   networked broker may skip messages while its connection is down: the hub refills holes from `history`);
 * - `history` returns what is kept, the newest seq and the log's epoch;
 * - `exclusive` runs one task per channel at a time, across every instance sharing the broker.
 */
export interface ChannelBroker {
  publish(channel: string, draft: MessageDraft, options?: BrokerPublishOptions): MaybePromise<PublishOutcome>;
  history(channel: string, query: HistoryQuery): MaybePromise<ChannelHistory>;
  subscribe(
    channel: string,
    listener: ((message: HubMessage, epoch: string) => void) | BrokerListener,
  ): BrokerSubscription;
  /** The newest kept message of `event` on `channel`, if any (`beforePublish`'s `latest`). */
  latest(channel: string, event: string): MaybePromise<HubMessage | undefined>;
  /** What a `cid` already stored on `channel` was stored as; undefined when it is not (or no longer) known. */
  lookup(
    channel: string,
    cid: string,
  ): MaybePromise<{ readonly id: string; readonly seq: number; readonly epoch?: string } | undefined>;
  /**
   * Runs `task` when no other task for `channel` runs, on this instance or another, and resolves with its result.
   * `fence` goes to every `publish` of the task (see {@link BrokerPublishOptions.fence}).
   */
  exclusive<T>(channel: string, task: (fence: string | undefined) => Promise<T>): Promise<T>;
  /**
   * Drops the kept messages of `channel` with `seq <= throughSeq` (numbering goes on): for server code that folded
   * them into durable state of its own (the Yjs keeper's compaction). A client resuming from before gets a `gap`.
   * Both built-in brokers have it.
   */
  trim?(channel: string, throughSeq: number): MaybePromise<void>;
  /** Present on brokers that connect several instances: presence, occupancy and signals cluster-wide. */
  readonly cluster?: BrokerCluster;
  /**
   * Message states, for edits, deletions and reactions (`channel.edit`, `remove`, `react`). Both built-in brokers have
   * them; on a broker without, the hub refuses those publishes (`bad_frame`) and serves messages as stored.
   */
  readonly states?: MessageStates;
}

/** `listener` as a {@link BrokerListener}. */
export function toBrokerListener(
  listener: ((message: HubMessage, epoch: string) => void) | BrokerListener,
): BrokerListener {
  return typeof listener === 'function' ? { message: listener } : listener;
}

/** A {@link HistoryQuery} as its parts. */
export function readHistoryQuery(query: HistoryQuery): { after?: number; before?: number; limit?: number } {
  return typeof query === 'number' ? { after: query } : query;
}
