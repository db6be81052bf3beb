import { describe, expect, it } from 'vitest';
import { RealtimeError } from '../../errors.js';
import { channelKeySource } from './channel-key-source.js';

const URL = 'https://app.test/keys';
const ROOM = 'private-encrypted-room';

function fromEndpoint(answer: () => Response | Promise<Response>) {
  return channelKeySource({ authEndpoint: URL, fetch: async () => answer() });
}

function refusal(source: ReturnType<typeof channelKeySource>): Promise<RealtimeError> {
  return source(ROOM, new AbortController().signal).then(
    () => {
      throw new Error('the key source resolved');
    },
    (error: unknown) => error as RealtimeError,
  );
}

describe('channelKeySource: the key endpoint', () => {
  it('reads { key } from a 200', async () => {
    await expect(fromEndpoint(() => Response.json({ key: 'a2V5' }))(ROOM, new AbortController().signal)).resolves.toBe(
      'a2V5',
    );
  });

  it('classifies refusals with the shared status table: the typed code of the body, else the status', async () => {
    const expired = await refusal(
      fromEndpoint(() =>
        Response.json({ error: { code: 'token_expired', message: 'Token expired.' } }, { status: 401 }),
      ),
    );
    expect(expired).toMatchObject({
      code: 'token_expired',
      status: 401,
      retryable: true,
      message: expect.stringContaining('Token expired.'),
    });

    const limited = await refusal(
      fromEndpoint(() => new Response(null, { status: 429, headers: { 'retry-after': '3' } })),
    );
    expect(limited).toMatchObject({ code: 'rate_limited', status: 429, retryable: true, retryAfterMs: 3000 });

    const failing = await refusal(fromEndpoint(() => new Response('upstream down', { status: 503 })));
    expect(failing).toMatchObject({ code: 'server_error', status: 503, retryable: true });

    const missing = await refusal(fromEndpoint(() => new Response(null, { status: 404 })));
    expect(missing).toMatchObject({ code: 'not_found', status: 404, retryable: false });
  });

  it('names the key request and the channel in the message, with what the endpoint said', async () => {
    const error = await refusal(
      fromEndpoint(() => Response.json({ error: { code: 'forbidden', message: 'Not a member.' } }, { status: 403 })),
    );
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe(`The key endpoint ${URL} refused the key of "${ROOM}" (403): Not a member.`);
  });

  it('reports an unreachable endpoint as network, and an answer without a key as bad_data', async () => {
    const unreachable = await refusal(
      channelKeySource({ authEndpoint: URL, fetch: () => Promise.reject(new TypeError('fetch failed')) }),
    );
    expect(unreachable).toMatchObject({ code: 'network', retryable: true });
    const keyless = await refusal(fromEndpoint(() => Response.json({ nope: true })));
    expect(keyless.code).toBe('bad_data');
  });
});

describe('channelKeySource: the key function', () => {
  it('passes a RealtimeError through and turns anything else into unavailable', async () => {
    const refused = new RealtimeError('forbidden', 'No.');
    expect(await refusal(channelKeySource({ key: () => Promise.reject(refused) }))).toBe(refused);
    expect(await refusal(channelKeySource({ key: () => Promise.reject(new Error('vault down')) }))).toMatchObject({
      code: 'unavailable',
      retryable: true,
      message: expect.stringContaining('vault down'),
    });
  });
});
