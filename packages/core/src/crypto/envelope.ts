import { RealtimeError } from '../errors.js';
import { fromBase64, toBase64 } from './base64.js';

/** Channels whose names start with this are end-to-end encrypted (the prefix Pusher users know). */
export const ENCRYPTED_CHANNEL_PREFIX = 'private-encrypted-';

/**
 * The event name presence member data is sealed under (its additional authenticated data is
 * `channel + '\n' + PRESENCE_EVENT`), so sealed presence data is bound to its channel like a message.
 */
export const PRESENCE_EVENT = '$presence';

/** Bytes of an AES-256 key. */
export const CHANNEL_KEY_BYTES = 32;
/** Bytes of an AES-GCM nonce: 96 bits, fresh and random for every message. */
export const IV_BYTES = 12;
/** Bytes of the AES-GCM authentication tag at the end of `ct`. */
const TAG_BYTES = 16;

/**
 * What replaces `data` on the wire in an encrypted channel: AES-256-GCM of the JSON text of the data, with a
 * random 96-bit `iv` and `channel + '\n' + event` as additional authenticated data. `ct` is the ciphertext with
 * its 128-bit tag. Both are standard base64.
 */
export interface EncryptedEnvelope {
  readonly e2e: 1;
  readonly iv: string;
  readonly ct: string;
}

/** Whether `channel` is end-to-end encrypted by name: it starts with {@link ENCRYPTED_CHANNEL_PREFIX}. */
export function isEncryptedChannel(channel: string): boolean {
  return channel.startsWith(ENCRYPTED_CHANNEL_PREFIX);
}

/**
 * Whether `value` has the shape of an {@link EncryptedEnvelope} (a 12-byte `iv`, a `ct` at least as long as the
 * tag). It says nothing about whether it opens: only the key can tell. The server uses it to refuse plaintext
 * published on an encrypted channel.
 */
export function isEncryptedEnvelope(value: unknown): value is EncryptedEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { e2e, iv, ct } = value as Record<string, unknown>;
  if (e2e !== 1 || typeof iv !== 'string' || typeof ct !== 'string') return false;
  if (Object.keys(value).length !== 3) return false;
  return fromBase64(iv)?.length === IV_BYTES && (fromBase64(ct)?.length ?? 0) >= TAG_BYTES;
}

/** A channel key as a `CryptoKey` (AES-GCM) or as the base64 text of its 32 bytes (what a key endpoint returns). */
export type ChannelKeyInput = CryptoKey | string;

/**
 * The AES-GCM `CryptoKey` for a channel key given as base64 text of 32 bytes (a `CryptoKey` is checked and
 * returned as is). Throws `RealtimeError('bad_data')` for anything else.
 *
 * ```ts
 * const key = await importChannelKey('q83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng=')
 * ```
 */
export async function importChannelKey(
  key: ChannelKeyInput,
  cryptoApi: Crypto = globalThis.crypto,
): Promise<CryptoKey> {
  if (typeof key !== 'string') {
    if (key?.algorithm?.name !== 'AES-GCM') {
      throw new RealtimeError('bad_data', 'A channel key must be an AES-GCM CryptoKey or the base64 text of 32 bytes.');
    }
    return key;
  }
  const bytes = fromBase64(key);
  if (bytes?.length !== CHANNEL_KEY_BYTES) {
    throw new RealtimeError(
      'bad_data',
      `A channel key must be the base64 text of ${CHANNEL_KEY_BYTES} bytes (got ${bytes === undefined ? 'text that is not base64' : `${bytes.length} bytes`}).`,
    );
  }
  return cryptoApi.subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** The additional authenticated data of a sealed payload: a ciphertext moved to another channel or event fails to open. */
export function envelopeAad(channel: string, event: string): string {
  return `${channel}\n${event}`;
}

/**
 * The plaintext sealed for `data`: its JSON text, or `''` for `undefined` (as on the wire, where an undefined
 * `data` is absent). Throws a `TypeError` for data JSON cannot carry (a `BigInt`, a cycle), synchronously, so a
 * caller can refuse it before anything is queued.
 *
 * @internal Exported for the transport wrapper; not part of the package's entry.
 */
export function serializeData(data: unknown): string {
  return JSON.stringify(data) ?? '';
}

/** @internal The inverse of {@link serializeData}; `bad_data` when authentic plaintext is not JSON. */
export function parseData(text: string, channel: string, event: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new RealtimeError(
      'bad_data',
      `The "${event}" payload on "${channel}" opened but is not JSON: it was sealed by another program.`,
      { cause },
    );
  }
}

/**
 * Seals plaintext for `event` on `channel`.
 *
 * @internal Exported for the transport wrapper; use {@link sealData}.
 */
export async function sealEnvelope(
  key: CryptoKey,
  channel: string,
  event: string,
  plaintext: string,
  cryptoApi: Crypto = globalThis.crypto,
): Promise<EncryptedEnvelope> {
  const iv = cryptoApi.getRandomValues(new Uint8Array(IV_BYTES));
  const encoder = new TextEncoder();
  const sealed = await cryptoApi.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(envelopeAad(channel, event)) },
    key,
    encoder.encode(plaintext),
  );
  return { e2e: 1, iv: toBase64(iv), ct: toBase64(new Uint8Array(sealed)) };
}

/**
 * Opens an envelope sealed for `event` on `channel` and returns its plaintext. Rejects with
 * `RealtimeError('decryption_failed')` when `value` is not an envelope, was tampered with, was sealed for another
 * channel or event, or with another key.
 *
 * @internal Exported for the transport wrapper; use {@link openData}.
 */
export async function openEnvelope(
  key: CryptoKey,
  channel: string,
  event: string,
  value: unknown,
  cryptoApi: Crypto = globalThis.crypto,
): Promise<string> {
  if (!isEncryptedEnvelope(value)) throw notSealedError(channel, event);
  const encoder = new TextEncoder();
  let opened: ArrayBuffer;
  try {
    opened = await cryptoApi.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64(value.iv)!, additionalData: encoder.encode(envelopeAad(channel, event)) },
      key,
      fromBase64(value.ct)!,
    );
  } catch (cause) {
    throw new RealtimeError(
      'decryption_failed',
      `The "${event}" payload on encrypted channel "${channel}" could not be opened: it was tampered with, moved from another channel or event, or sealed with another key.`,
      { cause },
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(opened);
  } catch (cause) {
    throw new RealtimeError(
      'bad_data',
      `The "${event}" payload on "${channel}" opened but is not UTF-8 text: it was sealed by another program.`,
      { cause },
    );
  }
}

/** @internal The error for a payload that is not an envelope where one is expected. */
export function notSealedError(channel: string, event: string): RealtimeError {
  return new RealtimeError(
    'decryption_failed',
    `The "${event}" payload on encrypted channel "${channel}" is not sealed ({ e2e: 1, iv, ct }): plaintext is never delivered on an encrypted channel.`,
  );
}

/**
 * Seals `data` (anything JSON can carry) for `event` on `channel`: AES-256-GCM with a fresh random 96-bit IV and
 * `channel + '\n' + event` as additional authenticated data. What `encryptedTransport` does to every publish on an
 * encrypted channel, and what a server holding the keys uses to publish one (see `sealForChannel` in
 * `@realtime-kit/server`).
 *
 * ```ts
 * const envelope = await sealData(key, 'private-encrypted-team', 'message', { text: 'hi' })
 * // { e2e: 1, iv: '…', ct: '…' }
 * ```
 */
export async function sealData(
  key: ChannelKeyInput,
  channel: string,
  event: string,
  data: unknown,
  cryptoApi: Crypto = globalThis.crypto,
): Promise<EncryptedEnvelope> {
  const plaintext = serializeData(data);
  return sealEnvelope(await importChannelKey(key, cryptoApi), channel, event, plaintext, cryptoApi);
}

/**
 * Opens what {@link sealData} sealed for the same `event` on the same `channel`. Rejects with
 * `RealtimeError('decryption_failed')` when it cannot (tampered, moved, another key, or not an envelope at all):
 * never returns garbage.
 *
 * ```ts
 * const data = await openData(key, 'private-encrypted-team', 'message', envelope) // { text: 'hi' }
 * ```
 */
export async function openData(
  key: ChannelKeyInput,
  channel: string,
  event: string,
  envelope: unknown,
  cryptoApi: Crypto = globalThis.crypto,
): Promise<unknown> {
  const plaintext = await openEnvelope(await importChannelKey(key, cryptoApi), channel, event, envelope, cryptoApi);
  return parseData(plaintext, channel, event);
}
