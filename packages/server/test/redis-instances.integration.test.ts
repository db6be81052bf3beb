// Two server instances (each its own http server, WebSocket endpoint and `createRealtime({ redis })` with its own
// Redis connections) sharing one real redis-server on a loopback port. Clients are the real channel client over
// websocketTransport; a TCP "load balancer" in front lets one client move from instance A to instance B.
import type { PublishReceipt } from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtime, type Realtime, type ServerEvent } from '../src/index.js';
import { useRedis } from './redis-server.js';
import { cleanup, collect, onCleanup, startBalancer, startClient, startEndpoint, WAIT } from './ws-helpers.js';

const redisServer = useRedis();
afterEach(cleanup);

async function instance(options: Parameters<typeof createRealtime>[0] = {}) {
  const realtime = await createRealtime({
    redis: redisServer.current.url,
    rateLimit: false,
    onError: () => {},
    ...options,
  });
  onCleanup(() => realtime.close());
  const running = await startEndpoint({ realtime, onError: () => {} });
  return { realtime, ...running };
}

describe('two instances over one Redis', () => {
  it('a subscriber on A receives what a publisher on B sends, once, in order', async () => {
    const a = await instance();
    const b = await instance();
    const reader = startClient(a.url);
    const writer = startClient(b.url);
    const seen = collect(reader.client, 'room');
    await vi.waitFor(() => expect(reader.client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);

    const receipts: Promise<PublishReceipt>[] = [];
    for (let n = 1; n <= 50; n += 1) receipts.push(writer.client.channel('room').publish('chat', { n }));
    const settled = await Promise.all(receipts);
    // The server side of either instance publishes into the same numbering.
    await expect(a.realtime.publish('room', 'notice', { n: 51 })).resolves.toMatchObject({ seq: 51 });

    await vi.waitFor(() => expect(seen).toHaveLength(51), WAIT);
    expect(seen.map((message) => message.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    expect(settled.map((receipt) => receipt.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(a.realtime.distributed && b.realtime.distributed).toBe(true);
  });

  it('a client that loses A and reconnects to B with its last seq misses nothing and gets nothing twice', async () => {
    const a = await instance();
    const b = await instance();
    const lb = await startBalancer(a.port);
    const reader = startClient(lb.url);
    const seen = collect(reader.client, 'feed');
    await vi.waitFor(() => expect(reader.client.channel('feed').getSnapshot().subscribed).toBe(true), WAIT);
    for (let n = 1; n <= 20; n += 1) await b.realtime.publish('feed', 'tick', n);
    await vi.waitFor(() => expect(seen).toHaveLength(20), WAIT);

    // A goes away (a deploy): its clients are told 1012 and the balancer now sends them to B.
    lb.point(b.port);
    const stopping = a.stop();
    for (let n = 21; n <= 60; n += 1) await b.realtime.publish('feed', 'tick', n);
    await stopping;
    await vi.waitFor(() => expect(seen).toHaveLength(60), WAIT);
    for (let n = 61; n <= 70; n += 1) await b.realtime.publish('feed', 'tick', n);
    await vi.waitFor(() => expect(seen).toHaveLength(70), WAIT);
    expect(seen.map((message) => message.data)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    expect(b.endpoint.clients).toBe(1);
  });

  it('Redis down mid-run: nothing unstored is acked; client publishes wait in the outbox and are stored once Redis is back; server publishes reject; the servers stay up', async () => {
    const events: ServerEvent[] = [];
    const a = await instance({ onEvent: (event) => events.push(event) });
    const writer = startClient(a.url);
    const room = writer.client.channel('outage');
    await expect(room.publish('chat', 'before')).resolves.toMatchObject({ seq: 1 });

    await redisServer.current.kill();
    // The server nacks it `unavailable` (nothing stored, nothing acked); the client keeps it and sends it again.
    let settled = false;
    const during = room.publish('chat', 'during').finally(() => void (settled = true));
    await vi.waitFor(
      () => expect(events.some((event) => event.type === 'refused' && event.code === 'unavailable')).toBe(true),
      WAIT,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    expect(room.getSnapshot().pending).toBe(1);
    await expect(a.realtime.publish('outage', 'notice', 'during')).rejects.toMatchObject({ code: 'unavailable' });
    expect(writer.transport.getSnapshot().status).toBe('open');

    await redisServer.current.start();
    // The old log went with the process (no persistence): numbering restarts, and the waiting publish is stored once.
    await expect(during).resolves.toMatchObject({ seq: expect.any(Number) });
    await expect(room.publish('chat', 'after')).resolves.toMatchObject({ seq: expect.any(Number) });
    const stored = await a.realtime.broker.history('outage', 0);
    expect(stored.messages.map((message) => message.data)).toEqual(['during', 'after']);
    expect(
      events.filter((event) => event.type === 'publish').map((event) => event.type === 'publish' && event.channel),
    ).toContain('outage');
  });
});

describe('tokens and limits shared through Redis', () => {
  it('a stream token issued on A is redeemed once on B; a user limit spans both instances', async () => {
    const a = await instance({ rateLimit: { perConnection: false, perUser: { capacity: 3, refillPerSecond: 0.001 } } });
    const b = await instance({ rateLimit: { perConnection: false, perUser: { capacity: 3, refillPerSecond: 0.001 } } });
    const token = await a.realtime.streamTokens.issue({ userId: 'ann' });
    await expect(b.realtime.streamTokens.redeem(token)).resolves.toMatchObject({ ok: true, user: { userId: 'ann' } });
    await expect(a.realtime.streamTokens.redeem(token)).resolves.toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });

    const limiter = (realtime: Realtime) => realtime.rateLimiter!;
    const verdicts = [];
    for (const realtime of [a.realtime, b.realtime, a.realtime, b.realtime])
      verdicts.push(await limiter(realtime).check({ userId: 'ann' }));
    expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, true, true, false]);
  });
});

describe('createRealtime', () => {
  it('memory by default (no REDIS_URL), Redis when REDIS_URL is set', async () => {
    const saved = process.env.REDIS_URL;
    try {
      delete process.env.REDIS_URL;
      const local: Realtime = await createRealtime();
      expect(local.distributed).toBe(false);
      await local.close();
      process.env.REDIS_URL = redisServer.current.url;
      const shared = await createRealtime();
      onCleanup(() => shared.close());
      expect(shared.distributed).toBe(true);
      await expect(shared.publish('env', 'e', 1)).resolves.toMatchObject({ seq: 1 });
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });
});
