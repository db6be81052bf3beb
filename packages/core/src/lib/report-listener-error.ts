/**
 * Reports an exception thrown by a user listener without breaking the caller's loop.
 *
 * Like `EventTarget.dispatchEvent`: the error is *reported*, not swallowed and not propagated.
 * Browsers (and Deno, Bun) have `reportError`, which reaches `window.onerror`, the console and error
 * monitoring. Elsewhere (Node) it is rethrown in a microtask, as an `EventEmitter` listener's would be:
 * an `uncaughtException`, visible to the process's handlers. `console.error` alone would hide bugs
 * from monitoring, and rethrowing synchronously would kill the stream.
 */
export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') {
    report.call(globalThis, error);
    return;
  }
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * Calls every listener with `value`, in the order they were added, over a copy of the set (a listener may remove
 * itself or others). A listener that throws is reported and the rest still run.
 */
export function emitToListeners<T>(listeners: Iterable<(value: T) => void> | undefined, value: T): void {
  if (listeners === undefined) return;
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (thrown) {
      reportListenerError(thrown);
    }
  }
}
