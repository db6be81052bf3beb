import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isRealtimeError, RealtimeError } from '../errors.js';
import { indexedDBOutbox } from '../outbox/indexeddb-outbox.js';
import { memoryOutbox } from '../outbox/memory-outbox.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { createTestTransport, type TestTransportOptions } from '../testing/create-test-transport.js';
import { createRealtimeClient } from './client.js';
import { manualTransport } from './manual-transport.js';
import type { ChannelMessage, RealtimeClientOptions } from './types.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets every in-memory hop (microtasks, zero timers) run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

function counterIds(prefix = 'c') {
  let n = 0;
  return () => `${prefix}${++n}`;
}

function setup(kitOptions: TestTransportOptions = {}, clientOptions: Partial<RealtimeClientOptions> = {}) {
  const kit = createTestTransport(kitOptions);
  const sent: ClientFrame[] = [];
  const send = kit.transport.send;
  kit.transport.send = (frame) => {
    const ok = send(frame);
    if (ok) sent.push(frame);
    return ok;
  };
  const client = createRealtimeClient({ transport: kit.transport, createId: counterIds(), ...clientOptions });
  return { kit, client, sent };
}

function collect(client: ReturnType<typeof createRealtimeClient>, name: string) {
  const received: ChannelMessage[] = [];
  const off = client.channel(name).subscribe('*', (message) => received.push(message));
  return { received, off, seqs: () => received.map((message) => message.seq) };
}

describe('createRealtimeClient', () => {
  it('mirrors the transport state, connects on first use and keeps one channel object per name', async () => {
    const { kit, client } = setup();
    expect(client.getSnapshot().status).toBe('idle');
    expect(client.channel('room')).toBe(client.channel('room'));
    const statuses: string[] = [];
    client.subscribe(() => statuses.push(client.getSnapshot().status));
    collect(client, 'room');
    await settle();
    expect(statuses).toEqual(['connecting', 'open']);
    expect(client.getSnapshot()).toBe(kit.transport.getSnapshot());
    expect(client.channel('room').getSnapshot()).toEqual({
      subscribed: true,
      lastSeq: 0,
      pending: 0,
      epoch: kit.server.hub.broker.history('room', { limit: 0 }).epoch,
    });
  });

  it('subscribes on the first handler, unsubscribes after the last, and sends nothing for an immediate re-subscribe', async () => {
    const { client, sent } = setup();
    client.connect();
    await settle();
    const room = client.channel('room');
    const off1 = room.subscribe('a', () => {});
    const off2 = room.subscribe('b', () => {});
    off1();
    off2();
    const off3 = room.subscribe('a', () => {});
    await settle();
    expect(sent).toEqual([{ type: 'subscribe', channel: 'room' }]);
    off3();
    await settle();
    expect(sent.at(-1)).toEqual({ type: 'unsubscribe', channel: 'room' });
    expect(room.getSnapshot().subscribed).toBe(false);
  });

  it('delivers by event name and to "*" handlers, in subscription order', async () => {
    const { kit, client } = setup();
    const room = client.channel<{ a: number; b: number }>('room');
    const calls: string[] = [];
    room.subscribe('a', (message) => calls.push(`a:${message.data}`));
    room.subscribe('*', (message) => calls.push(`*:${message.event}`));
    await settle();
    kit.server.publish('room', 'a', 1);
    kit.server.publish('room', 'b', 2);
    await settle();
    expect(calls).toEqual(['a:1', '*:a', '*:b']);
  });

  it('resumes after a disconnect: what was published meanwhile arrives once, in order', async () => {
    const { kit, client, sent } = setup();
    const { seqs } = collect(client, 'room');
    await settle();
    kit.server.publish('room', 'm', 1);
    await settle();
    kit.chaos.disconnect();
    expect(client.getSnapshot().status).toBe('reconnecting');
    for (let i = 2; i <= 4; i += 1) kit.server.publish('room', 'm', i);
    kit.chaos.reconnect();
    await settle();
    kit.server.publish('room', 'm', 5);
    await settle();
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(sent.filter((frame) => frame.type === 'subscribe')).toEqual([
      { type: 'subscribe', channel: 'room' },
      // The resume point names the epoch of the log it counts in.
      { type: 'subscribe', channel: 'room', after: 1, epoch: expect.stringMatching(/^[0-9a-f]{12}$/) },
    ]);
    expect(client.channel('room').getSnapshot()).toEqual({
      subscribed: true,
      lastSeq: 5,
      pending: 0,
      epoch: kit.server.hub.broker.history('room', { limit: 0 }).epoch,
    });
  });

  it('resumes after serverRestart() too, and a fresh subscription after a pause starts at the live edge', async () => {
    const { kit, client } = setup();
    const first = collect(client, 'room');
    await settle();
    kit.server.publish('room', 'm', 1);
    kit.chaos.serverRestart();
    kit.server.publish('room', 'm', 2);
    await settle();
    expect(first.seqs()).toEqual([1, 2]);
    first.off();
    await settle();
    kit.server.publish('room', 'm', 3);
    const second = collect(client, 'room');
    await settle();
    kit.server.publish('room', 'm', 4);
    await settle();
    expect(second.seqs()).toEqual([4]);
  });

  it('delivers exactly once and in order under duplicate, reorder and drop', async () => {
    const { kit, client } = setup();
    const { seqs } = collect(client, 'room');
    await settle();
    kit.chaos.duplicate(3);
    for (let i = 1; i <= 3; i += 1) kit.server.publish('room', 'm', i);
    await settle();
    kit.chaos.reorder(4);
    for (let i = 4; i <= 7; i += 1) kit.server.publish('room', 'm', i);
    await settle();
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    kit.chaos.drop(2);
    for (let i = 8; i <= 10; i += 1) kit.server.publish('room', 'm', i);
    await settle();
    // 8 and 9 were lost; 10 revealed the hole, the client resubscribed from 7 and the replay filled it.
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a lost last message surfaces with the next one', async () => {
    const { kit, client } = setup();
    const { seqs } = collect(client, 'room');
    await settle();
    kit.chaos.drop(1);
    kit.server.publish('room', 'm', 1);
    await settle();
    expect(seqs()).toEqual([]);
    kit.server.publish('room', 'm', 2);
    await settle();
    expect(seqs()).toEqual([1, 2]);
  });

  it('reports a gap to onGap and moves past it', async () => {
    const { kit, client } = setup({ hub: { logSize: 3 } });
    const { seqs } = collect(client, 'room');
    const gaps: unknown[] = [];
    client.channel('room').onGap((gap) => gaps.push(gap));
    await settle();
    kit.server.publish('room', 'm', 1);
    await settle();
    kit.chaos.disconnect();
    for (let i = 2; i <= 8; i += 1) kit.server.publish('room', 'm', i);
    kit.chaos.reconnect();
    await settle();
    expect(gaps).toEqual([{ channel: 'room', from: 2, to: 5, reason: 'trimmed' }]);
    expect(seqs()).toEqual([1, 6, 7, 8]);
    expect(client.channel('room').getSnapshot().lastSeq).toBe(8);
  });

  it('reports a gap when the server lost its log on restart', async () => {
    const { kit, client } = setup();
    const { seqs } = collect(client, 'room');
    const gaps: unknown[] = [];
    client.channel('room').onGap((gap) => gaps.push(gap));
    await settle();
    kit.chaos.disconnect();
    kit.server.publish('room', 'm', 1);
    kit.server.publish('room', 'm', 2);
    kit.chaos.serverRestart({ dropLogs: true });
    kit.chaos.reconnect();
    await settle();
    kit.server.publish('room', 'm', 3);
    await settle();
    expect(gaps).toEqual([{ channel: 'room', from: 1, to: 2, reason: 'trimmed' }]);
    expect(seqs()).toEqual([3]);
  });

  it('a server whose logs start over (a memory server restarted): reset reported, every new message delivered, none skipped as already seen', async () => {
    const { kit, client } = setup();
    const { seqs, received } = collect(client, 'room');
    const gaps: unknown[] = [];
    client.channel('room').onGap((gap) => gaps.push(gap));
    await settle();
    for (let i = 1; i <= 3; i += 1) kit.server.publish('room', 'm', `old ${i}`);
    await settle();
    expect(seqs()).toEqual([1, 2, 3]);
    kit.chaos.disconnect();
    kit.chaos.serverRestart({ restartLogs: true });
    // The new process numbers from 1 again: seqs 1..3 must not be mistaken for the ones already seen.
    for (let i = 1; i <= 4; i += 1) kit.server.publish('room', 'm', `new ${i}`);
    kit.chaos.reconnect();
    await settle();
    expect(gaps).toEqual([{ channel: 'room', from: 4, to: Number.POSITIVE_INFINITY, reason: 'reset' }]);
    expect(received.map((message) => message.data)).toEqual([
      'old 1',
      'old 2',
      'old 3',
      'new 1',
      'new 2',
      'new 3',
      'new 4',
    ]);
    expect(client.channel('room').getSnapshot().lastSeq).toBe(4);
    // And it keeps going live in the new epoch.
    kit.server.publish('room', 'm', 'new 5');
    await settle();
    expect(received.at(-1)?.data).toBe('new 5');
  });

  it('a log that starts over while subscribed (Redis restarted without persistence): reset, then the new numbering', async () => {
    const { kit, client } = setup();
    const { received } = collect(client, 'room');
    const gaps: unknown[] = [];
    client.channel('room').onGap((gap) => gaps.push(gap));
    await settle();
    kit.server.publish('room', 'm', 'a');
    kit.server.publish('room', 'm', 'b');
    await settle();
    kit.server.hub.broker.restart();
    kit.server.publish('room', 'm', 'c');
    kit.server.publish('room', 'm', 'd');
    await settle();
    expect(received.map((message) => [message.seq, message.data])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [1, 'c'],
      [2, 'd'],
    ]);
    expect(gaps).toEqual([{ channel: 'room', from: 3, to: Number.POSITIVE_INFINITY, reason: 'reset' }]);
  });

  it('rewind: the newest n stored messages, then live ones, contiguous and none twice', async () => {
    const { kit, client } = setup();
    for (let i = 1; i <= 30; i += 1) kit.server.publish('room', 'm', i);
    const room = client.channel('room', { rewind: 20 });
    const { received } = collect(client, 'room');
    await settle();
    kit.server.publish('room', 'm', 31);
    await settle();
    expect(received.map((message) => message.data)).toEqual(Array.from({ length: 21 }, (_, i) => i + 11));
    expect(room.getSnapshot().lastSeq).toBe(31);
  });

  it('occupancy: watching it subscribes, and the counts follow subscribers and members', async () => {
    const { kit, client } = setup();
    const room = client.channel('room');
    const seen: unknown[] = [];
    const off = room.occupancy.subscribe(() => seen.push(room.occupancy.getSnapshot()));
    await settle();
    expect(room.occupancy.getSnapshot()).toEqual({ connections: 1, members: 0 });
    room.presence.enter({ name: 'me' });
    await vi.advanceTimersByTimeAsync(300);
    expect(room.occupancy.getSnapshot()).toEqual({ connections: 1, members: 1 });
    off();
    await settle();
    expect(kit.server.hub.channels).toBe(1);
    room.presence.leave();
    await settle();
    expect(kit.server.hub.channels).toBe(0);
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  it('resolves publish on ack with the stored id/seq; the echo carries the cid', async () => {
    const { kit, client } = setup();
    const { received } = collect(client, 'room');
    const receipt = await client.channel('room').publish('message', { text: 'hi' });
    expect(receipt).toEqual({
      cid: 'c1',
      id: kit.server.messages('room')[0]!.id,
      seq: 1,
      epoch: kit.server.hub.broker.history('room', { limit: 0 }).epoch,
    });
    await settle();
    expect(received).toEqual([expect.objectContaining({ seq: 1, cid: 'c1', event: 'message', data: { text: 'hi' } })]);
    const custom = await client.channel('room').publish('message', { text: 'again' }, { cid: 'mine' });
    expect(custom.cid).toBe('mine');
  });

  it('publishes 100 while offline: waits in order, then the server stores exactly 100 in order', async () => {
    const { kit, client } = setup();
    const room = client.channel('room');
    const receipts = Array.from({ length: 100 }, (_, i) => room.publish('m', i));
    expect(room.getSnapshot().pending).toBe(100);
    expect(kit.server.messages('room')).toHaveLength(0);
    await settle();
    expect(client.getSnapshot().status).toBe('open');
    const results = await Promise.all(receipts);
    expect(results.map((result) => result.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(kit.server.messages('room').map((message) => message.data)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(room.getSnapshot().pending).toBe(0);
  });

  it('publishes made while disconnected are sent on reconnect, in order', async () => {
    const { kit, client } = setup();
    client.connect();
    await settle();
    kit.chaos.disconnect();
    const room = client.channel('room');
    const all = Promise.all([room.publish('m', 'a'), room.publish('m', 'b')]);
    await settle();
    expect(kit.server.messages('room')).toHaveLength(0);
    kit.chaos.reconnect();
    await all;
    expect(kit.server.messages('room').map((message) => message.data)).toEqual(['a', 'b']);
  });

  it('rejects with outbox_full beyond maxQueued and drops nothing', async () => {
    const { kit, client } = setup({}, { maxQueued: 2 });
    kit.chaos.disconnect();
    const room = client.channel('room');
    const a = room.publish('m', 1);
    const b = room.publish('m', 2);
    await expect(room.publish('m', 3)).rejects.toSatisfy((error) => isRealtimeError(error, 'outbox_full'));
    kit.chaos.reconnect();
    await settle();
    await Promise.all([a, b]);
    expect(kit.server.messages('room').map((message) => message.data)).toEqual([1, 2]);
  });

  it('rejects on nack with a RealtimeError of the server code, and onError hears refused subscriptions', async () => {
    const { kit, client } = setup({ hub: { authorize: (_session, channel) => !channel.startsWith('private-') } });
    const secret = client.channel('private-x');
    const errors: RealtimeError[] = [];
    secret.onError((error) => errors.push(error));
    secret.subscribe('*', () => {});
    const publish = secret.publish('m', 1);
    await expect(publish).rejects.toSatisfy((error) => isRealtimeError(error, 'unauthorized'));
    expect(errors.map((error) => error.code)).toEqual(['unauthorized']);
    expect(secret.getSnapshot()).toEqual({ subscribed: false, lastSeq: 0, pending: 0 });
    expect(kit.server.messages('private-x')).toEqual([]);
  });

  it('re-sends an un-acked publish after a reconnect; the server stores it once', async () => {
    const { kit, client, sent } = setup();
    client.connect();
    await settle();
    const room = client.channel('room');
    const receipt = room.publish('m', 'once');
    // The server stores it, but the connection dies before the ack arrives.
    kit.chaos.disconnect();
    expect(kit.server.messages('room')).toHaveLength(1);
    kit.chaos.reconnect();
    const result = await receipt;
    expect(sent.filter((frame) => frame.type === 'publish')).toHaveLength(2);
    expect(kit.server.messages('room')).toHaveLength(1);
    expect(result.seq).toBe(1);
  });

  it('rejects a publish whose data cannot be encoded, and the rest go on', async () => {
    const { kit, client } = setup();
    client.connect();
    await settle();
    const room = client.channel('room');
    const bad = room.publish('m', { big: 1n });
    const good = room.publish('m', 'fine');
    await expect(bad).rejects.toSatisfy((error) => isRealtimeError(error, 'invalid_payload'));
    await expect(good).resolves.toMatchObject({ seq: 1 });
    expect(kit.server.messages('room')).toHaveLength(1);
  });

  it('close() rejects waiting publishes with closed; later publishes reject too', async () => {
    const { kit, client } = setup();
    kit.chaos.disconnect();
    const waiting = client.channel('room').publish('m', 1);
    client.close();
    await expect(waiting).rejects.toSatisfy((error) => isRealtimeError(error, 'closed'));
    await expect(client.channel('room').publish('m', 2)).rejects.toSatisfy((error) => isRealtimeError(error, 'closed'));
    expect(client.getSnapshot().status).toBe('closed');
    expect(client.closed).toBe(true);
  });

  it('sends an outbox restored from storage first, in createdAt order, before newer publishes', async () => {
    const outbox = memoryOutbox();
    await outbox.put({ cid: 'old-2', channel: 'room', event: 'm', data: 'second', createdAt: 20 });
    await outbox.put({ cid: 'old-1', channel: 'room', event: 'm', data: 'first', createdAt: 10 });
    const { kit, client } = setup({}, { outbox });
    const fresh = client.channel('room').publish('m', 'third');
    await fresh;
    expect(kit.server.messages('room').map((message) => message.data)).toEqual(['first', 'second', 'third']);
    await settle();
    expect(outbox.entries).toEqual([]);
  });

  it('an IndexedDB outbox survives a reload: a new client with the same storage sends it', async () => {
    vi.useRealTimers();
    const indexedDB = new IDBFactory();
    const kit = createTestTransport();
    kit.chaos.disconnect();
    const before = createRealtimeClient({
      transport: kit.transport,
      outbox: indexedDBOutbox('app-outbox', { indexedDB }),
    });
    const lost = ['a', 'b', 'c'].map((data) => before.channel('room').publish('m', data));
    await vi.waitFor(async () => expect(await indexedDBOutbox('app-outbox', { indexedDB }).load()).toHaveLength(3), {
      timeout: 5_000,
    });
    // The tab is closed (the page's promises die with it) …
    before.close();
    await Promise.allSettled(lost);
    kit.chaos.reconnect();
    expect(kit.server.messages('room')).toHaveLength(0);
    // … and the next page load finds the outbox and sends it.
    const transport = kit.createTransport();
    const after = createRealtimeClient({ transport, outbox: indexedDBOutbox('app-outbox', { indexedDB }) });
    after.connect();
    await vi.waitFor(
      () => expect(kit.server.messages('room').map((message) => message.data)).toEqual(['a', 'b', 'c']),
      { timeout: 5_000 },
    );
    await vi.waitFor(async () => expect(await indexedDBOutbox('app-outbox', { indexedDB }).load()).toEqual([]), {
      timeout: 5_000,
    });
    after.close();
  });

  describe('presence', () => {
    it('is ref-counted on the client: one enter, one leave on the wire', async () => {
      const { kit, client, sent } = setup({ userId: 'alice' });
      const presence = client.channel('room').presence;
      presence.enter({ name: 'Alice' });
      presence.enter();
      await settle();
      expect(kit.server.presence('room')).toEqual([
        { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'active' },
      ]);
      expect(presence.members()).toEqual([
        { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'active' },
      ]);
      presence.leave();
      await settle();
      expect(kit.server.presence('room')).toHaveLength(1);
      presence.leave();
      presence.leave();
      await settle();
      expect(kit.server.presence('room')).toEqual([]);
      expect(
        sent.filter((frame) => frame.type === 'presence').map((frame) => frame.type === 'presence' && frame.action),
      ).toEqual(['enter', 'leave']);
    });

    it('tracks other members and re-enters after a reconnect with the latest data', async () => {
      const { kit, client } = setup({ userId: 'alice' }, { presenceGraceMs: 0 });
      const bob = createRealtimeClient({ transport: kit.createTransport({ userId: 'bob' }) });
      const members = client.channel('room').presence;
      const seen: string[][] = [];
      members.subscribe(() => seen.push(members.getSnapshot().map((member) => member.userId)));
      members.enter({ status: 'here' });
      bob.channel('room').presence.enter();
      await settle();
      expect(
        members
          .getSnapshot()
          .map((member) => member.userId)
          .sort(),
      ).toEqual(['alice', 'bob']);
      members.update({ status: 'away' });
      kit.chaos.serverRestart();
      await settle();
      expect(kit.server.presence('room')).toEqual([
        { userId: 'alice', data: { status: 'away' }, connections: 1, status: 'active' },
        { userId: 'bob', data: undefined, connections: 1, status: 'active' },
      ]);
      bob.channel('room').presence.leave();
      await settle();
      expect(members.getSnapshot().map((member) => member.userId)).toEqual(['alice']);
      expect(seen.length).toBeGreaterThan(0);
    });
  });

  describe('presence grace, status and self', () => {
    afterEach(() => vi.useRealTimers());

    it('keeps a member who reconnects within the grace period listed the whole time', async () => {
      vi.useFakeTimers();
      const kit = createTestTransport({ userId: 'alice' });
      const alice = createRealtimeClient({ transport: kit.transport, presenceGraceMs: 1000 });
      const bobTransport = kit.createTransport({ userId: 'bob' });
      const bob = createRealtimeClient({ transport: bobTransport, presenceGraceMs: 1000 });
      const room = alice.channel('room').presence;
      const seen: string[][] = [];
      room.subscribe(() => seen.push(room.getSnapshot().map((member) => member.userId)));
      room.enter();
      bob.channel('room').presence.enter({ name: 'Bob' });
      await vi.advanceTimersByTimeAsync(0);
      expect(room.getSnapshot().map((member) => member.userId)).toEqual(['alice', 'bob']);

      seen.length = 0;
      bobTransport.reconnect();
      await vi.advanceTimersByTimeAsync(500);
      expect(kit.server.presence('room').map((member) => member.userId)).toEqual(['alice', 'bob']);
      await vi.advanceTimersByTimeAsync(2000);
      // Bob's leave and re-enter were both seen by the server, never by Alice's list.
      expect(seen.every((ids) => ids.includes('bob'))).toBe(true);
      expect(room.getSnapshot().map((member) => member.userId)).toEqual(['alice', 'bob']);

      bob.channel('room').presence.leave();
      await vi.advanceTimersByTimeAsync(999);
      expect(room.getSnapshot().map((member) => member.userId)).toEqual(['alice', 'bob']);
      await vi.advanceTimersByTimeAsync(1);
      expect(room.getSnapshot().map((member) => member.userId)).toEqual(['alice']);
      alice.close();
      bob.close();
    });

    it('drops members missing from a resync only after the grace period, and keeps the ones in it', async () => {
      vi.useFakeTimers();
      const kit = createTestTransport({ userId: 'alice' });
      const alice = createRealtimeClient({ transport: kit.transport, presenceGraceMs: 1000 });
      const bob = createRealtimeClient({ transport: kit.createTransport({ userId: 'bob' }), presenceGraceMs: 1000 });
      const room = alice.channel('room').presence;
      room.subscribe(() => {});
      room.enter();
      bob.channel('room').presence.enter();
      await vi.advanceTimersByTimeAsync(0);
      bob.close();
      kit.chaos.disconnect();
      await vi.advanceTimersByTimeAsync(0);
      kit.chaos.reconnect();
      await vi.advanceTimersByTimeAsync(100);
      expect(room.getSnapshot().map((member) => member.userId)).toEqual(['alice', 'bob']);
      await vi.advanceTimersByTimeAsync(1000);
      expect(room.getSnapshot().map((member) => member.userId)).toEqual(['alice']);
      alice.close();
    });

    it('sends status changes, merges them per user across tabs, and knows its own member', async () => {
      const kit = createTestTransport({ userId: 'alice' });
      const tab1 = createRealtimeClient({ transport: kit.transport });
      const tab2 = createRealtimeClient({ transport: kit.createTransport({ userId: 'alice' }) });
      const room = tab1.channel('room').presence;
      expect(room.self()).toBeNull();
      room.enter({ name: 'Alice' });
      tab2.channel('room').presence.enter();
      await settle();
      expect(tab1.userId).toBe('alice');
      expect(room.self()).toEqual({ userId: 'alice', data: { name: 'Alice' }, connections: 2, status: 'active' });
      room.setStatus('away');
      await settle();
      // The other tab is still active: so is Alice.
      expect(room.self()?.status).toBe('active');
      tab2.channel('room').presence.setStatus('idle');
      await settle();
      expect(room.self()).toMatchObject({ status: 'idle', data: { name: 'Alice' } });
      tab2.channel('room').presence.leave();
      await settle();
      expect(room.self()).toMatchObject({ status: 'away', connections: 1 });
      // A status survives a reconnect: it is sent with the enter.
      kit.chaos.serverRestart();
      await settle();
      expect(kit.server.presence('room')).toEqual([
        { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'away' },
      ]);
      tab1.close();
      tab2.close();
    });
  });

  describe('signals', () => {
    it('relays an ephemeral event to the other subscribers with the sender user id, never back to the sender', async () => {
      const kit = createTestTransport({ userId: 'alice' });
      const alice = createRealtimeClient({ transport: kit.transport });
      const bob = createRealtimeClient({ transport: kit.createTransport({ userId: 'bob' }) });
      const heardByAlice: unknown[] = [];
      const heardByBob: unknown[] = [];
      alice.channel('room').onSignal('*', (signal) => heardByAlice.push(signal));
      const off = bob.channel('room').onSignal('cursor', (signal) => heardByBob.push(signal));
      bob.channel('room').onSignal('other', () => heardByBob.push('wrong event'));
      await settle();
      expect(alice.channel('room').signal('cursor', { x: 1 })).toBe(true);
      await settle();
      expect(heardByBob).toEqual([{ channel: 'room', event: 'cursor', data: { x: 1 }, from: 'alice' }]);
      expect(heardByAlice).toEqual([]);
      off();
      alice.channel('room').signal('cursor', { x: 2 });
      await settle();
      expect(heardByBob).toHaveLength(1);
      alice.close();
      bob.close();
    });

    it('sends nothing while offline and keeps nothing for later (signals are never queued)', async () => {
      const kit = createTestTransport({ userId: 'alice' });
      const alice = createRealtimeClient({ transport: kit.transport });
      const bob = createRealtimeClient({ transport: kit.createTransport({ userId: 'bob' }) });
      const heard: unknown[] = [];
      bob.channel('room').onSignal('typing', (signal) => heard.push(signal.data));
      alice.connect();
      await settle();
      kit.chaos.disconnect();
      expect(alice.channel('room').signal('typing', 1)).toBe(false);
      kit.chaos.reconnect();
      await settle();
      expect(heard).toEqual([]);
      expect(() => alice.channel('room').signal('', 1)).toThrow(TypeError);
      alice.close();
      bob.close();
    });
  });

  it('reports errors nobody listens for on the client, then to reportError', async () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    try {
      const { client } = setup({ hub: { authorize: () => false } });
      client.channel('a').subscribe('*', () => {});
      await settle();
      expect(reportError).toHaveBeenCalledWith(expect.objectContaining({ code: 'unauthorized' }));
      const heard: string[] = [];
      client.onError((error) => heard.push(error.code));
      client.channel('b').subscribe('*', () => {});
      await settle();
      expect(heard).toEqual(['unauthorized']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('createRealtimeClient, frame by frame', () => {
  function start() {
    const server = manualTransport();
    const client = createRealtimeClient({ transport: server.transport, createId: counterIds() });
    const seqs: number[] = [];
    client.channel('room').subscribe('*', (message) => seqs.push(message.seq));
    server.open();
    expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room' }]);
    return { server, client, seqs };
  }

  it('holds messages that beat the subscribed frame, then starts from the subscription point', () => {
    const { server, seqs } = start();
    server.emit(server.message(4));
    expect(seqs).toEqual([]);
    server.emit({ type: 'subscribed', channel: 'room', seq: 3 });
    expect(seqs).toEqual([4]);
  });

  it('recovers a hole by resubscribing with after: lastSeq, once, and delivers held messages in order', () => {
    const { server, seqs } = start();
    server.emit(
      { type: 'subscribed', channel: 'room', seq: 0 },
      server.message(1),
      server.message(3),
      server.message(4),
    );
    expect(seqs).toEqual([1]);
    expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room', after: 1 }]);
    server.emit(server.message(2), server.message(3), server.message(4), {
      type: 'subscribed',
      channel: 'room',
      seq: 4,
    });
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(server.take()).toEqual([]);
  });

  it('asks again when a resubscribe is lost and the hole keeps growing', () => {
    const { server, seqs } = start();
    server.emit({ type: 'subscribed', channel: 'room', seq: 0 });
    // The first hole asks at once; 16 more held messages without progress mean that request was lost.
    for (let seq = 2; seq <= 18; seq += 1) server.emit(server.message(seq));
    expect(server.take()).toEqual([
      { type: 'subscribe', channel: 'room', after: 0 },
      { type: 'subscribe', channel: 'room', after: 0 },
    ]);
    server.emit(server.message(1));
    expect(seqs).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
  });

  it('resubscribes when subscribed says the replay fell short', () => {
    const { server } = start();
    server.emit({ type: 'subscribed', channel: 'room', seq: 0 }, server.message(1));
    server.drop();
    server.open();
    expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room', after: 1 }]);
    server.emit(server.message(2), { type: 'subscribed', channel: 'room', seq: 3 });
    expect(server.take()).toEqual([{ type: 'subscribe', channel: 'room', after: 2 }]);
  });

  it('resolves a publish from its own echo when the ack is lost, and ignores the late ack', async () => {
    const { server, client } = start();
    server.emit({ type: 'subscribed', channel: 'room', seq: 0 });
    const receipt = client.channel('room').publish('m', 1);
    expect(server.take()).toEqual([{ type: 'publish', channel: 'room', event: 'm', data: 1, cid: 'c1' }]);
    server.emit(server.message(1, 'c1'));
    await expect(receipt).resolves.toEqual({ cid: 'c1', id: 'm1', seq: 1 });
    server.emit({ type: 'ack', cid: 'c1', channel: 'room', id: 'm1', seq: 1 });
    expect(client.channel('room').getSnapshot().pending).toBe(0);
  });

  it('re-sends every un-acked publish, in order, on each new session', () => {
    const { server, client } = start();
    const room = client.channel('room');
    void room.publish('m', 'a');
    void room.publish('m', 'b');
    server.take();
    server.emit({ type: 'ack', cid: 'c1', channel: 'room', id: 'x', seq: 1 });
    server.drop();
    void room.publish('m', 'c');
    expect(server.take()).toEqual([]);
    server.open();
    expect(server.take().map((frame) => (frame.type === 'publish' ? frame.data : frame.type))).toEqual([
      'subscribe',
      'b',
      'c',
    ]);
  });

  it('never delivers a message a transport wrapper could not read: the error goes to onError, the resume point moves past it', () => {
    const { server, client, seqs } = start();
    const errors: RealtimeError[] = [];
    client.channel('room').onError((error) => errors.push(error));
    const unreadable: ServerFrame = {
      ...server.message(2),
      data: undefined,
      error: { code: 'decryption_failed', message: 'tampered' },
    } as ServerFrame;
    // Held behind a hole first, then released in order: the unreadable one is still skipped.
    server.emit({ type: 'subscribed', channel: 'room', seq: 0 }, server.message(1), server.message(3));
    server.take();
    server.emit(unreadable, server.message(3), { type: 'subscribed', channel: 'room', seq: 3 });
    expect(seqs).toEqual([1, 3]);
    expect(errors.map((error) => error.code)).toEqual(['decryption_failed']);
    expect(client.channel('room').getSnapshot().lastSeq).toBe(3);
    expect(server.take()).toEqual([]);
  });

  it('maps an unknown server error code to server_error, keeping the code in the message', async () => {
    const { server, client } = start();
    const receipt = client.channel('room').publish('m', 1);
    server.emit({ type: 'nack', cid: 'c1', channel: 'room', error: { code: 'teapot', message: 'I am a teapot' } });
    await expect(receipt).rejects.toSatisfy(
      (error) => isRealtimeError(error, 'server_error') && (error as Error).message.includes('teapot'),
    );
  });
});
