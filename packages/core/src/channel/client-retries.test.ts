import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RealtimeError } from '../errors.js';
import { createRealtimeClient } from './client.js';
import { manualTransport } from './manual-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function counterIds() {
  let n = 0;
  return () => `c${++n}`;
}

function start() {
  const server = manualTransport();
  const client = createRealtimeClient({ transport: server.transport, createId: counterIds() });
  const seqs: number[] = [];
  client.channel('room').subscribe('*', (message) => seqs.push(message.seq));
  server.open();
  expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room' }]);
  return { server, client, seqs };
}

describe('createRealtimeClient: refusals that pass', () => {
  it('sends a rate-limited subscribe again after retryAfterMs, and only to listeners tells of it', async () => {
    const { server, client, seqs } = start();
    const errors: RealtimeError[] = [];
    client.channel('room').onError((error) => errors.push(error));
    server.emit({
      type: 'error',
      channel: 'room',
      error: { code: 'rate_limited', message: 'slow down', retryAfterMs: 400 },
    });
    expect(errors.map((error) => [error.code, error.retryAfterMs])).toEqual([['rate_limited', 400]]);
    await vi.advanceTimersByTimeAsync(399);
    expect(server.take()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room' }]);
    server.emit({ type: 'subscribed', channel: 'room', seq: 0 }, server.message(1));
    expect(seqs).toEqual([1]);
    expect(client.channel('room').getSnapshot().subscribed).toBe(true);
  });

  it('sends a subscribe refused `unavailable` (the store down) again every second until it is confirmed', async () => {
    const { server } = start();
    server.emit({ type: 'error', channel: 'room', error: { code: 'unavailable', message: 'store down' } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room' }]);
    server.emit({ type: 'error', channel: 'room', error: { code: 'unavailable', message: 'store down' } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room' }]);
    server.emit({ type: 'subscribed', channel: 'room', seq: 0 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.take()).toEqual([]);
  });

  it('forgets a pending subscribe retry when the session ends (the next session subscribes anyway)', async () => {
    const { server } = start();
    server.emit({
      type: 'error',
      channel: 'room',
      error: { code: 'rate_limited', message: 'slow down', retryAfterMs: 300 },
    });
    server.drop();
    await vi.advanceTimersByTimeAsync(500);
    server.open();
    expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room' }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(server.take()).toEqual([]);
  });

  it('keeps a publish refused `unavailable` in the outbox and sends it again, in order, before newer ones', async () => {
    const { server, client } = start();
    const room = client.channel('room');
    const first = room.publish('m', 'a');
    expect(server.take()).toEqual([{ type: 'publish', channel: 'room', event: 'm', data: 'a', cid: 'c1' }]);
    server.emit({ type: 'nack', cid: 'c1', channel: 'room', error: { code: 'unavailable', message: 'store down' } });
    const second = room.publish('m', 'b');
    // Newer publishes wait behind the refused one.
    expect(server.take()).toEqual([]);
    expect(room.getSnapshot().pending).toBe(2);
    await vi.advanceTimersByTimeAsync(250);
    expect(server.take().map((frame) => (frame.type === 'publish' ? frame.data : frame.type))).toEqual(['a', 'b']);
    server.emit(
      { type: 'ack', cid: 'c1', channel: 'room', id: 'm1', seq: 1 },
      { type: 'ack', cid: 'c2', channel: 'room', id: 'm2', seq: 2 },
    );
    await expect(first).resolves.toMatchObject({ seq: 1 });
    await expect(second).resolves.toMatchObject({ seq: 2 });
  });

  it('backs off 250 ms, 500 ms, 1 s… while the store stays down, and rejects other refusals at once', async () => {
    const { server, client } = start();
    const room = client.channel('room');
    const stored = room.publish('m', 'a');
    server.take();
    const refuse = () =>
      server.emit({ type: 'nack', cid: 'c1', channel: 'room', error: { code: 'unavailable', message: 'down' } });
    refuse();
    await vi.advanceTimersByTimeAsync(250);
    expect(server.take()).toHaveLength(1);
    refuse();
    await vi.advanceTimersByTimeAsync(499);
    expect(server.take()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.take()).toHaveLength(1);
    server.emit({ type: 'ack', cid: 'c1', channel: 'room', id: 'm1', seq: 1 });
    await expect(stored).resolves.toMatchObject({ seq: 1 });
    const refused = room.publish('m', 'x');
    server.take();
    server.emit({
      type: 'nack',
      cid: 'c2',
      channel: 'room',
      error: { code: 'rejected', message: 'Outbid: 130 leads', details: { leading: 130 } },
    });
    await expect(refused).rejects.toMatchObject({
      code: 'rejected',
      message: 'Outbid: 130 leads',
      details: { leading: 130 },
    });
  });
});
