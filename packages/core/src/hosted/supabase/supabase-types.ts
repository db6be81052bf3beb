import type { RealtimeClient, SupabaseClient } from '@supabase/supabase-js';
import type { Transport } from '../../channel/transport.js';

/** The broadcast event that carries realtime-kit signals (`{ event, data, from }`); not delivered as a message. */
export const SUPABASE_SIGNAL_EVENT = 'rk:signal';

/** Postgres changes arrive as channel messages named `postgres:INSERT`, `postgres:UPDATE` and `postgres:DELETE`. */
export const SUPABASE_POSTGRES_EVENT_PREFIX = 'postgres:';

/**
 * Supabase Realtime's default per-client presence limit: at most 5 `track`/`untrack` calls per channel in a
 * 30-second window. Over it the server closes the channel ("ClientPresenceRateLimitReached"). A project whose
 * limit was raised passes its own values as {@link SupabaseTransportOptions.presenceLimit}.
 */
export const SUPABASE_PRESENCE_LIMIT: Readonly<{ maxCalls: number; windowMs: number }> = Object.freeze({
  maxCalls: 5,
  windowMs: 30_000,
});

/** Default of `presenceLimit.minIntervalMs`: a burst of presence changes becomes one call now and one this much later. */
export const DEFAULT_PRESENCE_MIN_INTERVAL_MS = 250;

/** Anything with a Supabase `realtime` client: the `createClient(...)` instance (whatever its database types). */
export type SupabaseRealtimeHost = Pick<SupabaseClient, 'realtime'>;

/** A Postgres change event the adapter can listen for. */
export type SupabasePostgresEvent = 'INSERT' | 'UPDATE' | 'DELETE';

/** One `postgres_changes` listener, joined with its channel (Supabase's `RealtimePostgresChangesFilter`). */
export interface SupabasePostgresChangesFilter {
  readonly event: SupabasePostgresEvent | '*';
  readonly schema: string;
  /** Absent: every table of the schema. */
  readonly table?: string;
  /** PostgREST-style row filter, e.g. `room_id=eq.42` (eq, neq, lt, lte, gt, gte, in). */
  readonly filter?: string;
}

/** The data of a `postgres:*` channel message. */
export interface SupabasePostgresChange<Row extends object = Record<string, unknown>> {
  readonly schema: string;
  readonly table: string;
  /** The row after the change (`{}` for a DELETE). */
  readonly new: Partial<Row>;
  /** The row before it (`{}` for an INSERT; only the primary key unless the table has `replica identity full`). */
  readonly old: Partial<Row>;
  /** When the transaction committed (ISO 8601), as Postgres reported it. */
  readonly commitTimestamp: string;
}

/**
 * The event map of a channel that carries Postgres changes of `Row`, for typed channels:
 * `client.channel<SupabasePostgresEvents<Message> & { typing: … }>('room:42')`.
 */
export type SupabasePostgresEvents<Row extends object = Record<string, unknown>> = {
  [E in SupabasePostgresEvent as `${typeof SUPABASE_POSTGRES_EVENT_PREFIX}${E}`]: SupabasePostgresChange<Row>;
};

/** Options for {@link supabaseTransport}. */
export interface SupabaseTransportOptions {
  /**
   * Who this client is: the presence key (one member per user however many tabs), the `from` of its signals and
   * `welcome.userId`. Required for presence.
   */
  userId?: string;
  /**
   * Which channels join with presence enabled. Default: every channel when `userId` is set. Presence costs a
   * `presence_state` per join on the server (counted against the project's presence quota), so a function can
   * keep it to the channels that use it: `(channel) => channel.startsWith('room:')`.
   */
  presence?: boolean | ((channel: string) => boolean);
  /** `postgres_changes` listeners per channel name, joined with the channel and delivered as `postgres:*` messages. */
  postgresChanges?: Readonly<Record<string, readonly SupabasePostgresChangesFilter[]>>;
  /** Join channels as private (Realtime Authorization with RLS policies). Default false. */
  private?: boolean | ((channel: string) => boolean);
  /**
   * The project's per-client presence limit, which the adapter never exceeds: presence changes are coalesced
   * (the latest data and status always win and are always sent eventually) so that at most `maxCalls` calls go out
   * per channel in any `windowMs`, one `minIntervalMs` apart at the closest. One call of each window is kept for a
   * leave. Default {@link SUPABASE_PRESENCE_LIMIT} and {@link DEFAULT_PRESENCE_MIN_INTERVAL_MS}.
   */
  presenceLimit?: { maxCalls?: number; windowMs?: number; minIntervalMs?: number };
  /** How long a publish waits for the server's acknowledgement before it is refused with `timeout`. Default: the SDK's timeout (10 s). */
  publishTimeoutMs?: number;
}

/** A {@link Transport} over a supabase-js client's Realtime connection. */
export interface SupabaseTransport extends Transport {
  readonly kind: 'supabase';
  /** The Supabase Realtime client it runs on (`client.realtime`). */
  readonly realtime: RealtimeClient;
}
