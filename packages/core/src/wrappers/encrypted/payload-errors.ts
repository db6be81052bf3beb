import { RealtimeError, isRealtimeError } from '../../errors.js';
import type { FrameError } from '../../protocol/frames.js';

/** What sealing or opening a payload on `channel` threw, as a typed error (WebCrypto throws plain errors). */
export function asPayloadError(error: unknown, channel: string): RealtimeError {
  return isRealtimeError(error)
    ? error
    : new RealtimeError(
        'decryption_failed',
        `encryptedTransport: a payload on "${channel}" could not be sealed or opened: ${String(error)}`,
        { cause: error },
      );
}

/** An error as a frame carries it to the client. */
export function toFrameError(error: RealtimeError): FrameError {
  return { code: error.code, message: error.message };
}
