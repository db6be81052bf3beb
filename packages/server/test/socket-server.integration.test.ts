// createSocketServer on real http servers (127.0.0.1, ephemeral ports), driven by the channel client over
// socketIOTransport and by plain socket.io-client sockets using the typed native API; two instances share Redis.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createChannelHub,
  createMemoryBroker,
  createRealtimeClient,
  type ChannelBroker,
  type ChannelHub,
  type ChannelMessage,
  type HubMessage,
  type RealtimeClient,
  type ServerFrame,
} from '@realtime-kit/core';
import { socketIOTransport } from '@realtime-kit/core/socket-io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '../src/events.js';
import { createRedisBroker, type RedisBroker } from '../src/redis/redis-broker.js';
import type {
  SocketClientToServerEvents,
  SocketErrorEvent,
  SocketPresenceEvent,
  SocketServerToClientEvents,
  SocketTypingEvent,
} from '../src/socket-io/socket-events.js';
import { createSocketServer, type SocketServer, type SocketServerOptions } from '../src/socket-io/socket-server.js';
import { startRedis, type TestRedis } from './redis-server.js';

const WAIT = { timeout: 10_000, interval: 10 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type NativeSocket = Socket<SocketServerToClientEvents, SocketClientToServerEvents>;

interface Running<B extends ChannelBroker> {
  readonly url: string;
  readonly port: number;
  readonly server: SocketServer<B>;
  readonly http: HttpServer;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start<B extends ChannelBroker>(options: SocketServerOptions<B> = {}, port = 0): Promise<Running<B>> {
  const http = createServer();
  const server = createSocketServer(http, { onError: () => {}, ...options });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => resolve());
  });
  const address = http.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    })();
    return stopped;
  };
  cleanups.push(stop);
  await server.ready;
  return { url: `http://127.0.0.1:${address.port}`, port: address.port, server, http, stop };
}

function nativeSocket(
  url: string,
  options: { token?: string | (() => string); origin?: string; autoConnect?: boolean } = {},
): NativeSocket {
  const { token } = options;
  const socket: NativeSocket = io(url, {
    forceNew: true,
    transports: ['websocket'],
    reconnectionDelay: 20,
    reconnectionDelayMax: 100,
    randomizationFactor: 0,
    autoConnect: options.autoConnect ?? true,
    ...(token === undefined
      ? {}
      : { auth: (cb: (data: object) => void) => cb({ token: typeof token === 'function' ? token() : token }) }),
    ...(options.origin === undefined ? {} : { extraHeaders: { origin: options.origin } }),
  });
  cleanups.push(() => void socket.disconnect());
  return socket;
}

async function connected(socket: NativeSocket): Promise<NativeSocket> {
  await vi.waitFor(() => expect(socket.connected).toBe(true), WAIT);
  return socket;
}

function protocolClient(url: string, token?: string) {
  const socket = io(url, {
    autoConnect: false,
    forceNew: true,
    transports: ['websocket'],
    reconnectionDelay: 20,
    reconnectionDelayMax: 100,
    randomizationFactor: 0,
    ...(token === undefined ? {} : { auth: (cb: (data: object) => void) => cb({ token }) }),
  });
  const transport = socketIOTransport(socket);
  const errors: unknown[] = [];
  transport.onError((error) => errors.push(error));
  const client: RealtimeClient = createRealtimeClient({ transport });
  client.onError((error) => errors.push(error));
  cleanups.push(() => {
    client.close();
    socket.disconnect();
  });
  return { client, transport, socket, errors };
}

function collect(client: RealtimeClient, channel: string) {
  const messages: ChannelMessage[] = [];
  client.channel(channel).subscribe('*', (message) => messages.push(message));
  return messages;
}

function record<E extends keyof SocketServerToClientEvents>(socket: NativeSocket, event: E) {
  const seen: Parameters<SocketServerToClientEvents[E]>[0][] = [];
  const listener = (value: Parameters<SocketServerToClientEvents[E]>[0]) => void seen.push(value);
  (socket.on as (event: string, listener: (value: unknown) => void) => void)(
    event,
    listener as (value: unknown) => void,
  );
  return seen;
}

const join = (socket: NativeSocket, channel: string) => socket.timeout(5000).emitWithAck('join', channel);
const publish = (socket: NativeSocket, channel: string, event: string, data: unknown, cid?: string) =>
  socket.timeout(5000).emitWithAck('publish', { channel, event, data, ...(cid === undefined ? {} : { cid }) });

function connectError(socket: NativeSocket): Promise<Error & { data?: { code: string; message: string } }> {
  return new Promise((resolve) =>
    socket.once('connect_error', (error) => resolve(error as Error & { data?: { code: string; message: string } })),
  );
}

describe('createSocketServer: socketIOTransport clients', () => {
  it('subscribes, publishes with acks, and resumes after the server is closed and recreated on the same port (nothing lost or doubled)', async () => {
    const hub = createChannelHub();
    const first = await start({ hub });
    const alice = protocolClient(first.url);
    const bob = protocolClient(first.url);
    const received = collect(alice.client, 'room');
    await vi.waitFor(() => expect(alice.client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);

    const receipts = await Promise.all([1, 2, 3].map((n) => bob.client.channel('room').publish('message', { n })));
    expect(receipts.map((receipt) => receipt.seq)).toEqual([1, 2, 3]);
    await vi.waitFor(() => expect(received.map((message) => message.seq)).toEqual([1, 2, 3]), WAIT);

    await first.stop();
    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('reconnecting'), WAIT);
    // Published while no server runs: stored in the hub's log, replayed on resume.
    hub.publish('room', 'message', { n: 4 });
    hub.publish('room', 'message', { n: 5 });
    const second = await start({ hub }, first.port);

    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('open'), WAIT);
    const after = await bob.client.channel('room').publish('message', { n: 6 });
    expect(after.seq).toBe(6);
    await vi.waitFor(() => expect(received).toHaveLength(6), WAIT);
    await sleep(200);
    expect(received.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(received.map((message) => message.data)).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    expect(second.server.hub).toBe(hub);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('resumes on the same server after a dropped connection (socket.io recovery and the hub resume together: nothing lost or doubled)', async () => {
    const { url, server } = await start();
    const { client, transport, socket, errors } = protocolClient(url);
    const received = collect(client, 'feed');
    await vi.waitFor(() => expect(client.channel('feed').getSnapshot().subscribed).toBe(true), WAIT);
    for (let n = 1; n <= 20; n += 1) {
      server.publish('feed', 'tick', n);
      if (n % 5 === 0) {
        await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
        socket.io.engine.close();
      }
    }
    await vi.waitFor(() => expect(received).toHaveLength(20), WAIT);
    await sleep(200);
    expect(received.map((message) => message.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(transport.recovered).toBe(true);
    expect(errors).toEqual([]);
  });

  it('publishes from the server through the hub to protocol and native subscribers alike', async () => {
    const { url, server } = await start();
    const protocol = protocolClient(url);
    const received = collect(protocol.client, 'news');
    const native = await connected(nativeSocket(url));
    const messages = record(native, 'message');
    const frames = record(native, 'rk');
    await expect(join(native, 'news')).resolves.toEqual({ ok: true, seq: 0 });
    await vi.waitFor(() => expect(protocol.client.channel('news').getSnapshot().subscribed).toBe(true), WAIT);

    expect(server.publish('news', 'headline', 'one')).toMatchObject({ seq: 1 });
    await vi.waitFor(() => expect(received.map((message) => message.data)).toEqual(['one']), WAIT);
    await vi.waitFor(() => expect(messages.map((message) => message.data)).toEqual(['one']), WAIT);
    // The natively joined channel is never ALSO delivered as 'rk' frames.
    expect(frames.filter((frame) => frame.type === 'message')).toEqual([]);
  });
});

describe('createSocketServer: plain socket.io-client (native API)', () => {
  it('joins, receives each stored message as a "message" event, and gets publish acks with id and seq', async () => {
    const { url } = await start();
    const alice = await connected(nativeSocket(url));
    const bob = await connected(nativeSocket(url));
    const aliceMessages = record(alice, 'message');
    const bobMessages = record(bob, 'message');
    await expect(join(alice, 'room')).resolves.toEqual({ ok: true, seq: 0 });

    const first = await publish(bob, 'room', 'chat', { text: 'hi' });
    expect(first).toMatchObject({ ok: true, seq: 1 });
    const again = await publish(bob, 'room', 'chat', { text: 'hi' }, 'cid-2');
    const repeat = await publish(bob, 'room', 'chat', { text: 'hi' }, 'cid-2');
    expect(again).toMatchObject({ ok: true, seq: 2 });
    expect(repeat).toEqual(again);

    await vi.waitFor(() => expect(aliceMessages.map((message) => message.seq)).toEqual([1, 2]), WAIT);
    const message = aliceMessages[0] as HubMessage;
    expect(message).toMatchObject({ type: 'message', channel: 'room', event: 'chat', data: { text: 'hi' }, seq: 1 });
    expect(first.ok && message.id === first.id).toBe(true);
    await sleep(200);
    expect(aliceMessages).toHaveLength(2);
    // Bob never joined: publishing does not subscribe.
    expect(bobMessages).toEqual([]);

    await expect(alice.timeout(5000).emitWithAck('leave', 'room')).resolves.toEqual({ ok: true });
    await publish(bob, 'room', 'chat', 'after leave');
    await sleep(200);
    expect(aliceMessages).toHaveLength(2);
  });

  it('relays typing to the other members of the channel only', async () => {
    const { url } = await start();
    const alice = await connected(nativeSocket(url));
    const bob = await connected(nativeSocket(url));
    const carol = await connected(nativeSocket(url));
    const seen = { alice: record(alice, 'typing'), bob: record(bob, 'typing'), carol: record(carol, 'typing') };
    await join(alice, 'room');
    await join(bob, 'room');
    await join(carol, 'elsewhere');

    alice.emit('typing', { channel: 'room', typing: true });
    // Carol is not a member of 'room': her typing there is dropped.
    carol.emit('typing', { channel: 'room', typing: true });
    await vi.waitFor(() => expect(seen.bob).toHaveLength(1), WAIT);
    expect(seen.bob[0]).toEqual({ channel: 'room', userId: expect.any(String), typing: true } satisfies Record<
      keyof SocketTypingEvent,
      unknown
    >);
    await sleep(200);
    expect(seen.alice).toEqual([]);
    expect(seen.carol).toEqual([]);
    expect(seen.bob).toHaveLength(1);
  });

  it('sends presence events to members, as one member per user', async () => {
    const users = new Map([
      ['t-ada', 'ada'],
      ['t-bob', 'bob'],
    ]);
    const { url } = await start({
      authenticate: (token) => (token && users.has(token) ? { userId: users.get(token) as string } : null),
    });
    const ada = await connected(nativeSocket(url, { token: 't-ada' }));
    const bob = await connected(nativeSocket(url, { token: 't-bob' }));
    const adaPresence = record(ada, 'presence');
    await join(ada, 'room');
    await vi.waitFor(
      () => expect(adaPresence).toEqual([{ type: 'presence', channel: 'room', action: 'sync', members: [] }]),
      WAIT,
    );

    await expect(
      bob.timeout(5000).emitWithAck('presence', { channel: 'room', action: 'enter', data: { name: 'Bob' } }),
    ).resolves.toEqual({ ok: true });
    await vi.waitFor(() => expect(adaPresence).toHaveLength(2), WAIT);
    expect(adaPresence[1]).toEqual({
      type: 'presence',
      channel: 'room',
      action: 'enter',
      member: { userId: 'bob', data: { name: 'Bob' }, connections: 1, status: 'active' },
    } satisfies SocketPresenceEvent);

    bob.disconnect();
    await vi.waitFor(() => expect(adaPresence.map((event) => event.action)).toEqual(['sync', 'enter', 'leave']), WAIT);
  });

  it("refuses a join the hub's authorize rejects with a typed ack error, and reports it", async () => {
    const events: ServerEvent[] = [];
    const hub = createChannelHub({
      authorize: (session, channel) => !channel.startsWith('private-') || session.userId === 'admin',
    });
    const { url } = await start({
      hub,
      authenticate: (token) => (token ? { userId: token } : null),
      onEvent: (event) => events.push(event),
    });
    const guest = await connected(nativeSocket(url, { token: 'guest' }));
    const admin = await connected(nativeSocket(url, { token: 'admin' }));
    const guestMessages = record(guest, 'message');

    const refused = await join(guest, 'private-board');
    expect(refused).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: expect.stringContaining('private-board') },
    });
    await expect(join(admin, 'private-board')).resolves.toEqual({ ok: true, seq: 0 });
    const denied = await publish(guest, 'private-board', 'chat', 'sneaky');
    expect(denied).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await publish(admin, 'private-board', 'chat', 'secret');
    // Typing into a channel the join was refused for goes nowhere.
    const adminTyping = record(admin, 'typing');
    guest.emit('typing', { channel: 'private-board', typing: true });
    await sleep(200);
    expect(guestMessages).toEqual([]);
    expect(adminTyping).toEqual([]);
    expect(events).toContainEqual({
      type: 'auth_failure',
      transport: 'socket.io',
      code: 'forbidden',
      reason: expect.any(String),
      channel: 'private-board',
      userId: 'guest',
    });
    expect(guest.connected).toBe(true);
  });

  it('resumes natively joined channels after a dropped connection (socket.io connection state recovery)', async () => {
    const { url, server } = await start();
    const socket = await connected(nativeSocket(url));
    const messages = record(socket, 'message');
    await join(socket, 'feed');
    server.publish('feed', 'tick', 1);
    await vi.waitFor(() => expect(messages).toHaveLength(1), WAIT);

    const reconnected = new Promise<boolean>((resolve) => socket.once('connect', () => resolve(socket.recovered)));
    socket.io.engine.close();
    server.publish('feed', 'tick', 2);
    server.publish('feed', 'tick', 3);
    expect(await reconnected).toBe(true);
    server.publish('feed', 'tick', 4);
    await vi.waitFor(() => expect(messages.map((message) => message.data)).toEqual([1, 2, 3, 4]), WAIT);
    await sleep(200);
    expect(messages.map((message) => message.seq)).toEqual([1, 2, 3, 4]);
  });
});

describe('createSocketServer: refusals (typed, and the server stays up)', () => {
  const users: Record<string, { userId: string; expiresAt?: number }> = { good: { userId: 'ada' } };
  const options = (events: ServerEvent[]): SocketServerOptions => ({
    authenticate: (token) => {
      if (token === 'expired')
        return { ok: false, error: { code: 'token_expired', message: 'The token has expired.' } };
      if (token === 'stale') return { userId: 'ada', expiresAt: Date.now() - 1000 };
      return (token && users[token]) || null;
    },
    checkOrigin: (origin) => origin === null || origin === 'https://app.example',
    onEvent: (event) => events.push(event),
    maxMessageBytes: 1024,
  });

  it.each([
    ['no token', undefined, undefined, 'unauthorized', 'unauthorized'],
    ['a bad token', 'forged', undefined, 'unauthorized', 'unauthorized'],
    ['an expired token (typed refusal)', 'expired', undefined, 'token_expired', 'unauthorized'],
    ['a token whose expiresAt has passed', 'stale', undefined, 'token_expired', 'unauthorized'],
    ['an origin that is not allowed', 'good', 'https://evil.example', 'forbidden', 'forbidden'],
  ] as const)('refuses %s with connect_error data, without retrying', async (_name, token, origin, code, message) => {
    const events: ServerEvent[] = [];
    const { url } = await start(options(events));
    const refused = nativeSocket(url, {
      ...(token === undefined ? {} : { token }),
      ...(origin === undefined ? {} : { origin }),
      autoConnect: false,
    });
    const error = connectError(refused);
    refused.connect();
    const err = await error;
    expect(err.message).toBe(message);
    expect(err.data).toEqual({ code, message: expect.any(String) });
    await sleep(200);
    expect(refused.connected).toBe(false);
    expect(refused.active).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ type: 'auth_failure', transport: 'socket.io', code }));
    expect(events.some((event) => event.type === 'connect')).toBe(false);

    const fine = await connected(nativeSocket(url, { token: 'good', origin: 'https://app.example' }));
    await expect(join(fine, 'room')).resolves.toMatchObject({ ok: true });
  });

  it('closes a socketIOTransport client with RealtimeError("unauthorized") on a bad token', async () => {
    const { url } = await start(options([]));
    const { client, transport } = protocolClient(url, 'forged');
    collect(client, 'room');
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('closed'), WAIT);
    expect(transport.getSnapshot().error).toMatchObject({ name: 'RealtimeError', code: 'unauthorized' });
  });

  it('answers an oversize frame with a message_too_large error frame (and an oversize native publish in its ack); the connection stays up', async () => {
    const events: ServerEvent[] = [];
    const { url } = await start(options(events));
    const socket = await connected(nativeSocket(url, { token: 'good' }));
    const frames = record(socket, 'rk');
    const big = 'x'.repeat(2048);
    socket.emit('rk', { type: 'publish', channel: 'room', event: 'chat', data: big, cid: 'c1' });
    await vi.waitFor(
      () =>
        expect(frames).toContainEqual({
          type: 'error',
          channel: 'room',
          error: { code: 'message_too_large', message: expect.stringContaining('1024') },
        } satisfies ServerFrame),
      WAIT,
    );
    await expect(publish(socket, 'room', 'chat', big)).resolves.toEqual({
      ok: false,
      error: { code: 'message_too_large', message: expect.any(String) },
    });
    expect(
      events.filter((event) => event.type === 'refused').map((event) => event.type === 'refused' && event.code),
    ).toEqual(['message_too_large', 'message_too_large']);

    socket.emit('rk', { type: 'ping', t: 7 });
    await vi.waitFor(() => expect(frames).toContainEqual({ type: 'pong', t: 7 }), WAIT);
    await expect(publish(socket, 'room', 'chat', 'small')).resolves.toMatchObject({ ok: true, seq: 1 });
    expect(socket.connected).toBe(true);
  });

  it('on token expiry sends a typed error and drops the connection so the client reconnects with a fresh token', async () => {
    const events: ServerEvent[] = [];
    const tokens = ['short', 'long'];
    const seen: (string | null)[] = [];
    const { url } = await start({
      authenticate: (token) => {
        seen.push(token);
        return token === 'short'
          ? { userId: 'ada', expiresAt: Date.now() + 300 }
          : token === 'long'
            ? { userId: 'ada' }
            : null;
      },
      onEvent: (event) => events.push(event),
    });
    const socket = nativeSocket(url, { token: () => tokens.shift() ?? 'none' });
    const errors = record(socket, 'realtime_error');
    const connects: number[] = [];
    socket.on('connect', () => connects.push(Date.now()));
    await vi.waitFor(() => expect(connects).toHaveLength(2), WAIT);
    expect(seen).toEqual(['short', 'long']);
    expect(errors).toEqual([{ code: 'token_expired', message: expect.any(String) } satisfies SocketErrorEvent]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'auth_failure', code: 'token_expired', userId: 'ada' }),
    );
    await expect(join(socket, 'room')).resolves.toMatchObject({ ok: true });
  });

  it('throws a RangeError on bad options', () => {
    const http = createServer();
    expect(() => createSocketServer(http, { maxMessageBytes: 0 })).toThrow(RangeError);
    expect(() => createSocketServer(http, { path: 'socket' })).toThrow(RangeError);
    expect(() => createSocketServer(http, { redis: 'http://localhost:6379' })).toThrow(RangeError);
  });
});

describe('createSocketServer: two instances over Redis', () => {
  async function redisServer(): Promise<TestRedis> {
    const redis = await startRedis();
    // Registered first, so it runs after every server and broker using it is closed.
    cleanups.push(() => redis.stop());
    return redis;
  }

  async function instance(url: string): Promise<Running<RedisBroker>> {
    const broker = createRedisBroker({ redis: url });
    const hub: ChannelHub<RedisBroker> = createChannelHub({ broker });
    const running = await start({ hub, redis: url });
    cleanups.push(() => broker.close());
    return running;
  }

  it('delivers a message published on B to a native client on A exactly once, and relays typing across instances', async () => {
    const redis = await redisServer();
    const a = await instance(redis.url);
    const b = await instance(redis.url);
    const onA = await connected(nativeSocket(a.url));
    const onB = await connected(nativeSocket(b.url));
    const protocolOnA = protocolClient(a.url);
    const protocolMessages = collect(protocolOnA.client, 'room');
    const messages = record(onA, 'message');
    const typingOnA = record(onA, 'typing');
    const typingOnB = record(onB, 'typing');
    await expect(join(onA, 'room')).resolves.toMatchObject({ ok: true });
    await expect(join(onB, 'room')).resolves.toMatchObject({ ok: true });
    await vi.waitFor(() => expect(protocolOnA.client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);

    const receipt = await publish(onB, 'room', 'chat', 'from B');
    expect(receipt).toMatchObject({ ok: true, seq: 1 });
    await vi.waitFor(() => expect(messages.map((message) => message.data)).toEqual(['from B']), WAIT);
    await vi.waitFor(() => expect(protocolMessages.map((message) => message.data)).toEqual(['from B']), WAIT);
    await expect(b.server.publish('room', 'server', 'from B server')).resolves.toMatchObject({ seq: 2 });
    await vi.waitFor(() => expect(messages.map((message) => message.seq)).toEqual([1, 2]), WAIT);

    onB.emit('typing', { channel: 'room', typing: true });
    await vi.waitFor(
      () => expect(typingOnA).toEqual([{ channel: 'room', userId: expect.any(String), typing: true }]),
      WAIT,
    );
    await sleep(300);
    expect(messages.map((message) => message.seq)).toEqual([1, 2]);
    expect(protocolMessages.map((message) => message.seq)).toEqual([1, 2]);
    expect(typingOnA).toHaveLength(1);
    expect(typingOnB).toEqual([]);
  });

  it('works with a shared in-memory broker too (two hubs, one broker)', async () => {
    const redis = await redisServer();
    const broker = createMemoryBroker();
    const a = await start({ hub: createChannelHub({ broker }), redis: redis.url });
    const b = await start({ hub: createChannelHub({ broker }), redis: redis.url });
    const onA = await connected(nativeSocket(a.url));
    const onB = await connected(nativeSocket(b.url));
    const messages = record(onA, 'message');
    await join(onA, 'room');
    await expect(publish(onB, 'room', 'chat', 'hello')).resolves.toMatchObject({ ok: true, seq: 1 });
    await vi.waitFor(() => expect(messages.map((message) => message.data)).toEqual(['hello']), WAIT);
    await sleep(300);
    expect(messages).toHaveLength(1);
  });
});
