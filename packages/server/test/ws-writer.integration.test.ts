// Write coalescing and the fan-out budget of createWebSocketEndpoint on real sockets (127.0.0.1, ephemeral ports):
// what a client sees is what it saw before (one JSON frame per message, in order), slow readers are still closed
// with 1013, and the options are checked.
import type { Socket } from 'node:net';
import type { ServerFrame } from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketEndpoint } from '../src/index.js';
import { cleanup, rawSocket, startEndpoint, WAIT } from './ws-helpers.js';

afterEach(cleanup);

async function subscribed(url: string) {
  const client = await rawSocket(url);
  await vi.waitFor(() => expect(client.frames[0]?.type).toBe('welcome'), WAIT);
  client.send(JSON.stringify({ type: 'subscribe', channel: 'room' }));
  await vi.waitFor(() => expect(client.frames.some((frame) => frame.type === 'subscribed')).toBe(true), WAIT);
  return client;
}

const seqs = (frames: readonly ServerFrame[]) =>
  frames.flatMap((frame) => (frame.type === 'message' ? [frame.seq] : []));

describe('createWebSocketEndpoint: write coalescing', () => {
  it('delivers a burst published in one turn as separate messages, in order, in one write per socket', async () => {
    const { url, endpoint, server } = await startEndpoint();
    let writes = 0;
    server.on('connection', (socket: Socket) => {
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
      socket.write = ((...args: unknown[]) => {
        writes += 1;
        return write(...args);
      }) as Socket['write'];
    });
    const a = await subscribed(url);
    const b = await subscribed(url);
    writes = 0;
    const messages: string[] = [];
    a.socket.on('message', (data) => messages.push(String(data)));
    for (let i = 0; i < 200; i++) void endpoint.publish('room', 'chat', { i });
    await vi.waitFor(() => expect(seqs(b.frames)).toHaveLength(200), WAIT);
    expect(seqs(a.frames)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(seqs(b.frames)).toEqual(seqs(a.frames));
    // Each message arrived as its own WebSocket message holding one JSON frame.
    expect(messages.every((text) => (JSON.parse(text) as ServerFrame).type === 'message')).toBe(true);
    // 400 deliveries (20 KB per socket): one write per socket, where one write per frame made 400.
    expect(writes).toBe(2);
  });

  it('keeps order across turns with a coalesceMs window, and with coalescing off', async () => {
    for (const coalesceMs of [5, false] as const) {
      const { url, endpoint } = await startEndpoint({ coalesceMs });
      const client = await subscribed(url);
      for (let i = 0; i < 30; i++) {
        void endpoint.publish('room', 'chat', { i });
        if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await vi.waitFor(() => expect(seqs(client.frames)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1)), WAIT);
    }
  });

  it('still closes a client that stops reading with 1013 once maxBufferedBytes is passed', async () => {
    const { url, endpoint } = await startEndpoint({ maxBufferedBytes: 256 * 1024 });
    const slow = await subscribed(url);
    const fast = await subscribed(url);
    const raw = (slow.socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    // 12 MB: more than the kernel's socket buffers on loopback take, so it piles up in the server process. One 30 KB
    // message per turn, so the fast client (in this process too) reads between them.
    const text = 'x'.repeat(30 * 1024);
    for (let i = 0; i < 400; i++) {
      void endpoint.publish('room', 'chat', { i, text });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await vi.waitFor(() => expect(seqs(fast.frames)).toHaveLength(400), WAIT);
    raw.resume();
    await vi.waitFor(() => expect(slow.closed()).toEqual({ code: 1013, reason: 'slow consumer' }), WAIT);
    // What the slow client did get is a prefix, in order: it resumes from its last seq.
    const got = seqs(slow.frames);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
    expect(got.length).toBeLessThan(400);
    expect(fast.closed()).toBeNull();
  });

  it('sends what was queued before a close: the 1012 of close() follows the frames sent ahead of it', async () => {
    const { url, endpoint } = await startEndpoint();
    const client = await subscribed(url);
    for (let i = 0; i < 50; i++) void endpoint.publish('room', 'chat', { i });
    await endpoint.close();
    await vi.waitFor(() => expect(client.closed()?.code).toBe(1012), WAIT);
    expect(seqs(client.frames)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('rejects bad coalescing and budget options', () => {
    expect(() => createWebSocketEndpoint({ coalesceMs: -1 })).toThrow(
      /coalesceMs must be a non-negative, finite number/,
    );
    expect(() => createWebSocketEndpoint({ coalesceMs: Number.NaN })).toThrow(RangeError);
    expect(() => createWebSocketEndpoint({ fanoutBudgetMs: 0 })).toThrow(
      /fanoutBudgetMs must be a positive, finite number/,
    );
  });
});

describe('createWebSocketEndpoint: fan-out budget', () => {
  it('handles a burst of client frames over several turns: every publish stored and acked once, each client’s in order', async () => {
    const { url } = await startEndpoint({ fanoutBudgetMs: 1 });
    const watcher = await subscribed(url);
    const publishers = await Promise.all(Array.from({ length: 10 }, () => subscribed(url)));
    publishers.forEach((publisher, p) => {
      for (let k = 0; k < 60; k++)
        publisher.send(
          JSON.stringify({ type: 'publish', channel: 'room', event: 'chat', cid: `p${p}-${k}`, data: { p, k } }),
        );
    });
    await vi.waitFor(() => expect(seqs(watcher.frames)).toHaveLength(600), WAIT);
    const byPublisher = new Map<number, number[]>();
    for (const frame of watcher.frames) {
      if (frame.type !== 'message') continue;
      const { p, k } = frame.data as { p: number; k: number };
      byPublisher.set(p, [...(byPublisher.get(p) ?? []), k]);
    }
    for (const [, ks] of byPublisher) expect(ks).toEqual(Array.from({ length: 60 }, (_, k) => k));
    expect(seqs(watcher.frames)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    for (const publisher of publishers) {
      await vi.waitFor(() => expect(publisher.frames.filter((frame) => frame.type === 'ack')).toHaveLength(60), WAIT);
    }
  });
});
