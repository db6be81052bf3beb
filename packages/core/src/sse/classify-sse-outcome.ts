import { RealtimeError } from '../errors.js';
import { assertNever } from '../lib/assert-never.js';
import { parseRetryAfter } from '../lib/parse-retry-after.js';

/** Everything that can end (or start) one SSE attempt. */
export type SSEOutcome =
  /** The server answered; only status and headers matter here. */
  | { readonly type: 'response'; readonly status: number; readonly headers: Headers }
  /** The `headers` or `body` option threw before a request was sent. */
  | { readonly type: 'request-error'; readonly cause: unknown }
  /** `fetch` rejected: DNS, refused, reset, CORS, offline. */
  | { readonly type: 'fetch-error'; readonly cause: unknown }
  /** Reading the body failed mid-stream: the connection was cut. */
  | { readonly type: 'read-error'; readonly cause: unknown }
  /** The body ended normally: the server closed the stream. */
  | { readonly type: 'stream-end' }
  /** No bytes within `heartbeatTimeoutMs`. */
  | { readonly type: 'heartbeat-timeout'; readonly timeoutMs: number };

/** What to do about an outcome: read the stream, retry later (after `delayMs` when the server said so), or stop. */
export type SSEVerdict =
  | { readonly action: 'open' }
  | { readonly action: 'retry'; readonly error: RealtimeError; readonly delayMs?: number }
  | { readonly action: 'stop'; readonly error: RealtimeError };

export interface ClassifyContext {
  readonly url: string;
  /** Clock for HTTP-date `Retry-After` values. */
  readonly now: () => number;
}

/**
 * The one place that decides retry vs stop for SSE, following the WHATWG EventSource rules
 * (200 + text/event-stream opens; 204 stops; other failures of the response stop) and adding
 * the retries a resilient client needs (429 with Retry-After, 5xx, network failures).
 */
export function classifySSEOutcome(outcome: SSEOutcome, { url, now }: ClassifyContext): SSEVerdict {
  switch (outcome.type) {
    case 'response':
      return classifyResponse(outcome.status, outcome.headers, url, now);
    case 'request-error':
      return retry(
        new RealtimeError(
          'network',
          `Preparing the request to ${url} failed (the headers or body option threw): ${describe(outcome.cause)}. ` +
            'Retrying with backoff; fix the option or call close().',
          { cause: outcome.cause, retryable: true },
        ),
      );
    case 'fetch-error':
      return retry(
        new RealtimeError(
          'network',
          `Could not reach ${url}: ${describe(outcome.cause)}. Retrying with backoff; check the network, ` +
            'that the server is running, and (in browsers) CORS.',
          { cause: outcome.cause, retryable: true },
        ),
      );
    case 'read-error':
      return retry(
        new RealtimeError(
          'network',
          `The stream from ${url} was cut: ${describe(outcome.cause)}. Reconnecting with backoff.`,
          { cause: outcome.cause, retryable: true },
        ),
      );
    case 'stream-end':
      return retry(
        new RealtimeError(
          'network',
          `The server closed the stream from ${url}. Reconnecting with backoff (send 204 to stop a client for good).`,
          { retryable: true },
        ),
      );
    case 'heartbeat-timeout':
      return retry(
        new RealtimeError(
          'heartbeat_timeout',
          `No data from ${url} for ${outcome.timeoutMs} ms (heartbeatTimeoutMs): the connection is presumed dead ` +
            'and is being reopened. Have the server send a comment line (": ping") more often than that.',
          { retryable: true },
        ),
      );
    default:
      return assertNever(outcome);
  }
}

function classifyResponse(status: number, headers: Headers, url: string, now: () => number): SSEVerdict {
  if (status === 200) {
    const contentType = headers.get('content-type');
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType === 'text/event-stream') return { action: 'open' };
    return stop(
      new RealtimeError(
        'bad_content_type',
        `${url} answered 200 with Content-Type "${contentType ?? '(none)'}", not "text/event-stream". ` +
          'Check the URL points at an SSE endpoint (a login page, proxy or SPA fallback answers HTML). Not retried.',
        { status },
      ),
    );
  }
  if (status === 204) {
    return stop(
      new RealtimeError(
        'no_content',
        `${url} answered 204 No Content: the server asked this client to stop. Call reconnect() to start again.`,
        { status },
      ),
    );
  }
  if (status === 401 || status === 403) {
    return stop(
      new RealtimeError(
        'unauthorized',
        `${url} refused the request (${status}). Fix the credentials (headers option or cookies; ` +
          'withCredentials for cross-origin), then call reconnect(). Not retried.',
        { status },
      ),
    );
  }
  if (status === 404) {
    return stop(
      new RealtimeError('not_found', `Nothing is served at ${url} (404). Check the URL. Not retried.`, { status }),
    );
  }
  if (status === 429) {
    const delayMs = parseRetryAfter(headers.get('retry-after'), now());
    return {
      action: 'retry',
      delayMs,
      error: new RealtimeError(
        'rate_limited',
        `${url} is rate limiting this client (429). Retrying ` +
          (delayMs === undefined ? 'with backoff.' : `after ${delayMs} ms, as its Retry-After asks.`),
        { status, retryable: true },
      ),
    };
  }
  if (status >= 500) {
    return retry(
      new RealtimeError('server_error', `${url} failed with ${status}. Retrying with backoff.`, {
        status,
        retryable: true,
      }),
    );
  }
  // Other 4xx, other 2xx (EventSource accepts only 200) and opaque redirects: the request itself is wrong.
  return stop(
    new RealtimeError(
      'http_error',
      `${url} answered ${status}, which an event stream cannot use. Fix the request (method, body, headers), ` +
        'then call reconnect(). Not retried.',
      { status },
    ),
  );
}

function retry(error: RealtimeError): SSEVerdict {
  return { action: 'retry', error };
}

function stop(error: RealtimeError): SSEVerdict {
  return { action: 'stop', error };
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    // undici hides the real reason (ECONNREFUSED, ECONNRESET) in `cause`.
    const inner = (cause as { cause?: unknown }).cause;
    const detail = inner instanceof Error && inner.message !== cause.message ? ` (${inner.message})` : '';
    return `${cause.message}${detail}`;
  }
  return String(cause);
}
