import type { ConnectionState } from '../../connection/status.js';
import { RealtimeError } from '../../errors.js';
import { createSessionState, type SessionState } from '../shared/session-state.js';
import type { PusherContext } from './pusher-context.js';

/** The connection half of the Pusher adapter: pusher-js states mapped onto ours, and the session's `welcome`. */
export interface PusherConnection {
  readonly state: SessionState;
  /** A session is open (frames may be sent). */
  isOpen(): boolean;
  /** Tells the client who it is on the current socket. */
  welcome(): void;
  /** Pusher refused the connection itself: the `disconnected` that follows closes with `error`. */
  refused(error: RealtimeError): void;
  connect(): void;
  close(): void;
  reconnect(): void;
}

export interface PusherConnectionHooks {
  /** The session ended (not open any more): channels are no longer subscribed on Pusher. */
  sessionEnded(): void;
  /** Tells the other tabs of this user that this one is gone; true when a message went out. */
  sayGone(): boolean;
}

/**
 * Maps pusher-js connection states: `initialized` → `idle`, `connecting` → `connecting` (`reconnecting` after a
 * lost connection), `connected` → `open` (with a `welcome` whose `connectionId` is the socket id), `unavailable` →
 * `reconnecting`, `failed` → `closed` with `unavailable`, `disconnected` → `closed`. pusher-js does the reconnecting.
 */
export function createPusherConnection(context: PusherContext, hooks: PusherConnectionHooks): PusherConnection {
  const { pusher } = context;
  let open = initialStatus(pusher.connection.state) === 'open';
  const state = createSessionState({
    initial: { status: initialStatus(pusher.connection.state) },
    willChange(next) {
      const isOpen = next.status === 'open';
      if (open && !isOpen) hooks.sessionEnded();
      open = isOpen;
    },
  });
  let closing = false;
  let reconnecting = false;
  /** A lost connection (rather than the first attempt): the next `connecting` is `reconnecting`. */
  let wasOpen = open;
  let lastError: RealtimeError | null = null;
  /** The socket id the last `welcome` was for. */
  let welcomed: string | null = null;

  function welcome() {
    const socketId = pusher.connection.socket_id;
    welcomed = socketId;
    const userId = context.userId();
    context.emit({
      type: 'welcome',
      v: 1,
      connectionId: socketId,
      heartbeatMs: 0,
      ...(userId === null ? {} : { userId }),
    });
  }

  function onStateChange({ current }: { previous: string; current: string }) {
    const attempt = state.getSnapshot().attempt;
    switch (current) {
      case 'initialized':
        return state.set({ status: 'idle' });
      case 'connecting':
        if (wasOpen && !reconnecting)
          return state.set({ status: 'reconnecting', error: lastError, attempt: attempt + 1 });
        return state.set({ status: 'connecting', attempt });
      case 'connected':
        wasOpen = true;
        lastError = null;
        state.set({ status: 'open' });
        welcome();
        return;
      case 'unavailable':
        lastError = new RealtimeError(
          'network',
          'Pusher is unavailable (no connection within unavailableTimeout); pusher-js keeps retrying.',
          { retryable: true },
        );
        return state.set({ status: 'reconnecting', error: lastError, attempt: attempt + 1 });
      case 'failed':
        return state.set({
          status: 'closed',
          error: new RealtimeError(
            'unavailable',
            'pusher-js cannot connect in this environment (state "failed": none of its transports is supported). Check enabledTransports.',
          ),
        });
      case 'disconnected':
        if (reconnecting) return;
        if (closing) return state.set({ status: 'closed' });
        return state.set({
          status: 'closed',
          error:
            lastError ??
            new RealtimeError(
              'closed',
              'The Pusher connection was closed (pusher.disconnect() or a refusal by Pusher). Call reconnect() to connect again.',
            ),
        });
      default:
        return;
    }
  }

  // pusher-js keeps the `connected` state for a second after a lost connection and announces its retry with
  // `connecting_in`: that is when the session ends.
  function onConnectingIn(seconds: number) {
    if (closing) return;
    const retryInMs = Math.max(0, seconds) * 1000;
    lastError ??= new RealtimeError('network', 'The Pusher connection was lost; pusher-js reconnects.', {
      retryable: true,
    });
    const current = state.getSnapshot();
    const attempt = current.status === 'open' ? 0 : current.attempt;
    state.set({ status: 'reconnecting', error: lastError, attempt, retryInMs, retryAt: Date.now() + retryInMs });
  }

  pusher.connection.bind('state_change', onStateChange);
  pusher.connection.bind('connecting_in', onConnectingIn);

  return {
    state,
    isOpen: () => open,
    welcome,
    refused(error) {
      lastError = error;
    },
    connect() {
      closing = false;
      const current = pusher.connection.state;
      if (current === 'connected') {
        // Connected before this transport was made (pusher-js connects on construction): welcome now.
        if (!open) state.set({ status: 'open' });
        if (welcomed !== pusher.connection.socket_id) welcome();
        return;
      }
      if (current === 'connecting' || current === 'unavailable') return;
      pusher.connect();
    },
    close() {
      closing = true;
      const told = hooks.sayGone();
      state.set({ status: 'closed' });
      // pusher-js sends on a later tick (a deferred socket.send): disconnect after it, or the message is lost.
      if (told) {
        setTimeout(() => {
          if (closing) pusher.disconnect();
        }, 0);
      } else {
        pusher.disconnect();
      }
    },
    reconnect() {
      closing = false;
      // pusher-js reports `disconnected` then `connecting` synchronously: neither is a lost connection.
      reconnecting = true;
      pusher.disconnect();
      state.set({ status: 'connecting', attempt: 0 });
      pusher.connect();
      reconnecting = false;
    },
  };
}

function initialStatus(pusherState: string): ConnectionState['status'] {
  switch (pusherState) {
    case 'connected':
      return 'open';
    case 'connecting':
      return 'connecting';
    case 'unavailable':
      return 'reconnecting';
    case 'failed':
    case 'disconnected':
      return 'closed';
    default:
      return 'idle';
  }
}
