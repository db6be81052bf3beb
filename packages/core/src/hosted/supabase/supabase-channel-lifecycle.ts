import type { RealtimeErrorCode } from '../../errors.js';
import { unrefTimer } from '../../lib/unref-timer.js';
import type { SupabaseChannels } from './supabase-channels.js';
import {
  clearTimer,
  inUse,
  PRESENCE_STATE_WAIT_MS,
  REJOIN_DELAYS_MS,
  type ChannelRecord,
  type SupabaseContext,
} from './supabase-context.js';
import { classifyReason, serverReason } from './supabase-errors.js';
import type { SupabasePresence } from './supabase-presence.js';
import type { SupabasePublisher } from './supabase-publish.js';

/** What an SDK channel reports about its join: joined, refused, timed out, closed by the server, system errors. */
export interface SupabaseLifecycle {
  /** The status realtime-js passes to `channel.subscribe`'s callback. */
  onStatus(record: ChannelRecord, status: string, error: Error | undefined): void;
  /** A `system` event: an error the server sends before it closes the channel, or a postgres_changes problem. */
  onSystem(record: ChannelRecord, payload: unknown): void;
}

export interface SupabaseLifecycleParts {
  readonly channels: SupabaseChannels;
  readonly publisher: SupabasePublisher;
  readonly presence: SupabasePresence;
}

export function createSupabaseLifecycle(context: SupabaseContext, parts: SupabaseLifecycleParts): SupabaseLifecycle {
  const { realtime, emit } = context;
  const { channels, publisher, presence } = parts;

  function onJoined(record: ChannelRecord) {
    record.joined = true;
    record.rejoinAttempt = 0;
    record.systemError = null;
    // A new join is a new channel process on the server: it tracks nothing for us and counts presence afresh.
    record.tracked = null;
    record.presenceCalls = [];
    clearTimer(record, 'presenceTimer');
    if (!record.presenceSynced) {
      clearTimer(record, 'presenceWait');
      record.presenceWait = setTimeout(() => {
        record.presenceWait = null;
        if (record.joined && !record.presenceSynced) presence.onState(record, {});
      }, PRESENCE_STATE_WAIT_MS);
      unrefTimer(record.presenceWait);
    }
    channels.maybeConfirm(record);
    publisher.flush(record);
    presence.flush(record);
  }

  function onError(record: ChannelRecord, error: Error | undefined) {
    record.joined = false;
    record.confirmed = false;
    record.presenceSynced = !record.presence;
    const reason = serverReason(error);
    // A transport failure (socket closed, heartbeat timeout) is the connection's state, not this channel's.
    if (reason === null) return;
    const code = classifyReason(reason);
    const final = code === 'unauthorized' || code === 'token_expired' || code === 'forbidden';
    if (record.wanted) {
      emit({
        type: 'error',
        channel: record.name,
        error: {
          code,
          message: `Supabase refused to join "${record.name}": ${reason}${final ? '' : ' (the SDK retries)'}`,
        },
      });
    }
    if (!final) return;
    publisher.failOutgoing(record, code, `Supabase refused to join "${record.name}": ${reason}`);
    // Leaving stops the SDK's rejoin timer (the same credentials would be refused again); a later subscribe starts over.
    channels.release(record);
  }

  function onClosed(record: ChannelRecord) {
    // Closed by the server (`phx_close`): a rate limit, an expired token, a shutdown. The SDK forgot the channel.
    record.joined = false;
    record.confirmed = false;
    record.presenceSynced = !record.presence;
    record.tracked = null;
    const cause = record.systemError ?? {
      code: 'closed' as const,
      message: `Supabase closed the channel "${record.name}".`,
    };
    publisher.failOutgoing(record, cause.code, cause.message);
    nackUnansweredSoon(record, parts, cause);
    if (record.wanted)
      emit({
        type: 'error',
        channel: record.name,
        error: { code: cause.code, message: `${cause.message} Rejoining.` },
      });
    if (!inUse(record)) {
      channels.release(record);
      return;
    }
    scheduleRejoin(record);
  }

  function scheduleRejoin(record: ChannelRecord) {
    clearTimer(record, 'rejoinTimer');
    const delay = REJOIN_DELAYS_MS[Math.min(record.rejoinAttempt, REJOIN_DELAYS_MS.length - 1)]!;
    record.rejoinAttempt += 1;
    record.rejoinTimer = setTimeout(() => {
      record.rejoinTimer = null;
      // While disconnected the next open replaces the channel anyway.
      if (
        context.records.get(record.name) === record &&
        !context.flags.stopped &&
        inUse(record) &&
        realtime.isConnected()
      )
        channels.replaceSdkChannel(record);
    }, delay);
    unrefTimer(record.rejoinTimer);
  }

  return {
    onStatus(record, status, error) {
      switch (status) {
        case 'SUBSCRIBED':
          return onJoined(record);
        case 'CHANNEL_ERROR':
          return onError(record, error);
        case 'TIMED_OUT':
          record.joined = false;
          record.confirmed = false;
          if (record.wanted && realtime.isConnected()) {
            emit({
              type: 'error',
              channel: record.name,
              error: {
                code: 'timeout',
                message: `Supabase did not answer the join of "${record.name}" in time; the SDK retries.`,
              },
            });
          }
          return;
        case 'CLOSED':
          return onClosed(record);
        default:
          return;
      }
    },
    onSystem(record, payload) {
      if (typeof payload !== 'object' || payload === null) return;
      const { status, message, extension } = payload as { status?: unknown; message?: unknown; extension?: unknown };
      if (status !== 'error') return;
      const text = typeof message === 'string' ? message : 'Unknown error';
      if (extension === 'postgres_changes') {
        // Realtime could not (yet) subscribe to the database; it retries by itself.
        if (record.wanted) {
          emit({
            type: 'error',
            channel: record.name,
            error: { code: 'unavailable', message: `Supabase postgres_changes on "${record.name}": ${text}` },
          });
        }
        return;
      }
      // The server closes the channel next (phx_close): the close reports it.
      record.systemError = {
        code: classifyReason(text),
        message: `Supabase closed the channel "${record.name}": ${text}.`,
      };
    },
  };
}

/**
 * Publishes sent before a close are still answered (their replies may sit in the same network read as the close,
 * ahead of it, and settle a few microtasks later); the ones left unanswered after that never will be: nacked.
 */
function nackUnansweredSoon(
  record: ChannelRecord,
  { publisher, channels }: SupabaseLifecycleParts,
  cause: { code: RealtimeErrorCode; message: string },
) {
  const unanswered = new Map(record.inflight);
  setTimeout(() => {
    for (const [cid, attempt] of unanswered) {
      if (record.inflight.get(cid) !== attempt) continue;
      record.inflight.delete(cid);
      publisher.nack(record, cid, cause.code, cause.message);
    }
    channels.maybeRelease(record);
  }, 0);
}
