import type { RealtimeErrorCode } from '../../errors.js';
import type { ClientFrame } from '../../protocol/frames.js';
import { encodeEnvelope } from '../shared/envelope.js';
import type { SupabaseChannels } from './supabase-channels.js';
import {
  canPush,
  clearTimer,
  type ChannelRecord,
  type PendingPublish,
  type SupabaseContext,
} from './supabase-context.js';
import { SUPABASE_SIGNAL_EVENT } from './supabase-types.js';

/**
 * Publishing as Broadcast with `ack: true`: a publish resolves when Supabase acknowledges it and fails with `timeout`
 * (no answer), or `message_too_large` (refused). Channels join with `self: false` and the publisher gets its own
 * message once, at the acknowledgement: Supabase would otherwise bill and deliver a second copy whose arrival is
 * not ordered with the acknowledgement.
 */
export interface SupabasePublisher {
  publish(frame: Extract<ClientFrame, { type: 'publish' }>): void;
  /** Signals are Broadcasts named {@link SUPABASE_SIGNAL_EVENT}; false (not sent) while the channel cannot carry one. */
  signal(frame: Extract<ClientFrame, { type: 'signal' }>): boolean;
  /** The channel joined: sends what waited for it, in order. */
  flush(record: ChannelRecord): void;
  /** Refuses what waits for the join: it will not come (refused, or the channel closed). */
  failOutgoing(record: ChannelRecord, code: RealtimeErrorCode, message: string): void;
  nack(record: ChannelRecord, cid: string, code: RealtimeErrorCode, message: string): void;
}

export function createSupabasePublisher(context: SupabaseContext, channels: SupabaseChannels): SupabasePublisher {
  const { emit } = context;

  function send(record: ChannelRecord, publish: PendingPublish) {
    if (!canPush(context, record)) {
      record.outgoing.push(publish);
      return;
    }
    const attempt = {};
    record.inflight.set(publish.cid, attempt);
    const generation = record.generation;
    const timeout = context.options.publishTimeoutMs;
    record.sdk
      .send(
        { type: 'broadcast', event: publish.event, payload: publish.envelope },
        timeout === undefined ? {} : { timeout },
      )
      .then(
        (result) => {
          if (record.inflight.get(publish.cid) !== attempt || record.generation !== generation) return;
          record.inflight.delete(publish.cid);
          if (result === 'ok') acknowledge(record, publish);
          else if (result === 'timed out')
            nack(
              record,
              publish.cid,
              'timeout',
              `Supabase did not acknowledge the publish of "${publish.event}" on "${record.name}" in time.`,
            );
          else {
            nack(
              record,
              publish.cid,
              'message_too_large',
              `Supabase refused the publish of "${publish.event}" on "${record.name}" (a broadcast is refused when it exceeds the project's payload size limit).`,
            );
          }
          channels.maybeRelease(record);
        },
        (cause: unknown) => {
          if (record.inflight.get(publish.cid) !== attempt) return;
          record.inflight.delete(publish.cid);
          nack(
            record,
            publish.cid,
            'invalid_payload',
            `The publish of "${publish.event}" on "${record.name}" could not be sent: ${String(cause)}`,
          );
          channels.maybeRelease(record);
        },
      );
  }

  function acknowledge(record: ChannelRecord, publish: PendingPublish) {
    const { envelope } = publish;
    // Supabase does not echo to the sender (self: false): the publisher gets its message here, once.
    if (record.wanted && context.flags.session && record.seen.remember(envelope.id)) {
      record.seq += 1;
      emit({
        type: 'message',
        channel: record.name,
        id: envelope.id,
        seq: record.seq,
        event: publish.event,
        data: envelope.data,
        cid: envelope.cid,
        at: envelope.at,
      });
    }
    emit({ type: 'ack', cid: publish.cid, channel: record.name, id: envelope.id, seq: record.seq });
  }

  function nack(record: ChannelRecord, cid: string, code: RealtimeErrorCode, message: string) {
    emit({ type: 'nack', cid, channel: record.name, error: { code, message } });
  }

  return {
    publish(frame) {
      const record = channels.recordFor(frame.channel);
      clearTimer(record, 'lingerTimer');
      // A re-send of a publish still waiting (the client re-sends its outbox on every open) replaces it.
      record.outgoing = record.outgoing.filter((pending) => pending.cid !== frame.cid);
      send(record, { cid: frame.cid, event: frame.event, envelope: encodeEnvelope(frame.cid, frame.data) });
    },
    signal(frame) {
      const record = context.records.get(frame.channel);
      if (!record || !canPush(context, record)) return false;
      const payload = { event: frame.event, data: frame.data, from: context.userId ?? context.anonymousId };
      record.sdk.send({ type: 'broadcast', event: SUPABASE_SIGNAL_EVENT, payload }).then(
        () => {},
        () => {},
      );
      return true;
    },
    flush(record) {
      const outgoing = record.outgoing;
      record.outgoing = [];
      for (const publish of outgoing) send(record, publish);
    },
    failOutgoing(record, code, message) {
      const outgoing = record.outgoing;
      record.outgoing = [];
      for (const publish of outgoing) nack(record, publish.cid, code, message);
    },
    nack,
  };
}
