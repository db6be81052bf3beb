import type { RealtimeErrorCode } from '../errors.js';

/**
 * The one table of HTTP statuses between our servers and our clients: the status a server answers for each way it
 * refuses a request ({@link httpStatusOf}), and what a client does when it meets a status ({@link httpStatusVerdict})
 * on any HTTP path: the SSE GET, the long-polling GET and the frame POST alike.
 *
 * The status decides what happens, except for two typed codes a server names in its JSON error body
 * (`{ error: { code } }`): `token_expired` and `session_gone`. The error's code is the server's typed code when it
 * names one, else the table's.
 *
 * | status | code | client |
 * |---|---|---|
 * | 401, 403 | `unauthorized` | stop: the credentials were fresh (headers are asked for per request) |
 * | 401 + `token_expired` | `token_expired` | retry at once with fresh credentials; stop if refused again |
 * | 404 | `not_found` | stop: nothing is served there |
 * | any + `session_gone` | `session_gone` | retry at once: the server forgot the session (restarted, expired); a new one resumes |
 * | 413 | `message_too_large` | the request is wrong: a GET stops, a POST drops its frames and goes on |
 * | 429 | `rate_limited` | retry after `Retry-After`, else with backoff |
 * | 5xx | `server_error` | retry after `Retry-After`, else with backoff |
 * | other 2xx-4xx | `http_error` | the request is wrong (as 413) |
 */
export type HttpStatusVerdict =
  /** Try again: at once (`delayMs: 0`), after the server's `Retry-After`, or (no delay given) after a backoff. */
  | { readonly action: 'retry'; readonly code: RealtimeErrorCode; readonly delayMs?: number }
  /** Try again at once with fresh credentials; stop if that is refused too. */
  | { readonly action: 'reauthenticate'; readonly code: RealtimeErrorCode }
  /** Stop: retrying the same request cannot succeed. */
  | { readonly action: 'stop'; readonly code: RealtimeErrorCode }
  /** This request was malformed: a GET stops, a POST drops the frames it carried and the connection goes on. */
  | { readonly action: 'reject'; readonly code: RealtimeErrorCode };

/** What a response said besides its status. */
export interface HttpRefusalDetails {
  /** The parsed `Retry-After` header, honoured on 429 and 5xx. */
  readonly retryAfterMs?: number;
  /** The typed code of the response's JSON error body, if it named a known one. */
  readonly code?: RealtimeErrorCode;
}

/** The refusals a server answers over HTTP, by code. */
export type HttpRefusalCode =
  | 'bad_frame'
  | 'unauthorized'
  | 'token_expired'
  | 'forbidden'
  | 'not_found'
  | 'session_gone'
  | 'message_too_large'
  | 'too_many_channels'
  | 'rate_limited'
  | 'unavailable'
  | 'server_error';

const STATUS_OF: Readonly<Record<HttpRefusalCode, number>> = {
  bad_frame: 400,
  too_many_channels: 400,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  session_gone: 410,
  message_too_large: 413,
  rate_limited: 429,
  server_error: 500,
  unavailable: 503,
};

/** The HTTP status a server answers for a refusal (`session_gone` → 410, `rate_limited` → 429, …). */
export function httpStatusOf(code: HttpRefusalCode): number {
  return STATUS_OF[code];
}

/** What a client does about a response status that is not a success (see the table on {@link HttpStatusVerdict}). */
export function httpStatusVerdict(status: number, details: HttpRefusalDetails = {}): HttpStatusVerdict {
  const verdict = byStatus(status, details.retryAfterMs);
  if (details.code === undefined) return verdict;
  if (details.code === 'token_expired' && status === 401) return { action: 'reauthenticate', code: 'token_expired' };
  if (details.code === 'session_gone' && status < 500) return { action: 'retry', code: 'session_gone', delayMs: 0 };
  return { ...verdict, code: details.code };
}

function byStatus(status: number, retryAfterMs: number | undefined): HttpStatusVerdict {
  switch (status) {
    case 401:
    case 403:
      return { action: 'stop', code: 'unauthorized' };
    case 404:
      return { action: 'stop', code: 'not_found' };
    case 413:
      return { action: 'reject', code: 'message_too_large' };
    case 429:
      return withDelay({ action: 'retry', code: 'rate_limited' }, retryAfterMs);
    default:
      if (status >= 500) return withDelay({ action: 'retry', code: 'server_error' }, retryAfterMs);
      return { action: 'reject', code: 'http_error' };
  }
}

function withDelay(
  verdict: { action: 'retry'; code: RealtimeErrorCode },
  retryAfterMs: number | undefined,
): HttpStatusVerdict {
  return retryAfterMs === undefined ? verdict : { ...verdict, delayMs: retryAfterMs };
}
