// The Redis broker's message states (edits, deletions, reactions), against a real redis-server: `find` by id on the
// Redis server, `get`/`set` beside the log, fenced by the channel's turn, trimmed and expired with the log.
import { isRealtimeError, type HubMessage } from '@realtime-kit/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisBroker, type RedisBroker, type RedisBrokerOptions } from '../src/redis/redis-broker.js';
import { channelKeys } from '../src/redis/redis-keys.js';
import { useRedis } from './redis-server.js';

const redisServer = useRedis();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

let counter = 0;
const uniqueChannel = () => `states-${(counter += 1)}-${Math.random().toString(36).slice(2, 8)}`;

function redisBroker(options: Partial<RedisBrokerOptions> = {}): RedisBroker {
  const broker = createRedisBroker({ redis: redisServer.current.url, ...options });
  closers.push(() => broker.close());
  return broker;
}

function rawClient(): Redis {
  const client = new Redis(redisServer.current.url);
  closers.push(async () => void client.disconnect());
  return client;
}

/** Message ids taken from `ids` in order, so tests choose them. */
function idsFrom(...ids: string[]): () => string {
  const queue = [...ids];
  return () => queue.shift() ?? `spare-${Math.random()}`;
}

function state(seq: number, overrides: Record<string, unknown> = {}) {
  return { seq, epoch: 'e1', event: 'chat', version: 2, data: { text: `edited ${seq}` }, changedAt: 5, ...overrides };
}

describe('RedisBroker.states.find', () => {
  it('finds a kept message by its id, and nothing for an unknown id', async () => {
    const broker = redisBroker({ createId: idsFrom('m-1', 'm-2', 'm-3') });
    const channel = uniqueChannel();
    for (let i = 1; i <= 3; i += 1) await broker.publish(channel, { event: 'chat', data: { n: i }, from: 'u1' });
    const { messages } = await broker.history(channel, 0);
    expect(await broker.states.find(channel, 'm-2')).toEqual(messages[1]);
    expect(await broker.states.find(channel, 'm-2')).toMatchObject({ id: 'm-2', seq: 2, data: { n: 2 }, from: 'u1' });
    expect(await broker.states.find(channel, 'm-4')).toBeUndefined();
    expect(await broker.states.find(uniqueChannel(), 'm-1')).toBeUndefined();
  });

  it('is not confused by an id that is a prefix of another, nor by an id inside the data', async () => {
    const broker = redisBroker({ createId: idsFrom('abc', 'ab', 'x') });
    const channel = uniqueChannel();
    await broker.publish(channel, { event: 'chat', data: 'first' });
    await broker.publish(channel, { event: 'chat', data: 'second' });
    // Its data quotes other ids exactly as a message JSON would: `"id":"a"`, `"id":"target","seq":`.
    await broker.publish(channel, { event: 'chat', data: { id: 'a', nested: { id: 'target', seq: 1 } } });
    expect((await broker.states.find(channel, 'ab'))?.data).toBe('second');
    expect((await broker.states.find(channel, 'abc'))?.data).toBe('first');
    expect(await broker.states.find(channel, 'a')).toBeUndefined();
    expect(await broker.states.find(channel, 'target')).toBeUndefined();
  });

  it('matches ids with Lua pattern characters and very long ids plainly', async () => {
    const patterned = 'a%d.[x]-(%s*)';
    const long = 'L'.repeat(10_000);
    const broker = redisBroker({ createId: idsFrom(patterned, long, 'plain') });
    const channel = uniqueChannel();
    for (const data of [1, 2, 3]) await broker.publish(channel, { event: 'chat', data });
    expect((await broker.states.find(channel, patterned))?.data).toBe(1);
    expect((await broker.states.find(channel, long))?.data).toBe(2);
    // As patterns these would match (or be malformed and make the script fail): plainly, they match nothing.
    for (const id of ['%', '.', '[', '.*', 'a%d', 'p.ain', '[p]lain', 'a%d.[x]', `${long}L`, 'M'.repeat(10_000)]) {
      expect(await broker.states.find(channel, id)).toBeUndefined();
    }
  });

  it('searches only the kept log: a trimmed message is not found', async () => {
    const broker = redisBroker({ logSize: 3, createId: idsFrom('m-1', 'm-2', 'm-3', 'm-4') });
    const channel = uniqueChannel();
    for (let i = 1; i <= 4; i += 1) await broker.publish(channel, { event: 'chat', data: i });
    expect(await broker.states.find(channel, 'm-1')).toBeUndefined();
    expect((await broker.states.find(channel, 'm-2'))?.seq).toBe(2);
    expect((await broker.states.find(channel, 'm-4'))?.seq).toBe(4);
  });
});

describe('RedisBroker.states.get and set', () => {
  it('round-trips states, in the order asked, undefined where a message has none', async () => {
    const broker = redisBroker({ createId: idsFrom('m-1', 'm-2', 'm-3') });
    const channel = uniqueChannel();
    for (let i = 1; i <= 3; i += 1) await broker.publish(channel, { event: 'chat', data: i });
    const first = state(1, { author: 'u1', reactions: { '👍': { u2: 1 } } });
    const third = state(3, { deleted: true, data: null, version: 3 });
    await broker.states.set(channel, 'm-1', first);
    await broker.states.set(channel, 'm-3', third);
    expect(await broker.states.get(channel, ['m-3', 'm-2', 'm-1', 'unknown'])).toEqual([
      third,
      undefined,
      first,
      undefined,
    ]);
    const changed = state(1, { version: 3, data: { text: 'again' } });
    await broker.states.set(channel, 'm-1', changed);
    expect(await broker.states.get(channel, ['m-1'])).toEqual([changed]);
    expect(await broker.states.get(uniqueChannel(), ['m-1'])).toEqual([undefined]);
  });

  it('answers an empty batch without a round trip', async () => {
    const client = rawClient();
    const broker = redisBroker({ redis: client });
    const hmget = vi.spyOn(client, 'hmget');
    expect(await broker.states.get(uniqueChannel(), [])).toEqual([]);
    expect(hmget).not.toHaveBeenCalled();
    await broker.states.get(uniqueChannel(), ['m-1']);
    expect(hmget).toHaveBeenCalledTimes(1);
  });

  it('reads a malformed stored state as none', async () => {
    const broker = redisBroker();
    const channel = uniqueChannel();
    const keys = channelKeys('rk', channel);
    await rawClient().hset(
      keys.states,
      'garbage',
      '{not json',
      'wrong',
      '{"seq":"1","epoch":"e"}',
      'ok',
      '{"seq":1,"epoch":"e","event":"chat","version":1}',
    );
    expect(await broker.states.get(channel, ['garbage', 'wrong', 'ok'])).toEqual([
      undefined,
      undefined,
      { seq: 1, epoch: 'e', event: 'chat', version: 1 },
    ]);
  });

  it('refuses a seq that is not a positive integer', async () => {
    const broker = redisBroker();
    await expect(broker.states.set(uniqueChannel(), 'm-1', state(Number.NaN))).rejects.toThrow(RangeError);
    await expect(broker.states.set(uniqueChannel(), 'm-1', state(0))).rejects.toThrow(RangeError);
  });

  it('rejects with closed once the broker is closed', async () => {
    const broker = redisBroker();
    await broker.close();
    const channel = uniqueChannel();
    for (const attempt of [
      () => broker.states.find(channel, 'm-1'),
      () => broker.states.get(channel, ['m-1']),
      () => broker.states.set(channel, 'm-1', state(1)),
    ]) {
      const error: unknown = await attempt().catch((caught: unknown) => caught);
      expect(isRealtimeError(error) && error.code).toBe('closed');
    }
  });
});

describe('RedisBroker.states fencing', () => {
  it('sets inside the turn, and refuses unavailable once the turn passed to another instance', async () => {
    // Long enough for the first set to land inside the turn on a loaded machine (150 ms was not, once).
    const first = redisBroker({ lockLeaseMs: 1_000 });
    const second = redisBroker({ lockLeaseMs: 5_000 });
    const channel = uniqueChannel();
    await first.publish(channel, { event: 'chat', data: 'original' });
    let secondHasTurn!: () => void;
    const secondStarted = new Promise<void>((resolve) => (secondHasTurn = resolve));
    let releaseSecond!: () => void;
    const secondMayEnd = new Promise<void>((resolve) => (releaseSecond = resolve));

    const refused = first.exclusive(channel, async (fence) => {
      await first.states.set(channel, 'm', state(1, { version: 2 }), { fence });
      // The second instance waits for the lock; our lease runs out meanwhile, and the turn is its.
      const secondTurn = second.exclusive(channel, async (secondFence) => {
        await second.states.set(channel, 'm', state(1, { version: 3 }), { fence: secondFence });
        secondHasTurn();
        await secondMayEnd;
      });
      await secondStarted;
      const error: unknown = await first.states
        .set(channel, 'm', state(1, { version: 4 }), { fence })
        .catch((caught: unknown) => caught);
      releaseSecond();
      await secondTurn;
      return error;
    });
    const error = await refused;
    expect(isRealtimeError(error) && error.code).toBe('unavailable');
    expect((error as Error).message).toMatch(/turn passed to another instance/);
    expect((await first.states.get(channel, ['m']))[0]?.version).toBe(3);
  });
});

describe('RedisBroker.states lifetime', () => {
  it('drops the states of messages trimmed from a small log on the next set', async () => {
    const ids = ['m-1', 'm-2', 'm-3', 'm-4', 'm-5'];
    const broker = redisBroker({ logSize: 3, createId: idsFrom(...ids) });
    const channel = uniqueChannel();
    const keys = channelKeys('rk', channel);
    const client = rawClient();
    for (let i = 1; i <= 3; i += 1) await broker.publish(channel, { event: 'chat', data: i });
    for (let i = 1; i <= 3; i += 1) await broker.states.set(channel, `m-${i}`, state(i));
    expect((await broker.states.get(channel, ids)).map((found) => found?.seq)).toEqual([1, 2, 3, undefined, undefined]);
    for (let i = 4; i <= 5; i += 1) await broker.publish(channel, { event: 'chat', data: i });
    await broker.states.set(channel, 'm-4', state(4));
    // Head 5, log size 3: messages 1 and 2 left the log, their states with them.
    expect((await broker.states.get(channel, ids)).map((found) => found?.seq)).toEqual([
      undefined,
      undefined,
      3,
      4,
      undefined,
    ]);
    expect(await client.hlen(keys.states)).toBe(2);
    expect(await client.zrange(keys.stateSeqs, 0, -1, 'WITHSCORES')).toEqual(['m-3', '3', 'm-4', '4']);
  });

  it('keeps states as long as the log: the retention TTL on both keys, refreshed by publishes and reads', async () => {
    const broker = redisBroker({ retentionMs: 60_000 });
    const channel = uniqueChannel();
    const keys = channelKeys('rk', channel);
    const client = rawClient();
    const { id } = await broker.publish(channel, { event: 'chat', data: 1 });
    await broker.states.set(channel, id, state(1));
    for (const key of [keys.states, keys.stateSeqs]) {
      expect(await client.pttl(key)).toBeGreaterThan(50_000);
      expect(await client.pttl(key)).toBeLessThanOrEqual(60_000);
    }
    await client.pexpire(keys.states, 1_000);
    await client.pexpire(keys.stateSeqs, 1_000);
    await broker.publish(channel, { event: 'chat', data: 2 });
    expect(await client.pttl(keys.states)).toBeGreaterThan(50_000);
    expect(await client.pttl(keys.stateSeqs)).toBeGreaterThan(50_000);
    await client.pexpire(keys.states, 1_000);
    await client.pexpire(keys.stateSeqs, 1_000);
    await broker.history(channel, 0);
    expect(await client.pttl(keys.states)).toBeGreaterThan(50_000);
    expect(await client.pttl(keys.stateSeqs)).toBeGreaterThan(50_000);
  });

  it('sets no TTL with retention 0', async () => {
    const broker = redisBroker({ retentionMs: 0 });
    const channel = uniqueChannel();
    const keys = channelKeys('rk', channel);
    const { id } = await broker.publish(channel, { event: 'chat', data: 1 });
    await broker.states.set(channel, id, state(1));
    const client = rawClient();
    expect(await client.pttl(keys.states)).toBe(-1);
    expect(await client.pttl(keys.stateSeqs)).toBe(-1);
  });

  it('drops the states of a log that starts over', async () => {
    const broker = redisBroker();
    const channel = uniqueChannel();
    const keys = channelKeys('rk', channel);
    const { id } = await broker.publish(channel, { event: 'chat', data: 1 });
    await broker.states.set(channel, id, state(1));
    // The counter is lost while the stream is not: the next publish starts a new log (and epoch).
    await rawClient().del(keys.seq);
    await broker.publish(channel, { event: 'chat', data: 'new' });
    expect(await broker.states.get(channel, [id])).toEqual([undefined]);
    expect(await rawClient().exists(keys.stateSeqs)).toBe(0);
  });
});

describe('RedisBroker message actions', () => {
  it('stores action, target and version after from, and keeps them through history, find and delivery', async () => {
    const broker = redisBroker({ createId: idsFrom('m-1', 'm-2', 'm-3') });
    const channel = uniqueChannel();
    const delivered: HubMessage[] = [];
    const subscription = broker.subscribe(channel, (message) => void delivered.push(message));
    await subscription.ready;
    await broker.publish(channel, { event: 'chat', data: { text: 'hi' }, from: 'u1' });
    await broker.publish(channel, {
      event: 'chat',
      data: { text: 'hi!' },
      cid: 'c-2',
      from: 'u1',
      action: 'update',
      target: 'm-1',
      version: 2,
    });
    await broker.publish(channel, { event: 'chat', data: null });
    const { messages } = await broker.history(channel, 0);
    expect(Object.keys(messages[1] ?? {})).toEqual([
      'type',
      'channel',
      'id',
      'seq',
      'event',
      'data',
      'cid',
      'at',
      'from',
      'action',
      'target',
      'version',
    ]);
    expect(messages[1]).toMatchObject({ id: 'm-2', action: 'update', target: 'm-1', version: 2 });
    expect(Object.keys(messages[0] ?? {})).toEqual(['type', 'channel', 'id', 'seq', 'event', 'data', 'at', 'from']);
    // A message without an action is stored without one.
    expect(messages[2]).not.toHaveProperty('action');
    expect(await broker.states.find(channel, 'm-2')).toEqual(messages[1]);
    await expect.poll(() => delivered.length).toBe(3);
    expect(delivered).toEqual(messages);
    subscription.close();
  });

  it('reads a stored message with a malformed action as malformed, not as a new message', async () => {
    const broker = redisBroker();
    const channel = uniqueChannel();
    const keys = channelKeys('rk', channel);
    await broker.publish(channel, { event: 'chat', data: 1 });
    const forged = JSON.stringify({
      type: 'message',
      channel,
      id: 'x',
      seq: 2,
      event: 'chat',
      data: 2,
      at: 1,
      action: 'explode',
      target: 'm',
    });
    const client = rawClient();
    await client.xadd(keys.log, '0-2', 'm', forged, 'e', 'chat');
    await client.set(keys.seq, '2');
    expect((await broker.history(channel, 0)).messages.map((message) => message.seq)).toEqual([1]);
  });
});
