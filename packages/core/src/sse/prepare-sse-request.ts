import type { SSEOptions } from './types.js';

/**
 * The request of one SSE attempt: the `headers` option (asked again each time, so a refreshed token is sent),
 * `Accept: text/event-stream`, `Cache-Control: no-cache` unless given, the resume point as `Last-Event-ID`, and the
 * method, body and credentials the options ask for. Rejects when the `headers` or `body` option throws.
 */
export async function prepareSSERequest(
  options: SSEOptions<unknown>,
  signal: AbortSignal,
  lastEventId: () => string | null,
): Promise<RequestInit> {
  const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
  headers.set('Accept', 'text/event-stream');
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-cache');
  // Read after the headers function resolved: an event may have arrived meanwhile.
  const resumeFrom = lastEventId();
  if (resumeFrom !== null) headers.set('Last-Event-ID', resumeFrom);
  const body = typeof options.body === 'function' ? options.body() : options.body;
  return {
    method: options.method ?? 'GET',
    headers,
    body: body ?? null,
    credentials: options.withCredentials ? 'include' : 'same-origin',
    signal,
  };
}
