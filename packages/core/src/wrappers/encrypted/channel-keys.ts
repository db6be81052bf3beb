import { importChannelKey } from '../../crypto/envelope.js';
import { RealtimeError } from '../../errors.js';
import type { ChannelKeySource } from './channel-key-source.js';
import { KEY_RETRY_MS } from './encrypted-constants.js';
import type { EncryptedContext } from './encrypted-context.js';

/** A key requested for a channel: pending, imported, or failed. */
interface KeyEntry {
  readonly promise: Promise<CryptoKey>;
  /** The arrival counter when it was requested: a key requested after a frame arrived is no older than that frame. */
  readonly requestedAt: number;
  failedAt?: number;
}

/** The channel keys of one encrypted transport: fetched on first use, cached, asked again after a failure. */
export interface ChannelKeys {
  /** The key of `channel`: the cached one, or a new request when there is none or it failed over `KEY_RETRY_MS` ago. */
  keyFor(channel: string): KeyEntry;
  /**
   * The key to retry a payload with after `used` failed to open it, or undefined when retrying cannot help: the key
   * in hand was requested after the frame arrived, so it is already the newest.
   */
  rotatedKey(channel: string, used: KeyEntry, arrival: number): KeyEntry | undefined;
  /** A new session began: keys that failed are asked for again on their next use. */
  forgetFailed(): void;
  /** Forgets the key of one channel, or all of them. */
  forget(channel?: string): void;
}

export function createChannelKeys(
  context: EncryptedContext,
  source: ChannelKeySource,
  keyTimeoutMs: number,
): ChannelKeys {
  const keys = new Map<string, KeyEntry>();

  function keyFor(channel: string): KeyEntry {
    const entry = keys.get(channel);
    if (entry && (entry.failedAt === undefined || Date.now() - entry.failedAt < KEY_RETRY_MS)) return entry;
    return requestKey(channel);
  }

  function requestKey(channel: string): KeyEntry {
    const aborter = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new RealtimeError(
          'timeout',
          `encryptedTransport: the key of "${channel}" did not come within ${keyTimeoutMs} ms.`,
          { retryable: true },
        );
        aborter.abort(error);
        reject(error);
      }, keyTimeoutMs);
    });
    const promise = Promise.race([source(channel, aborter.signal), timedOut])
      .then((key) => importChannelKey(key, context.cryptoApi))
      .finally(() => clearTimeout(timer));
    const entry: KeyEntry = { promise, requestedAt: context.arrivals };
    keys.set(channel, entry);
    // Remembered (not thrown) here: every user of the entry awaits it and handles the failure.
    promise.catch(() => {
      entry.failedAt = Date.now();
    });
    return entry;
  }

  return {
    keyFor,
    rotatedKey(channel, used, arrival) {
      const current = keys.get(channel);
      if (current && current !== used) return keyFor(channel);
      return used.requestedAt < arrival ? requestKey(channel) : undefined;
    },
    forgetFailed() {
      for (const [channel, entry] of keys) if (entry.failedAt !== undefined) keys.delete(channel);
    },
    forget(channel) {
      if (channel === undefined) keys.clear();
      else keys.delete(channel);
    },
  };
}
