/**
 * Where a connection learns whether the device is online and whether the page is visible.
 * Injectable so tests (and non-browser runtimes) control it; the default reads the browser.
 */
export interface NetworkSource {
  /** True unless the platform says the device is offline. */
  isOnline(): boolean;
  /** Calls `listener` when online/offline changes or the page becomes visible again. */
  subscribe(listener: (event: NetworkEvent) => void): () => void;
}

export type NetworkEvent = 'online' | 'offline' | 'visible';

/** Reads `navigator.onLine` and window events; in Node (no `window`) it is always online. */
export const browserNetwork: NetworkSource = {
  isOnline() {
    return typeof navigator === 'undefined' || navigator.onLine !== false;
  },
  subscribe(listener) {
    if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return () => {};
    const online = () => listener('online');
    const offline = () => listener('offline');
    const visible = () => {
      if (typeof document !== 'undefined' && document.visibilityState === 'visible') listener('visible');
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', visible);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', visible);
    };
  },
};
