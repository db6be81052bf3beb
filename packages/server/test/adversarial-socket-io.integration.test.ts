// Attacks on createSocketServer over real socket.io-client sockets on 127.0.0.1: a flood of 20,000 native `typing`
// emits (each used to be relayed to every member of the room, unlimited), and channels named after Object.prototype
// members (`constructor`, `toString`, `__proto__`…), which a plain-object `in` check misrouted. Each attack gets its
// typed refusal or correct routing, and a well-behaved client is served afterwards.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TYPING_EVENT, type ClientFrame, type HubMessage, type ServerFrame } from '@realtime-kit/core';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtime, type ServerEvent } from '../src/index.js';
import type {
  SocketClientToServerEvents,
  SocketServerToClientEvents,
  SocketTypingEvent,
} from '../src/socket-io/socket-events.js';
import { createSocketServer } from '../src/socket-io/socket-server.js';

type NativeSocket = Socket<SocketServerToClientEvents, SocketClientToServerEvents>;

const WAIT = { timeout: 10_000, interval: 10 };
const FLOOD = 20_000;
/** The flooder's connection bucket: bursts of 10, then 5 per second. */
const PER_CONNECTION = { capacity: 10, refillPerSecond: 5 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** A socket server with createRealtime's rules; the token is the user id. */
async function start() {
  const events: ServerEvent[] = [];
  const realtime = await createRealtime({
    redis: false,
    rateLimit: { perConnection: PER_CONNECTION, perUser: { capacity: 20, refillPerSecond: 10 } },
    onEvent: (event) => events.push(event),
    onError: () => {},
  });
  const http = createServer();
  const server = createSocketServer(http, {
    realtime,
    authenticate: (token) => (token ? { userId: token } : null),
    onError: () => {},
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await server.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await realtime.close();
  });
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, server, events };
}

async function connect(url: string, token: string): Promise<NativeSocket> {
  const socket: NativeSocket = io(url, {
    forceNew: true,
    transports: ['websocket'],
    reconnection: false,
    auth: { token },
  });
  cleanups.push(() => void socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function record<E extends keyof SocketServerToClientEvents>(
  socket: NativeSocket,
  event: E,
): Parameters<SocketServerToClientEvents[E]>[0][] {
  const seen: Parameters<SocketServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((value: Parameters<SocketServerToClientEvents[E]>[0]) => seen.push(value)) as never);
  return seen;
}

async function join(socket: NativeSocket, channel: string): Promise<number> {
  const result = await socket.timeout(5000).emitWithAck('join', channel);
  expect(result, channel).toEqual({ ok: true, seq: expect.any(Number) });
  return result.ok ? result.seq : -1;
}

/** A protocol client (what socketIOTransport sends): frames as 'rk' events. */
function protocol(socket: NativeSocket) {
  const frames: ServerFrame[] = record(socket, 'rk');
  return { frames, send: (frame: ClientFrame) => socket.emit('rk', frame) };
}

describe('native typing is admitted like a protocol signal', () => {
  it(`a flood of ${FLOOD} typing emits is relayed at the rate limit only, the flooder gets rate_limited, and typing still works for others`, async () => {
    const { url, events } = await start();
    const mallory = await connect(url, 'mallory');
    const bob = await connect(url, 'bob');
    const carol = await connect(url, 'carol');
    const watcher = protocol(await connect(url, 'dave'));
    const bobTyping = record(bob, 'typing');
    const refusals = record(mallory, 'realtime_error');
    for (const socket of [mallory, bob, carol]) await join(socket, 'room');
    watcher.send({ type: 'subscribe', channel: 'room' });
    await vi.waitFor(
      () =>
        expect(watcher.frames).toContainEqual({
          type: 'subscribed',
          channel: 'room',
          seq: 0,
          epoch: expect.any(String),
        }),
      WAIT,
    );
    const typingSignals = () =>
      watcher.frames.filter((frame) => frame.type === 'signal' && frame.event === TYPING_EVENT);

    const started = performance.now();
    for (let n = 0; n < FLOOD; n += 1) mallory.emit('typing', { channel: 'room', typing: n % 2 === 0 });
    // Answered after every typing before it went through the same queue (refused or not, it is an answer).
    const marker = await mallory
      .timeout(20_000)
      .emitWithAck('publish', { channel: 'room', event: 'marker', data: null });
    await sleep(200);
    const elapsedSeconds = (performance.now() - started) / 1000;

    // Bursts of `capacity`, then `refillPerSecond`: not one relay per emit.
    const bound = PER_CONNECTION.capacity + Math.ceil(PER_CONNECTION.refillPerSecond * elapsedSeconds) + 1;
    const delivered = bobTyping.length;
    expect(delivered, `${delivered} deliveries in ${elapsedSeconds.toFixed(2)} s`).toBeGreaterThanOrEqual(1);
    expect(delivered, `${delivered} deliveries in ${elapsedSeconds.toFixed(2)} s`).toBeLessThanOrEqual(bound);
    expect(bobTyping.every((event) => event.userId === 'mallory' && event.channel === 'room')).toBe(true);
    // The flood spent the flooder's own bucket: its next publish is refused too.
    expect(marker).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // One admission for both kinds of subscriber: protocol subscribers see the same typing signals.
    expect(typingSignals()).toHaveLength(delivered);
    expect(typingSignals()[0]).toEqual({
      type: 'signal',
      channel: 'room',
      event: TYPING_EVENT,
      data: { typing: true },
      from: 'mallory',
    });

    // The flooder is told, typed, with when to retry, but not once per emit.
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(refusals.length).toBeLessThan(100);
    expect(refusals[0]).toEqual({
      code: 'rate_limited',
      message: expect.any(String),
      retryAfterMs: expect.any(Number),
      channel: 'room',
    });
    expect(events.filter((event) => event.type === 'limit').length).toBeGreaterThan(FLOOD - bound - 1);

    // A well-behaved typist is relayed at once, to native and protocol subscribers alike.
    bobTyping.length = 0;
    const before = typingSignals().length;
    carol.emit('typing', { channel: 'room', typing: true });
    await vi.waitFor(
      () => expect(bobTyping).toEqual([{ channel: 'room', userId: 'carol', typing: true } satisfies SocketTypingEvent]),
      WAIT,
    );
    await vi.waitFor(
      () =>
        expect(typingSignals().slice(before)).toEqual([
          expect.objectContaining({ from: 'carol', data: { typing: true } }),
        ]),
      WAIT,
    );
  });
});

describe('channels named after Object.prototype members are ordinary channels', () => {
  const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

  it(`routes ${NAMES.join(', ')} end to end: protocol frames stay frames, native joins get message/typing/leave`, async () => {
    const { url, server } = await start();
    const ann = await connect(url, 'ann');
    const client = protocol(ann);
    const annNative = record(ann, 'message');
    const bob = await connect(url, 'bob');
    const carol = await connect(url, 'carol');
    const bobMessages: HubMessage[] = record(bob, 'message');
    const bobTyping = record(bob, 'typing');

    for (const name of NAMES) {
      // Over the protocol: subscribed, then each message as an 'rk' frame, never as a native 'message' event.
      client.send({ type: 'subscribe', channel: name });
      await vi.waitFor(
        () =>
          expect(client.frames).toContainEqual({
            type: 'subscribed',
            channel: name,
            seq: 0,
            epoch: expect.any(String),
          }),
        WAIT,
      );
      // Natively: join, message, typing from another member, leave.
      expect(await join(bob, name)).toBe(0);
      expect(await join(carol, name)).toBe(0);
      await server.publish(name, 'chat', `to ${name}`);
      await vi.waitFor(
        () =>
          expect(client.frames).toContainEqual(
            expect.objectContaining({ type: 'message', channel: name, seq: 1, data: `to ${name}` }),
          ),
        WAIT,
      );
      await vi.waitFor(() => expect(bobMessages.filter((message) => message.channel === name)).toHaveLength(1), WAIT);
      expect(bobMessages.find((message) => message.channel === name)).toMatchObject({
        seq: 1,
        event: 'chat',
        data: `to ${name}`,
      });
      carol.emit('typing', { channel: name, typing: true });
      await vi.waitFor(() => expect(bobTyping).toContainEqual({ channel: name, userId: 'carol', typing: true }), WAIT);
      await expect(bob.timeout(5000).emitWithAck('leave', name)).resolves.toEqual({ ok: true });
      await server.publish(name, 'chat', 'after leave');
      await vi.waitFor(
        () => expect(client.frames).toContainEqual(expect.objectContaining({ type: 'message', channel: name, seq: 2 })),
        WAIT,
      );
      expect(
        bobMessages.filter((message) => message.channel === name),
        name,
      ).toHaveLength(1);
      expect(annNative, name).toEqual([]);
    }
    await sleep(100);
    // Each channel's messages once, on the right path.
    expect(bobMessages.map((message) => message.channel)).toEqual(NAMES);
    const rkMessages = client.frames.filter((frame) => frame.type === 'message');
    expect(rkMessages.map((frame) => frame.type === 'message' && `${frame.channel}:${frame.seq}`)).toEqual(
      NAMES.flatMap((name) => [`${name}:1`, `${name}:2`]),
    );

    // Still serving an ordinary channel afterwards.
    await join(bob, 'room');
    await server.publish('room', 'chat', 'still here');
    await vi.waitFor(() => expect(bobMessages.at(-1)).toMatchObject({ channel: 'room', data: 'still here' }), WAIT);
  });
});
