// The parts of the ChannelBroker contract that keep the promise across deployments: every log has an epoch that
// changes whenever the log starts over (so numbers are never silently reused), paged reads for rewind and history,
// `latest`/`lookup` for server rules, and `exclusive` turns that hold across instances. Run against the memory broker
// and a real redis-server.
import { createMemoryBroker, type ChannelBroker, type MemoryBroker } from '@realtime-kit/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisBroker, type RedisBroker } from '../src/redis/redis-broker.js';
import { useRedis } from './redis-server.js';

const redisServer = useRedis();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

let counter = 0;
const uniqueChannel = () => `epochs-${(counter += 1)}-${Math.random().toString(36).slice(2, 8)}`;

function redisBroker(options: Partial<Parameters<typeof createRedisBroker>[0]> = {}): RedisBroker {
  const broker = createRedisBroker({ redis: redisServer.current.url, ...options });
  closers.push(() => broker.close());
  return broker;
}

interface Factory {
  readonly name: string;
  create(options?: { logSize?: number }): ChannelBroker;
  /** The log of `channel` starts over, as after a restart without persistence. */
  startOver(broker: ChannelBroker, channel: string): Promise<void>;
}

const factories: Factory[] = [
  {
    name: 'memory broker',
    create: (options) => createMemoryBroker(options),
    startOver: async (broker) => (broker as MemoryBroker).restart(),
  },
  {
    name: 'redis broker',
    create: (options) => redisBroker(options),
    startOver: async () => {
      // FLUSHALL: what a Redis restarted without persistence looks like to every channel.
      const client = new Redis(redisServer.current.url);
      await client.flushall();
      client.disconnect();
    },
  },
];

describe.each(factories)('ChannelBroker epochs and reads: $name', (factory) => {
  it('gives a log one epoch from its first read on, and a new one when the log starts over: numbers are never reused silently', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    const empty = await broker.history(channel, { limit: 0 });
    expect(empty).toEqual({ messages: [], head: 0, epoch: expect.stringMatching(/^[0-9a-f]{12}$/) });
    for (let i = 1; i <= 3; i += 1) await broker.publish(channel, { event: 'e', data: i });
    const before = await broker.history(channel, 0);
    // The epoch a reader saw on the empty channel is the epoch of the messages that followed.
    expect(before.epoch).toBe(empty.epoch);
    expect(before.head).toBe(3);
    await factory.startOver(broker, channel);
    await broker.publish(channel, { event: 'e', data: 'new' });
    const after = await broker.history(channel, 0);
    expect(after.head).toBe(1);
    expect(after.epoch).not.toBe(before.epoch);
    expect(after.messages.map((message) => message.data)).toEqual(['new']);
  });

  it('delivers each message with the epoch of its log', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    const seen: [number, string][] = [];
    const subscription = broker.subscribe(channel, (message, epoch) => void seen.push([message.seq, epoch]));
    await subscription.ready;
    await broker.publish(channel, { event: 'e', data: 1 });
    const { epoch } = await broker.history(channel, { limit: 0 });
    await expect.poll(() => seen).toEqual([[1, epoch]]);
    subscription.close();
  });

  it('pages back with { before, limit } and forward with { after, limit }, oldest first', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    for (let i = 1; i <= 10; i += 1) await broker.publish(channel, { event: 'e', data: i });
    const seqs = async (query: Parameters<ChannelBroker['history']>[1]) =>
      (await broker.history(channel, query)).messages.map((m) => m.seq);
    expect(await seqs({ limit: 3 })).toEqual([8, 9, 10]);
    expect(await seqs({ before: 8, limit: 3 })).toEqual([5, 6, 7]);
    expect(await seqs({ before: 3, limit: 5 })).toEqual([1, 2]);
    expect(await seqs({ before: 1, limit: 5 })).toEqual([]);
    expect(await seqs({ after: 4, limit: 2 })).toEqual([5, 6]);
    expect(await seqs({ limit: 0 })).toEqual([]);
    expect((await broker.history(channel, { limit: 0 })).head).toBe(10);
  });

  it('stamps `from`, and answers latest(event) and lookup(cid) from the log', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    await broker.publish(channel, { event: 'bid', data: { amount: 10 }, from: 'ada' });
    await broker.publish(channel, { event: 'chat', data: 'hi', from: 'bob' });
    const bid = await broker.publish(channel, { event: 'bid', data: { amount: 12 }, cid: 'b2', from: 'bob' });
    await broker.publish(channel, { event: 'chat', data: 'wow' });
    expect(await broker.latest(channel, 'bid')).toMatchObject({ seq: 3, data: { amount: 12 }, from: 'bob' });
    expect(await broker.latest(channel, 'chat')).toMatchObject({ seq: 4, data: 'wow' });
    expect((await broker.latest(channel, 'chat'))?.from).toBeUndefined();
    expect(await broker.latest(channel, 'none')).toBeUndefined();
    expect(await broker.lookup(channel, 'b2')).toEqual({ id: bid.id, seq: 3, epoch: bid.epoch });
    expect(bid.epoch).toBe((await broker.history(channel, { limit: 0 })).epoch);
    expect(await broker.lookup(channel, 'unknown')).toBeUndefined();
  });

  it('exclusive runs one task per channel at a time, in order, and another channel meanwhile', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`${name} end`);
      return name;
    };
    const other = broker.exclusive(uniqueChannel(), task('other', 5));
    const results = await Promise.all([
      broker.exclusive(channel, task('a', 30)),
      broker.exclusive(channel, task('b', 5)),
      other,
    ]);
    expect(results).toEqual(['a', 'b', 'other']);
    expect(log.indexOf('b start')).toBeGreaterThan(log.indexOf('a end'));
    expect(log.indexOf('other start')).toBeLessThan(log.indexOf('a end'));
    // A failing task releases the turn.
    await expect(broker.exclusive(channel, async () => Promise.reject(new Error('rule failed')))).rejects.toThrow(
      'rule failed',
    );
    await expect(broker.exclusive(channel, async () => 'after')).resolves.toBe('after');
  });
});

describe('createRedisBroker: turns and epochs across instances', () => {
  it('serializes exclusive turns of two instances, and a publish whose lease was lost is refused', async () => {
    const a = redisBroker();
    const b = redisBroker({ lockLeaseMs: 50 });
    const channel = uniqueChannel();
    let inside = 0;
    let overlapped = false;
    const turn = (broker: RedisBroker) =>
      broker.exclusive(channel, async (fence) => {
        inside += 1;
        if (inside > 1) overlapped = true;
        await new Promise((resolve) => setTimeout(resolve, 10));
        await broker.publish(channel, { event: 'e', data: 1 }, { fence });
        inside -= 1;
      });
    await Promise.all([turn(a), turn(b), turn(a), turn(b), turn(a), turn(b)]);
    expect(overlapped).toBe(false);
    expect((await a.history(channel, 0)).head).toBe(6);
    // B's lease (50 ms) runs out while its task waits: A takes the turn, and B's late publish is refused, not stored.
    const late = b.exclusive(channel, async (fence) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return b.publish(channel, { event: 'e', data: 'late' }, { fence });
    });
    await new Promise((resolve) => setTimeout(resolve, 70));
    await a.exclusive(channel, async (fence) => a.publish(channel, { event: 'e', data: 'a' }, { fence }));
    await expect(late).rejects.toMatchObject({ code: 'unavailable' });
    expect((await a.history(channel, 6)).messages.map((message) => message.data)).toEqual(['a']);
  });

  it('a log whose counter key was deleted starts over under a new epoch instead of failing or reusing numbers', async () => {
    const broker = redisBroker();
    const channel = uniqueChannel();
    await broker.publish(channel, { event: 'e', data: 1 });
    await broker.publish(channel, { event: 'e', data: 2 });
    const { epoch } = await broker.history(channel, 0);
    const client = new Redis(redisServer.current.url);
    await client.del(`rk:{${channel}}:seq`);
    client.disconnect();
    await expect(broker.publish(channel, { event: 'e', data: 'again' })).resolves.toMatchObject({
      seq: 1,
      fresh: true,
    });
    const after = await broker.history(channel, 0);
    expect(after.epoch).not.toBe(epoch);
    expect(after.messages.map((message) => message.data)).toEqual(['again']);
  });

  it('expires a log after retentionMs without use: it starts over under a new epoch', async () => {
    const broker = redisBroker({ retentionMs: 200 });
    const channel = uniqueChannel();
    await broker.publish(channel, { event: 'e', data: 1 });
    const { epoch } = await broker.history(channel, 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const later = await broker.history(channel, 0);
    expect(later).toMatchObject({ head: 0, messages: [] });
    expect(later.epoch).not.toBe(epoch);
  });
});
