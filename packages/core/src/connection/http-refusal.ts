import { RealtimeError } from '../errors.js';
import { parseRetryAfter } from '../lib/parse-retry-after.js';
import { isRealtimeErrorCode } from '../protocol/frame-error.js';
import { httpStatusVerdict, type HttpStatusVerdict } from '../protocol/http-status.js';
import type { AttemptVerdict } from './reconnect-engine.js';

/** What a refusing response said in its JSON error body (`{ error: { code, message } }`), when it said anything. */
export interface HttpRefusalBody {
  readonly code?: string;
  readonly message?: string;
}

/** Where a refused request went, for the error's message. */
export interface HttpRequestContext {
  /** Who sent it, as the message names it (`'pollingTransport: '`), or '' (the URL says enough). */
  readonly label?: string;
  readonly url: string;
  /** `'GET'` opens or carries the connection; `'POST'` carries frames over it. */
  readonly method: 'GET' | 'POST';
  /** What the GET's answer must be, for a status it cannot use: `'an event stream'`. */
  readonly expected?: string;
  /** Clock for HTTP-date `Retry-After` values. */
  readonly now: () => number;
}

/** A refused request: what to do (the shared table's verdict) and the typed error to report. */
export interface HttpRefusal {
  readonly verdict: HttpStatusVerdict;
  readonly error: RealtimeError;
}

/** Longest error body read: a refusal is a short JSON object; anything longer is not one of ours. */
const MAX_BODY_CHARS = 16_384;

/** Reads a refusing response's typed JSON error body; undefined when it has none (or is not JSON). Never throws. */
export async function readRefusalBody(response: Response): Promise<HttpRefusalBody | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.toLowerCase().includes('json')) {
    response.body?.cancel().catch(() => {});
    return undefined;
  }
  try {
    const text = await response.text();
    if (text.length > MAX_BODY_CHARS) return undefined;
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (typeof error !== 'object' || error === null) return undefined;
    return {
      ...(typeof error.code === 'string' ? { code: error.code } : {}),
      ...(typeof error.message === 'string' ? { message: error.message } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The verdict and typed error of a refused HTTP request, from the one status table (`httpStatusVerdict`): the same
 * status means the same thing on the SSE GET, the polling GET and the frame POST.
 */
export function classifyHttpRefusal(
  status: number,
  headers: Headers,
  body: HttpRefusalBody | undefined,
  request: HttpRequestContext,
): HttpRefusal {
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'), request.now());
  const code = body?.code !== undefined && isRealtimeErrorCode(body.code) ? body.code : undefined;
  const verdict = httpStatusVerdict(status, {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(code === undefined ? {} : { code }),
  });
  const retryable = verdict.action === 'retry' || verdict.action === 'reauthenticate';
  // Production keeps what identifies the refusal; the explanation and advice are development help.
  const message =
    process.env.NODE_ENV !== 'production'
      ? describe(status, verdict, body?.message, request)
      : `${request.method} ${request.url} ${status}${body?.message === undefined ? '' : ` ${body.message}`}`;
  const error = new RealtimeError(verdict.code, message, {
    status,
    retryable,
    ...(verdict.action === 'retry' && verdict.delayMs !== undefined && verdict.code === 'rate_limited'
      ? { retryAfterMs: verdict.delayMs }
      : {}),
  });
  return { verdict, error };
}

/** What the reconnect engine does about a refused request that opens or carries the connection (a GET). */
export function toAttemptVerdict({ verdict, error }: HttpRefusal): AttemptVerdict {
  switch (verdict.action) {
    case 'retry':
      return verdict.delayMs === undefined
        ? { action: 'retry', error }
        : { action: 'retry', error, delayMs: verdict.delayMs };
    case 'reauthenticate':
      return { action: 'reauthenticate', error };
    default:
      return { action: 'stop', error };
  }
}

function describe(
  status: number,
  verdict: HttpStatusVerdict,
  said: string | undefined,
  request: HttpRequestContext,
): string {
  const { url, method } = request;
  const target = method === 'POST' ? `POST ${url}` : url;
  const server = said === undefined ? '' : ` ("${said}")`;
  const head = `${request.label ?? ''}${target}`;
  switch (verdict.action) {
    case 'retry':
      return `${head} ${retryReason(status, verdict.code)}${server}. ${retryPlan(verdict, method)}`;
    case 'reauthenticate':
      return `${head} refused an expired token (${status})${server}. Retrying at once with fresh credentials from the headers option.`;
    case 'stop':
      return `${head} ${stopReason(status, verdict.code)}${server}. ${stopAdvice(verdict.code)} Not retried.`;
    case 'reject':
      return method === 'POST'
        ? `${head} answered ${status}${server}. The frames it carried were dropped: fix them before sending again.`
        : `${head} answered ${status}${server}, which ${request.expected ?? 'this connection'} cannot use. Fix the request (method, body, headers), then call reconnect(). Not retried.`;
  }
}

function retryReason(status: number, code: string): string {
  if (code === 'session_gone') return `no longer knows this session (${status})`;
  if (code === 'rate_limited') return `is rate limiting this client (${status})`;
  return `failed with ${status}`;
}

function retryPlan(verdict: Extract<HttpStatusVerdict, { action: 'retry' }>, method: 'GET' | 'POST'): string {
  if (verdict.code === 'session_gone') return 'Starting a new session at once; it resumes where this one stopped.';
  const when = verdict.delayMs === undefined ? 'with backoff' : `after ${verdict.delayMs} ms, as its Retry-After asks`;
  return method === 'POST'
    ? `Reconnecting ${when}: the client re-subscribes and re-sends unacknowledged publishes.`
    : `Retrying ${when}.`;
}

function stopReason(status: number, code: string): string {
  if (code === 'not_found') return `serves nothing (${status})`;
  if (code === 'unauthorized' || code === 'forbidden' || code === 'token_expired')
    return `refused the request (${status})`;
  return `answered ${status}`;
}

function stopAdvice(code: string): string {
  if (code === 'not_found') return 'Check the URL, then call reconnect().';
  if (code === 'unauthorized' || code === 'token_expired') {
    return 'Fix the credentials (headers option or cookies; withCredentials for cross-origin), then call reconnect().';
  }
  if (code === 'forbidden') return "Check that this user may use it (the server's rules), then call reconnect().";
  return 'Fix the cause, then call reconnect().';
}
