// The collaborative editor's Yjs-over-channel binding (@realtime-kit/core/yjs) over the real wire:
// RealtimeClients on websocketTransport against createWebSocketEndpoint on 127.0.0.1, with the server's default
// rate limits — what the docs demo runs on. The textarea side is covered by the item's stories; the binding's unit
// tests (in-memory hub) and the text, caret and base64 helpers' tests live beside it in packages/core/src/yjs/.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRealtimeClient, type NetworkEvent, type RealtimeClient } from '@realtime-kit/core';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { createRealtime, createWebSocketEndpoint } from '@realtime-kit/server';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';

import {
  applyTextEdit,
  bindYjsToChannel,
  decodeCaret,
  encodeCaret,
  resolvePosition,
  seedText,
  type YjsChannelBinding,
} from '@realtime-kit/core/yjs';

const WAIT = { timeout: 5000, interval: 10 };
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer() {
  const server = http.createServer();
  const realtime = await createRealtime({ redis: false });
  createWebSocketEndpoint({ server, path: '/realtime', realtime });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/realtime`, realtime };
}

/** A network that can be switched off for one client (the test's "pull the cable"). */
function switchableNetwork() {
  let online = true;
  const listeners = new Set<(event: NetworkEvent) => void>();
  return {
    isOnline: () => online,
    subscribe(listener: (event: NetworkEvent) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set(next: boolean) {
      online = next;
      for (const listener of [...listeners]) listener(next ? 'online' : 'offline');
    },
  };
}

interface Peer {
  client: RealtimeClient;
  doc: Y.Doc;
  text: Y.Text;
  binding: YjsChannelBinding;
}

function joinPeer(
  url: string,
  id: string,
  options: { network?: ReturnType<typeof switchableNetwork>; seed?: string } = {},
): Peer {
  const client = createRealtimeClient({
    transport: websocketTransport({
      url,
      WebSocket: WebSocket as never,
      network: options.network,
      backoff: { minMs: 20, maxMs: 50 },
    }),
  });
  const channel = client.channel('doc:1');
  channel.presence.enter({ id, name: id });
  const doc = new Y.Doc();
  if (options.seed !== undefined) seedText(doc, 'text', options.seed);
  const binding = bindYjsToChannel(doc, channel, {
    flushMs: 20,
    syncTimeoutMs: 300,
    isSelf: (member) => (member.data as { id?: unknown } | null)?.id === id,
  });
  cleanups.push(() => {
    binding.destroy();
    client.close();
  });
  return { client, doc, text: doc.getText('text'), binding };
}

const settled = (peer: Peer) => {
  const state = peer.binding.getSnapshot();
  return state.synced && !state.unsent && peer.client.channel('doc:1').getSnapshot().pending === 0;
};

describe('bindYjsToChannel over WebSocket', () => {
  it('is synced at once when alone, and a newcomer gets the document from a peer (no replay for fresh subscriptions)', async () => {
    const { url } = await startServer();
    const ada = joinPeer(url, 'ada');
    await expect.poll(() => ada.binding.getSnapshot().synced, WAIT).toBe(true);
    applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'hello' });
    await expect.poll(() => settled(ada), WAIT).toBe(true);

    const grace = joinPeer(url, 'grace');
    await expect.poll(() => grace.text.toString(), WAIT).toBe('hello');
    await expect.poll(() => grace.binding.getSnapshot().synced, WAIT).toBe(true);
  });

  it('converges when both type at once, with many small edits merged into few messages', async () => {
    const { url, realtime } = await startServer();
    const ada = joinPeer(url, 'ada', { seed: '|' });
    const grace = joinPeer(url, 'grace', { seed: '|' });
    await expect.poll(() => settled(ada) && settled(grace), WAIT).toBe(true);
    for (let index = 0; index < 40; index++) {
      applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'a' });
      applyTextEdit(grace.text, { index: grace.text.length, remove: 0, insert: 'g' });
    }
    await expect.poll(() => ada.text.length === 81 && ada.text.toString() === grace.text.toString(), WAIT).toBe(true);
    expect(ada.text.toString()).toBe(`${'a'.repeat(40)}|${'g'.repeat(40)}`);
    // 80 keystrokes in one tick: one update per client, not 80 (and well inside the server's rate limit).
    const updates = (await realtime.broker.history('doc:1', 0)).messages.filter(
      (message) => message.event === 'yjs-update',
    );
    expect(updates.length).toBe(2);
  });

  it('keeps edits made offline, sends them as one message on reconnect, and merges them with the others', async () => {
    const { url, realtime } = await startServer();
    const network = switchableNetwork();
    const ada = joinPeer(url, 'ada', { seed: 'list:' });
    const grace = joinPeer(url, 'grace', { network, seed: 'list:' });
    await expect.poll(() => settled(ada) && settled(grace), WAIT).toBe(true);

    network.set(false);
    await expect.poll(() => grace.client.channel('doc:1').getSnapshot().subscribed, WAIT).toBe(false);
    for (const word of [' eggs', ' milk', ' tea']) {
      applyTextEdit(grace.text, { index: grace.text.length, remove: 0, insert: word });
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'Shopping ' });
    await expect.poll(() => settled(ada), WAIT).toBe(true);
    expect(grace.binding.getSnapshot().unsent).toBe(true);

    network.set(true);
    const merged = 'Shopping list: eggs milk tea';
    await expect.poll(() => [ada.text.toString(), grace.text.toString()], WAIT).toEqual([merged, merged]);
    await expect.poll(() => settled(grace), WAIT).toBe(true);
    const updates = (await realtime.broker.history('doc:1', 0)).messages.filter(
      (message) => message.event === 'yjs-update',
    );
    // Ada's one edit, Grace's three offline edits as one message; the seeds were never sent (every client has them).
    expect(updates.length).toBe(2);
  });

  it('carries carets as relative positions that follow the text', async () => {
    const { url } = await startServer();
    const ada = joinPeer(url, 'ada', { seed: 'hello world' });
    const grace = joinPeer(url, 'grace', { seed: 'hello world' });
    await expect.poll(() => settled(ada) && settled(grace), WAIT).toBe(true);
    let received: unknown = null;
    const off = ada.client.channel('doc:1').onSignal('yjs-caret', (signal) => (received = signal.data));
    cleanups.push(off);
    expect(grace.client.channel('doc:1').signal('yjs-caret', encodeCaret(grace.text, 6, 11))).toBe(true);
    await expect.poll(() => received, WAIT).not.toBeNull();
    const caret = decodeCaret(received)!;
    expect([resolvePosition(ada.doc, ada.text, caret.anchor), resolvePosition(ada.doc, ada.text, caret.head)]).toEqual([
      6, 11,
    ]);
    // Text typed before it moves it along; the caret stays on "world".
    applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'oh, ' });
    expect([resolvePosition(ada.doc, ada.text, caret.anchor), resolvePosition(ada.doc, ada.text, caret.head)]).toEqual([
      10, 15,
    ]);
    expect(decodeCaret({ anchor: 'not base64!', head: '' })).toBeNull();
  });
});
