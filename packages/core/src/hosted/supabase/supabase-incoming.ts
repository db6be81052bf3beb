import { randomId } from '../../lib/random-id.js';
import { decodeEnvelope } from '../shared/envelope.js';
import type { ChannelRecord, SupabaseContext } from './supabase-context.js';
import {
  SUPABASE_POSTGRES_EVENT_PREFIX,
  SUPABASE_SIGNAL_EVENT,
  type SupabasePostgresChange,
  type SupabasePostgresEvent,
} from './supabase-types.js';

/** A `postgres_changes` payload as realtime-js hands it to a listener. */
export interface RawPostgresChange {
  readonly schema: string;
  readonly table: string;
  readonly commit_timestamp: string;
  readonly eventType: SupabasePostgresEvent;
  readonly new?: Record<string, unknown>;
  readonly old?: Record<string, unknown>;
}

/**
 * A broadcast on a channel the client subscribed: a signal ({@link SUPABASE_SIGNAL_EVENT}), or a message numbered
 * by the adapter. Our publishes carry an envelope (their id and cid; a repeat is dropped); a plain supabase-js
 * broadcast is delivered with a fresh id.
 */
export function deliverBroadcast(
  context: SupabaseContext,
  record: ChannelRecord,
  message: { event?: unknown; payload?: unknown },
): void {
  if (!context.flags.session) return;
  const event = typeof message.event === 'string' ? message.event : '';
  if (event === SUPABASE_SIGNAL_EVENT) {
    const signal = message.payload as { event?: unknown; data?: unknown; from?: unknown } | undefined;
    if (!record.wanted || typeof signal?.event !== 'string') return;
    context.emit({
      type: 'signal',
      channel: record.name,
      event: signal.event,
      data: signal.data,
      from: typeof signal.from === 'string' ? signal.from : 'unknown',
    });
    return;
  }
  if (!record.wanted) return;
  const envelope = decodeEnvelope(message.payload);
  if (envelope?.cid !== undefined) {
    if (!record.seen.remember(envelope.id)) return;
    record.seq += 1;
    const { id, cid, data } = envelope;
    context.emit({
      type: 'message',
      channel: record.name,
      id,
      seq: record.seq,
      event,
      data,
      cid,
      at: envelope.at ?? Date.now(),
    });
    return;
  }
  record.seq += 1;
  context.emit({
    type: 'message',
    channel: record.name,
    id: randomId(),
    seq: record.seq,
    event,
    data: message.payload,
    at: Date.now(),
  });
}

/** A row change one of the channel's `postgresChanges` listeners matched: a `postgres:<event>` message. */
export function deliverPostgresChange(
  context: SupabaseContext,
  record: ChannelRecord,
  payload: RawPostgresChange,
): void {
  if (!context.flags.session || !record.wanted) return;
  const at = Date.parse(payload.commit_timestamp);
  const data: SupabasePostgresChange = {
    schema: payload.schema,
    table: payload.table,
    new: payload.new ?? {},
    old: payload.old ?? {},
    commitTimestamp: payload.commit_timestamp,
  };
  record.seq += 1;
  context.emit({
    type: 'message',
    channel: record.name,
    id: randomId(),
    seq: record.seq,
    event: `${SUPABASE_POSTGRES_EVENT_PREFIX}${payload.eventType}`,
    data,
    at: Number.isFinite(at) ? at : Date.now(),
  });
}
