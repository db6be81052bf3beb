import { isRealtimeError, type RealtimeErrorCode } from '@realtime-kit/core';

/**
 * Refusals the same publish would meet again: a server rule said no (`rejected`), the payload does not fit its schema
 * (`invalid_payload`) or the size limit (`message_too_large`), the frame is malformed (`bad_frame`), or the user may
 * not publish here (`forbidden`). `unauthorized` is not among them: a fresh token or a change of rights can let the
 * same publish through (the client re-authenticates on reconnect).
 */
const REFUSED_FOR_GOOD: ReadonlySet<RealtimeErrorCode> = new Set<RealtimeErrorCode>([
  'rejected',
  'invalid_payload',
  'message_too_large',
  'bad_frame',
  'forbidden',
]);

/** Whether sending the same data again can succeed after `error` (unknown errors: yes, the user may try). */
export function canRetryPublish(error: unknown): boolean {
  return !(isRealtimeError(error) && REFUSED_FOR_GOOD.has(error.code));
}
