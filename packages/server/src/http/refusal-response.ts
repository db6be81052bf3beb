import { httpStatusOf } from '@realtime-kit/core';
import type { FrameError, HttpRefusalCode, RealtimeErrorCode } from '@realtime-kit/core';

/**
 * Statuses HTTP has for a few refusals that are more precise than the status of their code in core's table. Each
 * sits in its code's row: clients (core's `httpStatusVerdict`) act on it as on `httpStatusOf(code)`, so a client
 * that only knows the table behaves the same.
 */
export const PRECISE_STATUSES = {
  /** A body not declared `Content-Type: application/json` (a cross-site form, `text/plain`): a `bad_frame`. */
  unsupported_media_type: { status: 415, code: 'bad_frame' },
  /** Data a payload schema refused: a `bad_frame` the body names `invalid_payload`. */
  unprocessable_content: { status: 422, code: 'bad_frame' },
  /** A method the handler does not serve (it answers `Allow`): the request is wrong, as a `bad_frame` (a client stops a GET, drops a POST). */
  method_not_allowed: { status: 405, code: 'bad_frame' },
} as const satisfies Record<string, { readonly status: number; readonly code: HttpRefusalCode }>;

export type PreciseStatus = keyof typeof PRECISE_STATUSES;

/**
 * One refusal the server answers over HTTP, as JSON `{ error: { code, message } }`. Its status comes from core's
 * one table (`httpStatusOf(code)`), or from {@link PRECISE_STATUSES} within the same row.
 */
export interface HttpRefusal {
  /** The refusal's row in core's status table: what clients do about it. */
  readonly code: HttpRefusalCode;
  readonly message: string;
  /** The code the body names when it is more precise than `code` (a hub's `invalid_payload` or `rejected`). Default `code`. */
  readonly named?: RealtimeErrorCode;
  /** HTTP's more precise status for it, in the row of `code`. */
  readonly precise?: PreciseStatus;
  /** Sent as `Retry-After` (whole seconds, at least 1): when trying again may succeed. */
  readonly retryAfterMs?: number;
  /** More fields of the body's `error` (a 429's `retryAfterMs`, as `tooManyRequests` answers it). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** More fields of the body beside `error` (where a batch stopped: its `index` and the `results` before it). */
  readonly beside?: Readonly<Record<string, unknown>>;
}

/** The status a refusal is answered with: `httpStatusOf(code)`, or its precise status in the same row. */
export function statusOfRefusal(refusal: HttpRefusal): number {
  if (refusal.precise === undefined) return httpStatusOf(refusal.code);
  const precise = PRECISE_STATUSES[refusal.precise];
  // A precise status outside its row would answer clients differently than the table says: a bug here, not input.
  if (precise.code !== refusal.code)
    throw new TypeError(`A ${precise.status} answers ${precise.code}, not ${refusal.code}.`);
  return precise.status;
}

/**
 * The response for a refusal: its status (see {@link statusOfRefusal}), the JSON body, `Retry-After` when given,
 * `Cache-Control: no-store`, and the endpoint's own `headers` (CORS, `Allow`).
 */
export function refusalResponse(refusal: HttpRefusal, headers?: HeadersInit): Response {
  const answer = new Headers(headers);
  answer.set('Cache-Control', 'no-store');
  if (refusal.retryAfterMs !== undefined) answer.set('Retry-After', String(retryAfterSeconds(refusal.retryAfterMs)));
  const error = { code: refusal.named ?? refusal.code, message: refusal.message, ...refusal.fields };
  return Response.json({ error, ...refusal.beside }, { status: statusOfRefusal(refusal), headers: answer });
}

/** The codes of core's status table, so a hub's code can be told apart from the ones it has no row for. */
const TABLE_CODES: Readonly<Record<HttpRefusalCode, true>> = {
  bad_frame: true,
  unauthorized: true,
  token_expired: true,
  forbidden: true,
  not_found: true,
  session_gone: true,
  message_too_large: true,
  too_many_channels: true,
  rate_limited: true,
  unavailable: true,
  server_error: true,
};

/** Whether `code` has a row in core's status table. */
export function isHttpRefusalCode(code: unknown): code is HttpRefusalCode {
  return typeof code === 'string' && Object.hasOwn(TABLE_CODES, code);
}

/**
 * A hub's refusal of a frame (a `nack` or `error`), answered over HTTP. The hub's `unauthorized` is a channel its
 * `authorize` refused: authenticated, not allowed, so `forbidden` (new credentials would not help). Codes without a
 * row of their own (`invalid_payload`, `rejected`, a newer server's) are `bad_frame`s that keep their name.
 */
export function refusalOfFrameError(error: FrameError): HttpRefusal {
  const retry =
    typeof error.retryAfterMs === 'number' && Number.isFinite(error.retryAfterMs)
      ? { retryAfterMs: error.retryAfterMs }
      : {};
  const { code, message } = error;
  if (code === 'unauthorized') return { code: 'forbidden', message, ...retry };
  if (code === 'invalid_payload')
    return { code: 'bad_frame', named: 'invalid_payload', precise: 'unprocessable_content', message };
  if (isHttpRefusalCode(code)) return { code, message, ...retry };
  return { code: 'bad_frame', named: code as RealtimeErrorCode, message, ...retry };
}

/**
 * Milliseconds as a `Retry-After` value: whole seconds, rounded up, at least 1 (a `Retry-After: 0` makes clients
 * retry at once).
 *
 * ```ts
 * retryAfterSeconds(1200) // 2
 * retryAfterSeconds(0)    // 1
 * ```
 */
export function retryAfterSeconds(ms: number): number {
  if (!Number.isFinite(ms)) return 1;
  return Math.max(1, Math.ceil(ms / 1000));
}
