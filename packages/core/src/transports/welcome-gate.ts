import type { ConnectionState } from '../connection/status.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import type { Store } from '../store.js';

/**
 * A transport's public state, given that a session begins with the server's `welcome` and not when the socket or
 * stream opens: until `isWelcomed()`, an `open` connection is reported as `connecting`. (A server refusing a token
 * accepts the connection and then closes it; the client must not re-subscribe or flush its outbox meanwhile.)
 * Call `notify()` when the welcome arrives, so subscribers see the change to `open`.
 */
export function gateOnWelcome(connection: Store<ConnectionState>, isWelcomed: () => boolean) {
  const listeners = new Set<() => void>();
  let derived: { from: ConnectionState; state: ConnectionState } | null = null;
  return {
    getSnapshot(): ConnectionState {
      const state = connection.getSnapshot();
      if (state.status !== 'open' || isWelcomed()) return state;
      if (derived?.from !== state) derived = { from: state, state: Object.freeze({ ...state, status: 'connecting' }) };
      return derived.state;
    },
    subscribe(listener: () => void): () => void {
      const entry = () => listener();
      listeners.add(entry);
      const off = connection.subscribe(entry);
      return () => {
        off();
        listeners.delete(entry);
      };
    },
    notify(): void {
      emitToListeners(listeners, undefined);
    },
  };
}
