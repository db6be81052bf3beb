import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import { assertNever } from '../lib/assert-never.js';
import { CLOSE_CODES } from './types.js';

/** Everything that can end (or prevent) one WebSocket attempt. */
export type WebSocketOutcome =
  /** The socket closed: the server's close frame, or 1006 when the connection was lost or refused. */
  | { readonly type: 'close'; readonly code: number; readonly reason: string; readonly cause?: unknown }
  /** `auth()` threw or rejected; no socket was created. */
  | { readonly type: 'auth-error'; readonly cause: unknown }
  /** The WebSocket constructor threw (a malformed URL, bad sub-protocols, a blocked port or scheme). */
  | { readonly type: 'socket-error'; readonly cause: unknown }
  /** Nothing arrived within the heartbeat's `timeoutMs` after a ping, or the handshake took longer than that. */
  | { readonly type: 'heartbeat-timeout'; readonly timeoutMs: number; readonly opening: boolean };

/**
 * What to do about an outcome:
 * - `retry` after backoff (`wait: 'longer'` never retries sooner than the backoff's `minMs`);
 * - `reauthenticate`: retry now, calling `auth()` for a fresh token; a second refusal stops;
 * - `stop` with a typed error.
 */
export type WebSocketVerdict =
  | { readonly action: 'retry'; readonly error: RealtimeError; readonly wait: 'backoff' | 'longer' }
  | { readonly action: 'reauthenticate'; readonly error: RealtimeError }
  | { readonly action: 'stop'; readonly error: RealtimeError };

export interface ClassifyCloseContext {
  readonly url: string;
  /** True when the last 4401 already made the client fetch a fresh token and no session has been confirmed since. */
  readonly reauthenticated: boolean;
}

/**
 * The one place that decides retry, re-authenticate or stop for a WebSocket.
 *
 * | close code | verdict |
 * | --- | --- |
 * | 1000 normal, 1001 going away, 1005 no status | retry, `closed` |
 * | 1006 abnormal (lost, refused), 1015 TLS | retry, `network` |
 * | 1002 protocol error, 1003 unsupported data, 1007 invalid payload | retry, `bad_frame` |
 * | 1011 internal error, 1012 service restart, 1014 bad gateway | retry, `server_error` |
 * | 1013 try again later | retry no sooner than backoff `minMs`, `server_error` |
 * | 1008 policy violation | stop, `policy_violation` |
 * | 1009 message too big | stop, `message_too_large` |
 * | 4401 unauthorized | re-authenticate once; again before the session is confirmed → stop, `unauthorized` |
 * | 4403 forbidden | stop, `unauthorized` |
 * | 4429 rate limited | retry with backoff, `rate_limited` |
 * | any other 4000–4999 | stop, `http_error` (the application refused: 4xxx mirrors HTTP 4xx) |
 * | anything else | retry, `network` |
 *
 * `auth()` failing retries with `network` (the token endpoint is usually just unreachable), unless it threw a
 * `RealtimeError` with `retryable: false`, which stops with that error. A constructor that throws stops with
 * `http_error`: the URL or sub-protocols are wrong and retrying cannot fix them.
 */
export function classifyClose(outcome: WebSocketOutcome, context: ClassifyCloseContext): WebSocketVerdict {
  const { url } = context;
  switch (outcome.type) {
    case 'close':
      return classifyCloseCode(outcome.code, outcome.reason, outcome.cause, context);
    case 'auth-error': {
      const { cause } = outcome;
      if (cause instanceof RealtimeError && !cause.retryable) return { action: 'stop', error: cause };
      const said = `auth() failed before connecting to ${url}: ${describeCause(cause) || 'no reason given'}`;
      return retry(
        'network',
        process.env.NODE_ENV !== 'production'
          ? `${said}. Retrying with backoff; throw a RealtimeError with retryable: false from auth() to stop instead.`
          : said,
        cause,
      );
    }
    case 'socket-error': {
      const said = `Could not create a WebSocket for ${url}: ${describeCause(outcome.cause) || 'no reason given'}`;
      return stop(
        'http_error',
        process.env.NODE_ENV !== 'production'
          ? `${said}. Check the URL (ws:// or wss://; wss:// from an https page) and the protocols option, then call ` +
              'reconnect(). Not retried.'
          : said,
        outcome.cause,
      );
    }
    case 'heartbeat-timeout': {
      const said = outcome.opening
        ? `The WebSocket to ${url} did not open within ${outcome.timeoutMs} ms`
        : `No message from ${url} within ${outcome.timeoutMs} ms of a ping`;
      return retry(
        'heartbeat_timeout',
        process.env.NODE_ENV !== 'production'
          ? `${said} (heartbeat timeoutMs): the connection is presumed dead and is being reopened.` +
              (outcome.opening ? '' : ' Check that the server answers pings (heartbeat.isPong).')
          : said,
      );
    }
    default:
      return assertNever(outcome);
  }
}

function classifyCloseCode(
  code: number,
  reason: string,
  cause: unknown,
  context: ClassifyCloseContext,
): WebSocketVerdict {
  const detail = code === 1006 ? describeCause(cause) : reason;
  const closed = `${context.url} closed the WebSocket with ${code}${detail === '' ? '' : ` ("${detail}")`}`;
  // What the close means and what to do about it is development help: production messages stop at `closed`.
  const message =
    process.env.NODE_ENV !== 'production' ? `${closed}${closeAdvice(code, context.reauthenticated)}` : closed;
  switch (code) {
    case 1000:
    case 1001:
    case 1005:
      return retry('closed', message);
    case 1006:
      return retry('network', message, cause);
    case 1015:
      return retry('network', message);
    case 1002:
    case 1003:
    case 1007:
      return retry('bad_frame', message);
    case 1011:
    case 1012:
    case 1014:
      return retry('server_error', message);
    case 1013:
      return {
        action: 'retry',
        wait: 'longer',
        error: new RealtimeError('server_error', message, { retryable: true }),
      };
    case 1008:
      return stop('policy_violation', message);
    case 1009:
      return stop('message_too_large', message);
    case CLOSE_CODES.UNAUTHORIZED:
      if (context.reauthenticated) return stop('unauthorized', message);
      return { action: 'reauthenticate', error: new RealtimeError('unauthorized', message, { retryable: true }) };
    case CLOSE_CODES.FORBIDDEN:
      return stop('unauthorized', message);
    case CLOSE_CODES.RATE_LIMITED:
      return retry('rate_limited', message);
    default:
      if (code >= 4000 && code <= 4999) return stop('http_error', message);
      return retry('network', message);
  }
}

/** What a close code means and what happens next, in the words of the table above (development builds only). */
function closeAdvice(code: number, reauthenticated: boolean): string {
  switch (code) {
    case 1000:
    case 1001:
    case 1005:
      return '. Reconnecting with backoff (close with 1008 or 4xxx to stop a client).';
    case 1006:
      return ': the connection was lost or could not be made. Reconnecting with backoff; check the network and that the server is running.';
    case 1015:
      return ': the TLS handshake failed. Reconnecting with backoff; check the certificate.';
    case 1002:
    case 1003:
    case 1007:
      return ': it refused what this client sent. Reconnecting with backoff.';
    case 1013:
      return ': try again later. Reconnecting with a longer backoff.';
    case 1008:
      return ': a policy violation. Not retried; call reconnect() once it is fixed.';
    case 1009:
      return ': a message was larger than it accepts. Send smaller messages, then call reconnect(). Not retried.';
    case CLOSE_CODES.UNAUTHORIZED:
      return reauthenticated
        ? ' again right after auth() supplied a fresh token: the server refuses the credentials. Fix auth(), then call reconnect(). Not retried.'
        : ': the token was refused. Reconnecting now with a fresh token from auth().';
    case CLOSE_CODES.FORBIDDEN:
      return ': the credentials are valid but not allowed here. Not retried.';
    case CLOSE_CODES.RATE_LIMITED:
      return ': this client sent too much. Reconnecting with backoff.';
    default:
      return code >= 4000 && code <= 4999
        ? ', an application code that realtime-kit does not retry. Call reconnect() to try again.'
        : '. Reconnecting with backoff.';
  }
}

function retry(code: RealtimeErrorCode, message: string, cause?: unknown): WebSocketVerdict {
  return { action: 'retry', wait: 'backoff', error: new RealtimeError(code, message, { cause, retryable: true }) };
}

function stop(code: RealtimeErrorCode, message: string, cause?: unknown): WebSocketVerdict {
  return { action: 'stop', error: new RealtimeError(code, message, { cause }) };
}

/** Readable text of a thrown value or an error event (`ws` puts the reason in `message`; browsers give none). */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'object' && cause !== null) {
    const { message, error } = cause as { message?: unknown; error?: unknown };
    if (error instanceof Error) return error.message;
    if (typeof message === 'string') return message;
    return '';
  }
  return cause === undefined ? '' : String(cause);
}
