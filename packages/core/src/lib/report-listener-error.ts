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
