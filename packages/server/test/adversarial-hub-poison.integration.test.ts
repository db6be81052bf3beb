// One message must not poison a channel. The attack: data nested 6,000 levels deep (12 KB of `[[[…]]]`, far under the
// 64 KiB message limit, on an event without a schema). Stored, every delivery of it (JSON.stringify for each
// subscriber, the SSE encoder, a presence `sync`) would be a hazard for every subscriber of the channel, for as long as
// the log keeps it. Each test sends it over every carrier against real servers on 127.0.0.1 (memory, then a real
// redis-server) and checks: a typed `bad_frame` refusal at admission, nothing stored, every subscriber still connected
// and receiving, and a well-behaved client served afterwards.
import type { HubMessage, PresenceMember } from '@realtime-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  errorsOf,
  ioClient,
  ioSocket,
  rawIoClient,
  livePublish,
  liveClient,
  messagesOf,
  pollingClient,
  pollMessages,
  sseSessionClient,
  wsClient,
  type ProtocolClient,
} from './adversarial-clients.js';
import {
  cleanup,
  deepJson,
  deepValue,
  sleep,
  startStack,
  storedMessages,
  until,
  type Stack,
} from './adversarial-stack.js';
import { useRedis } from './redis-server.js';

afterEach(cleanup);

const DEPTH = 6000;
/** 12,001 characters: well under every size limit. */
const DEEP = deepJson(DEPTH);
const DEPTH_REFUSAL = { code: 'bad_frame', message: expect.stringContaining('deeper than 32') };

/** One protocol client per carrier: WebSocket, SSE + POST, long polling, Socket.io (socket.io-client). */
async function everyCarrier(stack: Stack): Promise<ProtocolClient[]> {
  return [await wsClient(stack), await sseSessionClient(stack), await pollingClient(stack), await ioClient(stack)];
}

/** The attackers on the hub's own carriers (Socket.io, which checks frames itself first, has its own test below). */
async function everyAttacker(stack: Stack) {
  return [await wsClient(stack), await sseSessionClient(stack), await pollingClient(stack)] as const;
}

async function subscribeAll(clients: ProtocolClient[], channel: string) {
  for (const client of clients) await client.send({ type: 'subscribe', channel });
  await until(() => {
    for (const client of clients)
      expect(client.frames, client.name).toContainEqual(expect.objectContaining({ type: 'subscribed', channel }));
  });
}

const seqs = (client: ProtocolClient, channel: string) => messagesOf(client, channel).map((message) => message.seq);

describe('publish: data 6,000 levels deep is refused at admission', () => {
  it('is nacked bad_frame over WebSocket, SSE + POST, long polling and createSSEEndpoint, is never stored, and every subscriber keeps receiving', async () => {
    const stack = await startStack();
    expect(DEEP.length).toBe(12_001);
    const subscribers = await everyCarrier(stack);
    await subscribeAll(subscribers, 'room');
    const nativeMessages: HubMessage[] = [];
    const native = await ioSocket(stack, undefined, (socket) =>
      socket.on('message', (message) => nativeMessages.push(message)),
    );
    expect(await native.timeout(5000).emitWithAck('join', 'room')).toEqual({ ok: true, seq: 0 });
    const live = liveClient(stack, 'channels=room', ['chat', 'rk:subscribed', 'rk:error']);
    await until(() => expect(live.of('rk:subscribed')).toHaveLength(1));
    await stack.realtime.publish('room', 'chat', 'before');

    const attackers = await everyAttacker(stack);
    for (const [index, attacker] of attackers.entries()) {
      await attacker.send(`{"type":"publish","channel":"room","event":"chat","cid":"deep-${index}","data":${DEEP}}`);
    }
    await until(() => {
      for (const [index, attacker] of attackers.entries()) {
        expect(errorsOf(attacker), attacker.name).toEqual([
          { type: 'nack', cid: `deep-${index}`, channel: 'room', error: DEPTH_REFUSAL },
        ]);
      }
    });
    expect(await livePublish(stack, `{"channel":"room","event":"chat","data":${DEEP}}`)).toEqual({
      status: 400,
      body: { error: DEPTH_REFUSAL },
    });
    // The server's own publish is held to the same rule (typed, for the app's code).
    await expect(stack.realtime.publish('room', 'chat', deepValue(DEPTH))).rejects.toMatchObject({
      code: 'invalid_payload',
    });

    // Nothing was stored: the log holds only the good message.
    expect(storedMessages(stack, 'room').map((message) => message.data)).toEqual(['before']);

    // Later messages flow to every subscriber, from the server and from a well-behaved client.
    await stack.realtime.publish('room', 'chat', 'after');
    const good = await wsClient(stack);
    await good.send(
      { type: 'subscribe', channel: 'room' },
      { type: 'publish', channel: 'room', event: 'chat', data: { text: 'hello' }, cid: 'good' },
    );
    await until(() =>
      expect(good.frames).toContainEqual(
        expect.objectContaining({ type: 'ack', cid: 'good', channel: 'room', seq: 3 }),
      ),
    );
    await until(() => {
      for (const subscriber of subscribers) expect(seqs(subscriber, 'room'), subscriber.name).toEqual([1, 2, 3]);
      expect(nativeMessages.map((message) => message.seq)).toEqual([1, 2, 3]);
      expect(live.of('chat').map((event) => event.data.seq)).toEqual([1, 2, 3]);
    });
    expect(messagesOf(good, 'room')).toEqual([
      expect.objectContaining({ seq: 3, data: { text: 'hello' }, cid: 'good' }),
    ]);
    for (const client of [...subscribers, ...attackers]) expect(client.closed(), client.name).toBe(false);
    expect(native.connected).toBe(true);
    expect(live.of('rk:error')).toEqual([]);

    // The poll handler answers every range around where the poisoned message would have been.
    const polled = async (query: string) => {
      const answer = await pollMessages(stack, query);
      expect(answer.status, query).toBe(200);
      return (answer.body.messages as { seq: number }[]).map((message) => message.seq);
    };
    expect(await polled('channel=room&after=0')).toEqual([1, 2, 3]);
    expect(await polled('channel=room&after=1')).toEqual([2, 3]);
    expect(await polled('channel=room&after=3')).toEqual([]);
    expect((await pollMessages(stack, 'channel=room')).body).toMatchObject({ messages: [], seq: 3 });
    expect(stack.errors).toEqual([]);
  });
});

describe('presence: data 6,000 levels deep is refused at admission', () => {
  it('enter and update are refused bad_frame over WebSocket, SSE + POST and long polling; the member set stays clean; new subscribers get their sync and stay', async () => {
    const stack = await startStack();
    const watcher = await wsClient(stack);
    await subscribeAll([watcher], 'room');

    const attackers = await everyAttacker(stack);
    for (const attacker of attackers)
      await attacker.send(`{"type":"presence","channel":"room","action":"enter","data":${DEEP}}`);
    await until(() => {
      for (const attacker of attackers)
        expect(errorsOf(attacker), attacker.name).toEqual([{ type: 'error', channel: 'room', error: DEPTH_REFUSAL }]);
    });
    // An update after a valid enter: refused, the member keeps its data.
    const [first] = attackers;
    await first.send({ type: 'presence', channel: 'room', action: 'enter', data: { name: 'mallory' } });
    await until(() => expect(stack.realtime.hub.presence('room')).toHaveLength(1));
    await first.send(`{"type":"presence","channel":"room","action":"update","data":${DEEP}}`);
    await until(() => expect(errorsOf(first)).toHaveLength(2));
    expect(errorsOf(first)[1]).toEqual({ type: 'error', channel: 'room', error: DEPTH_REFUSAL });
    const members = stack.realtime.hub.presence('room');
    expect(members).toEqual([expect.objectContaining({ data: { name: 'mallory' }, connections: 1 })]);

    // New subscribers on every carrier: each gets the sync (with the clean member set) and stays connected.
    const newcomers = await everyCarrier(stack);
    await subscribeAll(newcomers, 'room');
    for (const newcomer of newcomers) {
      const sync = newcomer.frames.find((frame) => frame.type === 'presence' && frame.action === 'sync');
      expect(sync, newcomer.name).toEqual({ type: 'presence', channel: 'room', action: 'sync', members });
    }
    // A well-behaved member enters; everyone sees it, and nobody was cut off on the way.
    await newcomers[0]!.send({ type: 'presence', channel: 'room', action: 'enter', data: { name: 'ann' } });
    const entered = (client: ProtocolClient) =>
      client.frames.flatMap((frame) =>
        frame.type === 'presence' && frame.action === 'enter'
          ? [(frame.member as PresenceMember<{ name: string }>).data.name]
          : [],
      );
    await until(() => {
      for (const client of [watcher, ...newcomers.slice(1)]) expect(entered(client), client.name).toContain('ann');
    });
    await sleep(50);
    for (const client of [watcher, ...newcomers, ...attackers]) expect(client.closed(), client.name).toBe(false);
    expect(stack.errors).toEqual([]);
  });
});

describe('signals: data 6,000 levels deep is refused at admission', () => {
  it('is refused bad_frame over WebSocket, SSE + POST and long polling, and relayed to no one; a good signal is relayed to every subscriber', async () => {
    const stack = await startStack();
    const subscribers = await everyCarrier(stack);
    await subscribeAll(subscribers, 'room');
    const attackers = await everyAttacker(stack);
    for (const attacker of attackers)
      await attacker.send(`{"type":"signal","channel":"room","event":"cursor","data":${DEEP}}`);
    await until(() => {
      for (const attacker of attackers)
        expect(errorsOf(attacker), attacker.name).toEqual([{ type: 'error', channel: 'room', error: DEPTH_REFUSAL }]);
    });
    await attackers[0]!.send({ type: 'signal', channel: 'room', event: 'cursor', data: { x: 1 } });
    await until(() => {
      for (const subscriber of subscribers) {
        expect(
          subscriber.frames.filter((frame) => frame.type === 'signal'),
          subscriber.name,
        ).toEqual([
          { type: 'signal', channel: 'room', event: 'cursor', data: { x: 1 }, from: expect.stringMatching(/^anon-/) },
        ]);
      }
    });
    for (const client of [...subscribers, ...attackers]) expect(client.closed(), client.name).toBe(false);
  });
});

describe('Socket.io: data 6,000 levels deep, sent on the wire (rk frames and native events)', () => {
  it('is refused bad_frame for publish, presence and signal, stored and relayed nowhere; subscribers keep receiving', async () => {
    const stack = await startStack();
    const subscribers = await everyCarrier(stack);
    await subscribeAll(subscribers, 'room');
    const attacker = await rawIoClient(stack);
    await attacker.send(
      `{"type":"publish","channel":"room","event":"chat","cid":"deep","data":${DEEP}}`,
      `{"type":"presence","channel":"room","action":"enter","data":${DEEP}}`,
      `{"type":"signal","channel":"room","event":"cursor","data":${DEEP}}`,
    );
    const native = {
      publish: await attacker.emitWithAck(
        'publish',
        `{"channel":"room","event":"chat","cid":"deep-native","data":${DEEP}}`,
      ),
      presence: await attacker.emitWithAck('presence', `{"channel":"room","action":"enter","data":${DEEP}}`),
    };
    await until(() => expect(errorsOf(attacker)).toHaveLength(3));

    // Refused, whatever the code: nothing stored, nobody present, nothing relayed, nobody cut off.
    expect(storedMessages(stack, 'room')).toEqual([]);
    expect(stack.realtime.hub.presence('room')).toEqual([]);
    await attacker.send({ type: 'publish', channel: 'room', event: 'chat', data: 'after', cid: 'good' });
    await until(() =>
      expect(attacker.frames).toContainEqual(expect.objectContaining({ type: 'ack', cid: 'good', seq: 1 })),
    );
    await until(() => {
      for (const subscriber of subscribers) expect(seqs(subscriber, 'room'), subscriber.name).toEqual([1]);
    });
    for (const subscriber of subscribers)
      expect(
        subscriber.frames.filter(
          (frame) => frame.type === 'signal' || (frame.type === 'presence' && frame.action !== 'sync'),
        ),
      ).toEqual([]);
    for (const client of [...subscribers, attacker]) expect(client.closed(), client.name).toBe(false);

    // Typed as on every other carrier: bad_frame, saying what is wrong (the nesting, not the size).
    expect(errorsOf(attacker)).toEqual([
      { type: 'nack', cid: 'deep', channel: 'room', error: DEPTH_REFUSAL },
      { type: 'error', channel: 'room', error: DEPTH_REFUSAL },
      { type: 'error', channel: 'room', error: DEPTH_REFUSAL },
    ]);
    expect(native).toEqual({
      publish: { ok: false, error: DEPTH_REFUSAL },
      presence: { ok: false, error: DEPTH_REFUSAL },
    });
  });
});

describe('with Redis (createRealtime({ redis }) on a real redis-server)', () => {
  const redis = useRedis();

  it('refuses the deep publish bad_frame (not unavailable), presence and signals too; messages keep flowing; the poll handler answers 200', async () => {
    const stack = await startStack({ realtime: { redis: redis.current.url } });
    expect(stack.realtime.distributed).toBe(true);
    const subscribers = [await wsClient(stack), await sseSessionClient(stack), await ioClient(stack)];
    await subscribeAll(subscribers, 'room');
    await stack.realtime.publish('room', 'chat', 'before');

    const attacker = await wsClient(stack);
    await attacker.send(
      `{"type":"publish","channel":"room","event":"chat","cid":"deep","data":${DEEP}}`,
      `{"type":"presence","channel":"room","action":"enter","data":${DEEP}}`,
      `{"type":"signal","channel":"room","event":"cursor","data":${DEEP}}`,
    );
    await until(() =>
      expect(errorsOf(attacker)).toEqual([
        { type: 'nack', cid: 'deep', channel: 'room', error: DEPTH_REFUSAL },
        { type: 'error', channel: 'room', error: DEPTH_REFUSAL },
        { type: 'error', channel: 'room', error: DEPTH_REFUSAL },
      ]),
    );
    await attacker.send({ type: 'publish', channel: 'room', event: 'chat', data: 'after', cid: 'good' });
    await until(() =>
      expect(attacker.frames).toContainEqual(expect.objectContaining({ type: 'ack', cid: 'good', seq: 2 })),
    );
    await until(() => {
      for (const subscriber of subscribers) expect(seqs(subscriber, 'room'), subscriber.name).toEqual([1, 2]);
    });
    expect((await stack.realtime.history('room')).messages.map((message) => message.data)).toEqual(['before', 'after']);
    for (const query of ['channel=room&after=0', 'channel=room&after=1', 'channel=room&after=2', 'channel=room']) {
      expect((await pollMessages(stack, query)).status, query).toBe(200);
    }
    expect((await pollMessages(stack, 'channel=room&after=0')).body).toMatchObject({
      seq: 2,
      messages: [{ seq: 1 }, { seq: 2 }],
    });
    for (const client of [...subscribers, attacker]) expect(client.closed(), client.name).toBe(false);
  });
});
