import type * as Ably from 'ably';
import type { Transport } from '../../channel/transport.js';

/** The Ably message name that carries signals (typing, read receipts): ephemeral, never stored, never echoed to the sender. */
export const ABLY_SIGNAL_NAME = 'rk:signal';

/** Default of {@link AblyTransportOptions.echoTimeoutMs}. */
export const DEFAULT_ABLY_ECHO_TIMEOUT_MS = 2000;
/** Default of {@link AblyTransportOptions.replayLimit}. */
export const DEFAULT_ABLY_REPLAY_LIMIT = 1000;
/** Default of {@link AblyTransportOptions.historyPageLimit}. */
export const DEFAULT_ABLY_HISTORY_PAGE_LIMIT = 100;
/** Default of {@link AblyTransportOptions.historyMaxPages}. */
export const DEFAULT_ABLY_HISTORY_MAX_PAGES = 10;

// ---- the part of ably's Realtime client this transport uses ---------------------------------------------------
// Built from ably's own types; `Ably.Realtime` must stay assignable to `AblyRealtimeLike` (checked in the tests).

/** The part of an Ably channel's `presence` the transport uses. */
export interface AblyPresenceLike {
  enter(data?: unknown): Promise<void>;
  update(data?: unknown): Promise<void>;
  leave(data?: unknown): Promise<void>;
  get(params?: Ably.RealtimePresenceParams): Promise<Ably.PresenceMessage[]>;
  subscribe(listener?: Ably.messageCallback<Ably.PresenceMessage>): Promise<void>;
  unsubscribe(listener: Ably.messageCallback<Ably.PresenceMessage>): void;
}

/** The part of an Ably `RealtimeChannel` the transport uses. */
export interface AblyChannelLike {
  readonly name: string;
  readonly state: Ably.ChannelState;
  readonly presence: AblyPresenceLike;
  attach(): Promise<Ably.ChannelStateChange | null>;
  detach(): Promise<void>;
  subscribe(listener: Ably.messageCallback<Ably.InboundMessage>): Promise<Ably.ChannelStateChange | null>;
  unsubscribe(listener: Ably.messageCallback<Ably.InboundMessage>): void;
  publish(message: Ably.Message): Promise<Ably.PublishResult>;
  history(params?: Ably.RealtimeHistoryParams): Promise<Ably.PaginatedResult<Ably.InboundMessage>>;
  on(listener: Ably.channelEventCallback): void;
  off(listener: Ably.channelEventCallback): void;
}

/** The part of an Ably `Connection` the transport uses. */
export interface AblyConnectionLike {
  readonly state: Ably.ConnectionState;
  readonly id?: string;
  on(listener: Ably.connectionEventCallback): void;
  off(listener: Ably.connectionEventCallback): void;
  connect(): void;
  close(): void;
}

/** What {@link ablyTransport} needs of an `Ably.Realtime` client (which it is, structurally). */
export interface AblyRealtimeLike {
  readonly auth: { readonly clientId: string };
  readonly connection: AblyConnectionLike;
  readonly channels: { get(name: string, options?: Ably.ChannelOptions): AblyChannelLike };
}

/** Options for {@link ablyTransport}. */
export interface AblyTransportOptions {
  /**
   * How long to wait for Ably's echo of our own publish before acknowledging it without one (the echo carries the
   * message's place in the channel). The message is then delivered to this client locally, and the echo, should it
   * still come, is dropped as a duplicate. Default 2000 ms.
   */
  echoTimeoutMs?: number;
  /**
   * Set to false when the Ably client was created with `echoMessages: false`: own publishes are then delivered to
   * this client locally as soon as Ably accepts them. Default true (Ably's default).
   */
  echoMessages?: boolean;
  /** Delivered messages kept per channel to replay a resubscribe (`after`) from. Default 1000. */
  replayLimit?: number;
  /** Messages per `history()` page when filling a gap after Ably lost continuity. Default 100 (Ably's maximum is 1000). */
  historyPageLimit?: number;
  /** Pages read at most to fill one gap; older missed messages are reported as a `gap`. Default 10. */
  historyMaxPages?: number;
}

/** A {@link Transport} over an Ably Realtime client. */
export interface AblyTransport extends Transport {
  readonly kind: 'ably';
  /** The Ably client it runs on. */
  readonly ably: AblyRealtimeLike;
}
