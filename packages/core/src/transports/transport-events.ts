import { emitToListeners } from '../lib/report-listener-error.js';

/**
 * One kind of listener of a channel transport (store subscribers, frame listeners or error listeners), as a pair:
 * `add` is the `subscribe` / `onFrame` / `onError` a {@link Transport} returns, `emit` is what the transport calls.
 * When and whether to emit (each transport's own state comparison, what to do with an error nobody listens to)
 * stays in the transport.
 *
 * @internal Not exported from the package index.
 */
export type TransportListeners<T> = readonly [
  /**
   * Adds a listener and returns its unsubscribe. Every call adds its own entry: a function added twice is called
   * twice and needs both unsubscribes. An unsubscribe removes only its entry, and calling it again does nothing.
   */
  add: (listener: (value: T) => void) => () => void,
  /**
   * Calls every listener with `value`, in the order they were added (over a copy: a listener may unsubscribe; one
   * that throws is reported and the rest still run, see `emitToListeners`). Returns false when there was no
   * listener, so the transport can handle an unheard error its own way (e.g. `console.warn`).
   */
  emit: (value: T) => boolean,
];

/**
 * Creates one kind of transport listener. See {@link TransportListeners}.
 *
 * ```ts
 * const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>()
 * return { onFrame: addFrameListener, … } // and emitFrame(frame) for every frame
 * ```
 *
 * @internal Not exported from the package index.
 */
export function createTransportListeners<T>(): TransportListeners<T> {
  const listeners = new Set<(value: T) => void>();
  return [
    (listener) => {
      const entry = (value: T) => listener(value);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    (value) => {
      if (listeners.size === 0) return false;
      emitToListeners(listeners, value);
      return true;
    },
  ];
}
