import { createHmac, randomBytes } from 'node:crypto';
import { isEncryptedEnvelope, openData } from '@realtime-kit/core/encryption';
import { describe, expect, it, vi } from 'vitest';
import { createChannelKeyHandler, deriveChannelKey, sealForChannel } from './channel-keys.js';

const MASTER = randomBytes(32).toString('base64');
const CHANNEL = 'private-encrypted-team';

function post(body: unknown, headers: Record<string, string> = {}) {
  return new Request('https://app.test/api/realtime/keys', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Signed in when the request carries `authorization: user <id>`. */
const authenticate = (request: Request) => {
  const match = /^user (\w+)$/.exec(request.headers.get('authorization') ?? '');
  return match ? { userId: match[1]! } : null;
};

describe('createChannelKeyHandler', () => {
  const handler = createChannelKeyHandler({
    masterKey: MASTER,
    authenticate,
    authorizeChannel: ({ userId }, channel) => userId === 'ann' || channel.endsWith('-open'),
  });

  it('answers an allowed user with the channel key: HMAC-SHA256(masterKey, channel), base64', async () => {
    const response = await handler(post({ channel: CHANNEL }, { authorization: 'user ann' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { channel: string; key: string };
    const expected = createHmac('sha256', Buffer.from(MASTER, 'base64')).update(CHANNEL).digest('base64');
    expect(body).toEqual({ channel: CHANNEL, key: expected });
    expect(await deriveChannelKey(MASTER, CHANNEL)).toBe(expected);
    // One key per channel.
    expect(await deriveChannelKey(MASTER, `${CHANNEL}-2`)).not.toBe(expected);
  });

  it('refuses with 400, 401, 403 and 405 as JSON { error: { code, message } }', async () => {
    const cases: [Request, number, string][] = [
      [post({ channel: 'private-team' }, { authorization: 'user ann' }), 400, 'bad_frame'],
      [post({ channel: 'room:1' }, { authorization: 'user ann' }), 400, 'bad_frame'],
      [post('not json', { authorization: 'user ann' }), 400, 'bad_frame'],
      [post({ channel: 42 }, { authorization: 'user ann' }), 400, 'bad_frame'],
      [post({ channel: CHANNEL }), 401, 'unauthorized'],
      [post({ channel: CHANNEL }, { authorization: 'user bob' }), 403, 'forbidden'],
      [new Request('https://app.test/api/realtime/keys'), 405, 'http_error'],
      [post({ channel: CHANNEL, pad: 'x'.repeat(5000) }, { authorization: 'user ann' }), 413, 'message_too_large'],
    ];
    for (const [request, status, code] of cases) {
      const response = await handler(request);
      expect(response.status, `${request.method} ${status}`).toBe(status);
      const body = (await response.json()) as { key?: unknown; error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toEqual(expect.any(String));
      expect(body.key).toBeUndefined();
    }
    // Bob may use the channels his rule allows.
    expect(
      (await handler(post({ channel: 'private-encrypted-team-open' }, { authorization: 'user bob' }))).status,
    ).toBe(200);
  });

  it('keeps a typed refusal of authenticate (token_expired) and answers 500 when a hook throws', async () => {
    const onError = vi.fn();
    const expired = createChannelKeyHandler({
      masterKey: MASTER,
      authenticate: () => ({ ok: false, error: { code: 'token_expired', message: 'Expired.' } }),
    });
    const response = await expired(post({ channel: CHANNEL }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'token_expired', message: 'Expired.' } });

    const failing = createChannelKeyHandler({
      masterKey: MASTER,
      authorizeChannel: () => Promise.reject(new Error('db down')),
      onError,
    });
    const failed = await failing(post({ channel: CHANNEL }));
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('server_error');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'db down' }));
  });

  it('validates its configuration with clear errors', () => {
    expect(() => createChannelKeyHandler({ masterKey: 'short', authenticate })).toThrow(
      /base64 text of 32 random bytes \(got text that is not base64\)/,
    );
    expect(() => createChannelKeyHandler({ masterKey: randomBytes(16).toString('base64'), authenticate })).toThrow(
      /got 16 bytes/,
    );
    expect(() => createChannelKeyHandler({ masterKey: MASTER })).toThrow(/authenticate`, `authorizeChannel` or both/);
  });
});

describe('sealForChannel', () => {
  it('seals what a client holding the channel key opens, for that channel and event only', async () => {
    const envelope = await sealForChannel(MASTER, CHANNEL, 'message', { text: 'from a Server Action' });
    expect(isEncryptedEnvelope(envelope)).toBe(true);
    const key = await deriveChannelKey(MASTER, CHANNEL);
    expect(await openData(key, CHANNEL, 'message', envelope)).toEqual({ text: 'from a Server Action' });
    await expect(openData(key, CHANNEL, 'other', envelope)).rejects.toMatchObject({ code: 'decryption_failed' });
    await expect(
      openData(await deriveChannelKey(MASTER, `${CHANNEL}-2`), `${CHANNEL}-2`, 'message', envelope),
    ).rejects.toMatchObject({ code: 'decryption_failed' });
  });

  it('refuses a malformed master key', async () => {
    await expect(sealForChannel('', CHANNEL, 'message', 1)).rejects.toThrow(TypeError);
  });
});
