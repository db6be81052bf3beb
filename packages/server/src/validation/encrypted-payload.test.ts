import { sealData } from '@realtime-kit/core/encryption';
import { describe, expect, it } from 'vitest';
import { refuseUnsealed } from './encrypted-payload.js';

const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
const CHANNEL = 'private-encrypted-team';

describe('refuseUnsealed', () => {
  it('refuses plaintext publishes, signals and presence data on encrypted channels', () => {
    for (const frame of [
      { type: 'publish', channel: CHANNEL, event: 'message', data: { text: 'plain' }, cid: 'c1' },
      { type: 'publish', channel: CHANNEL, event: 'message', data: undefined, cid: 'c2' },
      { type: 'publish', channel: CHANNEL, event: 'message', data: { e2e: 1, iv: 'x', ct: 'y' }, cid: 'c3' },
      { type: 'signal', channel: CHANNEL, event: 'typing', data: true },
      { type: 'presence', channel: CHANNEL, action: 'enter', data: { name: 'Ann' } },
      { type: 'presence', channel: CHANNEL, action: 'update', data: 'away' },
    ] as const) {
      expect(refuseUnsealed(frame), frame.type).toMatchObject({
        code: 'invalid_payload',
        message: expect.stringContaining(CHANNEL),
      });
    }
  });

  it('lets sealed payloads, data-less presence, other frames and other channels through', async () => {
    const sealed = await sealData(KEY, CHANNEL, 'message', { text: 'secret' });
    for (const frame of [
      { type: 'publish', channel: CHANNEL, event: 'message', data: sealed, cid: 'c1' },
      { type: 'signal', channel: CHANNEL, event: 'typing', data: sealed },
      { type: 'presence', channel: CHANNEL, action: 'enter', data: sealed },
      { type: 'presence', channel: CHANNEL, action: 'enter' },
      { type: 'presence', channel: CHANNEL, action: 'update', status: 'idle' },
      { type: 'presence', channel: CHANNEL, action: 'leave' },
      { type: 'subscribe', channel: CHANNEL },
      { type: 'publish', channel: 'private-team', event: 'message', data: { text: 'plain' }, cid: 'c2' },
      { type: 'signal', channel: 'room:1', event: 'typing', data: true },
    ] as const) {
      expect(refuseUnsealed(frame)).toBeUndefined();
    }
  });
});
