// Every refusal of the server kit over a real WebSocket endpoint on 127.0.0.1, with the rules of createRealtime
// (JWT auth, private channels, rate limits, payload schemas, origin check): each is a typed error, reported to
// onEvent, and the server keeps serving the next client.
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import {
  createJwtVerifier,
  createRealtime,
  createStreamTokens,
  createMemoryStore,
  type ServerEvent,
} from '../src/index.js';
import { cleanup, onCleanup, rawSocket, startEndpoint, WAIT } from './ws-helpers.js';

afterEach(cleanup);

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const jwt = createJwtVerifier({ secret: SECRET });

async function token(userId: string, expiresIn: string | number = '5m') {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(SECRET));
}

async function server(events: ServerEvent[]) {
  const store = createMemoryStore();
  const streamTokens = createStreamTokens({ store });
  const realtime = await createRealtime({
    redis: false,
    store,
    authorizeChannel: ({ userId }, channel) => channel === `private-${String(userId)}`,
    rateLimit: { perConnection: { capacity: 5, refillPerSecond: 0.001 }, perUser: false },
    schemas: { chat: z.object({ text: z.string().max(100) }) },
    onEvent: (event) => events.push(event),
  });
  onCleanup(() => realtime.close());
  const running = await startEndpoint({
    realtime,
    checkOrigin: (origin) => origin === null || origin === 'https://app.example.com',
    // A JWT, or a single-use stream token (`st_` prefix) issued by the app.
    authenticate: async (value) => (value?.startsWith('st_') ? streamTokens.redeem(value.slice(3)) : jwt.verify(value)),
    maxMessageBytes: 1024,
    onError: () => {},
  });
  return { ...running, streamTokens };
}

/** Opens a raw socket and resolves with its close code and reason (or 'open' once welcomed). */
function attempt(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  onCleanup(() => socket.terminate());
  socket.on('error', () => {});
  return new Promise<{ code: number; reason: string } | 'open'>((resolve) => {
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'welcome') resolve('open');
    });
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });
}

describe('refusals, each typed, the server stays up', () => {
  it('connection refusals: no token, bad token, expired token, reused stream token, origin not allowed', async () => {
    const events: ServerEvent[] = [];
    const { url, streamTokens, endpoint } = await server(events);

    expect(await attempt(url)).toEqual({ code: 4401, reason: 'unauthorized' });
    expect(await attempt(`${url}?token=not-a-jwt`)).toEqual({ code: 4401, reason: 'unauthorized' });
    expect(await attempt(`${url}?token=${await token('ann', Math.floor(Date.now() / 1000) - 60)}`)).toEqual({
      code: 4401,
      reason: 'token_expired',
    });

    const single = await streamTokens.issue({ userId: 'ann' });
    expect(await attempt(`${url}?token=st_${single}`)).toBe('open');
    expect(await attempt(`${url}?token=st_${single}`)).toEqual({ code: 4401, reason: 'unauthorized' });

    const good = await token('ann');
    expect(await attempt(`${url}?token=${good}`, { origin: 'https://evil.example.com' })).toEqual({
      code: 1008,
      reason: 'origin not allowed',
    });
    expect(await attempt(`${url}?token=${good}`, { origin: 'https://app.example.com' })).toBe('open');

    const failures = events.flatMap((event) => (event.type === 'auth_failure' ? [event.code] : []));
    expect(failures).toEqual(['unauthorized', 'unauthorized', 'token_expired', 'unauthorized', 'forbidden']);
    // Only the two accepted connections are open.
    await vi.waitFor(() => expect(endpoint.clients).toBe(2), WAIT);
  });

  it('frame refusals: private channel, oversize, schema-invalid and rate-limited publishes', async () => {
    const events: ServerEvent[] = [];
    const { url } = await server(events);
    const ann = await rawSocket(`${url}?token=${await token('ann')}`);
    const send = (frame: object) => ann.send(JSON.stringify(frame));

    send({ type: 'subscribe', channel: 'private-bob' });
    send({ type: 'subscribe', channel: 'private-ann' });
    send({ type: 'publish', channel: 'room', event: 'chat', data: { text: 'x'.repeat(2000) }, cid: 'big' });
    send({ type: 'publish', channel: 'room', event: 'chat', data: { text: 42 }, cid: 'bad' });
    await vi.waitFor(
      () =>
        expect(
          ann.frames.filter((frame) => frame.type === 'nack' || frame.type === 'error' || frame.type === 'subscribed'),
        ).toHaveLength(4),
      WAIT,
    );
    const answers = ann.frames.filter(
      (frame) => frame.type === 'nack' || frame.type === 'error' || frame.type === 'subscribed',
    );
    // The size check answers at once; the others after the hub's (asynchronous) rules: compare without order.
    expect(answers).toHaveLength(4);
    expect(answers).toEqual(
      expect.arrayContaining([
        { type: 'error', channel: 'private-bob', error: { code: 'unauthorized', message: expect.any(String) } },
        { type: 'subscribed', channel: 'private-ann', seq: 0, epoch: expect.any(String) },
        { type: 'error', error: { code: 'message_too_large', message: expect.stringContaining('1024') } },
        {
          type: 'nack',
          channel: 'room',
          cid: 'bad',
          error: expect.objectContaining({ code: 'invalid_payload', message: expect.stringContaining('text') }),
        },
      ]),
    );

    // The bucket holds 5 and barely refills; the invalid publish spent 1 (subscribes have a budget of their own, and
    // the refused private channel never reached a limiter): of 10 publishes, 4 pass and 6 are refused.
    ann.frames.length = 0;
    for (let i = 0; i < 10; i += 1)
      send({ type: 'publish', channel: 'room', event: 'chat', data: { text: `n${i}` }, cid: `c${i}` });
    await vi.waitFor(
      () => expect(ann.frames.filter((frame) => frame.type === 'ack' || frame.type === 'nack')).toHaveLength(10),
      WAIT,
    );
    const limited = ann.frames.filter((frame) => frame.type === 'nack' && frame.error.code === 'rate_limited');
    expect(limited).toHaveLength(6);
    expect(ann.frames.filter((frame) => frame.type === 'ack')).toHaveLength(4);
    expect(limited[0]).toMatchObject({ error: { retryAfterMs: expect.any(Number) } });
    expect(events.filter((event) => event.type === 'limit')).toHaveLength(6);
    expect(
      events.filter((event) => event.type === 'refused').map((event) => event.type === 'refused' && event.code),
    ).toEqual(['message_too_large', 'invalid_payload']);

    // Still up: a fresh connection is served.
    const bob = await rawSocket(`${url}?token=${await token('bob')}`);
    bob.send(JSON.stringify({ type: 'publish', channel: 'room', event: 'chat', data: { text: 'hi' }, cid: 'b1' }));
    await vi.waitFor(() => expect(bob.frames.some((frame) => frame.type === 'ack')).toBe(true), WAIT);
    expect(ann.closed()).toBeNull();
  });
});

describe('Socket.io refusals with the same rules', () => {
  it('JWT auth (missing, expired, valid), private channel and schema refusals arrive typed', async () => {
    const { createServer } = await import('node:http');
    const { createSocketServer } = await import('../src/socket-io/index.js');
    const { io: connectSocket } = await import('socket.io-client');
    const events: ServerEvent[] = [];
    const realtime = await createRealtime({
      redis: false,
      authorizeChannel: ({ userId }, channel) => channel === `private-${String(userId)}`,
      schemas: { chat: z.object({ text: z.string() }) },
      onEvent: (event) => events.push(event),
    });
    const http = createServer();
    const sockets = createSocketServer(http, { realtime, authenticate: (value) => jwt.verify(value) });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    onCleanup(async () => {
      await sockets.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;

    const refusal = async (auth: Record<string, string>) => {
      const socket = connectSocket(url, { auth, transports: ['websocket'], reconnection: false });
      onCleanup(() => void socket.close());
      return new Promise<unknown>((resolve) =>
        socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data)),
      );
    };
    expect(await refusal({})).toMatchObject({ code: 'unauthorized' });
    expect(await refusal({ token: await token('ann', Math.floor(Date.now() / 1000) - 60) })).toMatchObject({
      code: 'token_expired',
    });

    const socket = connectSocket(url, { auth: { token: await token('ann') }, transports: ['websocket'] });
    onCleanup(() => void socket.close());
    expect(await socket.timeout(5000).emitWithAck('join', 'private-ann')).toMatchObject({ ok: true });
    expect(await socket.timeout(5000).emitWithAck('join', 'private-bob')).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(
      await socket.timeout(5000).emitWithAck('publish', { channel: 'room', event: 'chat', data: { text: 1 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(
      await socket.timeout(5000).emitWithAck('publish', { channel: 'room', event: 'chat', data: { text: 'ok' } }),
    ).toMatchObject({ ok: true, seq: 1 });
    expect(events.filter((event) => event.type === 'publish')).toMatchObject([{ channel: 'room', userId: 'ann' }]);
  });
});

describe('SSE endpoint refusals with the same rules', () => {
  it('a reused stream token is refused, and POSTs past the limit get 429s (counted) with Retry-After', async () => {
    const events: ServerEvent[] = [];
    const realtime = await createRealtime({
      redis: false,
      rateLimit: { perConnection: false, perUser: { capacity: 4, refillPerSecond: 0.001 } },
      onEvent: (event) => events.push(event),
    });
    onCleanup(() => realtime.close());
    const { createSSEEndpoint } = await import('../src/index.js');
    const sse = createSSEEndpoint({
      realtime,
      heartbeatMs: false,
      authenticate: async (request) => {
        const url = new URL(request.url);
        const streamToken = url.searchParams.get('token');
        if (streamToken !== null) return realtime.streamTokens.redeem(streamToken);
        return jwt.verify(request.headers.get('authorization')?.replace(/^Bearer /, ''));
      },
    });
    onCleanup(() => sse.close());

    const single = await realtime.streamTokens.issue({ userId: 'ann' });
    const first = await sse.GET(new Request(`http://test/live?channels=room&token=${single}`));
    expect(first.status).toBe(200);
    await first.body?.cancel();
    const reused = await sse.GET(new Request(`http://test/live?channels=room&token=${single}`));
    expect(reused.status).toBe(401);
    expect(await reused.json()).toMatchObject({ error: { code: 'unauthorized' } });

    const bearer = `Bearer ${await token('ann')}`;
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    for (let n = 0; n < 10; n += 1) {
      const response = await sse.POST(
        new Request('http://test/live', {
          method: 'POST',
          headers: { authorization: bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ channel: 'room', event: 'chat', data: n }),
        }),
      );
      statuses.push(response.status);
      if (response.status === 429) retryAfter.push(response.headers.get('retry-after'));
    }
    // ann's bucket holds 4 and barely refills (the stream's subscribe spent the subscribe budget, not this one):
    // 4 POSTs pass, 6 are refused.
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    expect(retryAfter.every((value) => value !== null && Number(value) >= 1)).toBe(true);
    expect(events.filter((event) => event.type === 'limit')).toHaveLength(6);
    // Still serving: another user is not limited by ann's bucket.
    const bob = await sse.POST(
      new Request('http://test/live', {
        method: 'POST',
        headers: { authorization: `Bearer ${await token('bob')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'room', event: 'chat', data: 'hi' }),
      }),
    );
    expect(bob.status).toBe(200);
  });
});
