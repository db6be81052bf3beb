import type { ConnectionState } from '../connection/status.js';
import type { RealtimeError } from '../errors.js';
import type { PresenceMember, PresenceStatus, ReactionSummary } from '../protocol/frames.js';
import type { Store } from '../store.js';
import type { Transport } from './transport.js';

/** A message as channel subscribers receive it: exactly once, in `seq` order. */
export interface ChannelMessage<D = unknown, E extends string = string> {
  readonly channel: string;
  readonly id: string;
  readonly seq: number;
  readonly event: E;
  readonly data: D;
  /** The publisher's client message id: compare with your own to recognise an echo. */
  readonly cid?: string;
  /** Server time the message was stored (ms since epoch). */
  readonly at: number;
  /** Who published it, as the server knows them (their user id); absent for messages the server published itself. */
  readonly from?: string;
  /**
   * What it does (absent: a new message): `update` and `delete` change the message `target` (their `version` is its
   * new one), `reaction` carries the target's new reaction summary (`data`: a `ReactionChange`). Fold them with
   * `applyMessage`.
   */
  readonly action?: 'update' | 'delete' | 'reaction';
  readonly target?: string;
  /** An edit's or deletion's new version; on a replayed original, its current version (more than 1: edited). */
  readonly version?: number;
  /** Replayed or read after it was deleted (its `data` is null). */
  readonly deleted?: boolean;
  /** Replayed or read after reactions: who reacted with what. */
  readonly reactions?: ReactionSummary;
}

/** A stored message to edit, remove or react to: its id (an event `message`), or the message itself. */
export type MessageRef<E extends string = string> = string | { readonly id: string; readonly event: E };

/**
 * Messages this client may have missed: refetch them from your API (or `realtime.history`), or tell the user.
 * - `reason: 'trimmed'`: the server's log no longer holds `from..to` (inclusive);
 * - `reason: 'reset'`: the server's log started over (a restart without a persistent log, Redis lost its data, the
 *   log expired): anything after `from - 1` of the old numbering may be lost (`to` is `Infinity`); the messages of the
 *   new log follow, numbered from 1 again.
 */
export interface ChannelGap {
  readonly channel: string;
  readonly from: number;
  readonly to: number;
  readonly reason: 'trimmed' | 'reset';
}

/** How many are on a channel, cluster-wide: subscribed connections and present members. */
export interface ChannelOccupancy {
  readonly connections: number;
  readonly members: number;
}

/** Options of {@link RealtimeClient.channel}. */
export interface ChannelOptions {
  /**
   * On the first subscription, deliver the newest `rewind` stored messages before live ones: the initial state
   * without a race between a REST snapshot and the subscription (contiguous, none twice). Default 0.
   */
  rewind?: number;
}

/** A map of event name → data type, for typed channels: `client.channel<{ message: Msg; typing: { userId: string } }>('room:1')`. */
export type EventMap = Record<string, unknown>;

export interface PublishOptions {
  /** Your own idempotency key; default a fresh random id. Re-publishing with the same `cid` stores it once. */
  cid?: string;
}

/** What a publish resolves to once the server stored it. */
export interface PublishReceipt {
  readonly cid: string;
  readonly id: string;
  readonly seq: number;
  /** The epoch of the log `seq` counts in (see {@link ChannelState.epoch}), when the server tells. */
  readonly epoch?: string;
}

export interface Presence<D = unknown> extends Store<readonly PresenceMember<D>[]> {
  /** Join with `data`. Ref-counted: two `enter`s need two `leave`s. */
  enter(data?: D): void;
  update(data: D): void;
  /** Tells the others how present this client is (`idle` after no input, `away` while hidden); sent with every enter. */
  setStatus(status: PresenceStatus): void;
  leave(): void;
  /** The current members (same as `getSnapshot()`). */
  members(): readonly PresenceMember<D>[];
  /** This client's own member (its user, however many tabs), once the server listed it; null before or when anonymous. */
  self(): PresenceMember<D> | null;
}

/** An ephemeral event from another connection (see {@link Channel.signal}). */
export interface ChannelSignal<D = unknown, E extends string = string> {
  readonly channel: string;
  readonly event: E;
  readonly data: D;
  /** The sender's user id as the server knows it (its connection id when anonymous). */
  readonly from: string;
}

/** The per-channel view a UI renders from. */
export interface ChannelState {
  /** Whether the server confirmed the subscription on the current session. */
  readonly subscribed: boolean;
  /** The newest `seq` delivered to subscribers (the resume point). */
  readonly lastSeq: number;
  /** Publishes waiting for the server's ack (queued while offline, or in flight). */
  readonly pending: number;
  /**
   * The generation of the server's log `lastSeq` counts in: it changes when that log started over (a `reset` gap).
   * Undefined until the server told, and on transports without epochs. Store it with `lastSeq` to resume later.
   */
  readonly epoch?: string;
}

export interface Channel<Events extends EventMap = EventMap> extends Store<ChannelState> {
  readonly name: string;
  /** Store contract: `listener` runs after every change of the {@link ChannelState} (this does not subscribe to events). */
  subscribe(listener: () => void): () => void;
  /** Receive one event (or every event with `'*'`). The first subscriber subscribes on the server. */
  subscribe<E extends keyof Events & string>(
    event: E,
    handler: (message: ChannelMessage<Events[E], E>) => void,
  ): () => void;
  subscribe(
    event: '*',
    handler: (message: ChannelMessage<Events[keyof Events], keyof Events & string>) => void,
  ): () => void;
  /**
   * Publish. While offline (or before the session opens) it waits in the outbox, in order, and is sent on
   * reconnect; the promise resolves when the server stored it and rejects with a `RealtimeError` when refused
   * (or the outbox overflowed).
   */
  publish<E extends keyof Events & string>(
    event: E,
    data: Events[E],
    options?: PublishOptions,
  ): Promise<PublishReceipt>;
  /**
   * Edits a stored message: stored as a new version (`action: 'update'`) that every subscriber receives, and what
   * late joiners and history see. Only its author may, unless the server's `authorizeMessage` allows more (a
   * moderator); others are refused `forbidden`, a message no longer in the log `not_found`. Waits in the outbox
   * while offline, like `publish`.
   */
  edit<E extends keyof Events & string>(
    message: MessageRef<E>,
    data: Events[E],
    options?: PublishOptions,
  ): Promise<PublishReceipt>;
  /** Deletes a stored message (the same rules as `edit`): subscribers get `action: 'delete'`; late joiners see a tombstone. */
  remove(message: MessageRef<keyof Events & string>, options?: PublishOptions): Promise<PublishReceipt>;
  /**
   * Adds a reaction to a stored message, counted by the server in the channel's mode (`distinct` by default: one of
   * each per user); subscribers get `action: 'reaction'` with the new summary.
   */
  react(
    message: MessageRef<keyof Events & string>,
    reaction: string,
    options?: PublishOptions,
  ): Promise<PublishReceipt>;
  /** Takes this user's `reaction` back (in `multiple` mode, all of them). */
  unreact(
    message: MessageRef<keyof Events & string>,
    reaction: string,
    options?: PublishOptions,
  ): Promise<PublishReceipt>;
  /**
   * Sends an ephemeral event (typing, read receipts, cursors) to the channel's other subscribers: never stored,
   * never replayed, never queued. Returns false, and sends nothing, while not connected.
   */
  signal(event: string, data?: unknown): boolean;
  /** Receive signals of one event (or every event with `'*'`) from other connections. Subscribes the channel. */
  onSignal<D = unknown>(event: string, handler: (signal: ChannelSignal<D>) => void): () => void;
  /** Who this client is on the channel's server, from the last session's `welcome` (null when anonymous or unknown). */
  readonly userId: string | null;
  /** Called when this client may have missed messages (see {@link ChannelGap}). */
  onGap(handler: (gap: ChannelGap) => void): () => void;
  /**
   * Subscribed connections and present members, cluster-wide; null until the server first told. Watching it
   * subscribes the channel (and asks the server for counts); the server sends at most four updates a second.
   */
  readonly occupancy: Store<ChannelOccupancy | null>;
  /** Called when the server refuses something on this channel (unauthorized, rate limited, invalid). */
  onError(handler: (error: RealtimeError) => void): () => void;
  readonly presence: Presence;
}

/** Where unsent publishes live. Memory by default; `indexedDBOutbox()` keeps them across reloads. */
export interface OutboxStorage {
  load(): Promise<readonly OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  delete(cid: string): Promise<void>;
}

export interface OutboxEntry {
  readonly cid: string;
  readonly channel: string;
  readonly event: string;
  readonly data: unknown;
  /** An edit, deletion or reaction of the message `target` (see `Channel.edit`). */
  readonly action?: 'update' | 'delete' | 'reaction';
  readonly target?: string;
  /** When it was first published (ms since epoch); keeps the order across reloads. */
  readonly createdAt: number;
}

export interface RealtimeClientOptions {
  transport: Transport;
  /** Keep at most this many unsent publishes; more reject with `outbox_full`. Default 1000. */
  maxQueued?: number;
  /** Persist the outbox (e.g. `indexedDBOutbox('my-app')`). Default: memory. */
  outbox?: OutboxStorage;
  /** Id generator for `cid`s (injectable for tests). Default `crypto.randomUUID`. */
  createId?: () => string;
  /** Clock for outbox entries' `createdAt` (injectable for tests). Default `Date.now`. */
  now?: () => number;
  /** How long a presence member who left stays listed, so a reconnect does not flicker them away and back. Default 3000 ms. */
  presenceGraceMs?: number;
  /**
   * How long a sent publish may wait for the server's `ack` or `nack` before the client presumes its session broken
   * (a proxy that lost the answer, a server step that never returned) and reconnects, sending it again (deduplicated
   * by `cid`: nothing is stored twice). Default 20 000 ms, past the server's own 15 s bound on a frame; `Infinity`
   * turns it off.
   */
  ackTimeoutMs?: number;
}

/**
 * Channels over one {@link Transport}; a store of the transport's connection state. See `createRealtimeClient`.
 */
export interface RealtimeClient extends Store<ConnectionState> {
  readonly transport: Transport;
  /**
   * The channel named `name` (one object per name per client). Getting it subscribes to nothing. `options.rewind`
   * applies to its first subscription (a later call may raise it until then).
   */
  channel<Events extends EventMap = EventMap>(name: string, options?: ChannelOptions): Channel<Events>;
  /**
   * Errors not tied to one channel (an `error` frame without a channel), and channel errors when that channel has
   * no `onError` handler. With no listener at all they are reported (`reportError`), never swallowed.
   */
  onError(handler: (error: RealtimeError) => void): () => void;
  /** Connects the transport (idempotent). Using a channel connects too. Does nothing once closed. */
  connect(): void;
  /**
   * Stops for good: closes the transport and rejects waiting publishes with `closed` (a persistent outbox keeps
   * them for the next client).
   */
  close(): void;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /** Who the server says this client is (its `welcome`), or null when anonymous or not yet connected. */
  readonly userId: string | null;
}
