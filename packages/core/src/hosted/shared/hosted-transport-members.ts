import type { Transport } from '../../channel/transport.js';
import type { ServerFrame } from '../../protocol/frames.js';
import { createFrameSender, type ClientFrameHandlers } from './frame-sender.js';
import type { SessionState } from './session-state.js';

/** What every hosted adapter's connection part offers: the state it maps from the SDK, and the SDK's controls. */
export interface HostedConnection {
  readonly state: SessionState;
  /** A session is open (frames may be sent). */
  isOpen(): boolean;
  connect(): void;
  close(): void;
  reconnect(): void;
}

/** The members of a {@link Transport} that are the same for every hosted adapter; it adds `kind` and its own. */
export type HostedTransportMembers = Omit<Transport, 'kind' | 'url'>;

/**
 * A hosted adapter's transport, but for its `kind`: the state and controls of its connection part, a `send` that
 * hands each client frame to its handler while a session is open, and `onFrame`.
 */
export function hostedTransportMembers(
  connection: HostedConnection,
  handlers: ClientFrameHandlers,
  emit: (frame: ServerFrame) => void,
  onFrame: Transport['onFrame'],
): HostedTransportMembers {
  return {
    subscribe: connection.state.subscribe,
    getSnapshot: connection.state.getSnapshot,
    connect: connection.connect,
    close: connection.close,
    reconnect: connection.reconnect,
    send: createFrameSender(connection.isOpen, handlers, emit),
    onFrame,
  };
}
