import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { isRealtimeError, RealtimeError, type RealtimeErrorCode } from '../errors.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import { BACKOFF, createFakeWebSockets, flush, HEARTBEAT, setup } from './test-setup.js';
import type { WebSocketConstructorLike, WebSocketOptions } from './types.js';
import { withQueryParam } from './socket-attempts.js';
import { createWebSocketConnection } from './websocket-connection.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('createWebSocketConnection: setup', () => {
  it('throws a TypeError telling the user to pass ws when there is no WebSocket at all', async () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => createWebSocketConnection('wss://x.test')).toThrow(TypeError);
    expect(() => createWebSocketConnection('wss://x.test')).toThrow(/pass its class[\s\S]*from 'ws'/);
  });

  it('uses globalThis.WebSocket by default', async () => {
    const fake = createFakeWebSockets();
    vi.stubGlobal('WebSocket', fake.WebSocket);
    const connection = createWebSocketConnection('wss://x.test', { network: createTestNetwork() });
    await flush();
    expect(fake.sockets).toHaveLength(1);
    connection.close();
  });

  it('rejects invalid options up front', async () => {
    const { WebSocket } = createFakeWebSockets();
    const make = (options: WebSocketOptions) => () =>
      createWebSocketConnection('wss://x.test', { WebSocket, ...options });
    expect(make({ maxQueued: -1 })).toThrow(RangeError);
    expect(make({ maxQueued: 1.5 })).toThrow(RangeError);
    expect(make({ heartbeat: { intervalMs: 0 } })).toThrow(/heartbeat.intervalMs/);
    expect(make({ heartbeat: { timeoutMs: Number.NaN } })).toThrow(/heartbeat.timeoutMs/);
    expect(make({ backoff: { minMs: -1 } })).toThrow(RangeError);
  });
});

describe('createWebSocketConnection: lifecycle', () => {
  it('connects at once: connecting, then open with attempt 0 and an open event', async () => {
    const { last, state, statuses, opens, connection } = await setup();
    expect(state()).toMatchObject({ status: 'connecting', attempt: 0, error: null, retryInMs: null });
    expect(last().url).toBe('wss://api.test/live');
    expect(connection.url).toBe('wss://api.test/live');
    last().accept();
    expect(state()).toEqual({
      status: 'open',
      error: null,
      attempt: 0,
      retryInMs: null,
      retryAt: null,
      lastEventId: null,
    });
    expect(Object.isFrozen(state())).toBe(true);
    expect(statuses()).toEqual(['connecting', 'open']);
    expect(opens()).toBe(1);
  });

  it('passes protocols and binaryType to the socket', async () => {
    const { last } = await setup({ protocols: ['v1', 'v2'], binaryType: 'arraybuffer' });
    expect(last().protocols).toEqual(['v1', 'v2']);
    expect(last().binaryType).toBe('arraybuffer');
  });

  it('with autoConnect: false stays idle until the first subscribe, which connects once', async () => {
    const fake = createFakeWebSockets();
    const connection = createWebSocketConnection('wss://x.test', { WebSocket: fake.WebSocket, autoConnect: false });
    expect(connection.getSnapshot().status).toBe('idle');
    expect(fake.sockets).toHaveLength(0);
    const off = connection.subscribe(() => {});
    expect(connection.getSnapshot().status).toBe('connecting');
    off();
    connection.subscribe(() => {})();
    await flush();
    expect(fake.sockets).toHaveLength(1);
    connection.close();
  });

  it('with autoConnect: false connects on connect(); connect() is a no-op while connecting or open', async () => {
    const fake = createFakeWebSockets();
    const connection = createWebSocketConnection('wss://x.test', { WebSocket: fake.WebSocket, autoConnect: false });
    connection.connect();
    connection.connect();
    await flush();
    fake.last().accept();
    connection.connect();
    await flush();
    expect(fake.sockets).toHaveLength(1);
    expect(connection.getSnapshot().status).toBe('open');
    connection.close();
  });

  it('delivers messages to every listener, isolating one that throws', async () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    const { connection, last, messages } = await setup();
    const boom = new Error('listener bug');
    connection.on('message', () => {
      throw boom;
    });
    const after: unknown[] = [];
    connection.on('message', (data) => after.push(data));
    last().accept();
    last().receive('a');
    last().receive(new Uint8Array([1, 2]));
    expect(messages).toEqual(['a', new Uint8Array([1, 2])]);
    expect(after).toEqual(messages);
    expect(reportError).toHaveBeenCalledTimes(2);
    expect(reportError).toHaveBeenCalledWith(boom);
    expect(connection.getSnapshot().status).toBe('open');
  });

  it('off() removes exactly one registration', async () => {
    const { connection, last } = await setup();
    const seen: unknown[] = [];
    const listener = (data: unknown) => seen.push(data);
    const offFirst = connection.on('message', listener);
    connection.on('message', listener);
    last().accept();
    last().receive(1);
    offFirst();
    offFirst();
    last().receive(2);
    expect(seen).toEqual([1, 1, 2]);
  });

  it('emits close with the server code and reason, then the error', async () => {
    const { last, closes, errors, connection } = await setup();
    const order: string[] = [];
    connection.on('close', () => order.push('close'));
    connection.on('error', () => order.push('error'));
    last().accept();
    last().serverClose(1011, 'db down');
    expect(closes).toEqual([{ code: 1011, reason: 'db down' }]);
    expect(errors.map((error) => error.code)).toEqual(['server_error']);
    expect(order).toEqual(['close', 'error']);
  });
});

describe('createWebSocketConnection: outbound queue', () => {
  it('queues sends while connecting and flushes them in order on open, before open listeners send', async () => {
    const { connection, last } = await setup();
    connection.on('open', () => connection.send('from open listener'));
    connection.subscribe(() => {
      if (connection.getSnapshot().status === 'open') connection.send('from state listener');
    });
    connection.send('1');
    connection.send('2');
    connection.send('3');
    expect(connection.queued).toBe(3);
    expect(last().sent).toEqual([]);
    last().accept();
    expect(last().sent).toEqual(['1', '2', '3', 'from state listener', 'from open listener']);
    expect(connection.queued).toBe(0);
    connection.send('4');
    expect(last().sent.at(-1)).toBe('4');
  });

  it('queues while idle (autoConnect: false) and flushes on the first connect', async () => {
    const fake = createFakeWebSockets();
    const connection = createWebSocketConnection('wss://x.test', { WebSocket: fake.WebSocket, autoConnect: false });
    connection.send('early');
    connection.connect();
    await flush();
    fake.last().accept();
    expect(fake.last().sent).toEqual(['early']);
    connection.close();
  });

  it('throws queue_full beyond maxQueued, never dropping what is queued', async () => {
    const { connection, last } = await setup({ maxQueued: 2 });
    connection.send('a');
    connection.send('b');
    let thrown: unknown;
    try {
      connection.send('c');
    } catch (error) {
      thrown = error;
    }
    expect(isRealtimeError(thrown, 'queue_full')).toBe(true);
    expect((thrown as Error).message).toMatch(/maxQueued/);
    expect(connection.queued).toBe(2);
    last().accept();
    expect(last().sent).toEqual(['a', 'b']);
  });

  it('with maxQueued: 0 refuses every send while not open', async () => {
    const { connection } = await setup({ maxQueued: 0 });
    expect(() => connection.send('x')).toThrow(RealtimeError);
    expect(connection.queued).toBe(0);
  });

  it('keeps the queue across a failed attempt and flushes it on the next open', async () => {
    const { connection, last, sockets } = await setup();
    connection.send('kept');
    last().drop();
    connection.send('while reconnecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(2);
    last().accept();
    expect(last().sent).toEqual(['kept', 'while reconnecting']);
  });

  it('trySend never queues: false while not open, true once open', async () => {
    const { connection, last } = await setup();
    expect(connection.trySend('lost')).toBe(false);
    expect(connection.queued).toBe(0);
    last().accept();
    expect(connection.trySend('sent')).toBe(true);
    expect(last().sent).toEqual(['sent']);
  });

  it('send() after close() throws closed instead of queueing into nowhere', async () => {
    const { connection } = await setup();
    connection.close();
    expect(() => connection.send('x')).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(connection.trySend('x')).toBe(false);
  });

  it('close() drops queued messages and counts them in a closed error event', async () => {
    const { connection, errors } = await setup();
    connection.send('a');
    connection.send('b');
    connection.close();
    expect(connection.queued).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'closed' });
    expect(errors[0]?.message).toMatch(/2 queued messages were dropped/);
  });

  it('a stop drops queued messages too, reported after the stop error', async () => {
    const { connection, last, codes, errors } = await setup();
    last().accept();
    last().serverClose(1008, 'nope');
    expect(() => connection.send('x')).toThrow(RealtimeError);
    const fake2 = await setup();
    fake2.connection.send('q');
    fake2.last().serverClose(1009);
    expect(fake2.codes()).toEqual(['message_too_large', 'closed']);
    expect(fake2.errors[1]?.message).toMatch(/1 queued message was dropped/);
    expect(codes()).toEqual(['policy_violation']);
    expect(errors).toHaveLength(1);
  });
});

describe('createWebSocketConnection: heartbeat', () => {
  it('pings after intervalMs of silence; any message resets the idle timer', async () => {
    const { last } = await setup({ heartbeat: HEARTBEAT });
    last().accept();
    await vi.advanceTimersByTimeAsync(900);
    last().receive('data');
    await vi.advanceTimersByTimeAsync(900);
    expect(last().sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(last().sent).toEqual(['ping']);
  });

  it('keeps the socket while pongs come back, without delivering them', async () => {
    const { last, messages, state, sockets } = await setup({ heartbeat: HEARTBEAT });
    last().accept();
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      last().receive('pong');
    }
    expect(last().sent).toEqual(['ping', 'ping', 'ping', 'ping', 'ping']);
    expect(messages).toEqual([]);
    expect(state().status).toBe('open');
    expect(sockets).toHaveLength(1);
  });

  it('counts any message as the answer to a ping, and delivers it', async () => {
    const { last, messages, state } = await setup({ heartbeat: HEARTBEAT });
    last().accept();
    await vi.advanceTimersByTimeAsync(1000);
    last().receive('news');
    await vi.advanceTimersByTimeAsync(999);
    expect(state().status).toBe('open');
    expect(messages).toEqual(['news']);
  });

  it('uses a custom ping message and isPong', async () => {
    const { last, messages } = await setup({
      heartbeat: { ...HEARTBEAT, message: () => '{"type":"ping"}', isPong: (data) => data === '{"type":"pong"}' },
    });
    last().accept();
    await vi.advanceTimersByTimeAsync(1000);
    expect(last().sent).toEqual(['{"type":"ping"}']);
    last().receive('{"type":"pong"}');
    last().receive('pong');
    expect(messages).toEqual(['pong']);
  });

  it('reports an isPong that throws and delivers the message', async () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    const bug = new Error('isPong bug');
    const { last, messages } = await setup({
      heartbeat: {
        ...HEARTBEAT,
        isPong: () => {
          throw bug;
        },
      },
    });
    last().accept();
    last().receive('x');
    expect(messages).toEqual(['x']);
    expect(reportError).toHaveBeenCalledWith(bug);
  });

  it('closes and reconnects with heartbeat_timeout when nothing answers a ping', async () => {
    const { last, sockets, state, codes, closes } = await setup({ heartbeat: HEARTBEAT });
    const first = last();
    first.accept();
    await vi.advanceTimersByTimeAsync(1000 + 499);
    expect(state().status).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 500 });
    expect(state().error?.code).toBe('heartbeat_timeout');
    expect(codes()).toEqual(['heartbeat_timeout']);
    expect(first.closedWith).toEqual({ code: 1000, reason: 'heartbeat timeout' });
    expect(closes).toEqual([{ code: 1000, reason: 'heartbeat timeout' }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(2);
    last().accept();
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null });
  });

  it('bounds the opening handshake by timeoutMs', async () => {
    const { sockets, state, codes } = await setup({ heartbeat: HEARTBEAT });
    await vi.advanceTimersByTimeAsync(500);
    expect(codes()).toEqual(['heartbeat_timeout']);
    expect(state().error?.message).toMatch(/did not open/);
    expect(sockets[0]?.closedWith).toEqual({ code: 1000, reason: 'heartbeat timeout' });
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(2);
  });

  it('heartbeat: true uses the defaults: "ping" after 25 s, 10 s to answer', async () => {
    const { last, codes } = await setup({ heartbeat: true });
    last().accept();
    await vi.advanceTimersByTimeAsync(24_999);
    expect(last().sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(last().sent).toEqual(['ping']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(codes()).toEqual(['heartbeat_timeout']);
  });

  it('without a heartbeat, sets no timer while open', async () => {
    const { last } = await setup({ heartbeat: false });
    last().accept();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createWebSocketConnection: reconnecting', () => {
  it('waits out backoff after a server close, with attempt, retryInMs and retryAt from the injected clock', async () => {
    const { last, state, sockets, statuses } = await setup({ now: () => 1_000_000 });
    last().accept();
    last().serverClose(1001, 'going away');
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 500, retryAt: 1_000_500 });
    expect(state().error).toMatchObject({ code: 'closed', retryable: true });
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: null, retryAt: null });
    last().accept();
    // Waiting out the backoff, then the attempt in flight: both "reconnecting", with and without retryInMs.
    expect(statuses()).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'open']);
  });

  it('grows the delay per consecutive failure, caps it, and resets attempt on open', async () => {
    const { last, state } = await setup();
    const delays: (number | null)[] = [];
    for (let i = 0; i < 6; i++) {
      last().drop();
      delays.push(state().retryInMs);
      await vi.advanceTimersByTimeAsync(state().retryInMs ?? 0);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 6 });
    last().accept();
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null });
    last().drop();
    expect(state().retryInMs).toBe(500);
  });

  it('waits at least backoff minMs after 1013 try again later', async () => {
    const { last, state } = await setup({ backoff: { ...BACKOFF, random: () => 0 } });
    last().accept();
    last().serverClose(1013);
    expect(state()).toMatchObject({ status: 'reconnecting', retryInMs: 1000 });
    expect(state().error?.code).toBe('server_error');
  });

  it('keeps the network error event as the cause of a 1006', async () => {
    const { last, state } = await setup();
    last().drop('connect ECONNREFUSED 127.0.0.1:9');
    expect(state().error?.code).toBe('network');
    expect(state().error?.message).toContain('ECONNREFUSED');
  });

  it('reconnect() closes the socket, connects now and resets backoff', async () => {
    // No heartbeat timer, so the timer count sees only what reconnect() may leave behind.
    const { connection, last, sockets, state, closes } = await setup({ heartbeat: false });
    last().drop();
    await vi.advanceTimersByTimeAsync(500);
    last().drop();
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 2 });
    connection.reconnect();
    await flush();
    expect(sockets).toHaveLength(3);
    expect(state()).toMatchObject({ status: 'connecting', attempt: 0, error: null });
    expect(vi.getTimerCount()).toBe(0);
    last().accept();
    const open = last();
    connection.reconnect();
    expect(open.closedWith).toEqual({ code: 1000, reason: 'reconnect' });
    expect(closes.at(-1)).toEqual({ code: 1000, reason: 'reconnect' });
    await flush();
    expect(sockets).toHaveLength(4);
  });

  it('ignores every late event of a socket it replaced', async () => {
    const { connection, sockets, last, messages, state, errors, closes } = await setup();
    const old = last();
    old.accept();
    connection.reconnect();
    await flush();
    const fresh = last();
    expect(fresh).not.toBe(old);
    old.receive('stale');
    old.accept();
    old.drop();
    old.serverClose(4403);
    expect(messages).toEqual([]);
    expect(errors).toEqual([]);
    expect(closes).toEqual([{ code: 1000, reason: 'reconnect' }]);
    expect(state()).toMatchObject({ status: 'connecting', attempt: 0 });
    fresh.accept();
    fresh.receive('live');
    expect(messages).toEqual(['live']);
    expect(sockets).toHaveLength(2);
  });

  it('a closed connection is reopened by reconnect() and by connect()', async () => {
    const { connection, last, sockets, state } = await setup();
    last().serverClose(4403);
    expect(state()).toMatchObject({ status: 'closed', attempt: 1 });
    expect(state().error?.code).toBe('unauthorized');
    connection.reconnect();
    await flush();
    expect(sockets).toHaveLength(2);
    last().serverClose(1008);
    connection.connect();
    await flush();
    expect(sockets).toHaveLength(3);
    expect(state()).toMatchObject({ status: 'connecting', attempt: 0, error: null });
  });
});

describe('createWebSocketConnection: close codes through the connection', () => {
  const cases: [number, 'reconnecting' | 'closed', RealtimeErrorCode][] = [
    [1000, 'reconnecting', 'closed'],
    [1001, 'reconnecting', 'closed'],
    [1006, 'reconnecting', 'network'],
    [1011, 'reconnecting', 'server_error'],
    [1012, 'reconnecting', 'server_error'],
    [1013, 'reconnecting', 'server_error'],
    [1008, 'closed', 'policy_violation'],
    [1009, 'closed', 'message_too_large'],
    [4403, 'closed', 'unauthorized'],
    [4429, 'reconnecting', 'rate_limited'],
    [4000, 'closed', 'http_error'],
    [4999, 'closed', 'http_error'],
    [3001, 'reconnecting', 'network'],
  ];
  for (const [code, status, errorCode] of cases) {
    it(`${code} → ${status} with ${errorCode}`, async () => {
      const { last, state, sockets, closes } = await setup();
      last().accept();
      last().serverClose(code, 'why');
      expect(state()).toMatchObject({ status, attempt: 1 });
      expect(state().error?.code).toBe(errorCode);
      expect(closes).toEqual([{ code, reason: 'why' }]);
      if (status === 'closed') expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(sockets).toHaveLength(status === 'closed' ? 1 : 2);
    });
  }
});

describe('createWebSocketConnection: auth', () => {
  it('calls auth before every connect and sends the token as ?token=, keeping the query', async () => {
    let n = 0;
    const auth = vi.fn(async () => `t${++n}`);
    const { last } = await setup({ auth }, 'wss://api.test/live?room=a%20b#frag');
    expect(last().url).toBe('wss://api.test/live?room=a+b&token=t1#frag');
    last().drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(auth).toHaveBeenCalledTimes(2);
    expect(last().url).toBe('wss://api.test/live?room=a+b&token=t2#frag');
  });

  it('uses authParam, replaces a token already in the URL, and connects without one when auth returns null', async () => {
    const named = await setup({ auth: () => 'a b&c', authParam: 'access_token' }, '/live?access_token=old');
    expect(named.last().url).toBe('/live?access_token=a+b%26c');
    const none = await setup({ auth: () => null }, 'wss://api.test/live');
    await flush();
    expect(none.last().url).toBe('wss://api.test/live');
  });

  it('creates the socket as soon as a synchronous auth returns; an async auth shows connecting meanwhile', async () => {
    const sync = await setup({ auth: () => 'now' });
    expect(sync.sockets).toHaveLength(1);
    const later = await setup({ auth: () => new Promise<string>((resolve) => setTimeout(() => resolve('t'), 100)) });
    expect(later.state()).toMatchObject({ status: 'connecting' });
    await vi.advanceTimersByTimeAsync(100);
    expect(later.sockets).toHaveLength(1);
  });

  it('on 4401 asks auth for a fresh token and reconnects at once', async () => {
    const tokens = ['expired', 'fresh'];
    const auth = vi.fn(async () => tokens.shift() ?? 'none');
    const { last, state, sockets, codes } = await setup({ auth });
    await flush();
    last().accept();
    last().serverClose(4401, 'token expired');
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 0 });
    expect(state().error).toMatchObject({ code: 'unauthorized', retryable: true });
    await flush();
    expect(auth).toHaveBeenCalledTimes(2);
    expect(sockets).toHaveLength(2);
    expect(last().url).toContain('token=fresh');
    last().accept();
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null });
    expect(codes()).toEqual(['unauthorized']);
  });

  it('stops with unauthorized when the fresh token is refused too (closed before opening)', async () => {
    const auth = vi.fn(async () => 'bad');
    const { last, state, sockets } = await setup({ auth });
    await flush();
    last().serverClose(4401);
    await flush();
    last().serverClose(4401);
    expect(state()).toMatchObject({ status: 'closed', attempt: 2 });
    expect(state().error).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(auth).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(2);
  });

  it('stops too when the server accepts the upgrade and then closes 4401 at once, as real servers do', async () => {
    const { last, state, connection, sockets } = await setup({ auth: () => 'bad' });
    last().accept();
    last().serverClose(4401);
    await flush();
    last().accept();
    last().serverClose(4401);
    expect(state()).toMatchObject({ status: 'closed' });
    expect(state().error?.code).toBe('unauthorized');
    connection.reconnect();
    await flush();
    last().accept();
    last().serverClose(4401);
    expect(state().status).toBe('reconnecting');
    expect(sockets).toHaveLength(3);
  });

  it('re-authenticates again when the session was confirmed by a message or lasted, instead of stopping', async () => {
    const { last, state, sockets } = await setup({ auth: () => 'token' });
    last().accept();
    last().serverClose(4401);
    await flush();
    last().accept();
    last().receive('welcome');
    last().serverClose(4401);
    expect(state().status).toBe('reconnecting');
    await flush();
    last().accept();
    await vi.advanceTimersByTimeAsync(10_000);
    last().serverClose(4401);
    expect(state().status).toBe('reconnecting');
    await flush();
    expect(sockets).toHaveLength(4);
  });

  it('retries with backoff and network when auth throws or rejects, with no unhandled rejection', async () => {
    let calls = 0;
    const auth = vi.fn(() => {
      calls++;
      if (calls === 1) throw new Error('sync failure');
      if (calls === 2) return Promise.reject(new Error('token endpoint 503'));
      return Promise.resolve('ok');
    });
    const { last, state, sockets, codes } = await setup({ auth });
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 500 });
    expect(state().error?.message).toContain('sync failure');
    await vi.advanceTimersByTimeAsync(500);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 2, retryInMs: 1000 });
    expect(state().error?.message).toContain('token endpoint 503');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets).toHaveLength(1);
    last().accept();
    expect(state().status).toBe('open');
    expect(codes()).toEqual(['network', 'network']);
  });

  it('stops when auth throws a non-retryable RealtimeError', async () => {
    const loggedOut = new RealtimeError('unauthorized', 'Signed out: sign in again.');
    const { state, sockets, errors } = await setup({ auth: async () => Promise.reject(loggedOut) });
    await flush();
    expect(state()).toMatchObject({ status: 'closed', error: loggedOut });
    expect(errors).toEqual([loggedOut]);
    expect(sockets).toHaveLength(0);
  });

  it('ignores an auth result that arrives after close() or reconnect()', async () => {
    const resolvers: ((token: string) => void)[] = [];
    const auth = () => new Promise<string>((resolve) => resolvers.push(resolve));
    const { connection, sockets, state } = await setup({ auth });
    connection.close();
    resolvers[0]?.('late');
    await flush();
    expect(sockets).toHaveLength(0);
    expect(state().status).toBe('closed');
    connection.reconnect();
    await flush();
    connection.reconnect();
    await flush();
    resolvers[1]?.('stale');
    resolvers[2]?.('current');
    await flush();
    expect(sockets.map((socket) => socket.url)).toEqual(['wss://api.test/live?token=current']);
  });

  it('stops with http_error when the WebSocket constructor throws', async () => {
    class Throwing {
      constructor() {
        throw new SyntaxError('Invalid URL');
      }
    }
    const { state, codes } = await setup({ WebSocket: Throwing as unknown as WebSocketOptions['WebSocket'] });
    expect(state()).toMatchObject({ status: 'closed' });
    expect(codes()).toEqual(['http_error']);
    expect(state().error?.message).toContain('Invalid URL');
  });
});

describe('createWebSocketConnection: network awareness', () => {
  it('starts offline without sockets or timers, and connects at once when online', async () => {
    const fake = createFakeWebSockets();
    const network = createTestNetwork({ online: false });
    const connection = createWebSocketConnection('wss://x.test', { WebSocket: fake.WebSocket, network });
    expect(connection.getSnapshot().status).toBe('offline');
    expect(fake.sockets).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    network.goOnline();
    expect(connection.getSnapshot().status).toBe('connecting');
    await flush();
    expect(fake.sockets).toHaveLength(1);
    fake.last().accept();
    expect(connection.getSnapshot().status).toBe('open');
    connection.close();
  });

  it('closes an open socket when offline fires, then reconnects at once when online fires', async () => {
    const { network, last, state, sockets, closes } = await setup({ heartbeat: HEARTBEAT });
    const first = last();
    first.accept();
    network.goOffline();
    expect(state()).toMatchObject({ status: 'offline', retryInMs: null });
    expect(first.closedWith).toEqual({ code: 1000, reason: 'offline' });
    expect(closes).toEqual([{ code: 1000, reason: 'offline' }]);
    expect(vi.getTimerCount()).toBe(0);
    network.goOnline();
    await flush();
    expect(sockets).toHaveLength(2);
    last().accept();
    expect(state().status).toBe('open');
  });

  it('cancels a pending retry when offline, and skips the backoff when online', async () => {
    const { network, last, state, sockets } = await setup();
    last().drop();
    await vi.advanceTimersByTimeAsync(500);
    last().drop();
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 2, retryInMs: 1000 });
    network.goOffline();
    expect(state()).toMatchObject({ status: 'offline', attempt: 2, retryInMs: null, retryAt: null });
    expect(vi.getTimerCount()).toBe(0);
    network.goOnline();
    await flush();
    expect(sockets).toHaveLength(3);
  });

  it('goes offline instead of retrying when the network reports offline at retry time', async () => {
    const fake = createFakeWebSockets();
    let online = true;
    const network = { isOnline: () => online, subscribe: () => () => {} };
    const connection = createWebSocketConnection('wss://x.test', {
      WebSocket: fake.WebSocket,
      network,
      backoff: BACKOFF,
    });
    await flush();
    fake.last().drop();
    online = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(connection.getSnapshot().status).toBe('offline');
    expect(fake.sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    connection.close();
  });

  it('retries at once when the page becomes visible while reconnecting', async () => {
    // No heartbeat timer, so the timer count sees only a backoff timer left behind.
    const { network, last, sockets } = await setup({ heartbeat: false });
    last().drop();
    network.becomeVisible();
    await flush();
    expect(sockets).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('pings at once when the page becomes visible while open, and reconnects if the socket died in sleep', async () => {
    const { network, last, state, codes } = await setup({ heartbeat: HEARTBEAT });
    last().accept();
    await vi.advanceTimersByTimeAsync(300);
    network.becomeVisible();
    expect(last().sent).toEqual(['ping']);
    network.becomeVisible();
    expect(last().sent).toEqual(['ping']);
    await vi.advanceTimersByTimeAsync(500);
    expect(codes()).toEqual(['heartbeat_timeout']);
    expect(state().status).toBe('reconnecting');
  });

  it('does nothing on visible while open without a heartbeat', async () => {
    const { network, last, sockets } = await setup({ heartbeat: false });
    last().accept();
    network.becomeVisible();
    expect(last().sent).toEqual([]);
    expect(sockets).toHaveLength(1);
  });
});

describe('createWebSocketConnection: close', () => {
  type Context = Awaited<ReturnType<typeof setup>>;
  const phases: { name: string; options?: WebSocketOptions; arrange: (context: Context) => Promise<void> }[] = [
    { name: 'connecting', arrange: async () => {} },
    { name: 'authenticating', options: { auth: () => new Promise<string>(() => {}) }, arrange: async () => {} },
    { name: 'open', arrange: async ({ last }) => last().accept() },
    {
      name: 'awaiting a pong',
      arrange: async ({ last }) => {
        last().accept();
        await vi.advanceTimersByTimeAsync(HEARTBEAT.intervalMs);
      },
    },
    { name: 'reconnecting (backoff timer)', arrange: async ({ last }) => last().drop() },
    { name: 'offline', arrange: async ({ network }) => network.goOffline() },
  ];

  for (const { name, options, arrange } of phases) {
    it(`from ${name}: closes the socket, clears every timer, ends closed with no error and no further attempts`, async () => {
      const context = await setup({ heartbeat: HEARTBEAT, ...options });
      await arrange(context);
      const count = context.sockets.length;
      const live = context.sockets.at(-1);
      const wasLive = live !== undefined && live.readyState < 2;
      context.connection.close(4000, 'bye');
      expect(context.state()).toEqual({
        status: 'closed',
        error: null,
        attempt: 0,
        retryInMs: null,
        retryAt: null,
        lastEventId: null,
      });
      expect(vi.getTimerCount()).toBe(0);
      if (wasLive) expect(live.closedWith).toEqual({ code: 4000, reason: 'bye' });
      await flush();
      context.network.goOffline();
      context.network.goOnline();
      context.network.becomeVisible();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(context.sockets).toHaveLength(count);
      expect(context.state().status).toBe('closed');
      expect(vi.getTimerCount()).toBe(0);
    });
  }

  it('closes with 1000 by default and emits close once', async () => {
    const { connection, last, closes } = await setup();
    last().accept();
    connection.close();
    await flush();
    expect(last().closedWith).toEqual({ code: 1000, reason: '' });
    expect(closes).toEqual([{ code: 1000, reason: '' }]);
  });

  it('rejects a close code or reason the WebSocket API would refuse, changing nothing', async () => {
    const { connection, last, state } = await setup();
    last().accept();
    expect(() => connection.close(1006)).toThrow(RangeError);
    expect(() => connection.close(2999)).toThrow(RangeError);
    expect(() => connection.close(5000)).toThrow(RangeError);
    expect(() => connection.close(1000, 'x'.repeat(124))).toThrow(/123 bytes/);
    expect(state().status).toBe('open');
    connection.close(3000, 'x'.repeat(123));
    expect(state().status).toBe('closed');
  });

  it('close() while idle goes to closed and a later subscribe does not connect', async () => {
    const fake = createFakeWebSockets();
    const connection = createWebSocketConnection('wss://x.test', { WebSocket: fake.WebSocket, autoConnect: false });
    connection.close();
    connection.subscribe(() => {});
    expect(connection.getSnapshot().status).toBe('closed');
    expect(fake.sockets).toHaveLength(0);
  });

  it('a listener may close the connection from inside a message, open or close event', async () => {
    const fromMessage = await setup();
    fromMessage.connection.on('message', () => fromMessage.connection.close());
    fromMessage.last().accept();
    fromMessage.last().receive('bye');
    expect(fromMessage.state().status).toBe('closed');

    const fromOpen = await setup();
    fromOpen.connection.send('queued');
    fromOpen.connection.on('open', () => fromOpen.connection.close());
    fromOpen.last().accept();
    expect(fromOpen.state().status).toBe('closed');
    expect(fromOpen.last().sent).toEqual(['queued']);

    const fromClose = await setup();
    fromClose.connection.on('close', () => fromClose.connection.close());
    fromClose.last().accept();
    fromClose.last().serverClose(1011);
    expect(fromClose.state().status).toBe('closed');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('withQueryParam', () => {
  it('adds, appends to and replaces query parameters of absolute and relative URLs, keeping a fragment', async () => {
    const cases: [string, string][] = [
      ['wss://h.test/p', 'wss://h.test/p?token=v'],
      ['wss://h.test/p?', 'wss://h.test/p?token=v'],
      ['wss://h.test/p?a=1', 'wss://h.test/p?a=1&token=v'],
      ['wss://h.test/p?token=old&a=1', 'wss://h.test/p?token=v&a=1'],
      ['/relative#x', '/relative?token=v#x'],
      ['', '?token=v'],
    ];
    for (const [input, output] of cases) expect(withQueryParam(input, 'token', 'v')).toBe(output);
    expect(withQueryParam('/p', 'token', 'a/b+c=d')).toBe('/p?token=a%2Fb%2Bc%3Dd');
  });
});

describe('WebSocketConstructorLike', () => {
  it("accepts the browser's WebSocket class as it is (ws's is checked in the integration test)", async () => {
    expectTypeOf<typeof WebSocket>().toExtend<WebSocketConstructorLike>();
  });
});
