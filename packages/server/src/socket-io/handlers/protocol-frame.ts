import type { ClientFrame } from '@realtime-kit/core';
import { SOCKET_IO_FRAME_EVENT } from '@realtime-kit/core/socket-io';
import type { SocketSession } from '../socket-session.js';

/** `rk`: one protocol frame from `socketIOTransport`, through the hub as over any other carrier. */
export function onProtocolFrame(session: SocketSession): void {
  const { socket } = session;
  socket.on(SOCKET_IO_FRAME_EVENT, (frame: ClientFrame) => {
    const channel =
      typeof (frame as { channel?: unknown } | null)?.channel === 'string'
        ? (frame as { channel: string }).channel
        : undefined;
    const oversized = session.refuseOversized(frame, channel);
    if (oversized)
      return session.emitFrame({ type: 'error', error: oversized, ...(channel === undefined ? {} : { channel }) });
    // A channel (re)subscribed or left over the protocol is the protocol's from now on.
    if (
      frame !== null &&
      typeof frame === 'object' &&
      (frame.type === 'subscribe' || frame.type === 'unsubscribe') &&
      typeof frame.channel === 'string'
    ) {
      if (session.joined(frame.channel)) {
        delete session.channels[frame.channel];
        void socket.leave(frame.channel);
      }
    }
    session.enqueue(frame);
  });
}
