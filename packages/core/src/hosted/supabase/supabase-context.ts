import type { RealtimeChannel, RealtimeClient } from '@supabase/supabase-js';
import type { RealtimeErrorCode } from '../../errors.js';
import type { PresenceMember, PresenceStatus, ServerFrame } from '../../protocol/frames.js';
import type { Envelope } from '../shared/envelope.js';
import type { SeenIds } from '../shared/seen-ids.js';
import type { SupabaseTransportOptions } from './supabase-types.js';

/**
 * Added to the window when counting presence calls: the server starts its window when a call *arrives*, and
 * network jitter can bring two calls closer together there than they were here.
 */
export const PRESENCE_WINDOW_MARGIN_MS = 1_000;

/** How long a channel used only for publishing stays joined after its last publish (joins are rate limited too). */
export const PUBLISH_ONLY_LINGER_MS = 30_000;

/** Waiting longer than this for the `presence_state` after a join means the server will not send one. */
export const PRESENCE_STATE_WAIT_MS = 3_000;

/** Rejoin delays after the server closed a channel that is still in use (rate limit, token refresh). */
export const REJOIN_DELAYS_MS = [1_000, 2_000, 5_000, 10_000] as const;

/** How many recent message ids each channel remembers, to drop a publish that arrives twice (a resend after a drop). */
export const SEEN_IDS = 512;

/** What the adapter tracks on the server for this connection on one channel. */
export interface PresenceIntent {
  readonly data: unknown;
  readonly status: PresenceStatus;
}

export interface PendingPublish {
  readonly cid: string;
  readonly event: string;
  readonly envelope: Envelope;
}

/** One presence entry as the server sends it: the track payload plus its `phx_ref`. */
export type Meta = Readonly<Record<string, unknown>>;

/** What the adapter keeps per channel the client uses (subscribed to, published on, or present in). */
export interface ChannelRecord {
  readonly name: string;
  readonly presence: boolean;
  /** The SDK channel of the current join attempt (replaced when the server closed the previous one). */
  sdk: RealtimeChannel;
  /** Bumped with every SDK channel, so callbacks of a replaced one are ignored. */
  generation: number;
  /** Per-channel counter numbering every delivered message (hosted services have no sequence). */
  seq: number;
  /** The client subscribed the channel (and has not unsubscribed). */
  wanted: boolean;
  /** SUBSCRIBED on the current join, and not errored or closed since. */
  joined: boolean;
  /** The current join's first `presence_state` was applied (always true without presence). */
  presenceSynced: boolean;
  /** The channel's presence as the server sent it: key → phx_ref → meta. Kept here, not read from the SDK (below). */
  metas: Map<string, Map<string, Meta>>;
  /** Diffs that arrived before the join's `presence_state`. */
  pendingDiffs: unknown[];
  presenceWait: ReturnType<typeof setTimeout> | null;
  /** The `subscribed` frame for the current join went out. */
  confirmed: boolean;
  /** A `gap` to report before the next `subscribed` (the client resumed from before messages it never saw). */
  gapFrom: number | null;
  /** Members as last reported to the client. */
  members: Map<string, PresenceMember>;
  /** Publishes waiting for the join. */
  outgoing: PendingPublish[];
  /** Publishes sent, waiting for the reply: the latest attempt per cid. */
  inflight: Map<string, object>;
  readonly seen: SeenIds;
  /** What this connection should be tracking, and what the server has. */
  desired: PresenceIntent | null;
  tracked: PresenceIntent | null;
  presenceCalls: number[];
  presenceTimer: ReturnType<typeof setTimeout> | null;
  /** The last `system` error the server sent on this channel (it closes the channel next). */
  systemError: { code: RealtimeErrorCode; message: string } | null;
  rejoinTimer: ReturnType<typeof setTimeout> | null;
  rejoinAttempt: number;
  lingerTimer: ReturnType<typeof setTimeout> | null;
}

export type RecordTimer = 'presenceWait' | 'presenceTimer' | 'rejoinTimer' | 'lingerTimer';

/** The presence limit the adapter keeps under, resolved from the options. */
export interface PresenceLimit {
  readonly maxCalls: number;
  readonly windowMs: number;
  readonly minIntervalMs: number;
}

/** What the parts of the Supabase adapter share. */
export interface SupabaseContext {
  readonly realtime: RealtimeClient;
  readonly options: SupabaseTransportOptions;
  readonly userId: string | undefined;
  /** Who sends this transport's signals when there is no `userId`. */
  readonly anonymousId: string;
  readonly limit: PresenceLimit;
  readonly records: Map<string, ChannelRecord>;
  /** SDK channels this transport created (so it never takes over one the app made itself). */
  readonly own: WeakSet<RealtimeChannel>;
  /**
   * `stopped`: `close()` was called (or the API key was refused), SDK events no longer change the state.
   * `session`: a session is open, its welcome went out.
   */
  readonly flags: { stopped: boolean; session: boolean };
  emit(frame: ServerFrame): void;
  /** Whether channel `name` joins with presence. */
  presenceFor(name: string): boolean;
  /** Whether channel `name` joins as private (Realtime Authorization). */
  privateFor(name: string): boolean;
}

export function clearTimer(record: ChannelRecord, key: RecordTimer): void {
  const timer = record[key];
  if (timer !== null) clearTimeout(timer);
  record[key] = null;
}

/** Still needed: subscribed, a publish on its way, or our presence (leaving the channel ends our presence too). */
export function inUse(record: ChannelRecord): boolean {
  return record.wanted || record.outgoing.length > 0 || record.inflight.size > 0 || record.desired !== null;
}

/** Whether the channel can carry a push now. realtime-js falls back to its REST endpoint when it cannot: never let it. */
export function canPush(context: SupabaseContext, record: ChannelRecord): boolean {
  return record.joined && record.sdk.state === 'joined' && context.realtime.isConnected();
}
