import type * as Ably from 'ably';
import { RealtimeError, type RealtimeErrorCode } from '../../errors.js';
import type { FrameError } from '../../protocol/frames.js';

/** What an Ably `ErrorInfo` carries that the mapping reads. */
interface ErrorInfoLike {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/**
 * The {@link RealtimeErrorCode} for an Ably `ErrorInfo` (see Ably's error codes): 40142 → `token_expired`; 4016x and
 * 403xx → `forbidden`; other 401xx → `unauthorized`; 429xx → `rate_limited`; 40009 → `message_too_large`; other 400xx →
 * `invalid_payload`; 404xx → `not_found`; 5xxxx → `server_error`; 80019 (the app's authUrl/authCallback failed) →
 * what its cause maps to, else `unauthorized`; other 8xxxx (connection) → `network`; 9xxxx (channel) → `unavailable`.
 */
export function mapAblyError(error: unknown, fallback: RealtimeErrorCode): RealtimeErrorCode {
  const info = (typeof error === 'object' && error !== null ? error : {}) as ErrorInfoLike;
  const code = typeof info.code === 'number' ? info.code : null;
  const status = typeof info.statusCode === 'number' ? info.statusCode : null;
  if (code !== null) {
    if (code === 40142) return 'token_expired';
    if (code >= 40160 && code <= 40169) return 'forbidden';
    if (code >= 40100 && code <= 40199) return 'unauthorized';
    if (code >= 40300 && code <= 40399) return 'forbidden';
    if (code >= 42900 && code <= 42999) return 'rate_limited';
    if (code === 40009) return 'message_too_large';
    if (code >= 40400 && code <= 40499) return 'not_found';
    if (code >= 40000 && code <= 40099) return 'invalid_payload';
    if (code >= 50000 && code <= 59999) return 'server_error';
    if (code === 80019) {
      // The app's authUrl/authCallback failed: its own error says why, else Ably's status does (403 fails for good).
      const cause = mapAblyError(info.cause, 'server_error');
      if (cause === 'token_expired' || cause === 'forbidden' || cause === 'unauthorized') return cause;
      return status === 403 ? 'forbidden' : 'unauthorized';
    }
    if (code >= 80000 && code <= 80999) return 'network';
    if (code >= 90000 && code <= 90999) return 'unavailable';
  }
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status !== null && status >= 500) return 'server_error';
  return fallback;
}

/** Ably's code and message, for our error messages. */
export function describeAblyError(error: unknown): string {
  const info = (typeof error === 'object' && error !== null ? error : {}) as ErrorInfoLike;
  const message = typeof info.message === 'string' ? info.message : String(error);
  return typeof info.code === 'number' ? `Ably error ${info.code}: ${message}` : message;
}

/** A refusal by Ably as the `error` of a `nack` or `error` frame. */
export function toFrameError(cause: unknown, fallback: RealtimeErrorCode, what: string): FrameError {
  return { code: mapAblyError(cause, fallback), message: `${what} (${describeAblyError(cause)}).` };
}

/** A connection failure Ably reported (`reason`), as the connection state's error. */
export function toRealtimeError(
  reason: Ably.ErrorInfo | null,
  fallback: RealtimeErrorCode,
  what: string,
  retryable: boolean,
): RealtimeError {
  if (reason === null) return new RealtimeError(fallback, what, { retryable });
  const code = mapAblyError(reason, fallback);
  const hint =
    code === 'token_expired'
      ? ' The token expired and Ably could not get a valid new one from your authUrl/authCallback.'
      : code === 'unauthorized' || code === 'forbidden'
        ? ' Check what your authUrl/authCallback returns.'
        : '';
  return new RealtimeError(code, `${what} (${describeAblyError(reason)}).${hint}`, {
    cause: reason,
    retryable,
    ...(typeof reason.statusCode === 'number' ? { status: reason.statusCode } : {}),
  });
}

/** A connection-level failure (8xxxx, but not an auth callback's): the operation is re-done after reconnecting. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as ErrorInfoLike | null)?.code;
  return typeof code === 'number' && code >= 80000 && code <= 80999 && code !== 80019;
}
