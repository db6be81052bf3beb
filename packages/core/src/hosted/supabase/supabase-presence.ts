import { unrefTimer } from '../../lib/unref-timer.js';
import { safeJson } from '../../lib/safe-json.js';
import type { ClientFrame } from '../../protocol/frames.js';
import { diffMembers } from '../shared/diff-members.js';
import type { SupabaseChannels } from './supabase-channels.js';
import {
  canPush,
  clearTimer,
  PRESENCE_WINDOW_MARGIN_MS,
  type ChannelRecord,
  type PresenceIntent,
  type SupabaseContext,
} from './supabase-context.js';
import { applyPresenceDiff, membersOf } from './supabase-presence-state.js';

/**
 * Presence keyed by `userId`: one member per user, `connections` counting their tabs. What this connection should
 * show (`desired`) is pushed with `track`/`untrack`, coalesced under the project's per-client presence limit: the
 * latest data and status always win and are always sent eventually.
 */
export interface SupabasePresence {
  handleFrame(frame: Extract<ClientFrame, { type: 'presence' }>): void;
  /** The join's `presence_state` (or `{}` when none came in time). */
  onState(record: ChannelRecord, payload: unknown): void;
  onDiff(record: ChannelRecord, payload: unknown): void;
  /** Pushes `desired` if the server does not have it yet, now or as soon as the limit allows. */
  flush(record: ChannelRecord): void;
}

export function createSupabasePresence(context: SupabaseContext, channels: SupabaseChannels): SupabasePresence {
  const { limit, emit } = context;

  function onState(record: ChannelRecord, payload: unknown) {
    clearTimer(record, 'presenceWait');
    record.metas = new Map();
    applyPresenceDiff(record.metas, { joins: payload, leaves: {} });
    for (const diff of record.pendingDiffs) applyPresenceDiff(record.metas, diff);
    record.pendingDiffs = [];
    publishMembers(record);
  }

  function onDiff(record: ChannelRecord, payload: unknown) {
    if (!record.presenceSynced) {
      record.pendingDiffs.push(payload);
      return;
    }
    applyPresenceDiff(record.metas, payload);
    publishMembers(record);
  }

  /** The first state of a join completes it (see `maybeConfirm`); later changes go out as enter/update/leave. */
  function publishMembers(record: ChannelRecord) {
    const next = membersOf(record.metas);
    if (!record.presenceSynced) {
      record.presenceSynced = true;
      record.members = next;
      channels.maybeConfirm(record);
      return;
    }
    const previous = record.members;
    record.members = next;
    if (!record.confirmed || !context.flags.session) return;
    for (const frame of diffMembers(record.name, previous, next)) emit(frame);
  }

  /** How long the next presence call must wait to stay under the limit (0: it may go now). */
  function delayOf(record: ChannelRecord, leaving: boolean): number {
    const now = Date.now();
    const span = limit.windowMs + PRESENCE_WINDOW_MARGIN_MS;
    record.presenceCalls = record.presenceCalls.filter((at) => now - at < span);
    const calls = record.presenceCalls;
    // Keep one call of each window for a leave, so leaving is never stuck behind updates.
    const budget = leaving || limit.maxCalls === 1 ? limit.maxCalls : limit.maxCalls - 1;
    let wait = 0;
    const last = calls[calls.length - 1];
    if (last !== undefined) wait = Math.max(wait, last + limit.minIntervalMs - now);
    if (calls.length >= budget) wait = Math.max(wait, calls[calls.length - budget]! + span - now);
    return Math.max(0, wait);
  }

  function flush(record: ChannelRecord) {
    // A change may shorten the wait (a leave may use the call kept for it): decide again from the latest intent.
    clearTimer(record, 'presenceTimer');
    if (!canPush(context, record)) return;
    const { desired, tracked } = record;
    if (desired === null ? tracked === null : tracked !== null && sameIntent(desired, tracked)) return;
    const wait = delayOf(record, desired === null);
    if (wait > 0) {
      record.presenceTimer = setTimeout(() => {
        record.presenceTimer = null;
        flush(record);
      }, wait);
      unrefTimer(record.presenceTimer);
      return;
    }
    record.presenceCalls.push(Date.now());
    record.tracked = desired;
    const sdk = record.sdk;
    const request =
      desired === null
        ? sdk.untrack()
        : sdk.track({ rk: 1, data: desired.data, status: desired.status, at: Date.now() });
    request.then(
      (result) => {
        if (result === 'error' && record.sdk === sdk && record.wanted) {
          emit({
            type: 'error',
            channel: record.name,
            error: {
              code: 'forbidden',
              message: `Supabase refused the presence ${desired === null ? 'leave' : 'update'} on "${record.name}".`,
            },
          });
        }
      },
      () => {},
    );
  }

  function handleFrame(frame: Extract<ClientFrame, { type: 'presence' }>) {
    const name = frame.channel;
    const problem =
      context.userId === undefined
        ? 'supabaseTransport needs the userId option for presence (Supabase keys presence by it).'
        : !context.presenceFor(name)
          ? `Presence is not enabled for "${name}" (the presence option of supabaseTransport).`
          : null;
    if (problem !== null) {
      emit({ type: 'error', channel: name, error: { code: 'bad_frame', message: problem } });
      return;
    }
    const record = channels.recordFor(name);
    if (frame.action === 'leave') {
      record.desired = null;
    } else {
      const previous = record.desired;
      record.desired = {
        data: frame.data !== undefined ? frame.data : frame.action === 'update' && previous ? previous.data : null,
        status: frame.status ?? (frame.action === 'update' && previous ? previous.status : 'active'),
      };
    }
    flush(record);
  }

  return { handleFrame, onState, onDiff, flush };
}

function sameIntent(a: PresenceIntent, b: PresenceIntent): boolean {
  return a.status === b.status && safeJson(a.data) === safeJson(b.data);
}
