/** Every way a realtime-kit operation can fail, as a closed union so a `switch` can be exhaustive. */
export type RealtimeErrorCode =
  /** 401/403, or the server refused the credentials. Not retried: fix the credentials, then `reconnect()`. */
  | 'unauthorized'
  /** 404: nothing is served at that URL. Not retried. */
  | 'not_found'
  /** 204 No Content: the server asked the client to stop reconnecting (WHATWG EventSource semantics). */
  | 'no_content'
  /** The response was not `text/event-stream`. Not retried. */
  | 'bad_content_type'
  /** Any other 4xx the server answered with. Not retried. */
  | 'http_error'
  /** 5xx: the server failed. Retried with backoff. */
  | 'server_error'
  /** 429 Too Many Requests. Retried with backoff (honouring `Retry-After`). */
  | 'rate_limited'
  /** The network failed (DNS, refused, reset) or the stream was cut. Retried with backoff. */
  | 'network'
  /** No bytes arrived within `heartbeatTimeoutMs`: the connection is presumed dead. Retried. */
  | 'heartbeat_timeout'
  /** One event's data could not be parsed (bad JSON). The stream goes on; the raw text is kept. */
  | 'bad_data'
  /** A frame did not follow the wire format. */
  | 'bad_frame'
  /** A message was larger than the configured limit. */
  | 'message_too_large'
  /** A client could not keep up and its send queue overflowed. */
  | 'slow_consumer'
  /** The connection was closed on purpose (by `close()` or the server). */
  | 'closed'
  /** The server refused the connection or channel as a policy violation (WebSocket 1008). Not retried. */
  | 'policy_violation'
  /** Too many publishes waiting while offline (`maxQueued`): this one was refused, none was dropped. */
  | 'outbox_full'
  /** A WebSocket's outbound queue (`maxQueued`) is full while not open: this send was refused, none was dropped. */
  | 'queue_full'
  /** A publish or request got no answer within its timeout. */
  | 'timeout'
  /** The server refused a publish whose data failed validation. */
  | 'invalid_payload'
  /** The server could not store or read messages (its message store, e.g. Redis, is down). Nothing was acknowledged; retry. */
  | 'unavailable'
  /** The token has expired: get a fresh one (the client's `auth()` is asked again). */
  | 'token_expired'
  /** The request was authenticated but is not allowed (an origin that is not allowed, a channel the user may not use). */
  | 'forbidden'
  /**
   * An end-to-end encrypted message could not be opened: it was tampered with, or sealed with another key. It is
   * never delivered (nothing unreadable reaches the UI); the channel moves past it.
   */
  | 'decryption_failed'
  /**
   * A server rule (`beforePublish`) refused the publish: `message` is the rule's own words for the user, `details`
   * what it attached. Not retried: the same publish would be refused again.
   */
  | 'rejected'
  /** A session asked for more channels at once than the server allows (its `maxChannelsPerSession`). Not retried. */
  | 'too_many_channels'
  /**
   * 410: the server no longer knows the session a request named (it restarted, or the session expired). The client
   * opens a new session at once and resumes from its last positions.
   */
  | 'session_gone';

/** One problem a payload schema found, with where it is (`['items', 0, 'name']`) when not at the root. */
export interface RealtimeErrorIssue {
  readonly message: string;
  readonly path?: readonly (string | number)[];
}

export interface RealtimeErrorOptions {
  cause?: unknown;
  /** HTTP status, when the error came from a response. */
  status?: number;
  /** Raw text that could not be handled (for `bad_data`). */
  raw?: string;
  /** Whether the connection retries after this error. */
  retryable?: boolean;
  /** For `invalid_payload`: what the schema found wrong. */
  issues?: readonly RealtimeErrorIssue[];
  /** For `rejected`: what the server rule attached to its refusal. */
  details?: unknown;
  /** For `rate_limited`: how long to wait before the same request can succeed. */
  retryAfterMs?: number;
}

/** The one error class realtime-kit throws or reports. Switch on `code`; show `message` to developers. */
export class RealtimeError extends Error {
  override readonly name = 'RealtimeError';
  readonly code: RealtimeErrorCode;
  readonly status?: number;
  readonly raw?: string;
  readonly retryable: boolean;
  /** For `invalid_payload`: what the schema found wrong (also in `cause`, for older code). */
  readonly issues?: readonly RealtimeErrorIssue[];
  /** For `rejected`: what the server rule attached to its refusal. */
  readonly details?: unknown;
  /** For `rate_limited`: how long to wait before the same request can succeed. */
  readonly retryAfterMs?: number;

  constructor(code: RealtimeErrorCode, message: string, options: RealtimeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.raw = options.raw;
    this.retryable = options.retryable ?? false;
    if (options.issues !== undefined) this.issues = options.issues;
    if (options.details !== undefined) this.details = options.details;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `value` is a `RealtimeError`, optionally with the given code. */
export function isRealtimeError(value: unknown, code?: RealtimeErrorCode): value is RealtimeError {
  return value instanceof RealtimeError && (code === undefined || value.code === code);
}
