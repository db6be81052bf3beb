/**
 * Reports an error thrown by user code (a callback) without stopping the caller's loop: the browser's
 * `reportError` (window `error` event), else a rethrow in a microtask so test runners and Node still see it.
 */
export function reportCallbackError(error: unknown): void {
  if (typeof globalThis.reportError === 'function') {
    globalThis.reportError(error);
    return;
  }
  queueMicrotask(() => {
    throw error;
  });
}
