import type { FrameError } from '@realtime-kit/core';
import type { SocketJoinResult } from '../socket-events.js';
import { answerOnce, badInput, type SocketSession } from '../socket-session.js';

/** `join`: receive a channel's messages as `message` events (after the hub's `authorize`); also joins its room for `typing`. */
export function onJoin(session: SocketSession): void {
  session.socket.on('join', (channel, ack) => {
    const answer = answerOnce<SocketJoinResult>(ack);
    if (typeof channel !== 'string' || channel === '')
      return answer({ ok: false, error: badInput('join needs a non-empty channel name.') });
    joinNative(session, channel, undefined, answer);
  });
}

/** Subscribes `channel` natively: a `join`, or resuming a recovered socket after `after`. */
export function joinNative(
  session: SocketSession,
  channel: string,
  after: number | undefined,
  answer: (result: SocketJoinResult) => void,
): void {
  const { socket, channels } = session;
  const previous = channels[channel];
  channels[channel] = after ?? previous ?? 0;
  let failed: FrameError | null = null;
  let succeeded: number | null = null;
  session.enqueue(after === undefined ? { type: 'subscribe', channel } : { type: 'subscribe', channel, after }, {
    channel,
    succeed(frame) {
      if (frame.type === 'subscribed') succeeded = frame.seq;
    },
    fail(error) {
      failed ??= error;
    },
    done() {
      if (succeeded !== null && failed === null) {
        channels[channel] = Math.max(channels[channel] ?? 0, succeeded);
        void socket.join(channel);
        return answer({ ok: true, seq: succeeded });
      }
      if (previous === undefined) delete channels[channel];
      else channels[channel] = previous;
      if (previous === undefined) void socket.leave(channel);
      const error = failed ?? { code: 'unavailable', message: `Could not join "${channel}". Retry shortly.` };
      if (error.code === 'unauthorized' || error.code === 'forbidden') {
        session.context.admission.report({
          type: 'auth_failure',
          transport: 'socket.io',
          code: 'forbidden',
          reason: error.message,
          channel,
          userId: session.userId,
        });
      }
      answer({ ok: false, error });
    },
  });
}
