import type { Transport } from '../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { RealtimeError } from '../errors.js';
import { reportListenerError } from '../lib/report-listener-error.js';
import type { ServerFrame } from '../protocol/frames.js';
import type { ChannelHub } from '../protocol/hub.js';
import { createStore } from '../store.js';
import { createTestLink, linkInternals, type TestLink } from './create-test-link.js';
import { createAttemptTimer } from './memory-transport/attempt-timer.js';
import { createMemorySession } from './memory-transport/memory-session.js';

/** Options for {@link createMemoryTransport}. */
export interface MemoryTransportOptions {
  /** The user this connection authenticates as (presence is keyed by it). Default: anonymous. */
  userId?: string;
  /** The wire, with its faults; share one between transports to fault them together. Default a perfect one. */
  link?: TestLink;
  /** How long to wait before reconnecting after the server ended the session. Default 0 (the next microtask). */
  retryMs?: number;
}

/** A {@link Transport} to a {@link ChannelHub} in the same process. */
export interface MemoryTransport extends Transport {
  readonly kind: 'memory';
  /** The hub session id while open (the `welcome` frame's `connectionId`), else null. */
  readonly sessionId: string | null;
}

/**
 * A transport to an in-memory hub: what `createTestTransport().transport` is, and what to use to give a test two
 * tabs or two users on one server. Frames are JSON-encoded both ways, as on a real wire (so non-JSON data fails
 * here as it would in production), and delivered to the client asynchronously (a microtask, or later with
 * faults). Connecting takes a microtask. Browser-safe.
 *
 * When the server ends the session (`hub.reset()`) it reconnects after `retryMs`; while the link is down or
 * offline it waits (status `reconnecting` / `offline`) and reconnects as soon as the link is back.
 * @example
 * const hub = createChannelHub()
 * const alice = createRealtimeClient({ transport: createMemoryTransport(hub, { userId: 'alice' }) })
 * const bob = createRealtimeClient({ transport: createMemoryTransport(hub, { userId: 'bob' }) })
 */
export function createMemoryTransport(hub: ChannelHub, options: MemoryTransportOptions = {}): MemoryTransport {
  const link = options.link ?? createTestLink();
  const wire = linkInternals(link);
  const retryMs = options.retryMs ?? 0;
  const state = createStore<ConnectionState>(INITIAL_CONNECTION_STATE);
  const frameListeners = new Set<(frame: ServerFrame) => void>();
  let wanted = false;
  let attempt = 0;
  let detach: (() => void) | null = null;
  const timer = createAttemptTimer(open);
  const session = createMemorySession(hub, wire, options.userId, {
    receive(frame) {
      for (const listener of [...frameListeners]) {
        try {
          listener(frame);
        } catch (error) {
          reportListenerError(error);
        }
      }
    },
    endedByServer() {
      attempt += 1;
      const error = new RealtimeError('network', 'The server ended the session (restart).', { retryable: true });
      if (!link.connected) {
        setState({ status: link.isOffline ? 'offline' : 'reconnecting', error, attempt });
        return;
      }
      setState({ status: 'reconnecting', error, attempt, retryInMs: retryMs, retryAt: Date.now() + retryMs });
      timer.schedule(retryMs);
    },
  });

  function setState(next: Partial<ConnectionState>) {
    state.set((previous) => ({ ...previous, retryInMs: null, retryAt: null, ...next }));
  }

  function waitingState(error: RealtimeError) {
    attempt += 1;
    setState({ status: link.isOffline ? 'offline' : 'reconnecting', error, attempt });
  }

  function open() {
    if (!wanted || session.current) return;
    if (!link.connected) {
      waitingState(
        new RealtimeError('network', 'The test link is down (chaos.disconnect / chaos.offline).', { retryable: true }),
      );
      return;
    }
    session.open();
    attempt = 0;
    setState({ status: 'open', error: null, attempt: 0 });
  }

  function start() {
    wanted = true;
    detach ??= wire.attach({
      linkChanged() {
        if (!wanted) return;
        if (!link.connected) {
          const hadSession = session.current !== null;
          session.end();
          timer.cancel();
          if (hadSession || state.getSnapshot().status !== 'offline') {
            waitingState(
              new RealtimeError('network', 'The test link went down (chaos.disconnect / chaos.offline).', {
                retryable: true,
              }),
            );
          }
        } else if (!session.current) {
          timer.schedule(0);
        }
      },
    });
  }

  function connecting() {
    attempt = 0;
    setState({ status: 'connecting', error: null, attempt: 0 });
    timer.schedule(0);
  }

  return {
    kind: 'memory',
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    get sessionId() {
      return session.current?.id ?? null;
    },
    connect() {
      if (wanted) return;
      start();
      connecting();
    },
    reconnect() {
      start();
      session.end();
      connecting();
    },
    close() {
      wanted = false;
      timer.cancel();
      session.end();
      detach?.();
      detach = null;
      attempt = 0;
      setState({ status: 'closed', error: null, attempt: 0 });
    },
    send(frame) {
      const current = session.current;
      if (!current || state.getSnapshot().status !== 'open') return false;
      // Encoded as on a real wire: data that is not JSON fails here, not silently later.
      const copy = JSON.parse(JSON.stringify(frame)) as typeof frame;
      const result = current.receive(copy);
      if (result) result.catch(reportListenerError);
      return true;
    },
    onFrame(listener) {
      const entry = (frame: ServerFrame) => listener(frame);
      frameListeners.add(entry);
      return () => void frameListeners.delete(entry);
    },
  };
}
