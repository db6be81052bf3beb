import type { RealtimeError } from '../errors.js';
import { assertNever } from '../lib/assert-never.js';
import type { WebSocketCloseInfo, WebSocketConnection } from './types.js';

type Listener<T> = (value: T) => void;

/** The listeners of a WebSocket connection's four events, and its `on`. */
export interface WebSocketListeners {
  readonly message: Set<Listener<unknown>>;
  readonly open: Set<Listener<void>>;
  readonly close: Set<Listener<WebSocketCloseInfo>>;
  readonly error: Set<Listener<RealtimeError>>;
  readonly on: WebSocketConnection['on'];
}

export function createWebSocketListeners(): WebSocketListeners {
  const listeners = {
    message: new Set<Listener<unknown>>(),
    open: new Set<Listener<void>>(),
    close: new Set<Listener<WebSocketCloseInfo>>(),
    error: new Set<Listener<RealtimeError>>(),
  };

  function on(event: keyof typeof listeners, listener: Listener<never>): () => void {
    const set = listeners[event] as Set<Listener<unknown>> | undefined;
    if (set === undefined) return assertNever(event as never);
    // A wrapper per call, so adding the same function twice needs two removals (as `subscribe`).
    const entry: Listener<unknown> = (value) => (listener as Listener<unknown>)(value);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  return { ...listeners, on: on as WebSocketConnection['on'] };
}
