import type { SocketAckResult } from '../socket-events.js';
import { answerOnce, badInput, type SocketSession } from '../socket-session.js';

/** `presence`: enter, update or leave a channel's presence; a refusal without an ack arrives as `realtime_error`. */
export function onPresence(session: SocketSession): void {
  const { socket } = session;
  socket.on('presence', (input, ack) => {
    const answer = answerOnce<SocketAckResult>(ack);
    if (input === null || typeof input !== 'object' || typeof input.channel !== 'string' || input.channel === '') {
      return answer({ ok: false, error: badInput('presence needs { channel, action, data? }.') });
    }
    const { channel, action } = input;
    if (action !== 'enter' && action !== 'update' && action !== 'leave') {
      return answer({ ok: false, error: badInput('presence action must be enter, update or leave.') });
    }
    const oversized = session.refuseOversized(input, channel);
    if (oversized) return answer({ ok: false, error: oversized });
    let failed = false;
    session.enqueue(
      { type: 'presence', channel, action, ...('data' in input ? { data: input.data } : {}) },
      {
        channel,
        fail(error) {
          failed = true;
          if (typeof ack === 'function') answer({ ok: false, error });
          else socket.emit('realtime_error', { ...error, channel });
        },
        done: () => {
          if (!failed) answer({ ok: true });
        },
      },
    );
  });
}
