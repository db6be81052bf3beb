import type { Transport } from '../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { RealtimeError } from '../errors.js';
import { reportListenerError } from '../lib/report-listener-error.js';
import type { ServerFrame } from '../protocol/frames.js';
import type { ChannelHub, HubSession } from '../protocol/hub.js';
import { createStore } from '../store.js';
import { createTestLink, linkInternals, type TestLink } from './create-test-link.js';

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
  let session: HubSession | null = null;
  /** Bumped whenever a session ends, so frames and callbacks of an old session are ignored. */
  let generation = 0;
  let attempt = 0;
  let cancelAttempt: (() => void) | null = null;
  let detach: (() => void) | null = null;

  function setState(next: Partial<ConnectionState>) {
    state.set((previous) => ({ ...previous, retryInMs: null, retryAt: null, ...next }));
  }

  function waitingState(error: RealtimeError) {
    attempt += 1;
    setState({ status: link.isOffline ? 'offline' : 'reconnecting', error, attempt });
  }

  function schedule(delayMs: number) {
    cancelAttempt?.();
    if (delayMs > 0) {
      const timer = setTimeout(run, delayMs);
      cancelAttempt = () => clearTimeout(timer);
    } else {
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) run();
      });
      cancelAttempt = () => {
        cancelled = true;
      };
    }
    function run() {
      cancelAttempt = null;
      open();
    }
  }

  function open() {
    if (!wanted || session) return;
    if (!link.connected) {
      waitingState(new RealtimeError('network', 'The test link is down (chaos.disconnect / chaos.offline).', { retryable: true }));
      return;
    }
    const current = ++generation;
    session = hub.connect({
      userId: options.userId,
      send(frame) {
        if (current !== generation) return;
        wire.deliver(JSON.stringify(frame), (text) => receive(current, text));
      },
      close() {
        if (current !== generation) return;
        session = null;
        generation += 1;
        attempt += 1;
        const error = new RealtimeError('network', 'The server ended the session (restart).', { retryable: true });
        if (!link.connected) {
          setState({ status: link.isOffline ? 'offline' : 'reconnecting', error, attempt });
          return;
        }
        setState({ status: 'reconnecting', error, attempt, retryInMs: retryMs, retryAt: Date.now() + retryMs });
        schedule(retryMs);
      },
    });
    attempt = 0;
    setState({ status: 'open', error: null, attempt: 0 });
  }

  function receive(current: number, text: string) {
    if (current !== generation) return;
    const frame = JSON.parse(text) as ServerFrame;
    for (const listener of [...frameListeners]) {
      try {
        listener(frame);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  function endSession() {
    const ending = session;
    session = null;
    generation += 1;
    ending?.close();
  }

  function start() {
    wanted = true;
    detach ??= wire.attach({
      linkChanged() {
        if (!wanted) return;
        if (!link.connected) {
          const hadSession = session !== null;
          endSession();
          cancelAttempt?.();
          cancelAttempt = null;
          if (hadSession || state.getSnapshot().status !== 'offline') {
            waitingState(new RealtimeError('network', 'The test link went down (chaos.disconnect / chaos.offline).', { retryable: true }));
          }
        } else if (!session) {
          schedule(0);
        }
      },
    });
  }

  return {
    kind: 'memory',
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    get sessionId() {
      return session?.id ?? null;
    },
    connect() {
      if (wanted) return;
      start();
      attempt = 0;
      setState({ status: 'connecting', error: null, attempt: 0 });
      schedule(0);
    },
    reconnect() {
      start();
      endSession();
      attempt = 0;
      setState({ status: 'connecting', error: null, attempt: 0 });
      schedule(0);
    },
    close() {
      wanted = false;
      cancelAttempt?.();
      cancelAttempt = null;
      endSession();
      detach?.();
      detach = null;
      attempt = 0;
      setState({ status: 'closed', error: null, attempt: 0 });
    },
    send(frame) {
      if (!session || state.getSnapshot().status !== 'open') return false;
      // Encoded as on a real wire: data that is not JSON fails here, not silently later.
      const copy = JSON.parse(JSON.stringify(frame)) as typeof frame;
      const result = session.receive(copy);
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
