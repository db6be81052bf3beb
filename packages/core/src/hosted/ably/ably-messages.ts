import type * as Ably from 'ably';
import { unrefTimer } from '../../lib/unref-timer.js';
import type { ClientFrame } from '../../protocol/frames.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../shared/envelope.js';
import type { AblyContext, ChannelEntry, MessageFrame } from './ably-context.js';
import { isConnectionError, toFrameError } from './ably-errors.js';
import { ABLY_SIGNAL_NAME } from './ably-types.js';

/**
 * Messages over Ably: named after the event, our envelope as `data` and our `cid` as Ably's message `id` (Ably's
 * idempotent publishing: a re-sent publish is stored once). Ids, timestamps and echoes are Ably's; the adapter
 * numbers what it delivers per channel and acks a publish once Ably accepted it and echoed it.
 */
export interface AblyMessages {
  /** Delivers an Ably message once (repeats by id are dropped), numbered, kept for replays. */
  deliver(entry: ChannelEntry, message: Ably.InboundMessage): void;
  publish(frame: Extract<ClientFrame, { type: 'publish' }>): void;
  /** Signals are ephemeral Ably messages ({@link ABLY_SIGNAL_NAME}): never stored, never sent back to this connection. */
  signal(frame: Extract<ClientFrame, { type: 'signal' }>): void;
  /** A signal from another connection. */
  receiveSignal(entry: ChannelEntry, message: Ably.InboundMessage): void;
}

export function createAblyMessages(context: AblyContext): AblyMessages {
  const { ably, settings, emit } = context;

  function deliver(entry: ChannelEntry, message: Ably.InboundMessage) {
    const id = message.id;
    if (typeof id !== 'string' || id === '' || !entry.seen.remember(id)) return;
    const timestamp = typeof message.timestamp === 'number' ? message.timestamp : Date.now();
    entry.lastSeen = { id, timestamp };
    const envelope = decodeEnvelope(message.data);
    const cid = envelope?.cid;
    entry.counter += 1;
    const base = {
      type: 'message' as const,
      channel: entry.name,
      id,
      seq: entry.counter,
      event: message.name ?? '',
      at: timestamp,
    };
    const frame: MessageFrame =
      envelope && cid !== undefined ? { ...base, data: envelope.data, cid } : { ...base, data: message.data };
    entry.log.push(frame);
    if (entry.log.length > settings.replayLimit) entry.log.splice(0, entry.log.length - settings.replayLimit);
    emit(frame);
    if (cid === undefined) return;
    entry.delivered.set(cid, frame);
    if (entry.delivered.size > settings.replayLimit)
      entry.delivered.delete(entry.delivered.keys().next().value as string);
    const timer = entry.awaitingEcho.get(cid);
    if (timer !== undefined) {
      clearTimeout(timer);
      entry.awaitingEcho.delete(cid);
      ack(entry, cid, frame);
    }
  }

  function ack(entry: ChannelEntry, cid: string, frame: MessageFrame | null) {
    emit({ type: 'ack', cid, channel: entry.name, id: frame?.id ?? cid, seq: frame?.seq ?? entry.counter });
  }

  function publish(frame: Extract<ClientFrame, { type: 'publish' }>) {
    const entry = context.entryFor(frame.channel);
    const { cid, event } = frame;
    if (event === ABLY_SIGNAL_NAME) {
      queueMicrotask(() =>
        emit({
          type: 'nack',
          cid,
          channel: entry.name,
          error: { code: 'invalid_payload', message: `The event name "${ABLY_SIGNAL_NAME}" is reserved for signals.` },
        }),
      );
      return;
    }
    const envelope = encodeEnvelope(cid, frame.data);
    const sentIn = context.session();
    entry.ably.publish({ id: cid, name: event, data: envelope }).then(
      () => published(entry, cid, event, envelope),
      (cause: unknown) => {
        // A publish lost with the connection is sent again by the client after reconnecting (same id: stored once).
        if (isConnectionError(cause) && (context.session() !== sentIn || !context.isOpen())) return;
        emit({
          type: 'nack',
          cid,
          channel: entry.name,
          error: toFrameError(cause, 'unavailable', `Ably refused the publish of "${event}"`),
        });
      },
    );
  }

  /** Ably accepted a publish: ack it with its echo's place, or deliver it here if the echo does not come. */
  function published(entry: ChannelEntry, cid: string, event: string, envelope: Envelope) {
    const delivered = entry.delivered.get(cid);
    if (delivered) return ack(entry, cid, delivered);
    if (!entry.active) return ack(entry, cid, null);
    const deliverLocally = () => {
      entry.awaitingEcho.delete(cid);
      const local = {
        id: cid,
        name: event,
        data: envelope,
        timestamp: Date.now(),
        connectionId: ably.connection.id,
      } as Ably.InboundMessage;
      deliver(entry, local);
      ack(entry, cid, entry.delivered.get(cid) ?? null);
    };
    if (!settings.echoes) return deliverLocally();
    if (entry.awaitingEcho.has(cid)) return;
    const wait = () => {
      const timer = setTimeout(() => {
        // While history fills a gap the echo may be queued behind it: wait for that first.
        if (entry.recovering) return wait();
        if (entry.awaitingEcho.has(cid)) deliverLocally();
      }, settings.echoTimeoutMs);
      unrefTimer(timer);
      entry.awaitingEcho.set(cid, timer);
    };
    wait();
  }

  function signal(frame: Extract<ClientFrame, { type: 'signal' }>) {
    const entry = context.entryFor(frame.channel);
    const message: Ably.Message = {
      name: ABLY_SIGNAL_NAME,
      data: { event: frame.event, data: frame.data },
      extras: { ephemeral: true },
    };
    entry.ably.publish(message).catch((cause: unknown) => {
      if (isConnectionError(cause)) return;
      emit({
        type: 'error',
        channel: entry.name,
        error: toFrameError(cause, 'unavailable', `Ably refused the signal "${frame.event}"`),
      });
    });
  }

  function receiveSignal(entry: ChannelEntry, message: Ably.InboundMessage) {
    const own = ably.connection.id;
    if (own !== undefined && message.connectionId === own) return;
    const payload = message.data as { event?: unknown; data?: unknown } | null | undefined;
    if (typeof payload !== 'object' || payload === null || typeof payload.event !== 'string') return;
    const from = message.clientId ?? message.connectionId ?? '';
    emit({ type: 'signal', channel: entry.name, event: payload.event, data: payload.data, from });
  }

  return { deliver, publish, signal, receiveSignal };
}
