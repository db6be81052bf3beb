// The keeper with a real redis-server: a document survives a server restart with a fresh empty log, and two
// instances sharing Redis never lose each other's edits in their saves.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createRealtime } from '../src/index.js';
import { keepYjsDocuments, redisYjsStore } from '../src/yjs/index.js';
import { useRedis } from './redis-server.js';
import { cleanup, onCleanup, startEndpoint, WAIT } from './ws-helpers.js';
import { randomEdit, seededRandom, settled, sleep, textOf, wsPeer } from './yjs-helpers.js';

const DOC = 'doc:persisted';
const redis = useRedis();

afterEach(cleanup);

function redisClient(): Redis {
  const client = new Redis(redis.current.url, { lazyConnect: false });
  onCleanup(() => void client.disconnect());
  return client;
}

/** One server instance: realtime (memory broker unless `shared`), a keeper on the Redis store, a WebSocket endpoint. */
async function startInstance(shared: boolean, prefix: string, compactAfterUpdates?: number) {
  const realtime = await createRealtime({
    redis: shared ? redis.current.url : false,
    rateLimit: false,
    subscribeLimit: false,
    // Presence announcements of clients cut by the stop may land after Redis closed: expected, not printed.
    onError: () => undefined,
  });
  const keeper = keepYjsDocuments(realtime, {
    channels: 'doc:',
    ...redisYjsStore(redisClient(), { prefix }),
    saveDebounceMs: 50,
    ...(compactAfterUpdates === undefined ? {} : { compactAfterUpdates }),
  });
  const running = await startEndpoint({ realtime });
  let stopped: Promise<void> | undefined;
  // In the order of gracefulShutdown: endpoint, keeper (its last saves), realtime.
  const stop = () =>
    (stopped ??= (async () => {
      await running.stop();
      await keeper.close();
      await realtime.close();
    })());
  onCleanup(stop);
  return { realtime, keeper, url: running.url, stop };
}

describe('Yjs keeper with Redis', () => {
  it('a document survives a server restart with a fresh empty log: a new client sees the whole text', async () => {
    const before = await startInstance(false, 'test:restart');
    const writer = wsPeer(before.url, DOC);
    await vi.waitFor(() => expect(settled(writer, DOC)).toBe(true), WAIT);
    const random = seededRandom(7);
    for (let i = 0; i < 30; i += 1) randomEdit(writer.text, random, 'w');
    await vi.waitFor(() => expect(settled(writer, DOC)).toBe(true), WAIT);
    const written = writer.text.toString();
    writer.binding.destroy();
    writer.client.close();
    await before.stop();

    const after = await startInstance(false, 'test:restart');
    expect((await after.realtime.history(DOC, { after: 0 })).messages).toEqual([]);
    const reader = wsPeer(after.url, DOC);
    await vi.waitFor(() => expect(reader.text.toString()).toBe(written), WAIT);
    expect(written.length).toBeGreaterThan(20);
  });

  it('a client’s edits the restarted server lost with its log come back from the client (keeper answers)', async () => {
    const before = await startInstance(false, 'test:lost');
    const url = before.url;
    const writer = wsPeer(url, DOC);
    await vi.waitFor(() => expect(settled(writer, DOC)).toBe(true), WAIT);
    writer.text.insert(0, 'saved ');
    await vi.waitFor(() => expect(settled(writer, DOC)).toBe(true), WAIT);
    await before.keeper.flush();
    // Killed without its last save: this edit is only in the (memory) log, which dies with the process.
    await before.keeper.close();
    writer.text.insert(6, 'unsaved');
    await vi.waitFor(() => expect(settled(writer, DOC)).toBe(true), WAIT);
    writer.binding.destroy();
    writer.client.close();
    await before.stop();

    const after = await startInstance(false, 'test:lost');
    const returning = wsPeer(after.url, DOC, writer.doc);
    await vi.waitFor(() => expect(settled(returning, DOC)).toBe(true), WAIT);
    await vi.waitFor(
      async () => expect((await after.keeper.document(DOC))!.getText('text').toString()).toBe('saved unsaved'),
      WAIT,
    );
    await after.keeper.flush();
    expect(textOf(await redisYjsStore(redisClient(), { prefix: 'test:lost' }).onLoad(DOC))).toBe('saved unsaved');
  });

  it('two instances over Redis: edits on both, and neither keeper’s saves lose the other’s edits', async () => {
    const [a, b] = [await startInstance(true, 'test:two'), await startInstance(true, 'test:two')];
    const onA = wsPeer(a.url, DOC);
    const onB = wsPeer(b.url, DOC);
    await vi.waitFor(() => expect(settled(onA, DOC) && settled(onB, DOC)).toBe(true), WAIT);
    const random = seededRandom(99);
    for (let i = 0; i < 40; i += 1) {
      randomEdit(i % 2 === 0 ? onA.text : onB.text, random, i % 2 === 0 ? 'A' : 'B');
      if (i % 5 === 0) await sleep(10);
    }
    await vi.waitFor(() => {
      expect(settled(onA, DOC) && settled(onB, DOC)).toBe(true);
      expect(onA.text.toString()).toBe(onB.text.toString());
    }, WAIT);
    const final = onA.text.toString();
    // Both keepers save their copies (in either order, concurrently): the store holds the union.
    await Promise.all([a.keeper.flush(), b.keeper.flush()]);
    await Promise.all([a.stop(), b.stop()]);
    expect(textOf(await redisYjsStore(redisClient(), { prefix: 'test:two' }).onLoad(DOC))).toBe(final);
  });

  it('compaction trims the Redis log through saved updates; a newcomer still gets the whole text', async () => {
    const instance = await startInstance(true, 'test:compact', 10);
    const channel = 'doc:compacted';
    const writer = wsPeer(instance.url, channel);
    await vi.waitFor(() => expect(settled(writer, channel)).toBe(true), WAIT);
    for (let i = 0; i < 60; i += 1) {
      writer.text.insert(writer.text.length, `${i % 10}`);
      await vi.waitFor(() => expect(settled(writer, channel)).toBe(true), WAIT);
    }
    await vi.waitFor(async () => {
      const log = await instance.realtime.history(channel, { after: 0 });
      expect(log.head).toBeGreaterThanOrEqual(60);
      expect(log.messages.length).toBeLessThanOrEqual(15);
    }, WAIT);
    const newcomer = wsPeer(instance.url, channel);
    await vi.waitFor(() => expect(newcomer.text.toString()).toBe(writer.text.toString()), WAIT);
    expect(newcomer.text.length).toBe(60);
  });

  it('the Redis store: a stale or concurrent save never replaces newer state', async () => {
    const store = redisYjsStore(redisClient(), { prefix: 'test:store' });
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'one');
    const older = Y.encodeStateAsUpdate(doc);
    doc.getText('text').insert(3, ' two');
    await store.onSave(DOC, Y.encodeStateAsUpdate(doc));
    await store.onSave(DOC, older);
    expect(textOf(await store.onLoad(DOC))).toBe('one two');
    const left = new Y.Doc();
    left.getText('text').insert(0, 'L');
    const right = new Y.Doc();
    right.getText('text').insert(0, 'R');
    const other = redisYjsStore(redisClient(), { prefix: 'test:store' });
    await Promise.all([
      store.onSave(DOC, Y.encodeStateAsUpdate(left)),
      other.onSave(DOC, Y.encodeStateAsUpdate(right)),
    ]);
    const merged = textOf(await store.onLoad(DOC));
    expect(merged).toHaveLength(9);
    expect(merged).toContain('one two');
    expect(merged).toContain('L');
    expect(merged).toContain('R');
  });
});
