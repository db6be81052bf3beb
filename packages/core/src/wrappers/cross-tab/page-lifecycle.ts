/** Where `pagehide`, `freeze` and `resume` are heard. */
export interface PageLifecycle {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The page's own lifecycle events, or null outside a page (no `window`/`document`). */
export function pageLifecycle(): PageLifecycle | null {
  if (typeof window === 'undefined' || typeof document === 'undefined') return null;
  // `pagehide` is the window's; `freeze` and `resume` are the document's.
  return {
    addEventListener(type, listener) {
      (type === 'pagehide' ? window : document).addEventListener(type, listener);
    },
    removeEventListener(type, listener) {
      (type === 'pagehide' ? window : document).removeEventListener(type, listener);
    },
  };
}
