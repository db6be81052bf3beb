import type { ClientFrame, FrameError } from '@realtime-kit/core';
import { isEncryptedChannel, isEncryptedEnvelope } from '@realtime-kit/core/encryption';

/**
 * The refusal (`invalid_payload`) for a client frame that would put plaintext on an end-to-end encrypted channel
 * (`private-encrypted-…`): a publish or signal whose `data` is not a sealed envelope `{ e2e: 1, iv, ct }`, or a
 * presence enter/update carrying unsealed data. Undefined for every other frame. It stops a client that forgot
 * `encryptedTransport` from leaking plaintext to the server and to the other members (who could not read it anyway).
 *
 * ```ts
 * const refusal = refuseUnsealed(frame)
 * if (refusal) return refusal   // from the hub's `admit`
 * ```
 */
export function refuseUnsealed(frame: Exclude<ClientFrame, { type: 'ping' }>): FrameError | undefined {
  if (!isEncryptedChannel(frame.channel)) return undefined;
  switch (frame.type) {
    case 'publish':
      // Deletions and reactions carry no message text: they come unsealed (the hub counts reactions).
      if (frame.action === 'delete' || frame.action === 'reaction') return undefined;
      return isEncryptedEnvelope(frame.data) ? undefined : unsealed(frame.channel, `"${frame.event}"`);
    case 'signal':
      return isEncryptedEnvelope(frame.data) ? undefined : unsealed(frame.channel, `"${frame.event}"`);
    case 'presence':
      return frame.action === 'leave' || frame.data === undefined || isEncryptedEnvelope(frame.data)
        ? undefined
        : unsealed(frame.channel, 'presence data');
    default:
      return undefined;
  }
}

function unsealed(channel: string, what: string): FrameError {
  return {
    code: 'invalid_payload',
    message: `Refused ${what} on "${channel}": an end-to-end encrypted channel takes sealed payloads only ({ e2e: 1, iv, ct }). Wrap the client's transport in encryptedTransport() from @realtime-kit/core/encryption, or publish from the server with sealForChannel().`,
  };
}
