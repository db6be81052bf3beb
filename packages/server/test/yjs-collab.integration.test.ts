// Collaborative editing with the keeper: random concurrent edits over our WebSocket server converge, offline edits
// merge on reconnect, the size limit reaches the client, and compaction keeps replays bounded (test kit).
import { createChannelHub, RealtimeError } from '@realtime-kit/core';
import { YJS_EVENTS } from '@realtime-kit/core/yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createRealtime } from '../src/index.js';
import { keepYjsDocuments, memoryYjsStore } from '../src/yjs/index.js';
import { cleanup, onCleanup, startEndpoint, WAIT } from './ws-helpers.js';
import { kitPeer, randomEdit, seededRandom, settled, sleep, wsPeer } from './yjs-helpers.js';

const DOC = 'doc:collab';

afterEach(cleanup);

async function startYjsServer(keeperOptions: Partial<Parameters<typeof keepYjsDocuments>[1]> = {}) {
  const realtime = await createRealtime({ redis: false, rateLimit: false, subscribeLimit: false });
  const keeper = keepYjsDocuments(realtime, { channels: 'doc:', ...keeperOptions });
  onCleanup(() => realtime.close());
  onCleanup(() => keeper.close());
  const running = await startEndpoint({ realtime });
  return { realtime, keeper, url: running.url };
}

describe('Yjs keeper over the WebSocket server', () => {
  it('three clients making seeded random concurrent edits converge to one text, the keeper included', async () => {
    const { keeper, url } = await startYjsServer();
    const peers = ['a', 'b', 'c'].map(() => wsPeer(url, DOC));
    await vi.waitFor(() => expect(peers.every((peer) => settled(peer, DOC))).toBe(true), WAIT);
    const random = seededRandom(20);
    for (let round = 0; round < 60; round += 1) {
      const index = Math.floor(random() * peers.length);
      randomEdit(peers[index]!.text, random, 'abc'[index]!);
      if (random() < 0.3) await sleep(Math.floor(random() * 15));
    }
    const kept = (await keeper.document(DOC))!;
    await vi.waitFor(() => {
      expect(peers.every((peer) => settled(peer, DOC))).toBe(true);
      const texts = new Set([...peers.map((peer) => peer.text.toString()), kept.getText('text').toString()]);
      expect(texts.size).toBe(1);
    }, WAIT);
    expect(peers[0]!.text.length).toBeGreaterThan(20);
    expect(peers.flatMap((peer) => peer.errors)).toEqual([]);
  });

  it('a newcomer gets the whole document from the keeper after everyone left', async () => {
    const { url } = await startYjsServer();
    const first = wsPeer(url, DOC);
    first.text.insert(0, 'left behind');
    await vi.waitFor(() => expect(settled(first, DOC)).toBe(true), WAIT);
    first.binding.destroy();
    first.client.close();
    const newcomer = wsPeer(url, DOC);
    await vi.waitFor(() => expect(newcomer.text.toString()).toBe('left behind'), WAIT);
  });

  it('refuses an edit past maxDocumentBytes with message_too_large naming the limit; nothing is stored', async () => {
    const { realtime, keeper, url } = await startYjsServer({ maxDocumentBytes: 1024 });
    const peer = wsPeer(url, DOC);
    await vi.waitFor(() => expect(settled(peer, DOC)).toBe(true), WAIT);
    peer.text.insert(0, 'small');
    await vi.waitFor(() => expect(settled(peer, DOC)).toBe(true), WAIT);
    peer.text.insert(5, 'y'.repeat(2000));
    await vi.waitFor(() => expect(peer.errors).toHaveLength(1), WAIT);
    const error = peer.errors[0] as RealtimeError;
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error.code).toBe('message_too_large');
    expect(error.message).toContain('1024 bytes (maxDocumentBytes)');
    const stored = await realtime.history(DOC, { after: 0 });
    expect(stored.messages).toHaveLength(1);
    expect((await keeper.document(DOC))!.getText('text').toString()).toBe('small');
  });
});

describe('Yjs keeper over the test kit', () => {
  it('edits made offline merge with the others’ edits made meanwhile', async () => {
    const hub = createChannelHub();
    const keeper = keepYjsDocuments({ hub }, { channels: 'doc:' });
    onCleanup(() => keeper.close());
    const [alice, bob] = [kitPeer(hub, DOC, 'alice'), kitPeer(hub, DOC, 'bob')];
    alice.text.insert(0, 'shared ');
    await vi.waitFor(() => expect(bob.text.toString()).toBe('shared '), WAIT);
    alice.link!.offline();
    alice.text.insert(alice.text.length, 'alice-offline ');
    bob.text.insert(0, 'bob-online ');
    await vi.waitFor(() => expect(settled(bob, DOC)).toBe(true), WAIT);
    await sleep(50);
    expect(alice.text.toString()).not.toContain('bob-online');
    alice.link!.online();
    await vi.waitFor(() => {
      expect(alice.text.toString()).toBe(bob.text.toString());
      expect(alice.text.toString()).toContain('alice-offline');
      expect(alice.text.toString()).toContain('bob-online');
    }, WAIT);
  });

  it('compaction keeps the log, a resuming client’s replay and a newcomer’s replay bounded', async () => {
    const hub = createChannelHub();
    const store = memoryYjsStore();
    const keeper = keepYjsDocuments(
      { hub },
      { channels: 'doc:', ...store, saveDebounceMs: 5, compactAfterUpdates: 20 },
    );
    onCleanup(() => keeper.close());
    const writer = kitPeer(hub, DOC, 'writer');
    const resumer = kitPeer(hub, DOC, 'resumer');
    await vi.waitFor(() => expect(settled(writer, DOC) && settled(resumer, DOC)).toBe(true), WAIT);
    let replayed = 0;
    onCleanup(resumer.client.channel(DOC).subscribe(YJS_EVENTS.update, () => void (replayed += 1)));
    resumer.link!.offline();
    for (let i = 0; i < 200; i += 1) {
      writer.text.insert(writer.text.length, `${i % 10}`);
      await vi.waitFor(() => expect(settled(writer, DOC)).toBe(true), WAIT);
    }
    await vi.waitFor(() => expect(hub.broker.messages(DOC).length).toBeLessThanOrEqual(25), WAIT);
    expect(hub.broker.head(DOC)).toBeGreaterThanOrEqual(200);
    resumer.link!.online();
    await vi.waitFor(() => expect(resumer.text.toString()).toBe(writer.text.toString()), WAIT);
    expect(resumer.text.length).toBe(200);
    expect(replayed).toBeLessThanOrEqual(25);
    const newcomer = kitPeer(hub, DOC, 'newcomer');
    let newcomerReplayed = 0;
    onCleanup(newcomer.client.channel(DOC).subscribe(YJS_EVENTS.update, () => void (newcomerReplayed += 1)));
    await vi.waitFor(() => expect(newcomer.text.toString()).toBe(writer.text.toString()), WAIT);
    expect(newcomerReplayed).toBe(0);
    const saved = new Y.Doc();
    Y.applyUpdate(saved, store.get(DOC)!);
    expect(saved.getText('text').length).toBeGreaterThanOrEqual(180);
  });
});
