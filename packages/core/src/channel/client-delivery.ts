import type { RealtimeError } from '../errors.js';
import { emitToListeners, reportListenerError } from '../lib/report-listener-error.js';
import { frameErrorToRealtimeError } from '../protocol/frame-error.js';
import type { ServerFrame } from '../protocol/frames.js';
import type { ChannelRecord } from './channel-record.js';
import type { ClientContext } from './client-context.js';
import type { ChannelSubscriptions } from './client-subscriptions.js';
import type { ChannelMessage } from './types.js';

/**
 * Held messages that may arrive while a resubscribe is already in flight before the client asks again: its
 * replay (or its `subscribed`) was itself lost. Small enough to recover quickly, large enough not to flood the
 * server with resubscribes while a replay is merely slow.
 */
const RESYNC_STALL_FRAMES = 16;

/** The frames that move a channel's resume point. */
export type CursorFrame = Extract<ServerFrame, { type: 'message' | 'subscribed' | 'gap' | 'reset' }>;

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;

/**
 * Delivery to a subscribed channel's handlers, exactly once and in `seq` order: every message goes through the
 * channel's resume cursor, a hole is recovered by resubscribing from the resume point (the server replays), what the
 * server cannot replay reaches `onGap` (`trimmed`, or `reset` when its log started over).
 */
export function createChannelDelivery(
  { refresh, emitError }: ClientContext,
  { resubscribe }: ChannelSubscriptions,
): (record: ChannelRecord, frame: CursorFrame) => void {
  /** Messages a transport wrapper could not read (`message.error`): counted in the resume point, never delivered. */
  const unreadable = new WeakMap<ChannelMessage, RealtimeError>();

  function deliver(record: ChannelRecord, messages: readonly ChannelMessage[]) {
    for (const message of messages) {
      // The same publish stored again after its log was lost (see CidWindow): delivered once already.
      if (message.cid !== undefined && record.cids.repeat(message.cid)) continue;
      const error = unreadable.get(message);
      if (error) {
        emitError(record, error);
        continue;
      }
      dispatchByEvent(record.handlers, message);
    }
  }

  function onSubscribed(record: ChannelRecord, seq: number, epoch: string | undefined) {
    record.confirmed = true;
    record.awaiting = false;
    record.rewinding = false;
    record.stall = 0;
    if (typeof epoch === 'string') record.epoch = epoch;
    const { deliver: ready, behind } = record.cursor.subscribed(seq);
    refresh(record);
    deliver(record, ready);
    // Replayed frames were lost (or are still behind a reordered `subscribed`): ask again.
    if (behind) resubscribe(record);
  }

  function onMessage(record: ChannelRecord, frame: MessageFrame) {
    const message = toChannelMessage(frame);
    if (frame.error) unreadable.set(message, frameErrorToRealtimeError(frame.error, frame.channel));
    const { verdict, deliver: ready } = record.cursor.message(message);
    switch (verdict) {
      case 'delivered':
        record.stall = 0;
        refresh(record);
        deliver(record, ready);
        if (record.cursor.held > 0 && !record.awaiting) resubscribe(record);
        return;
      case 'hole':
        record.stall += 1;
        if (!record.awaiting || record.stall >= RESYNC_STALL_FRAMES) resubscribe(record);
        return;
      case 'waiting':
        // A rewind's messages come before its `subscribed`: waiting for it is expected, not a stall.
        if (record.rewinding) return;
        record.stall += 1;
        if (record.stall >= RESYNC_STALL_FRAMES) resubscribe(record);
        return;
      case 'duplicate':
        return;
    }
  }

  function onGap(record: ChannelRecord, from: number, to: number) {
    const { gap, deliver: ready } = record.cursor.gap(record.name, from, to);
    if (gap === null) return;
    record.stall = 0;
    refresh(record);
    emitToListeners(record.gapListeners, gap);
    deliver(record, ready);
  }

  /** The server's log started over: what this client had after its resume point may be lost; the new log follows. */
  function onReset(record: ChannelRecord, epoch: string) {
    if (typeof epoch !== 'string') return;
    const lastSeq = record.cursor.lastSeq;
    // A client that followed a known log (an epoch, a resume point) may have lost what came after it.
    const lost = record.epoch !== undefined && record.epoch !== '' && lastSeq !== null;
    record.epoch = epoch;
    record.stall = 0;
    record.cursor.restart();
    refresh(record);
    if (lost)
      emitToListeners(
        record.gapListeners,
        Object.freeze({ channel: record.name, from: lastSeq + 1, to: Infinity, reason: 'reset' as const }),
      );
  }

  return (record, frame) => {
    switch (frame.type) {
      case 'message':
        return onMessage(record, frame);
      case 'subscribed':
        return onSubscribed(record, frame.seq, frame.epoch);
      case 'gap':
        return onGap(record, frame.from, frame.to);
      case 'reset':
        return onReset(record, frame.epoch);
    }
  };
}

/** Calls the handlers of `value.event` and of `*`, in subscription order; one that throws is reported, the rest run. */
export function dispatchByEvent<T extends { readonly event: string }>(
  entries: ReadonlySet<{ readonly event: string; readonly handler: (value: T) => void }>,
  value: T,
) {
  for (const entry of [...entries]) {
    if (entry.event !== '*' && entry.event !== value.event) continue;
    try {
      entry.handler(value);
    } catch (error) {
      reportListenerError(error);
    }
  }
}

/** The optional fields a message passes on when the server set them. */
const OPTIONAL_FIELDS = ['cid', 'action', 'target', 'version', 'deleted', 'reactions'] as const;

function toChannelMessage(frame: MessageFrame): ChannelMessage {
  const { channel, id, seq, event, data, at, from } = frame;
  const message: Record<string, unknown> = { channel, id, seq, event, data, at };
  for (const field of OPTIONAL_FIELDS) if (frame[field] !== undefined) message[field] = frame[field];
  if (typeof from === 'string') message.from = from;
  return Object.freeze(message) as unknown as ChannelMessage;
}
