import { TYPING_EVENT, type FrameError } from '@realtime-kit/core';
import type { SocketSession } from '../socket-session.js';

/**
 * `typing`: admitted as the protocol's typing signal, so the hub's authorize and admit (rate limits, sealed payloads
 * on encrypted channels) judge it and a flood spends the flooder's own buckets; then relayed to the channel's room.
 * Only members relay typing (their join went through the hub's authorize).
 */
export function onTyping(session: SocketSession): void {
  const { socket, userId, connectionId } = session;
  let refusedUntil = 0;
  socket.on('typing', (input) => {
    if (input === null || typeof input !== 'object' || typeof input.channel !== 'string') return;
    const { channel } = input;
    if (!session.joined(channel) || !socket.rooms.has(channel)) return;
    const data = { typing: input.typing === true };
    session.context.nativeTyping.add(data);
    const outcome: { refused?: FrameError } = {};
    session.enqueue(
      { type: 'signal', channel, event: TYPING_EVENT, data },
      {
        channel,
        fail: (error) => void (outcome.refused ??= error),
        done() {
          const { refused } = outcome;
          if (refused === undefined) {
            if (socket.connected && socket.rooms.has(channel))
              socket.to(channel).emit('typing', { channel, userId: userId ?? connectionId, typing: data.typing });
            return;
          }
          // A flood is not answered with a flood: one rate_limited refusal per retry window.
          const now = Date.now();
          if (refused.code === 'rate_limited') {
            if (now < refusedUntil) return;
            const retryAfterMs = refused.retryAfterMs;
            refusedUntil =
              now + (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? retryAfterMs : 1000);
          }
          socket.emit('realtime_error', { ...refused, channel });
        },
      },
    );
  });
}
