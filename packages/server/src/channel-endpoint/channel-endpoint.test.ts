import type { ServerFrame } from '@realtime-kit/core';
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../events.js';
import { createChannelEndpoint } from './channel-endpoint.js';

const URL_BASE = 'https://app.test/api/realtime';

/** Every frame of a channel endpoint's event stream, until it ends. */
async function streamFrames(response: Response): Promise<ServerFrame[]> {
  const text = await response.text();
  return [...text.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1]!) as ServerFrame);
}

describe('createChannelEndpoint: token expiry', () => {
  it('ends a stream session when its user’s token expires, after an error frame token_expired', async () => {
    const events: ServerEvent[] = [];
    const endpoint = createChannelEndpoint({
      authenticate: () => ({ userId: 'ann', expiresAt: Date.now() + 200 }),
      heartbeatMs: false,
      onEvent: (event) => events.push(event),
    });
    const frames = await streamFrames(await endpoint.GET(new Request(URL_BASE)));
    expect(frames.map((frame) => frame.type)).toEqual(['welcome', 'error']);
    expect(frames[1]).toEqual({ type: 'error', error: { code: 'token_expired', message: expect.any(String) } });
    expect(endpoint.sessions).toBe(0);
    expect(events.map((event) => event.type)).toEqual(['connect', 'auth_failure', 'disconnect']);
    expect(events[1]).toEqual({
      type: 'auth_failure',
      transport: 'sse',
      code: 'token_expired',
      reason: 'token expired',
      userId: 'ann',
    });
  });

  it('ends a long-polling session then: the waiting poll takes the error frame, the next one finds the session gone', async () => {
    const endpoint = createChannelEndpoint({
      authenticate: () => ({ userId: 'ann', expiresAt: Date.now() + 200 }),
      polling: { waitMs: 5000 },
    });
    const [welcome] = (await (await endpoint.GET(new Request(`${URL_BASE}?transport=polling`))).json()) as {
      session: string;
    }[];
    const waiting = await endpoint.GET(new Request(`${URL_BASE}?transport=polling&session=${welcome!.session}&ack=1`));
    expect(await waiting.json()).toEqual([
      { type: 'error', error: { code: 'token_expired', message: expect.any(String) } },
    ]);
    const next = await endpoint.GET(new Request(`${URL_BASE}?transport=polling&session=${welcome!.session}&ack=2`));
    expect(next.status).toBe(410);
    expect(await next.json()).toEqual({ error: { code: 'session_gone', message: expect.any(String) } });
  });
});
