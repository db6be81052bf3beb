import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import {
  createMemoryBroker,
  isRealtimeError,
  RealtimeError,
  type ChannelBroker,
  type HubMessage,
} from '@realtime-kit/core';
import { createRedisBroker, type RedisBroker } from '../src/redis/redis-broker.js';
import { createRedisStore, type RedisStore } from '../src/redis/redis-key-value-store.js';
import { startRedis, type TestRedis } from './redis-server.js';

const WAIT = { timeout: 10_000, interval: 20 } as const;
/** Every log has an epoch (its generation), from its first read or publish. */
const EPOCH = expect.stringMatching(/^[0-9a-f]{12}$/);

let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

let counter = 0;
/** A channel name no other test uses (Redis keeps data between tests). */
function uniqueChannel(label = 'ch'): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects what a subscription delivers. */
function collector() {
  const received: HubMessage[] = [];
  return {
    received,
    listener: (message: HubMessage) => void received.push(message),
    seqs: () => received.map((m) => m.seq),
  };
}

interface BrokerFactory {
  readonly name: string;
  create(options?: { logSize?: number }): ChannelBroker;
}

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  vi.unstubAllGlobals();
  const pending = closers.splice(0);
  await Promise.all(pending.map((close) => close()));
});

function redisBroker(options: Partial<Parameters<typeof createRedisBroker>[0]> = {}): RedisBroker {
  const broker = createRedisBroker({ redis: redis.url, ...options });
  closers.push(() => broker.close());
  return broker;
}

const factories: BrokerFactory[] = [
  { name: 'memory broker', create: (options) => createMemoryBroker(options) },
  { name: 'redis broker', create: (options) => redisBroker(options) },
];

describe.each(factories)('ChannelBroker contract: $name', (factory) => {
  it('numbers each channel 1..n independently, and history returns the stored messages', async () => {
    const broker = factory.create();
    const a = uniqueChannel();
    const b = uniqueChannel();
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) outcomes.push(await broker.publish(a, { event: 'e', data: { i } }));
    const other = await broker.publish(b, { event: 'e', data: 'x' });
    expect(outcomes.map((o) => o.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(outcomes.every((o) => o.fresh)).toBe(true);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(5);
    expect(other).toMatchObject({ seq: 1, fresh: true });

    const history = await broker.history(a, 0);
    expect(history.head).toBe(5);
    expect(history.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    const first = history.messages[0];
    expect(first).toEqual({
      type: 'message',
      channel: a,
      id: outcomes[0]?.id,
      seq: 1,
      event: 'e',
      data: { i: 0 },
      at: expect.any(Number),
    });
    expect(Object.keys(first ?? {})).toEqual(['type', 'channel', 'id', 'seq', 'event', 'data', 'at']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(await broker.history(uniqueChannel(), 0)).toEqual({ messages: [], head: 0, epoch: EPOCH });
  });

  it('keeps data exactly as published, with the cid key only when given', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    const data = { text: 'héllo "wörld" \\ 🚀', n: 1.5, big: 12345678901234568, nested: [null, true, { a: '' }] };
    await broker.publish(channel, { event: 'chat.message', data, cid: 'c-1' });
    await broker.publish(channel, { event: 'plain', data: 'str' });
    const { messages } = await broker.history(channel, 0);
    expect(messages[0]).toMatchObject({ event: 'chat.message', data, cid: 'c-1', seq: 1 });
    expect(Object.keys(messages[0] ?? {})).toEqual(['type', 'channel', 'id', 'seq', 'event', 'data', 'cid', 'at']);
    expect(messages[1]).toMatchObject({ event: 'plain', data: 'str', seq: 2 });
    expect('cid' in (messages[1] ?? {})).toBe(false);
  });

  it('dedupes by cid: a repeat answers the first id and seq with fresh false and delivers nothing', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    const { received, listener, seqs } = collector();
    const subscription = broker.subscribe(channel, listener);
    await subscription.ready;
    const first = await broker.publish(channel, { event: 'e', data: 1, cid: 'same' });
    const repeat = await broker.publish(channel, { event: 'e', data: 2, cid: 'same' });
    const next = await broker.publish(channel, { event: 'e', data: 3, cid: 'other' });
    expect(first).toMatchObject({ seq: 1, fresh: true });
    expect(repeat).toEqual({ id: first.id, seq: 1, fresh: false, epoch: first.epoch });
    expect(first.epoch).toEqual(EPOCH);
    expect(next).toMatchObject({ seq: 2, fresh: true });
    await vi.waitFor(() => expect(seqs()).toContain(2), WAIT);
    expect(received.map((m) => m.data)).toEqual([1, 3]);
    const history = await broker.history(channel, 0);
    expect(history.messages.map((m) => m.data)).toEqual([1, 3]);
    expect(history.head).toBe(2);
    subscription.close();
  });

  it('history(after) returns exactly the messages with seq > after', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    for (let i = 1; i <= 6; i += 1) await broker.publish(channel, { event: 'e', data: i });
    expect((await broker.history(channel, 3)).messages.map((m) => m.seq)).toEqual([4, 5, 6]);
    expect((await broker.history(channel, 5)).messages.map((m) => m.seq)).toEqual([6]);
    expect(await broker.history(channel, 6)).toEqual({ messages: [], head: 6, epoch: EPOCH });
    expect(await broker.history(channel, 100)).toEqual({ messages: [], head: 6, epoch: EPOCH });
    expect((await broker.history(channel, -1)).messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('answers only the head for after = Number.MAX_SAFE_INTEGER', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    expect(await broker.history(channel, Number.MAX_SAFE_INTEGER)).toEqual({ messages: [], head: 0, epoch: EPOCH });
    await broker.publish(channel, { event: 'e', data: 1 });
    await broker.publish(channel, { event: 'e', data: 2 });
    expect(await broker.history(channel, Number.MAX_SAFE_INTEGER)).toEqual({ messages: [], head: 2, epoch: EPOCH });
  });

  it('trims the log to logSize: history no longer reaches back, numbering goes on', async () => {
    const broker = factory.create({ logSize: 3 });
    const channel = uniqueChannel();
    for (let i = 1; i <= 7; i += 1) await broker.publish(channel, { event: 'e', data: i });
    const history = await broker.history(channel, 0);
    expect(history.head).toBe(7);
    expect(history.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect((await broker.history(channel, 5)).messages.map((m) => m.seq)).toEqual([6, 7]);
  });

  it('with logSize 0 keeps nothing but still numbers and delivers', async () => {
    const broker = factory.create({ logSize: 0 });
    const channel = uniqueChannel();
    const { listener, seqs } = collector();
    const subscription = broker.subscribe(channel, listener);
    await subscription.ready;
    expect((await broker.publish(channel, { event: 'e', data: 1 })).seq).toBe(1);
    expect((await broker.publish(channel, { event: 'e', data: 2 })).seq).toBe(2);
    expect(await broker.history(channel, 0)).toEqual({ messages: [], head: 2, epoch: EPOCH });
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2]), WAIT);
    subscription.close();
  });

  it('delivers to every listener in seq order, once each, sharing one frozen message', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    const one = collector();
    const two = collector();
    const subscriptions = [broker.subscribe(channel, one.listener), broker.subscribe(channel, two.listener)];
    await Promise.all(subscriptions.map((s) => s.ready));
    const expected = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const i of expected) await broker.publish(channel, { event: 'e', data: i });
    await vi.waitFor(() => expect(two.seqs()).toEqual(expected), WAIT);
    await vi.waitFor(() => expect(one.seqs()).toEqual(expected), WAIT);
    expect(one.received[0]).toBe(two.received[0]);
    expect(Object.isFrozen(one.received[0])).toBe(true);
    expect(one.received.map((m) => m.data)).toEqual(expected);
    for (const s of subscriptions) s.close();
  });

  it('treats one listener subscribed twice as two subscriptions', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    const { listener, seqs } = collector();
    const first = broker.subscribe(channel, listener);
    const second = broker.subscribe(channel, listener);
    await Promise.all([first.ready, second.ready]);
    await broker.publish(channel, { event: 'e', data: 1 });
    await vi.waitFor(() => expect(seqs()).toEqual([1, 1]), WAIT);
    first.close();
    await broker.publish(channel, { event: 'e', data: 2 });
    await vi.waitFor(() => expect(seqs()).toEqual([1, 1, 2]), WAIT);
    second.close();
  });

  it('stops delivering to a closed subscription, and keeps delivering to the others', async () => {
    const broker = factory.create();
    const channel = uniqueChannel();
    const closedOne = collector();
    const open = collector();
    const toClose = broker.subscribe(channel, closedOne.listener);
    const kept = broker.subscribe(channel, open.listener);
    await Promise.all([toClose.ready, kept.ready]);
    await broker.publish(channel, { event: 'e', data: 1 });
    await vi.waitFor(() => expect(closedOne.seqs()).toEqual([1]), WAIT);
    toClose.close();
    toClose.close();
    await broker.publish(channel, { event: 'e', data: 2 });
    await vi.waitFor(() => expect(open.seqs()).toEqual([1, 2]), WAIT);
    expect(closedOne.seqs()).toEqual([1]);
    kept.close();

    // Closing the last listener and subscribing again works.
    const again = collector();
    const resubscribed = broker.subscribe(channel, again.listener);
    await resubscribed.ready;
    await broker.publish(channel, { event: 'e', data: 3 });
    await vi.waitFor(() => expect(again.seqs()).toEqual([3]), WAIT);
    expect(open.seqs()).toEqual([1, 2]);
    resubscribed.close();
  });

  it('keeps delivering to the other listeners when one throws, and reports the error', async () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => void reported.push(error));
    const broker = factory.create();
    const channel = uniqueChannel();
    const boom = new Error('listener failed');
    const throwing = broker.subscribe(channel, () => {
      throw boom;
    });
    const { listener, seqs } = collector();
    const healthy = broker.subscribe(channel, listener);
    await Promise.all([throwing.ready, healthy.ready]);
    await broker.publish(channel, { event: 'e', data: 1 });
    await broker.publish(channel, { event: 'e', data: 2 });
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2]), WAIT);
    expect(reported).toEqual([boom, boom]);
    throwing.close();
    healthy.close();
  });

  it('keeps channel names with ":", "{", "}", spaces and unicode apart', async () => {
    const broker = factory.create();
    const suffix = uniqueChannel('');
    const names = [
      `a:b${suffix}`,
      `{x}${suffix}`,
      `}:cid:x${suffix}`,
      `with space ${suffix}`,
      `ünï©ødé 🚀 ${suffix}`,
      `a%3Ab${suffix}`,
      `a${suffix}`,
    ];
    const collectors = names.map(() => collector());
    const subscriptions = names.map((name, i) =>
      broker.subscribe(name, (collectors[i] as ReturnType<typeof collector>).listener),
    );
    await Promise.all(subscriptions.map((s) => s.ready));
    for (const [i, name] of names.entries()) {
      for (let n = 0; n <= i; n += 1) await broker.publish(name, { event: 'e', data: name, cid: `${name}:cid` });
      await broker.publish(name, { event: 'e', data: name });
    }
    for (const [i, name] of names.entries()) {
      const history = await broker.history(name, 0);
      expect(history.head).toBe(2);
      expect(history.messages.map((m) => [m.channel, m.seq, m.data])).toEqual([
        [name, 1, name],
        [name, 2, name],
      ]);
      await vi.waitFor(
        () =>
          expect(collectors[i]?.received.map((m) => [m.channel, m.seq])).toEqual([
            [name, 1],
            [name, 2],
          ]),
        WAIT,
      );
    }
    for (const s of subscriptions) s.close();
  });
});

describe('createRedisBroker across instances', () => {
  it('delivers what one instance publishes to the subscribers of another', async () => {
    const a = redisBroker();
    const b = redisBroker();
    const channel = uniqueChannel();
    const onA = collector();
    const subscription = a.subscribe(channel, onA.listener);
    await subscription.ready;
    const outcome = await b.publish(channel, { event: 'e', data: 'from b' });
    await vi.waitFor(
      () => expect(onA.received.map((m) => [m.seq, m.data, m.id])).toEqual([[1, 'from b', outcome.id]]),
      WAIT,
    );
    expect((await a.history(channel, 0)).messages.map((m) => m.id)).toEqual([outcome.id]);
    // A cid stored through one instance is a repeat on the other.
    const first = await a.publish(channel, { event: 'e', data: 1, cid: 'shared' });
    expect(await b.publish(channel, { event: 'e', data: 1, cid: 'shared' })).toEqual({
      id: first.id,
      seq: first.seq,
      fresh: false,
      epoch: first.epoch,
    });
    subscription.close();
  });

  it('gives every subscriber on both instances one order when both publish concurrently', async () => {
    const a = redisBroker();
    const b = redisBroker();
    const channel = uniqueChannel();
    const subscribers = [collector(), collector(), collector(), collector()];
    const subscriptions = subscribers.map((s, i) => (i % 2 === 0 ? a : b).subscribe(channel, s.listener));
    await Promise.all(subscriptions.map((s) => s.ready));
    const publishes: Promise<{ seq: number }>[] = [];
    for (let i = 0; i < 200; i += 1) {
      publishes.push(a.publish(channel, { event: 'e', data: `a${i}` }));
      publishes.push(b.publish(channel, { event: 'e', data: `b${i}` }));
    }
    const outcomes = await Promise.all(publishes);
    const expected = Array.from({ length: 400 }, (_, i) => i + 1);
    expect(outcomes.map((o) => o.seq).sort((x, y) => x - y)).toEqual(expected);
    for (const s of subscribers) await vi.waitFor(() => expect(s.seqs()).toEqual(expected), WAIT);
    const order = subscribers[0]?.received.map((m) => m.data);
    for (const s of subscribers) expect(s.received.map((m) => m.data)).toEqual(order);
    // Each instance's own publishes keep their order.
    expect(order?.filter((d) => String(d).startsWith('a'))).toEqual(Array.from({ length: 200 }, (_, i) => `a${i}`));
    for (const s of subscriptions) s.close();
  });

  it('uses one Redis subscription per channel however many local listeners, and drops it with the last', async () => {
    const broker = redisBroker({ keyPrefix: 'refcount' });
    const admin = new Redis(redis.url);
    closers.push(async () => void (await admin.quit()));
    const channel = uniqueChannel();
    const subscriptions = [
      broker.subscribe(channel, () => {}),
      broker.subscribe(channel, () => {}),
      broker.subscribe(channel, () => {}),
    ];
    await Promise.all(subscriptions.map((s) => s.ready));
    const pubName = `refcount:{${channel}}:pub`;
    const count = async () => Number(((await admin.call('PUBSUB', 'NUMSUB', pubName)) as [string, number])[1]);
    expect(await count()).toBe(1);
    subscriptions[0]?.close();
    subscriptions[1]?.close();
    expect(await count()).toBe(1);
    subscriptions[2]?.close();
    await vi.waitFor(async () => expect(await count()).toBe(0), WAIT);
  });

  it('works with a client passed in, and leaves that client open on close', async () => {
    const client = new Redis(redis.url);
    closers.push(async () => void (await client.quit()));
    const broker = createRedisBroker({ redis: client, keyPrefix: 'passed' });
    const channel = uniqueChannel();
    const { listener, seqs } = collector();
    const subscription = broker.subscribe(channel, listener);
    await subscription.ready;
    await broker.publish(channel, { event: 'e', data: 1 });
    await vi.waitFor(() => expect(seqs()).toEqual([1]), WAIT);
    await broker.close();
    await broker.close();
    expect(client.status).toBe('ready');
    expect(await client.exists(`passed:{${channel}}:log`)).toBe(1);
    await expect(broker.publish(channel, { event: 'e', data: 2 })).rejects.toMatchObject({ code: 'closed' });
  });

  it('waits for its first connection instead of failing commands sent right after creation', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const broker = redisBroker();
      const channel = uniqueChannel();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => broker.publish(channel, { event: 'e', data: i })),
      );
      expect(outcomes.map((o) => o.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      await sleep(50);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('rejects bad options with a RangeError', () => {
    expect(() => createRedisBroker({ redis: redis.url, logSize: -1 })).toThrow(RangeError);
    expect(() => createRedisBroker({ redis: redis.url, logSize: 1.5 })).toThrow(/logSize/);
    expect(() => createRedisBroker({ redis: redis.url, cidTtlSeconds: 0 })).toThrow(/cidTtlSeconds/);
    expect(() => createRedisBroker({ redis: redis.url, keyPrefix: '' })).toThrow(/keyPrefix/);
    expect(() => createRedisBroker({ redis: '' })).toThrow(RangeError);
    expect(() => createRedisBroker({ redis: 42 as unknown as string & Redis })).toThrow(RangeError);
  });
});

describe('createRedisBroker while Redis goes down and comes back', () => {
  let flaky: TestRedis;

  beforeAll(async () => {
    flaky = await startRedis();
  });

  afterAll(async () => {
    await flaky?.stop();
  });

  it('rejects with unavailable while down, then publishes and delivers again', async () => {
    const broker = createRedisBroker({ redis: flaky.url, keyPrefix: 'flaky' });
    closers.push(() => broker.close());
    const channel = uniqueChannel();
    const { listener, received } = collector();
    const subscription = broker.subscribe(channel, listener);
    const leaving = uniqueChannel();
    const toLeave = broker.subscribe(leaving, () => {});
    await Promise.all([subscription.ready, toLeave.ready]);
    await broker.publish(channel, { event: 'e', data: 'before' });
    await vi.waitFor(() => expect(received.map((m) => m.data)).toEqual(['before']), WAIT);

    await flaky.kill();
    const publishError = await Promise.resolve(broker.publish(channel, { event: 'e', data: 'down' })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isRealtimeError(publishError, 'unavailable')).toBe(true);
    expect((publishError as RealtimeError).cause).toBeInstanceOf(Error);
    await expect(broker.history(channel, 0)).rejects.toSatisfy((error) => isRealtimeError(error, 'unavailable'));
    const lateSubscription = broker.subscribe(uniqueChannel(), () => {});
    await expect(lateSubscription.ready).rejects.toSatisfy((error) => isRealtimeError(error, 'unavailable'));
    lateSubscription.close();
    // Closed while Redis is down: its UNSUBSCRIBE cannot be sent now, so it is sent after the reconnect.
    toLeave.close();

    await flaky.start();
    // No persistence: the log was lost with the process, so numbering starts over. Publishing works again...
    await vi.waitFor(() => broker.publish(channel, { event: 'e', data: 'probe' }), { timeout: 15_000, interval: 200 });
    // ...and once ioredis has re-subscribed, the subscriber receives again.
    await vi.waitFor(
      async () => {
        await broker.publish(channel, { event: 'e', data: 'after' });
        expect(received.some((m) => m.data === 'after')).toBe(true);
      },
      { timeout: 15_000, interval: 200 },
    );
    const history = await broker.history(channel, 0);
    expect(history.messages.some((m) => m.data === 'before')).toBe(false);

    const admin = new Redis(flaky.url);
    closers.push(async () => void (await admin.quit()));
    const count = async (name: string) =>
      Number(((await admin.call('PUBSUB', 'NUMSUB', `flaky:{${name}}:pub`)) as [string, number])[1]);
    await vi.waitFor(async () => expect(await count(leaving)).toBe(0), WAIT);
    expect(await count(channel)).toBe(1);
    subscription.close();
  });
});

describe('createRedisStore', () => {
  function store(keyPrefix = 'store'): RedisStore {
    const created = createRedisStore(redis.url, { keyPrefix });
    closers.push(() => created.close());
    return created;
  }

  it('put then take is single use, and of two concurrent takes exactly one gets the value', async () => {
    const kv = store();
    const key = uniqueChannel('token');
    await kv.put(key, 'value-1', 60_000);
    expect(await kv.take(key)).toBe('value-1');
    expect(await kv.take(key)).toBeNull();
    await kv.put(key, 'value-2', 60_000);
    const other = store();
    const takes = await Promise.all([kv.take(key), other.take(key), kv.take(key), other.take(key)]);
    expect(takes.filter((t) => t !== null)).toEqual(['value-2']);
  });

  it('forgets a value after its ttl', async () => {
    const kv = store();
    const short = uniqueChannel('short');
    const long = uniqueChannel('long');
    await kv.put(short, 'gone', 150);
    await kv.put(long, 'kept', 60_000);
    await sleep(600);
    expect(await kv.take(short)).toBeNull();
    expect(await kv.take(long)).toBe('kept');
    await expect(kv.put(short, 'x', 0)).rejects.toThrow(RangeError);
  });

  it('allows the bucket capacity, then refuses with retryAfterMs > 0, then refills over time', async () => {
    const kv = store();
    const key = uniqueChannel('bucket');
    // 0.5 tokens a second: a token takes 2 s to come back, far more than four calls take.
    const bucket = { capacity: 3, refillPerSecond: 0.5 };
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await kv.consume(key, bucket));
    expect(results.slice(0, 3).map((r) => r.allowed)).toEqual([true, true, true]);
    expect(results.slice(0, 3).map((r) => r.remaining)).toEqual([2, 1, 0]);
    expect(results.slice(0, 3).map((r) => r.retryAfterMs)).toEqual([0, 0, 0]);
    expect(results[3]?.allowed).toBe(false);
    expect(results[3]?.remaining).toBe(0);
    expect(results[3]?.retryAfterMs).toBeGreaterThan(0);
    expect(results[3]?.retryAfterMs).toBeLessThanOrEqual(2000);
    await vi.waitFor(async () => expect((await kv.consume(key, bucket)).allowed).toBe(true), {
      timeout: 10_000,
      interval: 250,
    });
  });

  it('takes a cost of several tokens at once, and never allows a cost above capacity', async () => {
    const kv = store();
    const key = uniqueChannel('cost');
    const bucket = { capacity: 5, refillPerSecond: 0.1 };
    expect(await kv.consume(key, bucket, 4)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    const refused = await kv.consume(key, bucket, 3);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect((await kv.consume(key, bucket, 1)).allowed).toBe(true);
    expect(await kv.consume(uniqueChannel('cost'), bucket, 6)).toMatchObject({
      allowed: false,
      retryAfterMs: Number.POSITIVE_INFINITY,
    });
    await expect(kv.consume(key, { capacity: 0, refillPerSecond: 1 })).rejects.toThrow(RangeError);
  });

  it('shares buckets and values between two store instances', async () => {
    const a = store('shared');
    const b = store('shared');
    const key = uniqueChannel('bucket');
    const bucket = { capacity: 2, refillPerSecond: 0.1 };
    expect((await a.consume(key, bucket)).allowed).toBe(true);
    expect((await b.consume(key, bucket)).allowed).toBe(true);
    const refused = await b.consume(key, bucket);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect((await a.consume(key, bucket)).allowed).toBe(false);
    await a.put(key, 'from a', 60_000);
    expect(await b.take(key)).toBe('from a');
    // Another prefix is another namespace.
    expect((await store('other').consume(key, bucket)).allowed).toBe(true);
  });

  it('rejects with unavailable while Redis is down, and works again after', async () => {
    const down = await startRedis();
    try {
      const kv = createRedisStore(down.url);
      closers.push(() => kv.close());
      await kv.put('k', 'v', 60_000);
      await down.kill();
      await expect(kv.put('k', 'v', 60_000)).rejects.toSatisfy((error) => isRealtimeError(error, 'unavailable'));
      await expect(kv.take('k')).rejects.toSatisfy((error) => isRealtimeError(error, 'unavailable'));
      await expect(kv.consume('k', { capacity: 1, refillPerSecond: 1 })).rejects.toSatisfy((error) =>
        isRealtimeError(error, 'unavailable'),
      );
      await down.start();
      await vi.waitFor(() => kv.put('k', 'again', 60_000), { timeout: 15_000, interval: 200 });
      expect(await kv.take('k')).toBe('again');
    } finally {
      await down.stop();
    }
  });
});
