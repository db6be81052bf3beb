import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestTransport } from '../testing/create-test-transport.js';
import { createRealtimeClient } from './client.js';
import { createReadReceipts, READ_EVENT, RECEIPT_ANNOUNCE_DELAY_MS } from './read-receipts.js';
import type { RealtimeClient } from './types.js';

describe('createReadReceipts', () => {
  let clients: RealtimeClient[] = [];
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    for (const client of clients) client.close();
    clients = [];
    vi.useRealTimers();
  });

  function setup() {
    const kit = createTestTransport({ retryMs: 10 });
    const make = (userId: string) => {
      const client = createRealtimeClient({ transport: kit.createTransport({ userId }), presenceGraceMs: 0 });
      client.connect();
      clients.push(client);
      return client.channel('room');
    };
    return { kit, make };
  }

  it('keeps each member’s last read id, yours under your own user id, seeded from `initial`', async () => {
    const { make } = setup();
    const alice = make('alice');
    const bob = make('bob');
    const mine = createReadReceipts(alice, { initial: { carol: 'm-0' } });
    const theirs = createReadReceipts(bob);
    const offs = [mine.subscribe(() => {}), theirs.subscribe(() => {})];
    await vi.advanceTimersByTimeAsync(0);
    expect(mine.lastRead()).toBeNull();
    mine.markRead('m-3');
    await vi.advanceTimersByTimeAsync(0);
    expect([...mine.getSnapshot()]).toEqual([
      ['carol', 'm-0'],
      ['alice', 'm-3'],
    ]);
    expect(theirs.getSnapshot().get('alice')).toBe('m-3');
    const before = theirs.getSnapshot();
    mine.markRead('m-3');
    await vi.advanceTimersByTimeAsync(RECEIPT_ANNOUNCE_DELAY_MS);
    expect(theirs.getSnapshot()).toBe(before);
    expect(() => mine.markRead('')).toThrow(TypeError);
    for (const off of offs) off();
  });

  it('sends a receipt marked while offline once the channel is subscribed again', async () => {
    const { kit, make } = setup();
    const alice = make('alice');
    const bob = make('bob');
    const mine = createReadReceipts(alice);
    const theirs = createReadReceipts(bob);
    const offs = [mine.subscribe(() => {}), theirs.subscribe(() => {})];
    await vi.advanceTimersByTimeAsync(0);
    kit.chaos.disconnect();
    mine.markRead('m-9');
    await vi.advanceTimersByTimeAsync(0);
    kit.chaos.reconnect();
    await vi.advanceTimersByTimeAsync(100);
    expect(theirs.getSnapshot().get('alice')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(RECEIPT_ANNOUNCE_DELAY_MS);
    expect(theirs.getSnapshot().get('alice')).toBe('m-9');
    for (const off of offs) off();
  });

  it('re-announces to newcomers once per burst of joins, and ignores malformed receipts', async () => {
    const { make } = setup();
    const alice = make('alice');
    const signals: unknown[] = [];
    const watcher = make('watcher');
    watcher.onSignal(READ_EVENT, (signal) => signals.push(signal.from));
    const mine = createReadReceipts(alice);
    const off = mine.subscribe(() => {});
    alice.presence.enter();
    await vi.advanceTimersByTimeAsync(0);
    mine.markRead('m-1');
    await vi.advanceTimersByTimeAsync(RECEIPT_ANNOUNCE_DELAY_MS);
    signals.length = 0;
    for (const name of ['b', 'c', 'd']) make(name).presence.enter();
    await vi.advanceTimersByTimeAsync(RECEIPT_ANNOUNCE_DELAY_MS);
    expect(signals).toEqual(['alice']);

    make('mallory').signal(READ_EVENT, { id: 42 });
    await vi.advanceTimersByTimeAsync(0);
    expect(mine.getSnapshot().has('mallory')).toBe(false);
    off();
  });
});
