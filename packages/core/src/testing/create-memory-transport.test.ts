import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../protocol/frames.js';
import { createChannelHub } from '../protocol/hub.js';
import { createMemoryTransport } from './create-memory-transport.js';
import { createTestLink } from './create-test-link.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const settle = () => vi.advanceTimersByTimeAsync(0);

async function open(options: Parameters<typeof createMemoryTransport>[1] = {}) {
  const hub = createChannelHub();
  const link = options.link ?? createTestLink();
  const transport = createMemoryTransport(hub, { ...options, link });
  const frames: ServerFrame[] = [];
  transport.onFrame((frame) => frames.push(frame));
  transport.connect();
  await settle();
  transport.send({ type: 'subscribe', channel: 'room' });
  await settle();
  frames.length = 0;
  const seqs = () => frames.flatMap((frame) => (frame.type === 'message' ? [frame.data as number] : []));
  return { hub, link, transport, frames, seqs };
}

describe('createMemoryTransport', () => {
  it('is idle until connect, opens in a microtask and receives welcome', async () => {
    const hub = createChannelHub();
    const transport = createMemoryTransport(hub);
    const frames: ServerFrame[] = [];
    transport.onFrame((frame) => frames.push(frame));
    expect(transport.getSnapshot().status).toBe('idle');
    expect(transport.send({ type: 'ping', t: 1 })).toBe(false);
    transport.connect();
    expect(transport.getSnapshot().status).toBe('connecting');
    await settle();
    expect(transport.getSnapshot().status).toBe('open');
    expect(frames).toEqual([{ type: 'welcome', v: 2, connectionId: transport.sessionId, heartbeatMs: 25_000 }]);
  });

  it('encodes frames as JSON both ways: data that is not JSON throws on send', async () => {
    const { transport, hub, frames } = await open();
    const data = { when: new Date(0) };
    hub.publish('room', 'm', data);
    await settle();
    expect(frames[0]).toMatchObject({ data: { when: '1970-01-01T00:00:00.000Z' } });
    expect(() => transport.send({ type: 'publish', channel: 'room', event: 'm', data: 1n, cid: 'x' })).toThrow(
      TypeError,
    );
  });

  it('drops, duplicates and reorders server frames as told', async () => {
    const { hub, link, seqs } = await open();
    link.drop(1);
    hub.publish('room', 'm', 1);
    hub.publish('room', 'm', 2);
    link.duplicate(1);
    hub.publish('room', 'm', 3);
    link.reorder(3);
    hub.publish('room', 'm', 4);
    hub.publish('room', 'm', 5);
    hub.publish('room', 'm', 6);
    await settle();
    expect(seqs()).toEqual([2, 3, 3, 6, 5, 4]);
  });

  it('releases a short reorder batch at the next timer tick', async () => {
    const { hub, link, seqs } = await open();
    link.reorder(5);
    hub.publish('room', 'm', 1);
    hub.publish('room', 'm', 2);
    await Promise.resolve();
    expect(seqs()).toEqual([]);
    await settle();
    expect(seqs()).toEqual([2, 1]);
  });

  it('delays frames, keeping their order when the delay ends', async () => {
    const { hub, link, seqs } = await open();
    link.delay(100);
    hub.publish('room', 'm', 1);
    link.delay(0);
    hub.publish('room', 'm', 2);
    await vi.advanceTimersByTimeAsync(99);
    expect(seqs()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seqs()).toEqual([1, 2]);
    link.delay(50);
    link.heal();
    hub.publish('room', 'm', 3);
    await settle();
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it('loses frames in flight when the link goes down, and reconnects when it is back', async () => {
    const { hub, link, transport, seqs } = await open();
    link.delay(10);
    hub.publish('room', 'm', 1);
    link.disconnect();
    link.delay(0);
    await vi.advanceTimersByTimeAsync(20);
    expect(seqs()).toEqual([]);
    expect(transport.getSnapshot().status).toBe('reconnecting');
    link.reconnect();
    await settle();
    expect(transport.getSnapshot().status).toBe('open');
    expect(hub.sessions).toBe(1);
  });

  it('waits retryMs after the server ends the session', async () => {
    const { hub, transport } = await open({ retryMs: 500 });
    hub.reset();
    expect(transport.getSnapshot()).toMatchObject({
      status: 'reconnecting',
      retryInMs: 500,
      error: { code: 'network' },
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(transport.getSnapshot().status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.getSnapshot().status).toBe('open');
  });

  it('close() ends the session for good until connect() or reconnect()', async () => {
    const { hub, transport } = await open();
    transport.close();
    expect(transport.getSnapshot()).toMatchObject({ status: 'closed', error: null });
    expect(hub.sessions).toBe(0);
    hub.reset();
    await settle();
    expect(transport.getSnapshot().status).toBe('closed');
    transport.reconnect();
    await settle();
    expect(transport.getSnapshot().status).toBe('open');
    const before = transport.sessionId;
    transport.reconnect();
    await settle();
    expect(transport.sessionId).not.toBe(before);
    expect(hub.sessions).toBe(1);
  });

  it('rejects a link that did not come from createTestLink', () => {
    expect(() => createMemoryTransport(createChannelHub(), { link: {} as never })).toThrow(TypeError);
  });
});
