import { describe, expect, it } from 'vitest';
import { isRealtimeError } from '../errors.js';
import { fromBase64, toBase64 } from './base64.js';
import { importChannelKey, isEncryptedChannel, isEncryptedEnvelope, openData, sealData } from './envelope.js';

const KEY = toBase64(Uint8Array.from({ length: 32 }, (_, i) => i));
const OTHER_KEY = toBase64(Uint8Array.from({ length: 32 }, (_, i) => 255 - i));
const CHANNEL = 'private-encrypted-team';

/** The same base64 with one bit flipped in byte `index`. */
function flip(base64: string, index = 0): string {
  const bytes = fromBase64(base64)!;
  bytes[index] = bytes[index]! ^ 0x01;
  return toBase64(bytes);
}

async function expectDecryptionFailed(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isRealtimeError(error, 'decryption_failed')).toBe(true);
}

describe('sealData / openData', () => {
  it('round-trips any JSON data, and undefined', async () => {
    for (const data of [{ text: 'héllo 👋', n: [1, 2, { deep: null }] }, 'plain', 0, false, null, undefined]) {
      const envelope = await sealData(KEY, CHANNEL, 'message', data);
      expect(isEncryptedEnvelope(envelope)).toBe(true);
      expect(await openData(KEY, CHANNEL, 'message', envelope)).toEqual(data);
    }
  });

  it('hides the plaintext and uses a fresh IV for every seal', async () => {
    const first = await sealData(KEY, CHANNEL, 'message', { text: 'secret' });
    const second = await sealData(KEY, CHANNEL, 'message', { text: 'secret' });
    expect(first.iv).not.toBe(second.iv);
    expect(first.ct).not.toBe(second.ct);
    expect(JSON.stringify(first)).not.toContain('secret');
    expect(Object.keys(first).sort()).toEqual(['ct', 'e2e', 'iv']);
    expect(fromBase64(first.iv)).toHaveLength(12);
    // JSON text of the data plus the 16-byte tag.
    expect(fromBase64(first.ct)).toHaveLength(JSON.stringify({ text: 'secret' }).length + 16);
  });

  it('refuses a tampered ciphertext, tag or IV', async () => {
    const envelope = await sealData(KEY, CHANNEL, 'message', { text: 'secret' });
    const ctLength = fromBase64(envelope.ct)!.length;
    await expectDecryptionFailed(openData(KEY, CHANNEL, 'message', { ...envelope, ct: flip(envelope.ct, 0) }));
    await expectDecryptionFailed(
      openData(KEY, CHANNEL, 'message', { ...envelope, ct: flip(envelope.ct, ctLength - 1) }),
    );
    await expectDecryptionFailed(openData(KEY, CHANNEL, 'message', { ...envelope, iv: flip(envelope.iv, 5) }));
    // The untouched envelope still opens: the failures above are the tampering's.
    expect(await openData(KEY, CHANNEL, 'message', envelope)).toEqual({ text: 'secret' });
  });

  it('refuses a ciphertext moved to another channel or event (additional authenticated data)', async () => {
    const envelope = await sealData(KEY, CHANNEL, 'message', { text: 'secret' });
    await expectDecryptionFailed(openData(KEY, 'private-encrypted-other', 'message', envelope));
    await expectDecryptionFailed(openData(KEY, CHANNEL, 'edit', envelope));
  });

  it('refuses another key', async () => {
    const envelope = await sealData(KEY, CHANNEL, 'message', { text: 'secret' });
    await expectDecryptionFailed(openData(OTHER_KEY, CHANNEL, 'message', envelope));
  });

  it('refuses input that is not an envelope, without trying to open it', async () => {
    const envelope = await sealData(KEY, CHANNEL, 'message', 1);
    const notEnvelopes: unknown[] = [
      { text: 'plaintext' },
      'plaintext',
      null,
      undefined,
      [envelope.iv, envelope.ct],
      { ...envelope, e2e: 2 },
      { iv: envelope.iv, ct: envelope.ct },
      { ...envelope, iv: toBase64(new Uint8Array(16)) },
      { ...envelope, ct: toBase64(new Uint8Array(8)) },
      { ...envelope, ct: 'not base64!' },
      { ...envelope, extra: 'plaintext smuggled beside the seal' },
    ];
    for (const value of notEnvelopes) {
      expect(isEncryptedEnvelope(value)).toBe(false);
      await expectDecryptionFailed(openData(KEY, CHANNEL, 'message', value));
    }
  });

  it('accepts a CryptoKey as well as base64 text, and refuses malformed keys with bad_data', async () => {
    const cryptoKey = await importChannelKey(KEY);
    const envelope = await sealData(cryptoKey, CHANNEL, 'message', 'x');
    expect(await openData(KEY, CHANNEL, 'message', envelope)).toBe('x');
    for (const bad of [toBase64(new Uint8Array(16)), 'not base64!', '']) {
      await expect(importChannelKey(bad)).rejects.toMatchObject({ code: 'bad_data' });
    }
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    await expect(importChannelKey(hmac)).rejects.toMatchObject({ code: 'bad_data' });
  });

  it('refuses data JSON cannot carry', async () => {
    await expect(sealData(KEY, CHANNEL, 'message', { n: 1n })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('isEncryptedChannel', () => {
  it('is the private-encrypted- prefix', () => {
    expect(isEncryptedChannel('private-encrypted-team')).toBe(true);
    expect(isEncryptedChannel('private-team')).toBe(false);
    expect(isEncryptedChannel('room:private-encrypted-')).toBe(false);
  });
});
