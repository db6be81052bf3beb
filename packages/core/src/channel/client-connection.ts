import type { ConnectionState } from '../connection/status.js';
import type { ClientTap } from '../devtools/registry.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { createStore } from '../store.js';
import type { Transport } from './transport.js';

/** A frame of the session for the client's channels: every server frame but `welcome` and `pong`, which end here. */
export type SessionFrame = Exclude<ServerFrame, { type: 'welcome' | 'pong' }>;

/** What the client does when its connection starts, opens a session, loses it, or receives a frame. */
export interface ClientConnectionHooks {
  /** The transport is used for the first time: the client lists itself for devtools. */
  started(): void;
  /** The transport opened: a new session, on which the server knows nothing of this client yet. */
  opened(): void;
  /** The session ended: the server forgot its subscriptions, presence and unacknowledged publishes. */
  ended(): void;
  received(frame: SessionFrame): void;
}

/** The client's side of its transport: when it connects, whether a session is open, who the server says we are. */
export interface ClientConnection {
  subscribe(listener: () => void): () => void;
  /** The transport's state, or the one devtools shows instead (a simulated offline). */
  getSnapshot(): ConnectionState;
  /** Hands the frame to the transport (through the devtools tap): false when it was not sent. */
  transmit(frame: ClientFrame): boolean;
  /** Sends on the open session; false when none is open (what it carried waits for the next session). */
  send(frame: ClientFrame): boolean;
  /** Starts listening (once) and connects the transport. Does nothing once closed. */
  ensureConnected(): void;
  isOpen(): boolean;
  isClosed(): boolean;
  /** The user the server named in its `welcome` (null when anonymous or not yet known). */
  userId(): string | null;
  /** Devtools' tap on frames and state: null removes it. */
  inspect(tap: ClientTap | null): void;
  /** Stops listening to the transport for good (the client closes it last). */
  close(): void;
}

/**
 * Follows a transport for a client: the transport connects when the client is first used, every `open` is a new
 * session (`opened`), anything else ends it (`ended`), and frames go to the client until it is closed.
 */
export function createClientConnection(transport: Transport, hooks: ClientConnectionHooks): ClientConnection {
  let started = false;
  let closed = false;
  let open = false;
  let userId: string | null = null;
  const stop: (() => void)[] = [];
  /** Devtools' tap (`@realtime-kit/core/devtools`): null unless an inspector is attached. */
  let tap: ClientTap | null = null;
  /** Bumped when the tap changes what `getSnapshot` shows (a simulated offline). */
  const shown = createStore(0);
  const getSnapshot = () => tap?.state ?? transport.getSnapshot();
  const transmit = (frame: ClientFrame): boolean =>
    tap ? tap.send(frame, (next) => transport.send(next)) : transport.send(frame);

  function subscribe(listener: () => void): () => void {
    const offs = [transport.subscribe(listener), shown.subscribe(listener)];
    return () => offs.forEach((off) => off());
  }

  function onStatus() {
    tap?.status();
    const isOpen = getSnapshot().status === 'open';
    if (isOpen === open) return;
    open = isOpen;
    if (open) hooks.opened();
    else hooks.ended();
  }

  function receive(frame: ServerFrame) {
    if (closed) return;
    if (frame.type === 'welcome') userId = typeof frame.userId === 'string' ? frame.userId : null;
    else if (frame.type !== 'pong') hooks.received(frame);
  }

  return {
    subscribe,
    getSnapshot,
    transmit,
    send: (frame) => open && transmit(frame),
    ensureConnected() {
      if (closed) return;
      if (!started) {
        started = true;
        // Listed for devtools once it runs (a client that never connects, e.g. one made for server rendering, is not).
        hooks.started();
        stop.push(
          subscribe(onStatus),
          transport.onFrame((frame) => (tap ? tap.receive(frame, receive) : receive(frame))),
        );
        onStatus();
      }
      transport.connect();
    },
    isOpen: () => open,
    isClosed: () => closed,
    userId: () => userId,
    inspect(next) {
      if (closed) return;
      tap = next;
      shown.set((n) => n + 1);
    },
    close() {
      closed = true;
      open = false;
      tap = null;
      for (const off of stop.splice(0)) off();
    },
  };
}
