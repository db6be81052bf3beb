import type { FrameError } from '@realtime-kit/core';
import { joinNative, onJoin } from './handlers/join.js';
import { onLeave } from './handlers/leave.js';
import { onPresence } from './handlers/presence.js';
import { onProtocolFrame } from './handlers/protocol-frame.js';
import { onPublish } from './handlers/publish.js';
import { onTyping } from './handlers/typing.js';
import type { RealtimeSocket } from './socket-events.js';
import { createSocketSession, type SocketServerContext } from './socket-session.js';

/**
 * One accepted socket: its hub session, a handler per client event, the natively joined channels a recovered socket
 * had, the token's expiry and `maxDurationMs`.
 */
export function openSocketConnection(context: SocketServerContext, socket: RealtimeSocket): void {
  const { admission, maxDurationMs } = context;
  const user = socket.data.user;
  const userId = user?.userId;
  // Natively joined channels (and the newest seq emitted on each); restored by connection state recovery.
  const previous = socket.recovered ? socket.data.channels : undefined;
  const restored = previous !== undefined && socket.data.owner === userId ? Object.entries(previous) : [];
  // Another user took over the recovered session: it inherits none of its channels.
  if (previous !== undefined && socket.data.owner !== userId)
    for (const channel of Object.keys(previous)) void socket.leave(channel);

  const session = createSocketSession(context, socket, user);
  admission.report({ type: 'connect', transport: 'socket.io', connectionId: session.connectionId, userId });
  for (const [channel, seq] of restored) {
    joinNative(session, channel, seq, (result) => {
      if (!result.ok) socket.emit('realtime_error', { ...result.error, channel });
    });
  }
  onProtocolFrame(session);
  onJoin(session);
  onLeave(session);
  onPublish(session);
  onPresence(session);
  onTyping(session);

  const stopExpiry = admission.expireWith(user, 'socket.io', () => {
    const error: FrameError = {
      code: 'token_expired',
      message: 'The token has expired: reconnecting with a fresh one.',
    };
    session.emitFrame({ type: 'error', error });
    socket.emit('realtime_error', error);
    // Closing the underlying connection (not socket.disconnect(), which tells the client not to come back): the
    // client reconnects, asking its auth callback for a fresh token. Queued packets are flushed first.
    socket.conn.close();
  });
  const lifetime = maxDurationMs === undefined ? undefined : setTimeout(() => socket.conn.close(), maxDurationMs);
  socket.on('disconnect', () => {
    stopExpiry();
    clearTimeout(lifetime);
    session.close();
    admission.report({ type: 'disconnect', transport: 'socket.io', connectionId: session.connectionId, userId });
  });
}
