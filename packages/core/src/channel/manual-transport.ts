import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { createStore } from '../store.js';
import type { Transport } from './transport.js';

// Test support (not exported from the package): a transport whose server the test plays by hand.

/** A transport driven by hand: the test plays the server frame by frame. */
export function manualTransport() {
  const state = createStore<ConnectionState>(INITIAL_CONNECTION_STATE);
  const listeners = new Set<(frame: ServerFrame) => void>();
  const sent: ClientFrame[] = [];
  const transport: Transport = {
    kind: 'manual',
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    connect: () => {},
    close: () => state.set({ ...INITIAL_CONNECTION_STATE, status: 'closed' }),
    reconnect: () => {},
    send(frame) {
      if (state.getSnapshot().status !== 'open') return false;
      sent.push(frame);
      return true;
    },
    onFrame(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  const message = (seq: number, cid?: string): ServerFrame => ({
    type: 'message',
    channel: 'room',
    id: `m${seq}`,
    seq,
    event: 'm',
    data: seq,
    at: 0,
    ...(cid === undefined ? {} : { cid }),
  });
  return {
    transport,
    sent,
    take: () => sent.splice(0),
    open: () => state.set({ ...INITIAL_CONNECTION_STATE, status: 'open' }),
    drop: () => state.set({ ...INITIAL_CONNECTION_STATE, status: 'reconnecting', attempt: 1 }),
    emit: (...frames: ServerFrame[]) => frames.forEach((frame) => listeners.forEach((listener) => listener(frame))),
    message,
  };
}
