/** What relative URLs resolve against: the page's location when it has a real origin, else `http://localhost/`. */
export function baseUrl(): string {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  if (typeof href === 'string') {
    try {
      // about:blank and other opaque bases cannot resolve a path.
      if (new URL('/', href).origin !== 'null') return href;
    } catch {
      // fall through
    }
  }
  return 'http://localhost/';
}

/** Pathname + search of `url`: what a stream is matched on. */
export function pathOf(url: string): string {
  const parsed = new URL(url, baseUrl());
  return parsed.pathname + parsed.search;
}

/** What an aborted request rejects with: the signal's reason, else an `AbortError` as `fetch` gives. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
