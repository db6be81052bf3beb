// The Pusher side of the server kit against the core's Pusher-protocol test server: the real `pusher` package
// triggers through its signed REST call, real pusher-js clients subscribe, and createPusherAuthHandler runs behind
// a Node http server the way Next.js runs a route handler (pusher-js posts its channelAuthorization form to it).
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRealtimeClient, RealtimeError, type ChannelMessage, type RealtimeClient } from '@realtime-kit/core';
import { pusherTransport, type PusherTransportOptions } from '@realtime-kit/core/pusher';
import Pusher from 'pusher';
import PusherClient from 'pusher-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPusherTestServer, type PusherTestServer } from '../../core/test/pusher-server.js';
import { createPusherAuthHandler, pusherPublisher, type PusherAuthHandlerOptions } from '../src/pusher/index.js';
import { serveFetch } from './fetch-bridge.js';

const WAIT = { timeout: 10_000, interval: 5 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Tokens are user ids: 'Bearer ada' is ada; 'Bearer expired' is a token past its expiry. */
const USERS: Record<string, { name: string }> = { ada: { name: 'Ada' }, bob: { name: 'Bob' }, eve: { name: 'Eve' } };
const authenticate: PusherAuthHandlerOptions['authenticate'] = (request) => {
  const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
  if (token === 'expired') return { userId: 'ada', expiresAt: Date.now() - 1000 };
  if (token === 'throws') throw new Error('session store down');
  const user = token === undefined ? undefined : USERS[token];
  return user ? { userId: token!, userInfo: user } : null;
};

async function setup(options: Partial<PusherAuthHandlerOptions> = {}) {
  const server = await startPusherTestServer();
  cleanups.push(() => server.close());
  const pusher = new Pusher(server.restOptions());
  const handlerErrors: unknown[] = [];
  const handler = createPusherAuthHandler(pusher, {
    authenticate,
    authorizeChannel: (user, channel) => channel !== 'private-admin' || user.userId === 'ada',
    onError: (error) => handlerErrors.push(error),
    ...options,
  });
  const http = createServer((req, res) => void serveFetch(req, res, handler));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    http.closeAllConnections();
    return new Promise<void>((resolve) => http.close(() => resolve()));
  });
  const authUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/pusher/auth`;
  return { server, pusher, handler, authUrl, handlerErrors, publisher: pusherPublisher(pusher) };
}

function clientFor(
  server: PusherTestServer,
  authUrl: string,
  token: string | undefined,
  transportOptions?: PusherTransportOptions,
) {
  const pusher = new PusherClient(server.key, {
    ...server.clientOptions(),
    channelAuthorization: {
      endpoint: authUrl,
      transport: 'ajax',
      ...(token === undefined || transportOptions?.headers ? {} : { headers: { authorization: `Bearer ${token}` } }),
    },
  });
  cleanups.push(() => pusher.disconnect());
  const transport = pusherTransport(pusher, transportOptions);
  const client = createRealtimeClient({ transport, presenceGraceMs: 0 });
  const errors: RealtimeError[] = [];
  client.onError((error) => errors.push(error));
  cleanups.push(() => client.close());
  return { client, pusher, transport, errors };
}

function collect(client: RealtimeClient, channel: string) {
  const messages: ChannelMessage[] = [];
  client.channel(channel).subscribe('*', (message) => messages.push(message));
  return messages;
}

async function subscribed(client: RealtimeClient, channel: string) {
  await vi.waitFor(() => expect(client.channel(channel).getSnapshot().subscribed).toBe(true), WAIT);
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (body: string, headers: Record<string, string> = {}) =>
  new Request('http://localhost/api/pusher/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

describe('pusherPublisher: the pusher package triggering through the signed REST API', () => {
  it('reaches subscribers with the envelope id as the message id, on public and private channels, once each', async () => {
    const { server, authUrl, publisher } = await setup();
    const { client, errors } = clientFor(server, authUrl, 'ada');
    const news = collect(client, 'news');
    const room = collect(client, 'private-room');
    await subscribed(client, 'news');
    await subscribed(client, 'private-room');

    const id = await publisher.publish('news', 'headline', { text: 'hello' });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const rowId = await publisher.publish(['news', 'private-room'], 'message', { text: 'both' }, { id: 'row-7' });
    expect(rowId).toBe('row-7');
    await vi.waitFor(() => expect(news).toHaveLength(2), WAIT);
    await vi.waitFor(() => expect(room).toHaveLength(1), WAIT);
    expect(news.map((m) => [m.id, m.seq, m.event, m.data])).toEqual([
      [id, 1, 'headline', { text: 'hello' }],
      ['row-7', 2, 'message', { text: 'both' }],
    ]);
    expect(room[0]).toMatchObject({ id: 'row-7', seq: 1, event: 'message', data: { text: 'both' } });
    expect(news[0]!.at).toBeGreaterThan(Date.now() - 10_000);
    expect(server.rest.map((request) => request.status)).toEqual([200, 200]);
    expect(errors).toEqual([]);
  });

  it('leaves out the socket it is told to (Pusher socket_id)', async () => {
    const { server, authUrl, publisher } = await setup();
    const alice = clientFor(server, authUrl, 'ada');
    const bob = clientFor(server, authUrl, 'bob');
    const aliceGot = collect(alice.client, 'news');
    const bobGot = collect(bob.client, 'news');
    await subscribed(alice.client, 'news');
    await subscribed(bob.client, 'news');
    await publisher.publish('news', 'headline', 1, { socketId: alice.pusher.connection.socket_id });
    await vi.waitFor(() => expect(bobGot.map((m) => m.data)).toEqual([1]), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(aliceGot).toEqual([]);
  });

  it('rejects with typed errors: wrong app secret → unauthorized (the server checked the signature); too large → message_too_large before any request', async () => {
    const { server } = await setup();
    const wrong = pusherPublisher(new Pusher({ ...server.restOptions(), secret: 'not-the-secret' }));
    const refused = await wrong.publish('news', 'headline', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RealtimeError);
    expect(refused).toMatchObject({ code: 'unauthorized', status: 401, retryable: false });
    expect((refused as Error).message).toContain('Invalid signature');

    const right = pusherPublisher(new Pusher(server.restOptions()));
    await expect(right.publish('news', 'big', 'x'.repeat(11_000))).rejects.toMatchObject({ code: 'message_too_large' });
    await expect(right.publish('news', 'client-sneaky', {})).rejects.toThrow(TypeError);
    expect(server.rest.map((request) => request.status)).toEqual([401]);

    const down = pusherPublisher(new Pusher({ ...server.restOptions(), port: '1' }));
    await expect(down.publish('news', 'headline', {})).rejects.toMatchObject({ code: 'unavailable', retryable: true });
  });
});

describe('createPusherAuthHandler driven by pusher-js channelAuthorization', () => {
  it('authorizes private channels for an authenticated user; pusher-js subscribes and client events flow', async () => {
    const { server, authUrl } = await setup();
    const ada = clientFor(server, authUrl, 'ada');
    const bob = clientFor(server, authUrl, 'bob');
    const bobGot = collect(bob.client, 'private-room');
    collect(ada.client, 'private-room');
    await subscribed(ada.client, 'private-room');
    await subscribed(bob.client, 'private-room');
    const receipt = await ada.client.channel('private-room').publish('chat', { text: 'hi' });
    await vi.waitFor(
      () => expect(bobGot).toEqual([expect.objectContaining({ id: receipt.id, event: 'chat', data: { text: 'hi' } })]),
      WAIT,
    );
    expect([...ada.errors, ...bob.errors]).toEqual([]);
  });

  it('refuses without credentials (401 → unauthorized) and where authorizeChannel says no (403 → forbidden)', async () => {
    const { server, authUrl } = await setup();
    const anonymous = clientFor(server, authUrl, undefined);
    const anonymousErrors: RealtimeError[] = [];
    anonymous.client.channel('private-room').onError((error) => anonymousErrors.push(error));
    collect(anonymous.client, 'private-room');
    await vi.waitFor(() => expect(anonymousErrors.map((e) => e.code)).toEqual(['unauthorized']), WAIT);
    expect(anonymousErrors[0]!.message).toContain('401');

    const bob = clientFor(server, authUrl, 'bob');
    const bobErrors: RealtimeError[] = [];
    bob.client.channel('private-admin').onError((error) => bobErrors.push(error));
    collect(bob.client, 'private-admin');
    await vi.waitFor(() => expect(bobErrors.map((e) => e.code)).toEqual(['forbidden']), WAIT);

    const ada = clientFor(server, authUrl, 'ada');
    collect(ada.client, 'private-admin');
    await subscribed(ada.client, 'private-admin');
    expect(server.channelsOf(bob.pusher.connection.socket_id)).toEqual([]);
  });

  it('signs presence channels with user_id and user_info: members are deduplicated by user, with the data they entered', async () => {
    const { server, authUrl } = await setup();
    const ada = clientFor(server, authUrl, 'ada');
    const adaTab2 = clientFor(server, authUrl, 'ada');
    const bob = clientFor(server, authUrl, 'bob');
    const room = bob.client.channel('presence-room');
    room.presence.subscribe(() => {});
    room.presence.enter({ typing: false });
    ada.client.channel('presence-room').presence.enter({ name: 'Ada' });
    adaTab2.client.channel('presence-room').presence.enter({ name: 'Ada' });
    await vi.waitFor(
      () =>
        expect([...room.presence.getSnapshot()].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
          { userId: 'ada', data: { name: 'Ada' }, connections: 2, status: 'active' },
          { userId: 'bob', data: { typing: false }, connections: 1, status: 'active' },
        ]),
      WAIT,
    );
    expect(bob.client.userId).toBe('bob');
    expect(server.members('presence-room')).toEqual(
      new Map([
        ['ada', { info: { name: 'Ada' }, connections: 2 }],
        ['bob', { info: { name: 'Bob' }, connections: 1 }],
      ]),
    );
  });

  it('with the transport headers option, each authorization carries the current token', async () => {
    const { server, authUrl } = await setup();
    let token = 'ada';
    const ada = clientFor(server, authUrl, undefined, { headers: async () => ({ authorization: `Bearer ${token}` }) });
    collect(ada.client, 'private-admin');
    await subscribed(ada.client, 'private-admin');
    token = 'bob';
    const errors: RealtimeError[] = [];
    ada.client.channel('private-admin-2').onError((error) => errors.push(error));
    collect(ada.client, 'private-admin-2');
    await subscribed(ada.client, 'private-admin-2');
    ada.client.channel('presence-lobby').presence.enter({});
    await vi.waitFor(
      () => expect(ada.client.channel('presence-lobby').presence.self()).toMatchObject({ userId: 'bob' }),
      WAIT,
    );
    expect(errors).toEqual([]);
  });
});

describe('createPusherAuthHandler as a route handler', () => {
  it('answers the signature Pusher checks: socket_id:channel for private, socket_id:channel:channel_data for presence', async () => {
    const { server, handler } = await setup();
    const sign = (text: string) => `${server.key}:${createHmac('sha256', server.secret).update(text).digest('hex')}`;
    const privateAnswer = await handler(
      post(form({ socket_id: '123.456', channel_name: 'private-room' }), { authorization: 'Bearer ada' }),
    );
    expect(privateAnswer.status).toBe(200);
    expect(privateAnswer.headers.get('cache-control')).toBe('no-store');
    expect(await privateAnswer.json()).toEqual({ auth: sign('123.456:private-room') });

    const presenceAnswer = await handler(
      new Request('http://localhost/auth', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer bob' },
        body: JSON.stringify({ socket_id: '1.2', channel_name: 'presence-room' }),
      }),
    );
    const body = (await presenceAnswer.json()) as { auth: string; channel_data: string };
    expect(JSON.parse(body.channel_data)).toEqual({ user_id: 'bob', user_info: { name: 'Bob' } });
    expect(body.auth).toBe(sign(`1.2:presence-room:${body.channel_data}`));
  });

  it('refuses malformed requests with 400/405/413 and JSON errors, expired tokens with 401 token_expired, failures with 500', async () => {
    const { handler, handlerErrors } = await setup({ maxBodyBytes: 200 });
    const expectRefusal = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
    };
    await expectRefusal(await handler(new Request('http://localhost/auth')), 405, 'http_error');
    await expectRefusal(
      await handler(post(form({ socket_id: 'nope', channel_name: 'private-room' }), { authorization: 'Bearer ada' })),
      400,
      'bad_frame',
    );
    await expectRefusal(
      await handler(post(form({ socket_id: '1.2' }), { authorization: 'Bearer ada' })),
      400,
      'bad_frame',
    );
    await expectRefusal(
      await handler(post(form({ socket_id: '1.2', channel_name: 'news' }), { authorization: 'Bearer ada' })),
      400,
      'bad_frame',
    );
    // Signed in: a stranger is refused 401 before the body is read.
    await expectRefusal(
      await handler(
        post(form({ socket_id: '1.2', channel_name: `private-${'x'.repeat(300)}` }), { authorization: 'Bearer ada' }),
      ),
      413,
      'message_too_large',
    );
    await expectRefusal(
      await handler(post(form({ socket_id: '1.2', channel_name: 'private-room' }))),
      401,
      'unauthorized',
    );
    await expectRefusal(
      await handler(
        post(form({ socket_id: '1.2', channel_name: 'private-room' }), { authorization: 'Bearer expired' }),
      ),
      401,
      'token_expired',
    );
    await expectRefusal(
      await handler(post(form({ socket_id: '1.2', channel_name: 'private-admin' }), { authorization: 'Bearer eve' })),
      403,
      'forbidden',
    );
    expect(handlerErrors).toEqual([]);
    await expectRefusal(
      await handler(post(form({ socket_id: '1.2', channel_name: 'private-room' }), { authorization: 'Bearer throws' })),
      500,
      'server_error',
    );
    expect(handlerErrors).toEqual([new Error('session store down')]);
  });
});
