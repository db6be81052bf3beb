import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import type { FrameError } from './frames.js';

// A record, not an array, so adding a code to the union without listing it here fails to compile.
const KNOWN_CODES: Record<RealtimeErrorCode, true> = {
  unauthorized: true,
  not_found: true,
  no_content: true,
  bad_content_type: true,
  http_error: true,
  server_error: true,
  rate_limited: true,
  network: true,
  heartbeat_timeout: true,
  bad_data: true,
  bad_frame: true,
  message_too_large: true,
  slow_consumer: true,
  closed: true,
  policy_violation: true,
  outbox_full: true,
  queue_full: true,
  timeout: true,
  invalid_payload: true,
  unavailable: true,
  token_expired: true,
  forbidden: true,
  decryption_failed: true,
  rejected: true,
  too_many_channels: true,
  session_gone: true,
};

/** Whether `code` is a {@link RealtimeErrorCode}. */
export function isRealtimeErrorCode(code: unknown): code is RealtimeErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(KNOWN_CODES, code);
}

/**
 * The `RealtimeError` for a `nack`/`error` frame. A code this client does not know (a newer server) becomes
 * `server_error`, keeping the server's code in the message so nothing is lost.
 */
export function frameErrorToRealtimeError(error: FrameError, channel?: string): RealtimeError {
  // A server rule's refusal is its own words for the user: shown as they are.
  const where = channel === undefined || error.code === 'rejected' ? '' : ` (channel "${channel}")`;
  if (isRealtimeErrorCode(error.code)) {
    const { issues, details, retryAfterMs } = error;
    return new RealtimeError(error.code, `${error.message}${where}`, {
      cause: error,
      ...(Array.isArray(issues) ? { issues } : {}),
      ...(details === undefined ? {} : { details }),
      ...(typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? { retryAfterMs } : {}),
    });
  }
  return new RealtimeError(
    'server_error',
    `The server refused with "${String(error.code)}": ${error.message}${where}`,
    {
      cause: error,
    },
  );
}
