import { RealtimeError, type RealtimeErrorCode } from '../../errors.js';
import type { ClientFrame } from '../../protocol/frames.js';
import { encodeEnvelope } from '../shared/envelope.js';
import {
  PUSHER_CLIENT_EVENT_PREFIX,
  PUSHER_MAX_MESSAGE_BYTES,
  PUSHER_PRESENCE_EVENT,
  PUSHER_SIGNAL_EVENT,
} from './pusher-constants.js';
import { entryFor, type ChannelEntry, type Outgoing, type PusherContext } from './pusher-context.js';

/**
 * Publishing and signals over Pusher client events (`client-<event>`), which Pusher allows only on `private-` and
 * `presence-` channels. Pusher confirms nothing and does not echo a client event to its sender: once pusher-js
 * sent it, the publisher gets its own message and the ack from here, as our own server would send them.
 */
export interface PusherPublisher {
  publish(frame: Extract<ClientFrame, { type: 'publish' }>): void;
  signal(frame: Extract<ClientFrame, { type: 'signal' }>): void;
  /** Sends what waited for the channel's subscription, in order. */
  flush(entry: ChannelEntry): void;
}

/** `hold` subscribes the channel on Pusher so that what waits on it can go out. */
export function createPusherPublisher(context: PusherContext, hold: (entry: ChannelEntry) => void): PusherPublisher {
  function send(entry: ChannelEntry, item: Outgoing) {
    const channel = entry.channel;
    if (channel === null) return;
    if (item.type === 'signal') {
      const { event, data } = item.frame;
      channel.trigger(PUSHER_SIGNAL_EVENT, {
        event,
        data,
        from: context.userId() ?? context.pusher.connection.socket_id,
      });
      return;
    }
    const { cid, event, data } = item.frame;
    const envelope = encodeEnvelope(cid, data);
    // Not sent (the connection just dropped): the client re-sends it from its outbox on the next session.
    if (!channel.trigger(PUSHER_CLIENT_EVENT_PREFIX + event, envelope)) return;
    const seq = ++entry.seq;
    if (entry.wanted)
      context.emit({ type: 'message', channel: entry.name, id: cid, seq, event, data, cid, at: envelope.at });
    context.emit({ type: 'ack', cid, channel: entry.name, id: cid, seq });
  }

  function queue(entry: ChannelEntry, item: Outgoing) {
    if (entry.ready) return send(entry, item);
    entry.outgoing.push(item);
    hold(entry);
  }

  function publish(frame: Extract<ClientFrame, { type: 'publish' }>) {
    const refusal = refusalOf(frame, entryFor(context, frame.channel));
    if (refusal !== null) {
      context.emit({ type: 'nack', cid: frame.cid, channel: frame.channel, error: refusal });
      return;
    }
    queue(entryFor(context, frame.channel), { type: 'publish', frame });
  }

  function signal(frame: Extract<ClientFrame, { type: 'signal' }>) {
    const entry = entryFor(context, frame.channel);
    if (entry.kind === 'public') {
      context.emit({
        type: 'error',
        channel: frame.channel,
        error: {
          code: 'forbidden',
          message: `Pusher allows client events (signals) only on private- and presence- channels: "${frame.channel}" is public.`,
        },
      });
      return;
    }
    queue(entry, { type: 'signal', frame });
  }

  return {
    publish,
    signal,
    flush(entry) {
      for (const item of entry.outgoing.splice(0)) send(entry, item);
    },
  };
}

/** Why Pusher would refuse this publish (checked here: Pusher drops it silently, or with a connection error). */
function refusalOf(
  frame: Extract<ClientFrame, { type: 'publish' }>,
  entry: ChannelEntry,
): { code: RealtimeErrorCode; message: string } | null {
  if (entry.kind === 'public') {
    return {
      code: 'forbidden',
      message: `Pusher allows client events only on private- and presence- channels: "${frame.channel}" is public. Publish from your server (pusherPublisher from @realtime-kit/server/pusher), or use a private- channel.`,
    };
  }
  const eventName = PUSHER_CLIENT_EVENT_PREFIX + frame.event;
  if (eventName === PUSHER_PRESENCE_EVENT || eventName === PUSHER_SIGNAL_EVENT) {
    return {
      code: 'invalid_payload',
      message: `The event name "${frame.event}" is reserved by realtime-kit on Pusher; use another name.`,
    };
  }
  if (eventName.length > 200)
    return {
      code: 'invalid_payload',
      message: `Pusher event names are at most 200 characters ("client-" included); "${frame.event}" is too long.`,
    };
  let size: number;
  try {
    size = new TextEncoder().encode(
      JSON.stringify({ event: eventName, channel: frame.channel, data: encodeEnvelope(frame.cid, frame.data, 0) }),
    ).length;
  } catch (cause) {
    throw new RealtimeError(
      'invalid_payload',
      `The publish of "${frame.event}" on "${frame.channel}" is not JSON-serialisable.`,
      { cause },
    );
  }
  if (size > PUSHER_MAX_MESSAGE_BYTES) {
    return {
      code: 'message_too_large',
      message: `Pusher refuses messages over ${PUSHER_MAX_MESSAGE_BYTES} bytes; this publish is ${size} bytes. Send a reference (an id) and fetch the payload instead.`,
    };
  }
  return null;
}
