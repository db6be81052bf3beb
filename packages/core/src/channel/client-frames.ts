import { RealtimeError } from '../errors.js';
import { frameErrorToRealtimeError } from '../protocol/frame-error.js';
import type { ServerFrame } from '../protocol/frames.js';
import type { ChannelRecord } from './channel-record.js';
import type { SessionFrame } from './client-connection.js';
import type { ClientContext } from './client-context.js';
import { dispatchByEvent, type CursorFrame } from './client-delivery.js';
import type { ClientPublisher } from './client-publisher.js';
import type { ChannelSubscriptions } from './client-subscriptions.js';

/** The frames about one subscribed channel, dropped when the channel is not subscribed on this session. */
type ChannelFrame = Extract<
  SessionFrame,
  { type: 'subscribed' | 'gap' | 'reset' | 'presence' | 'occupancy' | 'signal' }
>;

/**
 * Routes the session's frames: messages, resume points, gaps and resets to the channel's delivery; presence,
 * occupancy and signals to their watchers; acks and nacks (and our own messages, echoed) to the publisher; errors
 * to `onError`. A frame for a channel not subscribed on this session (a late one of an ended subscription) is
 * dropped.
 */
export function createFrameRouter(
  { channels, refresh, emitError }: ClientContext,
  publisher: ClientPublisher,
  { retrySubscribe }: ChannelSubscriptions,
  deliver: (record: ChannelRecord, frame: CursorFrame) => void,
): (frame: SessionFrame) => void {
  /** The publish `cid` was stored as `stored` says, in the log of `epoch` when that is known. */
  function settle(
    cid: string,
    stored: { readonly channel: string; readonly id: string; readonly seq: number },
    epoch: string | undefined,
  ) {
    publisher.settle(cid, stored.channel, {
      cid,
      id: stored.id,
      seq: stored.seq,
      ...(epoch === undefined ? {} : { epoch }),
    });
  }

  function onError(frame: Extract<ServerFrame, { type: 'error' }>) {
    const record = frame.channel === undefined ? undefined : channels.get(frame.channel);
    if (record && frame.error.code === 'unauthorized') {
      record.confirmed = false;
      record.awaiting = false;
      refresh(record);
    }
    const error = frameErrorToRealtimeError(frame.error, frame.channel);
    // Retried by itself: listeners may hear of it, nobody else needs to.
    emitError(record, error, record !== undefined && retrySubscribe(record, error));
  }

  function onChannelFrame(record: ChannelRecord, frame: ChannelFrame) {
    switch (frame.type) {
      case 'subscribed':
      case 'gap':
      case 'reset':
        return deliver(record, frame);
      case 'presence':
        return record.presence.apply(frame);
      case 'occupancy':
        return record.occupancy.set(Object.freeze({ connections: frame.connections, members: frame.members }));
      case 'signal':
        if (record.signalHandlers.size === 0) return;
        return dispatchByEvent(
          record.signalHandlers,
          Object.freeze({ channel: frame.channel, event: frame.event, data: frame.data, from: frame.from }),
        );
    }
  }

  return function route(frame) {
    switch (frame.type) {
      case 'message': {
        const record = channels.get(frame.channel);
        // Our own publish, echoed: stored, whichever of the echo and the ack comes first.
        if (frame.cid !== undefined) settle(frame.cid, frame, record?.epoch || undefined);
        if (record?.serverSubscribed) deliver(record, frame);
        return;
      }
      case 'ack':
        return settle(frame.cid, frame, typeof frame.epoch === 'string' ? frame.epoch : undefined);
      case 'nack':
        return publisher.refuse(frame.cid, frame.channel, frame.error);
      case 'error':
        return onError(frame);
      case 'subscribed':
      case 'gap':
      case 'reset':
      case 'presence':
      case 'occupancy':
      case 'signal': {
        const record = channels.get(frame.channel);
        if (record?.serverSubscribed) onChannelFrame(record, frame);
        return;
      }
      default: {
        const unknown: never = frame;
        const type = String((unknown as { type?: unknown }).type);
        emitError(
          undefined,
          new RealtimeError(
            'bad_frame',
            `Unknown frame type "${type}" from the server${process.env.NODE_ENV !== 'production' ? ': is the client older than the server?' : ''}`,
          ),
        );
      }
    }
  };
}
