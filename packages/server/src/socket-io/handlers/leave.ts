import type { SocketAckResult } from '../socket-events.js';
import { answerOnce, badInput, type SocketSession } from '../socket-session.js';

/** `leave`: stop receiving a natively joined channel. */
export function onLeave(session: SocketSession): void {
  const { socket } = session;
  socket.on('leave', (channel, ack) => {
    const answer = answerOnce<SocketAckResult>(ack);
    if (typeof channel !== 'string' || channel === '')
      return answer({ ok: false, error: badInput('leave needs a non-empty channel name.') });
    if (session.joined(channel)) {
      delete session.channels[channel];
      void socket.leave(channel);
      session.enqueue({ type: 'unsubscribe', channel });
    }
    answer({ ok: true });
  });
}
