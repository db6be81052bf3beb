import type { RealtimeErrorCode } from '../../errors.js';

/** The reason of a join the server refused (realtime-js puts the reply in `cause`), or null for a transport error. */
export function serverReason(error: Error | undefined): string | null {
  if (error === undefined) return null;
  const cause = (error as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null) {
    // A join refusal is the server's reply `{ reason }`; a CloseEvent has a `reason` too, with a numeric `code`.
    const { reason, code, type } = cause as { reason?: unknown; code?: unknown; type?: unknown };
    if (typeof reason === 'string' && typeof code !== 'number' && typeof type !== 'string')
      return reason || 'no reason given';
  }
  // The SDK's own refusal: the server's postgres_changes listeners did not match the ones asked for.
  if (/mismatch between server and client bindings/i.test(error.message)) return error.message;
  return null;
}

/** Maps Supabase's reasons ("Unauthorized: …", "ClientPresenceRateLimitReached", "Token has expired …") to our codes. */
export function classifyReason(reason: string): RealtimeErrorCode {
  if (/expired/i.test(reason)) return 'token_expired';
  if (/rate ?limit|too many/i.test(reason)) return 'rate_limited';
  if (/permission|private ?only|forbidden/i.test(reason)) return 'forbidden';
  if (/unauthori[sz]ed|jwt|token|signature|api key|apikey/i.test(reason)) return 'unauthorized';
  if (/size exceeded|too large/i.test(reason)) return 'message_too_large';
  if (/mismatch/i.test(reason)) return 'server_error';
  return 'unavailable';
}

/** The HTTP status of a refused WebSocket upgrade, where the WebSocket says it (`ws`: "Unexpected server response: 401"). */
export function upgradeStatusOf(event: unknown): number | null {
  const texts: string[] = [];
  if (typeof event === 'object' && event !== null) {
    const { message, error } = event as { message?: unknown; error?: unknown };
    if (typeof message === 'string') texts.push(message);
    if (error instanceof Error) texts.push(error.message);
  }
  for (const text of texts) {
    const match = /Unexpected server response: (\d{3})/.exec(text);
    if (match) return Number(match[1]);
  }
  return null;
}
