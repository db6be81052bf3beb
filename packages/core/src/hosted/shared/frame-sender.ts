import { RealtimeError } from '../../errors.js';
import type { ClientFrame, ServerFrame } from '../../protocol/frames.js';

const HOSTED_CHANGE_REFUSED = {
  code: 'bad_frame',
  message:
    "Edits, deletions and reactions need a server that keeps message states (realtime-kit's own): this hosted transport cannot carry them.",
};

type FrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/**
 * What a hosted adapter does with each client frame. A handler returning `false` did not send its frame (the
 * channel cannot carry it right now): `send` returns false too, and the client keeps the frame.
 */
export interface ClientFrameHandlers {
  subscribe(frame: FrameOf<'subscribe'>): void;
  unsubscribe(frame: FrameOf<'unsubscribe'>): void;
  publish(frame: FrameOf<'publish'>): void;
  presence(frame: FrameOf<'presence'>): void;
  signal(frame: FrameOf<'signal'>): boolean | void;
  /** Default: a `pong` at once. Hosted services have their own heartbeats, so a ping only proves the adapter runs. */
  ping?(frame: FrameOf<'ping'>): void;
}

/**
 * The `send` of a hosted adapter's {@link Transport}: false while no session is open (the client keeps the frame and
 * sends it again on the next open), else the frame goes to its handler.
 */
export function createFrameSender(
  isOpen: () => boolean,
  handlers: ClientFrameHandlers,
  emit: (frame: ServerFrame) => void,
): (frame: ClientFrame) => boolean {
  const ping = handlers.ping ?? ((frame: FrameOf<'ping'>) => emit({ type: 'pong', t: frame.t }));
  return (frame) => {
    if (!isOpen()) return false;
    switch (frame.type) {
      case 'subscribe':
        handlers.subscribe(frame);
        return true;
      case 'unsubscribe':
        handlers.unsubscribe(frame);
        return true;
      case 'publish':
        if (frame.action !== undefined) {
          // The hosted services store no versions or reaction summaries: refused, never sent as a plain message.
          emit({ type: 'nack', cid: frame.cid, channel: frame.channel, error: HOSTED_CHANGE_REFUSED });
          return true;
        }
        handlers.publish(frame);
        return true;
      case 'presence':
        handlers.presence(frame);
        return true;
      case 'signal':
        return handlers.signal(frame) !== false;
      case 'ping':
        ping(frame);
        return true;
      default: {
        const unknown: never = frame;
        throw new RealtimeError(
          'bad_frame',
          `A hosted transport cannot send a "${String((unknown as { type?: unknown }).type)}" frame.`,
        );
      }
    }
  };
}
