import type { Channel, RealtimeClient } from '../channel/types.js';
import type { ConnectionState } from '../connection/status.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import type { SSEConnection } from '../sse/types.js';
import type { WebSocketConnection } from '../websocket/types.js';

/**
 * What devtools put between a channel client and its transport while they inspect it. The client holds it in a
 * nullable variable: with nobody inspecting, a frame costs one null check.
 */
export interface ClientTap {
  /** The state the client shows instead of its transport's (a simulated offline), or null for the transport's own. */
  readonly state: ConnectionState | null;
  /** The transport's state changed. */
  status(): void;
  /** A frame arrived: call `deliver` (now or later, in order) to hand it to the client; not calling it drops it. */
  receive(frame: ServerFrame, deliver: (frame: ServerFrame) => void): void;
  /** The client sends `frame`: call `send` to pass it on and return its result; return false to refuse it. */
  send(frame: ClientFrame, send: (frame: ClientFrame) => boolean): boolean;
}

/** A channel client, as `createRealtimeClient` lists itself. */
export interface InspectableClient {
  readonly kind: 'client';
  readonly client: RealtimeClient;
  /** Every channel the client has handed out, in creation order. */
  channels(): readonly Channel[];
  /** Publishes waiting for the server, across channels. */
  outbox(): number;
  /** Installs a tap (null removes it). Call again after the tap's `state` changed, so the client shows it. */
  inspect(tap: ClientTap | null): void;
}

/** A raw `createSSEConnection`, listed while it is neither idle nor closed. */
export interface InspectableSSE {
  readonly kind: 'sse';
  readonly connection: SSEConnection;
}

/** A raw `createWebSocketConnection`, listed while it is neither idle nor closed. */
export interface InspectableWebSocket {
  readonly kind: 'websocket';
  readonly connection: WebSocketConnection;
}

/** Something devtools can inspect. */
export type Inspectable = InspectableClient | InspectableSSE | InspectableWebSocket;

/** Called with a target when it is listed (`live`) or unlisted. */
export type InspectableWatcher = (target: Inspectable, live: boolean) => void;

// Module-level on purpose: the main entry and `@realtime-kit/core/devtools` share this module (one chunk in dist).
const targets = new Set<Inspectable>();
const watchers = new Set<InspectableWatcher>();

/**
 * Lists `target` for inspectors while `live`, unlists it otherwise. Idempotent and allocation-free: connections
 * call it on every state change. Nothing else happens until an inspector watches.
 * @example
 * setInspectable({ kind: 'sse', connection }, connection.getSnapshot().status !== 'closed')
 */
export function setInspectable(target: Inspectable, live: boolean): void {
  if (targets.has(target) === live) return;
  if (live) targets.add(target);
  else targets.delete(target);
  for (const watcher of [...watchers]) watcher(target, live);
}

/**
 * Calls `watcher` for every listed target now, then for each one listed or unlisted later.
 * Returns the function that stops watching.
 * @example
 * const stop = watchInspectables((target, live) => console.log(target.kind, live ? 'listed' : 'gone'))
 */
export function watchInspectables(watcher: InspectableWatcher): () => void {
  const entry: InspectableWatcher = (target, live) => watcher(target, live);
  watchers.add(entry);
  for (const target of [...targets]) if (watchers.has(entry)) entry(target, true);
  return () => void watchers.delete(entry);
}

/** The targets listed now, oldest first. */
export function listInspectables(): readonly Inspectable[] {
  return [...targets];
}
