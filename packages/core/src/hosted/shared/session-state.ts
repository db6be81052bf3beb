import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../../connection/status.js';
import { createStore, type Store } from '../../store.js';

/**
 * A hosted adapter's connection state: the `Store<ConnectionState>` half of its {@link Transport}. Each SDK reports
 * its own states; the adapter maps them onto ours with `set`.
 */
export interface SessionState extends Store<ConnectionState> {
  /**
   * Replaces the state with `INITIAL_CONNECTION_STATE` overlaid by `patch` (fields left out go back to their
   * initial values). Listeners are notified only when the status, error, attempt or retry delay changed: SDKs repeat
   * themselves (a second `connecting`, an `update` while connected) and a UI must not flicker for that.
   */
  set(patch: Partial<ConnectionState>): void;
}

export interface SessionStateOptions {
  /** The state before the first `set` (e.g. `open` for an SDK client that was connected before the adapter). */
  initial?: Partial<ConnectionState>;
  /**
   * Runs when the state is about to change, before listeners hear of it: an adapter ends its session here so that
   * a listener reacting to `reconnecting` already sees the channels as unsubscribed.
   */
  willChange?(next: ConnectionState, previous: ConnectionState): void;
}

/** Creates a {@link SessionState} on `createStore`. */
export function createSessionState(options: SessionStateOptions = {}): SessionState {
  const store = createStore<ConnectionState>(Object.freeze({ ...INITIAL_CONNECTION_STATE, ...options.initial }));
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    set(patch) {
      const previous = store.getSnapshot();
      const next: ConnectionState = Object.freeze({ ...INITIAL_CONNECTION_STATE, ...patch });
      if (
        next.status === previous.status &&
        next.error === previous.error &&
        next.attempt === previous.attempt &&
        next.retryInMs === previous.retryInMs
      ) {
        return;
      }
      options.willChange?.(next, previous);
      store.set(next);
    },
  };
}
