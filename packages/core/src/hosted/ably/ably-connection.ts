import type * as Ably from 'ably';
import type { ConnectionState } from '../../connection/status.js';
import type { ServerFrame } from '../../protocol/frames.js';
import { createSessionState, type SessionState } from '../shared/session-state.js';
import { isIdentified } from './ably-context.js';
import { toRealtimeError } from './ably-errors.js';
import type { AblyRealtimeLike } from './ably-types.js';

/** The connection half of the Ably adapter: Ably's connection states mapped onto ours, sessions and their `welcome`. */
export interface AblyConnection {
  readonly state: SessionState;
  /** A session is open and Ably is connected. */
  isOpen(): boolean;
  /** Bumped every time a session opens. */
  session(): number;
  /** The current session's welcome: a frame listener added while open gets it first (an Ably client already connected). */
  welcome(): ServerFrame | null;
  connect(): void;
  close(): void;
  reconnect(): void;
}

/**
 * Maps Ably's connection states: `connecting` → `connecting` (or `reconnecting` after a session), `connected` →
 * `open` with a `welcome` (its `connectionId` is Ably's, `userId` the clientId), `disconnected` / `suspended` →
 * `reconnecting` (Ably retries), `closing` / `closed` → `closed`, `failed` → `closed` with the reason.
 */
export function createAblyConnection(ably: AblyRealtimeLike, emit: (frame: ServerFrame) => void): AblyConnection {
  const initial: ConnectionState['status'] =
    ably.connection.state === 'connected' ? 'open' : ably.connection.state === 'connecting' ? 'connecting' : 'idle';
  const state = createSessionState({ initial: { status: initial } });
  let welcome: ServerFrame | null = initial === 'open' ? welcomeFrame() : null;
  /** close() was called: Ably's closing/closed are ours, not a failure. */
  let closing = false;
  /** reconnect() closed the connection and connects again once it is closed. */
  let reopening = false;
  let session = initial === 'open' ? 1 : 0;

  function welcomeFrame(): ServerFrame {
    const userId = ably.auth.clientId;
    return {
      type: 'welcome',
      v: 1,
      connectionId: ably.connection.id ?? '',
      heartbeatMs: 0,
      ...(isIdentified(userId) ? { userId } : {}),
    };
  }

  function opened() {
    session += 1;
    welcome = welcomeFrame();
    emit(welcome);
    state.set({ status: 'open' });
  }

  function closed(change: Ably.ConnectionStateChange) {
    if (change.current === 'closed' && reopening) {
      closing = false;
      ably.connection.connect();
      return;
    }
    if (reopening) return;
    const current = state.getSnapshot();
    state.set({ status: 'closed', error: closing ? null : current.error, attempt: current.attempt });
  }

  function onConnectionChange(change: Ably.ConnectionStateChange) {
    const current = state.getSnapshot();
    switch (change.current) {
      case 'connecting':
        // A retry after `disconnected`/`suspended` stays `reconnecting`; a first attempt (or after close) is `connecting`.
        if (current.status === 'idle' || current.status === 'closed')
          state.set({ status: 'connecting', attempt: current.attempt });
        else if (current.status === 'open')
          state.set({ status: 'reconnecting', error: current.error, attempt: current.attempt });
        return;
      case 'connected':
        // An `update` while connected (e.g. a token renewed in place) is no new session.
        if (change.previous === 'connected' && current.status === 'open') return;
        reopening = false;
        return opened();
      case 'disconnected':
      case 'suspended': {
        const retryInMs = typeof change.retryIn === 'number' ? change.retryIn : null;
        const error = toRealtimeError(
          change.reason ?? null,
          'network',
          `The Ably connection is ${change.current}; Ably reconnects by itself.`,
          true,
        );
        state.set({
          status: 'reconnecting',
          error,
          attempt: current.attempt + 1,
          retryInMs,
          retryAt: retryInMs === null ? null : Date.now() + retryInMs,
        });
        return;
      }
      case 'closing':
      case 'closed':
        return closed(change);
      case 'failed': {
        reopening = false;
        const error = toRealtimeError(
          change.reason ?? null,
          'closed',
          'The Ably connection failed and will not retry. Fix the cause (e.g. the token your authUrl/authCallback returns), then call reconnect().',
          false,
        );
        state.set({ status: 'closed', error, attempt: current.attempt });
        return;
      }
      default:
        return;
    }
  }

  ably.connection.on(onConnectionChange);

  return {
    state,
    isOpen: () => state.getSnapshot().status === 'open' && ably.connection.state === 'connected',
    session: () => session,
    welcome: () => welcome,
    connect() {
      closing = false;
      const current = ably.connection.state;
      if (current === 'connected' || current === 'connecting' || current === 'disconnected' || current === 'suspended')
        return;
      if (current === 'closing') {
        reopening = true;
        return;
      }
      state.set({ status: 'connecting', attempt: state.getSnapshot().attempt });
      ably.connection.connect();
    },
    close() {
      reopening = false;
      closing = true;
      state.set({ status: 'closed' });
      const current = ably.connection.state;
      if (current !== 'closed' && current !== 'failed' && current !== 'initialized') ably.connection.close();
    },
    reconnect() {
      const current = ably.connection.state;
      state.set({ status: 'connecting' });
      if (current === 'closed' || current === 'failed' || current === 'initialized') {
        closing = false;
        reopening = false;
        ably.connection.connect();
        return;
      }
      // Closing first makes Ably drop the connection now (and forget it); it connects again once closed.
      reopening = true;
      closing = true;
      if (current !== 'closing') ably.connection.close();
    },
  };
}
