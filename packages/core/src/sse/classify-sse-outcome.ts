import { RealtimeError } from '../errors.js';
import { assertNever } from '../lib/assert-never.js';
import { classifyHttpRefusal, toAttemptVerdict, type HttpRefusalBody } from '../connection/http-refusal.js';
import type { AttemptVerdict } from '../connection/reconnect-engine.js';

/** Everything that can end (or start) one SSE attempt. */
export type SSEOutcome =
  /** The server answered; only status and headers matter here. */
  | { readonly type: 'response'; readonly status: number; readonly headers: Headers; readonly body?: HttpRefusalBody }
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

/**
 * What to do about an outcome: read the stream, or what the reconnect engine does next (retry later, after `delayMs`
 * when the server said so; retry at once with fresh credentials; or stop).
 */
export type SSEVerdict = { readonly action: 'open' } | AttemptVerdict;

export interface ClassifyContext {
  readonly url: string;
  /** Clock for HTTP-date `Retry-After` values. */
  readonly now: () => number;
}

/**
 * The one place that decides retry vs stop for SSE, following the WHATWG EventSource rules
 * (200 + text/event-stream opens; 204 stops) and, for other statuses, the status table every HTTP path shares
 * (`httpStatusVerdict`: 429 and 5xx retried, honouring Retry-After; network failures retried).
 */
export function classifySSEOutcome(outcome: SSEOutcome, { url, now }: ClassifyContext): SSEVerdict {
  switch (outcome.type) {
    case 'response':
      return classifyResponse(outcome.status, outcome.headers, outcome.body, url, now);
    case 'request-error':
      return retryAfterNetwork(
        outcome,
        process.env.NODE_ENV !== 'production'
          ? `Preparing the request to ${url} failed (the headers or body option threw): ${describe(outcome.cause)}. ` +
              'Retrying with backoff; fix the option or call close().'
          : `${url} request-error ${describe(outcome.cause)}`,
      );
    case 'fetch-error':
      return retryAfterNetwork(
        outcome,
        process.env.NODE_ENV !== 'production'
          ? `Could not reach ${url}: ${describe(outcome.cause)}. Retrying with backoff; check the network, ` +
              'that the server is running, and (in browsers) CORS.'
          : `${url} fetch-error ${describe(outcome.cause)}`,
      );
    case 'read-error':
      return retryAfterNetwork(
        outcome,
        process.env.NODE_ENV !== 'production'
          ? `The stream from ${url} was cut: ${describe(outcome.cause)}. Reconnecting with backoff.`
          : `${url} read-error ${describe(outcome.cause)}`,
      );
    case 'stream-end':
      return retryAfterNetwork(
        outcome,
        process.env.NODE_ENV !== 'production'
          ? `The server closed the stream from ${url}. Reconnecting with backoff (send 204 to stop a client for good).`
          : `${url} stream-end`,
      );
    case 'heartbeat-timeout':
      return retry(
        new RealtimeError(
          'heartbeat_timeout',
          process.env.NODE_ENV !== 'production'
            ? `No data from ${url} for ${outcome.timeoutMs} ms (heartbeatTimeoutMs): the connection is presumed dead ` +
                'and is being reopened. Have the server send a comment line (": ping") more often than that.'
            : `${url} ${outcome.timeoutMs} ms`,
          { retryable: true },
        ),
      );
    default:
      return assertNever(outcome);
  }
}

function classifyResponse(
  status: number,
  headers: Headers,
  body: HttpRefusalBody | undefined,
  url: string,
  now: () => number,
): SSEVerdict {
  if (status === 200) {
    const contentType = headers.get('content-type');
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType === 'text/event-stream') return { action: 'open' };
    return stop(
      new RealtimeError(
        'bad_content_type',
        process.env.NODE_ENV !== 'production'
          ? `${url} answered 200 with Content-Type "${contentType ?? '(none)'}", not "text/event-stream". ` +
              'Check the URL points at an SSE endpoint (a login page, proxy or SPA fallback answers HTML). Not retried.'
          : `${url} 200 ${contentType}`,
        { status },
      ),
    );
  }
  if (status === 204) {
    return stop(
      new RealtimeError(
        'no_content',
        process.env.NODE_ENV !== 'production'
          ? `${url} answered 204 No Content: the server asked this client to stop. Call reconnect() to start again.`
          : `${url} 204`,
        { status },
      ),
    );
  }
  const refusal = classifyHttpRefusal(status, headers, body, { url, method: 'GET', expected: 'an event stream', now });
  return toAttemptVerdict(refusal);
}

/** A network failure of one attempt: always retried with backoff. */
function retryAfterNetwork(outcome: SSEOutcome & { readonly cause?: unknown }, message: string): SSEVerdict {
  return retry(
    new RealtimeError('network', message, {
      ...(outcome.cause === undefined ? {} : { cause: outcome.cause }),
      retryable: true,
    }),
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
