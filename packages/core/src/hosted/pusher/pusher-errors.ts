import { RealtimeError, type RealtimeErrorCode } from '../../errors.js';
import { isRecord } from '../../lib/is-record.js';
import { safeText } from '../../lib/safe-json.js';

interface PusherConnectionError {
  readonly type?: string;
  readonly error?: unknown;
  readonly data?: { readonly code?: number | null; readonly message?: string } | null;
}

/** What an `error` pusher-js reports on its connection is, for the adapter. */
export type PusherErrorReport =
  /** Nothing to report: a lost connection (`connecting_in` reports it) or an error of pusher-js itself. */
  | { readonly kind: 'ignored' }
  /** Pusher sent text that is not JSON. */
  | { readonly kind: 'unparsable'; readonly error: RealtimeError }
  /** A `pusher:error`: `code` is Pusher's (null for the classic signature refusal). */
  | { readonly kind: 'pusher'; readonly code: number | null; readonly message: string };

/** Reads an `error` event of `pusher.connection`. */
export function readPusherError(raw: unknown): PusherErrorReport {
  // A refusal during the handshake arrives wrapped: { type: 'WebSocketError', error: { type: 'PusherError', … } }.
  const unwrapped = isRecord(raw) && raw.type === 'WebSocketError' && isRecord(raw.error) ? raw.error : raw;
  const error = isRecord(unwrapped) ? (unwrapped as PusherConnectionError) : {};
  if (error.type !== 'PusherError' || !isRecord(error.data)) {
    if (error.type !== 'MessageParseError') return { kind: 'ignored' };
    const text = safeText(isRecord(raw) ? raw.data : raw);
    return {
      kind: 'unparsable',
      error: new RealtimeError('bad_frame', 'Pusher sent a message that is not JSON; it was dropped.', { raw: text }),
    };
  }
  const code = typeof error.data.code === 'number' ? error.data.code : null;
  // A WebSocket close code (1006 …): a lost connection, which `connecting_in` reports.
  if (code !== null && code < 4000) return { kind: 'ignored' };
  const message = typeof error.data.message === 'string' ? error.data.message : 'Pusher reported an error.';
  return { kind: 'pusher', code, message };
}

/** Pusher refused the connection itself (4000–4099): pusher-js does not retry. Null for other codes. */
export function connectionRefusal(code: number | null, message: string): RealtimeError | null {
  if (code === null || code < 4000 || code >= 4100) return null;
  return new RealtimeError(
    code === 4009 ? 'unauthorized' : 'policy_violation',
    `Pusher refused the connection (${code}: ${message}); pusher-js does not retry. Fix the cause, then call reconnect().`,
  );
}

/** Our code for a Pusher error that is neither a refused connection nor a refused subscription. */
export function pusherErrorCode(code: number | null, message: string): RealtimeErrorCode {
  if (code === 4301) return 'rate_limited';
  if (code !== null && code < 4200) return 'unavailable';
  if (code !== null && code < 4300) return 'network';
  return /client event/i.test(message) ? 'forbidden' : 'bad_frame';
}

/** Whether a Pusher error message names `channel` (as in "… hex digest of 123.456:private-room, but got …"). */
export function mentions(message: string, channel: string): boolean {
  return new RegExp(`(^|[\\s:"'(])${channel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s:,"').])`).test(message);
}
