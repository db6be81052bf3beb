import { sizeOf, toJSONSafe } from './lib/payload.js';
import type { InspectorEntry } from './inspector-entry.js';
import type { InspectableSSE, InspectableWebSocket } from './registry.js';
import type { ChaosAction } from './types.js';

/**
 * Taps a raw SSE or WebSocket connection (`useSSE`, `useWebSocket`): its status and the messages it receives. Its
 * only chaos is `disconnect` (a reconnect): it has no channel client to hold, drop or delay frames in.
 */
export function tapRawConnection(
  target: InspectableSSE | InspectableWebSocket,
  id: string,
  log: InspectorEntry['log'],
  statusChanged: () => void,
): Pick<InspectorEntry, 'chaos' | 'detach'> {
  const { connection } = target;
  const offState = connection.subscribe(statusChanged);
  const offEvents =
    target.kind === 'sse'
      ? target.connection.on('*', (message) =>
          log.record({
            direction: 'in',
            type: 'message',
            event: message.event,
            size: sizeOf(message.data),
            payload: message.data,
          }),
        )
      : target.connection.on('message', (data) =>
          log.record({ direction: 'in', type: 'message', size: sizeOf(data), payload: readRaw(data) }),
        );
  const unsupported = (action: ChaosAction) => () => {
    throw new TypeError(
      `Inspector: ${id} is a raw ${target.kind} connection; it supports disconnect() only, not ${action}().`,
    );
  };
  return {
    chaos: {
      disconnect: () => connection.reconnect(),
      offline: unsupported('offline'),
      online: unsupported('online'),
      delay: unsupported('delay'),
      drop: unsupported('drop'),
      heal: unsupported('heal'),
    },
    detach() {
      offState();
      offEvents();
    },
  };
}

/** A WebSocket message as the log shows it: JSON text parsed, binary as its size. */
function readRaw(data: unknown): unknown {
  if (typeof data !== 'string') return toJSONSafe(data);
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
