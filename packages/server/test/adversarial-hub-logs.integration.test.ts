// Channel logs must be freed. The attacks: polling (createPollHandler) 20,000 never-seen channel names, and publishing
// to ever new names, within the default rate limits. Every read or publish gives a channel a log in the memory broker;
// `maxLogs` caps how many it holds and `retentionMs` drops the logs nobody uses. Against real servers on 127.0.0.1,
// the heap is measured after full collections before and after, and must grow less than a stated bound.
import { Agent, get } from 'node:http';
import { createMemoryBroker, DEFAULT_MAX_LOGS, DEFAULT_RETENTION_MS, type ClientFrame } from '@realtime-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../src/index.js';
import { DEFAULT_CONNECTION_LIMIT } from '../src/realtime.js';
import { leanClient, pollMessages, terminateLeanClients, wsClient } from './adversarial-clients.js';
import { cleanup, exposeGc, logsOf, mb, MB, settledHeap, startStack, until, type Stack } from './adversarial-stack.js';

afterEach(async () => {
  terminateLeanClients();
  await cleanup();
});

const gc = exposeGc();
const POLLS = 20_000;
const MAX_LOGS = 1000;
/** Stated bound for the whole attack: about 150 bytes per name, besides the capped logs. */
const HEAP_BOUND = 3 * MB;

async function heapNow(stack: Stack) {
  // What the rate-limit store's own sweep does every 30 s: forget buckets that are full again.
  (stack.realtime.store as MemoryStore).sweep();
  return settledHeap(gc);
}

describe(`createPollHandler: ${POLLS} polls of unique channel names`, () => {
  it('leave hub.channels at 0 and the broker at maxLogs logs; the heap stays bounded; polling still answers', async () => {
    const stack = await startStack({ realtime: { broker: createMemoryBroker({ maxLogs: MAX_LOGS }) } });
    // Node's own client with keep-alive (fetch costs more per request than the server does).
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const poll = (path: string) =>
      new Promise<number>((resolve, reject) => {
        get(`${stack.base}${path}`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
    const pollMany = async (prefix: string, count: number) => {
      let next = 0;
      const statuses = new Map<number, number>();
      const worker = async () => {
        while (next < count) {
          const n = next;
          next += 1;
          const status = await poll(`/api/messages?channel=${prefix}:${n}&after=0`);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      return Object.fromEntries(statuses);
    };
    try {
      await pollMany('warm', 2 * MAX_LOGS);
      const before = await heapNow(stack);
      const started = performance.now();
      const statuses = await pollMany('attack', POLLS);
      const elapsed = Math.round(performance.now() - started);
      const buckets = (stack.realtime.store as MemoryStore).size.buckets;
      const after = await heapNow(stack);
      console.info(
        `[memory] ${POLLS} polls of unique names in ${elapsed} ms: heap ${mb(before)} → ${mb(after)} (${mb(after - before)}), ` +
          `hub.channels ${stack.realtime.hub.channels}, hub.sessions ${stack.realtime.hub.sessions}, broker logs ${logsOf(stack)}, rate-limit buckets before sweep ${buckets}`,
      );
      // Each poll is its own short session, within the subscribe limits: every one answered.
      expect(statuses).toEqual({ 200: POLLS });
      expect(stack.realtime.hub.channels).toBe(0);
      expect(stack.realtime.hub.sessions).toBe(0);
      expect(logsOf(stack)).toBe(MAX_LOGS);
      expect(after - before, `heap grew ${mb(after - before)}`).toBeLessThan(HEAP_BOUND);
    } finally {
      agent.destroy();
    }

    // Still serving: a message published now is polled, and a subscriber receives the next one.
    await stack.realtime.publish('room', 'chat', 'one');
    expect((await pollMessages(stack, 'channel=room&after=0')).body).toMatchObject({
      seq: 1,
      messages: [{ seq: 1, data: 'one' }],
    });
    const client = await wsClient(stack);
    await client.send(
      { type: 'subscribe', channel: 'room', after: 1 },
      { type: 'publish', channel: 'room', event: 'chat', data: 'two', cid: 'two' },
    );
    await until(() =>
      expect(client.frames).toContainEqual(expect.objectContaining({ type: 'message', seq: 2, data: 'two' })),
    );
    // 20,000 HTTP requests from this same process: ~12 s here; bounded well under the file's 40 s.
  }, 120_000);
});

describe('the memory broker drops logs past maxLogs and after retentionMs', () => {
  /** Publishes once to each of `count` new names, through connections at the default publish limit (50 each). */
  async function publishToNewNames(stack: Stack, prefix: string, count: number) {
    const perConnection = DEFAULT_CONNECTION_LIMIT.capacity;
    for (let first = 0; first < count; first += perConnection) {
      const client = await leanClient(stack);
      const frames = Array.from({ length: Math.min(perConnection, count - first) }, (_, i): ClientFrame => ({
        type: 'publish',
        channel: `${prefix}:${first + i}:${'x'.repeat(40)}`,
        event: 'chat',
        data: { text: 'y'.repeat(200) },
        cid: `c${i}`,
      }));
      await client.run(frames);
      expect(client.state.refusals).toEqual([]);
      expect(client.state.acks).toBe(frames.length);
      await client.close();
    }
  }

  it(`maxLogs (default ${DEFAULT_MAX_LOGS}): a small cap holds exactly that many logs, least recently used out first`, async () => {
    const stack = await startStack({ realtime: { broker: createMemoryBroker({ maxLogs: 100 }) } });
    await publishToNewNames(stack, 'first', 500);
    expect(logsOf(stack)).toBe(100);
    // A subscribed log is in use: it stays while newer names push the others out.
    const keeper = await wsClient(stack);
    await keeper.send(
      { type: 'subscribe', channel: 'kept', after: 0 },
      { type: 'publish', channel: 'kept', event: 'chat', data: 'keep me', cid: 'k' },
    );
    await until(() =>
      expect(keeper.frames).toContainEqual(expect.objectContaining({ type: 'message', channel: 'kept', seq: 1 })),
    );
    await publishToNewNames(stack, 'second', 500);
    expect(logsOf(stack)).toBe(100);
    expect((await stack.realtime.history('kept')).messages.map((message) => message.data)).toEqual(['keep me']);
    expect((await stack.realtime.history('first:0:' + 'x'.repeat(40))).messages).toEqual([]);
  });

  it(`retentionMs (default ${DEFAULT_RETENTION_MS / 3_600_000} h): logs nobody used for that long are dropped, and their memory with them`, async () => {
    // The broker's clock runs a day ahead on demand (the endpoints and clients stay on real time).
    let skew = 0;
    const stack = await startStack({ realtime: { broker: createMemoryBroker({ now: () => Date.now() + skew }) } });
    const names = 4000;
    await publishToNewNames(stack, 'warm', 200);
    skew += DEFAULT_RETENTION_MS + 1;
    await publishToNewNames(stack, 'warm-again', 200);
    const baseline = await heapNow(stack);
    await publishToNewNames(stack, 'old', names);
    const held = await heapNow(stack);
    const logsHeld = logsOf(stack);

    skew += DEFAULT_RETENTION_MS + 1;
    // Expired logs are swept lazily, 16 per broker use: 300 new publishes sweep all 4,000 old ones (and the warm-up's).
    await publishToNewNames(stack, 'new', 300);
    const after = await heapNow(stack);
    console.info(
      `[memory] retention: ${logsHeld} logs held cost ${mb(held - baseline)} (~${Math.round((held - baseline) / names)} B each with a 200-byte message); ` +
        `a day later and 300 publishes on: ${logsOf(stack)} logs, heap ${mb(after - baseline)} over the baseline`,
    );
    expect(logsHeld).toBe(200 + names);
    expect(logsOf(stack)).toBe(300);
    // What is left is the 300 new logs and noise (JIT code, limiter buckets): well under half of what the old ones cost.
    expect(after - baseline, `heap ${mb(after - baseline)} over the baseline after retention`).toBeLessThan(
      (held - baseline) / 2,
    );
  });
});
