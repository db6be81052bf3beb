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

describe('createRealtimeClient: order after a publish refused `unavailable`', () => {
  it('sends nothing new on the channel until the publishes sent behind the refused one are answered', async () => {
    const { server, client } = start();
    const room = client.channel('room');
    const cids = (frames: ReturnType<typeof server.take>) =>
      frames.map((frame) => frame.type === 'publish' && frame.cid);
    const refuse = (cid: string) =>
      server.emit({ type: 'nack', channel: 'room', cid, error: { code: 'unavailable', message: 'store down' } });
    const receipts = ['a', 'b', 'c'].map((data) => room.publish('m', data));
    expect(cids(server.take())).toEqual(['c1', 'c2', 'c3']);
    // The store failed on c1; the server holds back c2 and c3 behind it, and their refusals are still on their way.
    refuse('c1');
    await vi.advanceTimersByTimeAsync(1000);
    const later = room.publish('m', 'd');
    expect(cids(server.take())).toEqual([]);
    refuse('c2');
    refuse('c3');
    await vi.advanceTimersByTimeAsync(1000);
    expect(cids(server.take())).toEqual(['c1', 'c2', 'c3', 'c4']);
    for (const [index, cid] of ['c1', 'c2', 'c3', 'c4'].entries())
      server.emit({ type: 'ack', channel: 'room', cid, id: `m${index + 1}`, seq: index + 1 });
    expect((await Promise.all([...receipts, later])).map((receipt) => receipt.seq)).toEqual([1, 2, 3, 4]);
  });

  it('holds back only the channel of the refused publish', async () => {
    const { server, client } = start();
    void client.channel('room').publish('m', 'a');
    void client.channel('room').publish('m', 'b');
    server.take();
    server.emit({ type: 'nack', channel: 'room', cid: 'c1', error: { code: 'unavailable', message: 'store down' } });
    await vi.advanceTimersByTimeAsync(1000);
    void client.channel('other').publish('m', 'x');
    expect(server.take()).toEqual([{ type: 'publish', channel: 'other', event: 'm', data: 'x', cid: 'c3' }]);
  });
});

describe('createRealtimeClient: a publish refused `unavailable` that was stored after all', () => {
  function setup() {
    const server = manualTransport();
    const reconnect = vi.fn(() => server.drop());
    server.transport.reconnect = reconnect;
    const client = createRealtimeClient({ transport: server.transport, createId: counterIds() });
    const room = client.channel('room');
    const seqs: number[] = [];
    room.subscribe('*', (message) => seqs.push(message.seq));
    server.open();
    server.take();
    server.emit({ type: 'subscribed', channel: 'room', seq: 0 });
    return { server, room, reconnect, seqs };
  }
  const refusal = { code: 'unavailable', message: 'store down' } as const;

  it('starts a new session when its echo comes after the refusal (the server holds the channel for it)', async () => {
    const { server, room, reconnect, seqs } = setup();
    const first = room.publish('m', 'a');
    void room.publish('m', 'b');
    server.take();
    server.emit({ type: 'nack', channel: 'room', cid: 'c1', error: refusal });
    server.emit({ type: 'nack', channel: 'room', cid: 'c2', error: refusal });
    server.emit(server.message(1, 'c1'));
    await expect(first).resolves.toMatchObject({ seq: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(seqs).toEqual([1]);
    expect(reconnect).toHaveBeenCalledTimes(1);
    server.open();
    await vi.advanceTimersByTimeAsync(250);
    // The new session sends what is left, in order; the stored one is not sent again.
    expect(server.take().flatMap((frame) => (frame.type === 'publish' ? [frame.cid] : []))).toEqual(['c2']);
  });

  it('starts a new session when its echo came first and the refusal names a publish it no longer has', async () => {
    const { server, room, reconnect } = setup();
    void room.publish('m', 'a');
    server.take();
    server.emit(server.message(1, 'c1'));
    expect(reconnect).not.toHaveBeenCalled();
    server.emit({ type: 'nack', channel: 'room', cid: 'c1', error: refusal });
    await vi.advanceTimersByTimeAsync(0);
    expect(reconnect).toHaveBeenCalledTimes(1);
  });

  it('keeps the session when the refused publish is sent again and acknowledged', async () => {
    const { server, room, reconnect } = setup();
    const first = room.publish('m', 'a');
    server.take();
    server.emit({ type: 'nack', channel: 'room', cid: 'c1', error: refusal });
    await vi.advanceTimersByTimeAsync(250);
    expect(server.take().map((frame) => frame.type)).toEqual(['publish']);
    server.emit({ type: 'ack', channel: 'room', cid: 'c1', id: 'm1', seq: 1 });
    await expect(first).resolves.toMatchObject({ seq: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(reconnect).not.toHaveBeenCalled();
  });
});

describe('createRealtimeClient: a publish nobody answers', () => {
  it('reconnects after ackTimeoutMs without an ack or nack, sends it again on the new session, settles it once', async () => {
    const server = manualTransport();
    const reconnect = vi.fn(() => server.drop());
    server.transport.reconnect = reconnect;
    const client = createRealtimeClient({ transport: server.transport, createId: counterIds(), ackTimeoutMs: 5000 });
    const room = client.channel('room');
    server.open();
    const first = room.publish('m', 'a');
    await vi.advanceTimersByTimeAsync(3000);
    const second = room.publish('m', 'b');
    expect(server.take().map((frame) => frame.type === 'publish' && frame.cid)).toEqual(['c1', 'c2']);
    // c2 is answered, c1 is not: the watchdog looks at the oldest unanswered one.
    server.emit({ type: 'ack', channel: 'room', cid: 'c2', id: 'm2', seq: 2 });
    await vi.advanceTimersByTimeAsync(1999);
    expect(reconnect).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(reconnect).toHaveBeenCalledTimes(1);
    server.open();
    expect(server.take().map((frame) => frame.type === 'publish' && frame.cid)).toEqual(['c1']);
    server.emit({ type: 'ack', channel: 'room', cid: 'c1', id: 'm1', seq: 1 });
    await expect(first).resolves.toMatchObject({ seq: 1 });
    await expect(second).resolves.toMatchObject({ seq: 2 });
    // Everything answered: no more reconnects however long the session stays quiet.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reconnect).toHaveBeenCalledTimes(1);
    expect(room.getSnapshot().pending).toBe(0);
  });

  it('does not count time spent refused `unavailable` (waiting to be sent again) as unanswered', async () => {
    const server = manualTransport();
    const reconnect = vi.fn();
    server.transport.reconnect = reconnect;
    const client = createRealtimeClient({ transport: server.transport, createId: counterIds(), ackTimeoutMs: 1000 });
    const room = client.channel('room');
    server.open();
    void room.publish('m', 'a');
    // The store stays down for 20 s: every send is refused at once; the waits between sends reach 5 s.
    let sends = 0;
    for (let elapsed = 0; elapsed < 20_000; elapsed += 50) {
      for (const frame of server.take()) {
        expect(frame.type).toBe('publish');
        sends += 1;
        server.emit({
          type: 'nack',
          channel: 'room',
          cid: 'c1',
          error: { code: 'unavailable', message: 'store down' },
        });
      }
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(sends).toBeGreaterThanOrEqual(6);
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('refuses an ackTimeoutMs that is not positive', () => {
    expect(() => createRealtimeClient({ transport: manualTransport().transport, ackTimeoutMs: 0 })).toThrow(RangeError);
  });
});
