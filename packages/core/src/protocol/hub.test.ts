import { describe, expect, it, vi } from 'vitest';
import type { ClientFrame, ServerFrame } from './frames.js';
import { toBrokerListener, type BrokerListener, type ChannelBroker, type HubMessage } from './broker.js';
import { createMemoryBroker } from './memory-broker.js';
import { createChannelHub, type ChannelHubOptions, type HubSessionInfo } from './hub.js';

function counterIds() {
  let n = 0;
  return () => `id-${++n}`;
}

function setup(options: ChannelHubOptions = {}) {
  const hub = createChannelHub({ createId: counterIds(), now: () => 1000, ...options });
  function connect(userId?: string) {
    const frames: ServerFrame[] = [];
    const close = vi.fn();
    const session = hub.connect({ send: (frame) => frames.push(frame), userId, close });
    const take = () => frames.splice(0);
    const send = (frame: ClientFrame) => session.receive(frame);
    return { session, frames, take, send, close };
  }
  return { hub, connect };
}

const seqs = (frames: ServerFrame[]) => frames.flatMap((frame) => (frame.type === 'message' ? [frame.seq] : []));
const types = (frames: ServerFrame[]) =>
  frames.map((frame) => (frame.type === 'presence' ? `presence:${frame.action}` : frame.type));

/** Acks name the epoch of the log their seq counts in. */
const EPOCH = expect.stringMatching(/^[0-9a-f]{12}$/);

describe('createChannelHub', () => {
  it('welcomes, numbers each channel 1, 2, 3 and delivers to subscribers only', () => {
    const { hub, connect } = setup();
    const a = connect();
    const b = connect();
    expect(a.take()).toEqual([{ type: 'welcome', v: 2, connectionId: a.session.id, heartbeatMs: 25_000 }]);
    b.take();
    a.send({ type: 'subscribe', channel: 'room' });
    expect(a.take()).toEqual([
      { type: 'presence', channel: 'room', action: 'sync', members: [] },
      { type: 'subscribed', channel: 'room', seq: 0, epoch: hub.broker.history('room', { limit: 0 }).epoch },
    ]);
    expect(hub.publish('room', 'message', { text: 'one' })).toEqual({ id: 'id-3', seq: 1 });
    hub.publish('room', 'message', { text: 'two' });
    hub.publish('other', 'message', {});
    expect(a.take()).toEqual([
      { type: 'message', channel: 'room', id: 'id-3', seq: 1, event: 'message', data: { text: 'one' }, at: 1000 },
      { type: 'message', channel: 'room', id: 'id-4', seq: 2, event: 'message', data: { text: 'two' }, at: 1000 },
    ]);
    expect(b.take()).toEqual([]);
    expect(hub.broker.head('other')).toBe(1);
    expect(hub.sessions).toBe(2);
  });

  it('replays seq > after on subscribe, then presence sync, then subscribed with the newest seq', () => {
    const { hub, connect } = setup();
    for (let i = 1; i <= 5; i += 1) hub.publish('room', 'n', i);
    const a = connect();
    a.take();
    a.send({ type: 'subscribe', channel: 'room', after: 3 });
    const frames = a.take();
    expect(types(frames)).toEqual(['message', 'message', 'presence:sync', 'subscribed']);
    expect(seqs(frames)).toEqual([4, 5]);
    expect(frames.at(-1)).toEqual({
      type: 'subscribed',
      channel: 'room',
      seq: 5,
      epoch: hub.broker.history('room', { limit: 0 }).epoch,
    });
    a.send({ type: 'subscribe', channel: 'room', after: 5 });
    expect(types(a.take())).toEqual(['presence:sync', 'subscribed']);
  });

  it('sends gap {after+1, oldest-1} first when the ring no longer reaches back', () => {
    const { hub, connect } = setup({ logSize: 3 });
    for (let i = 1; i <= 10; i += 1) hub.publish('room', 'n', i);
    expect(hub.broker.messages('room').map((message) => message.seq)).toEqual([8, 9, 10]);
    const a = connect();
    a.take();
    a.send({ type: 'subscribe', channel: 'room', after: 2 });
    const frames = a.take();
    expect(frames[0]).toEqual({ type: 'gap', channel: 'room', from: 3, to: 7 });
    expect(seqs(frames)).toEqual([8, 9, 10]);
    a.send({ type: 'subscribe', channel: 'room', after: 7 });
    expect(types(a.take())).toEqual(['message', 'message', 'message', 'presence:sync', 'subscribed']);
  });

  it('dedupes publishes by cid per channel: same id/seq, acked again, sent once', () => {
    const { hub, connect } = setup();
    const a = connect();
    const b = connect();
    b.send({ type: 'subscribe', channel: 'room' });
    a.take();
    b.take();
    a.send({ type: 'publish', channel: 'room', event: 'm', data: 1, cid: 'c1' });
    a.send({ type: 'publish', channel: 'room', event: 'm', data: 1, cid: 'c1' });
    expect(a.take()).toEqual([
      { type: 'ack', cid: 'c1', channel: 'room', id: 'id-3', seq: 1, epoch: EPOCH },
      { type: 'ack', cid: 'c1', channel: 'room', id: 'id-3', seq: 1, epoch: EPOCH },
    ]);
    expect(b.take()).toEqual([
      // `from`: the publisher as the server knows it (an anonymous one under its presence id).
      {
        type: 'message',
        channel: 'room',
        id: 'id-3',
        seq: 1,
        event: 'm',
        data: 1,
        cid: 'c1',
        at: 1000,
        from: expect.stringMatching(/^anon-/),
      },
    ]);
    // Per channel: the same cid elsewhere is another message.
    a.send({ type: 'publish', channel: 'other', event: 'm', data: 1, cid: 'c1' });
    expect(a.take()).toEqual([{ type: 'ack', cid: 'c1', channel: 'other', id: 'id-4', seq: 1, epoch: EPOCH }]);
    // Server-side publishes dedupe too.
    expect(hub.publish('room', 'm', 1, { cid: 'c1' })).toEqual({ id: 'id-3', seq: 1 });
    expect(hub.broker.messages('room')).toHaveLength(1);
  });

  it('nacks publishes and refuses subscribe/presence on unauthorized channels, caching the answer per session and action', async () => {
    const authorize = vi.fn((_session: { userId: string | undefined }, channel: string) =>
      Promise.resolve(!channel.startsWith('private-')),
    );
    const { hub, connect } = setup({ authorize });
    const a = connect('alice');
    a.take();
    await a.send({ type: 'subscribe', channel: 'private-x' });
    await a.send({ type: 'publish', channel: 'private-x', event: 'm', data: 1, cid: 'c1' });
    await a.send({ type: 'presence', channel: 'private-x', action: 'enter' });
    const frames = a.take();
    expect(types(frames)).toEqual(['error', 'nack', 'error']);
    expect(frames[0]).toMatchObject({ type: 'error', channel: 'private-x', error: { code: 'unauthorized' } });
    expect(frames[1]).toMatchObject({ type: 'nack', cid: 'c1', channel: 'private-x', error: { code: 'unauthorized' } });
    // Asked once per action (a watch-only user may subscribe without publishing), and the answer kept.
    await a.send({ type: 'subscribe', channel: 'private-x' });
    expect(authorize.mock.calls.map((call) => (call as unknown[])[2])).toEqual(['subscribe', 'publish', 'presence']);
    expect(authorize.mock.calls[0]![0]).toEqual({ id: a.session.id, userId: 'alice' });
    a.take();
    expect(hub.broker.messages('private-x')).toEqual([]);
    // An allowed publish after a slow authorize keeps the session's frame order.
    const first = a.send({ type: 'publish', channel: 'public', event: 'm', data: 1, cid: 'p1' });
    const second = a.send({ type: 'publish', channel: 'public', event: 'm', data: 2, cid: 'p2' });
    await Promise.all([first, second]);
    expect(a.take().map((frame) => (frame.type === 'ack' ? frame.cid : frame.type))).toEqual(['p1', 'p2']);
  });

  it('keeps presence one member per userId with connection counts', () => {
    const { hub, connect } = setup();
    const watcher = connect('watcher');
    watcher.send({ type: 'subscribe', channel: 'room' });
    const tab1 = connect('alice');
    const tab2 = connect('alice');
    watcher.take();
    tab1.send({ type: 'presence', channel: 'room', action: 'enter', data: { name: 'Alice' } });
    tab2.send({ type: 'presence', channel: 'room', action: 'enter' });
    expect(hub.presence('room')).toEqual([
      { userId: 'alice', data: { name: 'Alice' }, connections: 2, status: 'active' },
    ]);
    tab2.send({ type: 'presence', channel: 'room', action: 'update', data: { name: 'Al' } });
    tab1.send({ type: 'presence', channel: 'room', action: 'leave' });
    expect(hub.presence('room')).toEqual([{ userId: 'alice', data: { name: 'Al' }, connections: 1, status: 'active' }]);
    tab2.session.close();
    expect(hub.presence('room')).toEqual([]);
    expect(watcher.take()).toEqual([
      {
        type: 'presence',
        channel: 'room',
        action: 'enter',
        member: { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'active' },
      },
      {
        type: 'presence',
        channel: 'room',
        action: 'update',
        member: { userId: 'alice', data: { name: 'Alice' }, connections: 2, status: 'active' },
      },
      {
        type: 'presence',
        channel: 'room',
        action: 'update',
        member: { userId: 'alice', data: { name: 'Al' }, connections: 2, status: 'active' },
      },
      {
        type: 'presence',
        channel: 'room',
        action: 'update',
        member: { userId: 'alice', data: { name: 'Al' }, connections: 1, status: 'active' },
      },
      {
        type: 'presence',
        channel: 'room',
        action: 'leave',
        member: { userId: 'alice', data: { name: 'Al' }, connections: 0, status: 'active' },
      },
    ]);
    // A new subscriber gets the whole set.
    tab1.send({ type: 'presence', channel: 'room', action: 'enter', data: 'back' });
    const late = connect('late');
    late.take();
    late.send({ type: 'subscribe', channel: 'room' });
    expect(late.take()[0]).toEqual({
      type: 'presence',
      channel: 'room',
      action: 'sync',
      members: [{ userId: 'alice', data: 'back', connections: 1, status: 'active' }],
    });
  });

  it('keys anonymous presence by a random id of its own, never the session id (which would let others reach the session)', () => {
    const { hub, connect } = setup();
    const a = connect();
    const b = connect();
    b.send({ type: 'subscribe', channel: 'room' });
    b.take();
    a.send({ type: 'presence', channel: 'room', action: 'enter' });
    a.send({ type: 'signal', channel: 'room', event: 'cursor', data: 1 });
    a.send({ type: 'publish', channel: 'room', event: 'm', data: 1, cid: 'c1' });
    const [member] = hub.presence('room');
    expect(member).toEqual({
      userId: expect.stringMatching(/^anon-[0-9a-f]{16}$/),
      data: undefined,
      connections: 1,
      status: 'active',
    });
    expect(member!.userId).not.toContain(a.session.id);
    const seen = b.take();
    expect(
      seen.map((frame) => ('from' in frame ? frame.from : 'member' in frame ? frame.member.userId : undefined)),
    ).toEqual([member!.userId, member!.userId, member!.userId]);
    expect(JSON.stringify(seen)).not.toContain(a.session.id);
  });

  it('answers ping with pong, and bad frames with bad_frame errors', () => {
    const { connect } = setup();
    const a = connect();
    a.take();
    a.send({ type: 'ping', t: 42 });
    a.send({ type: 'nope' } as unknown as ClientFrame);
    a.send({ type: 'subscribe', channel: '' });
    a.send({ type: 'subscribe', channel: 'room', after: -1 });
    const frames = a.take();
    expect(frames[0]).toEqual({ type: 'pong', t: 42 });
    expect(frames.slice(1).map((frame) => (frame.type === 'error' ? frame.error.code : frame.type))).toEqual([
      'bad_frame',
      'bad_frame',
      'bad_frame',
    ]);
  });

  it('reset() ends every session and keeps logs; dropLogs loses them without reusing seqs', () => {
    const { hub, connect } = setup({ logSize: 10 });
    const a = connect('alice');
    a.send({ type: 'presence', channel: 'room', action: 'enter' });
    a.send({ type: 'publish', channel: 'room', event: 'm', data: 1, cid: 'c1' });
    hub.reset();
    expect(a.close).toHaveBeenCalledTimes(1);
    expect(hub.sessions).toBe(0);
    expect(hub.presence('room')).toEqual([]);
    expect(hub.broker.messages('room')).toHaveLength(1);
    // Frames from a session the hub ended are ignored.
    a.take();
    a.send({ type: 'ping', t: 1 });
    expect(a.take()).toEqual([]);

    hub.publish('room', 'm', 2);
    hub.reset({ dropLogs: true });
    expect(hub.broker.messages('room')).toEqual([]);
    expect(hub.publish('room', 'm', 3).seq).toBe(3);
    const b = connect();
    b.take();
    b.send({ type: 'subscribe', channel: 'room', after: 1 });
    const frames = b.take();
    expect(frames[0]).toEqual({ type: 'gap', channel: 'room', from: 2, to: 2 });
    expect(seqs(frames)).toEqual([3]);
    // The cids were lost with the log: a retry is stored again (as on any server that lost its log).
    expect(hub.publish('room', 'm', 1, { cid: 'c1' }).seq).toBe(4);
  });

  it('closes a session whose send throws, without breaking the broadcast', () => {
    const onError = vi.fn();
    const { hub, connect } = setup({ onError });
    let broken = false;
    const bad = hub.connect({
      send: () => {
        if (broken) throw new Error('socket gone');
      },
    });
    bad.receive({ type: 'subscribe', channel: 'room' });
    const good = connect();
    good.send({ type: 'subscribe', channel: 'room' });
    good.take();
    broken = true;
    hub.publish('room', 'm', 1);
    expect(seqs(good.take())).toEqual([1]);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'socket gone' }),
      expect.objectContaining({ id: bad.id }),
    );
    expect(hub.sessions).toBe(1);
  });

  it('bounds the cid memory and rejects bad sizes', () => {
    const { hub } = setup({ logSize: 2, dedupeSize: 2 });
    hub.publish('room', 'm', 1, { cid: 'a' });
    hub.publish('room', 'm', 2, { cid: 'b' });
    hub.publish('room', 'm', 3, { cid: 'c' });
    expect(hub.publish('room', 'm', 3, { cid: 'c' }).seq).toBe(3);
    expect(hub.publish('room', 'm', 1, { cid: 'a' }).seq).toBe(4);
    expect(() => createChannelHub({ logSize: -1 })).toThrow(RangeError);
    expect(() => createChannelHub({ logSize: 1.5 })).toThrow(RangeError);
  });

  it('with logSize 0 keeps nothing: every resume is a gap', () => {
    const { hub, connect } = setup({ logSize: 0 });
    hub.publish('room', 'm', 1);
    hub.publish('room', 'm', 2);
    const a = connect();
    a.take();
    a.send({ type: 'subscribe', channel: 'room', after: 0 });
    expect(a.take()[0]).toEqual({ type: 'gap', channel: 'room', from: 1, to: 2 });
  });
});

/** A memory broker behind promises, whose deliveries can be held back and reordered: a networked broker's behaviour. */
function asyncBroker() {
  const inner = createMemoryBroker({ createId: counterIds(), now: () => 1000 });
  const listeners = new Map<string, Set<BrokerListener>>();
  let holding = false;
  let failing = false;
  const held: HubMessage[] = [];
  const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  const epochOf = (channel: string) => inner.history(channel, { limit: 0 }).epoch;
  const emit = (message: HubMessage) =>
    listeners.get(message.channel)?.forEach((listener) => listener.message(message, epochOf(message.channel)));
  inner.subscribe('*', () => {});
  const broker: ChannelBroker = {
    async publish(channel, draft) {
      await tick();
      if (failing) throw new Error('store down');
      const outcome = inner.publish(channel, draft);
      const message = inner.messages(channel).find((stored) => stored.seq === outcome.seq);
      if (outcome.fresh && message) {
        if (holding) held.push(message);
        else emit(message);
      }
      return outcome;
    },
    async history(channel, after) {
      await tick();
      if (failing) throw new Error('store down');
      return inner.history(channel, after);
    },
    subscribe(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const entry = toBrokerListener(listener);
      set.add(entry);
      return { ready: tick(), close: () => void set.delete(entry) };
    },
    latest: async (channel, event) => inner.latest(channel, event),
    lookup: async (channel, cid) => inner.lookup(channel, cid),
    exclusive: (channel, task) => inner.exclusive(channel, task),
  };
  return {
    broker,
    inner,
    hold: () => void (holding = true),
    /** Releases held deliveries; `skip` seqs are lost on the way (as while a subscriber connection was down). */
    release(skip: number[] = []) {
      holding = false;
      for (const message of held.splice(0)) if (!skip.includes(message.seq)) emit(message);
    },
    fail: (value: boolean) => void (failing = value),
  };
}

describe('createChannelHub over an asynchronous broker', () => {
  it('acks only once stored; replay and live overlap without doubles; a lost delivery is refilled from the log', async () => {
    const store = asyncBroker();
    const hub = createChannelHub({ broker: store.broker, createId: counterIds() });
    const frames: ServerFrame[] = [];
    const session = hub.connect({ send: (frame) => frames.push(frame) });
    for (let i = 1; i <= 3; i += 1) await hub.publish('room', 'n', i);
    await session.receive({ type: 'subscribe', channel: 'room', after: 1 });
    expect(types(frames.splice(0))).toEqual(['welcome', 'message', 'message', 'presence:sync', 'subscribed']);

    await session.receive({ type: 'publish', channel: 'room', event: 'n', data: 4, cid: 'c4' });
    expect(
      frames
        .splice(0)
        .map((frame) => frame.type)
        .sort(),
    ).toEqual(['ack', 'message']);

    store.hold();
    for (let i = 5; i <= 8; i += 1) await hub.publish('room', 'n', i);
    store.release([5, 6]);
    await vi.waitFor(() => expect(seqs(frames)).toEqual([5, 6, 7, 8]), { timeout: 5_000 });
    expect(types(frames)).not.toContain('gap');
  });

  it('a subscribe whose replay is still being read holds live messages and sends each seq once, in order', async () => {
    const store = asyncBroker();
    const hub = createChannelHub({ broker: store.broker, createId: counterIds() });
    for (let i = 1; i <= 5; i += 1) await hub.publish('room', 'n', i);
    const frames: ServerFrame[] = [];
    const session = hub.connect({ send: (frame) => frames.push(frame) });
    const subscribing = session.receive({ type: 'subscribe', channel: 'room', after: 2 });
    const live = [hub.publish('room', 'n', 6), hub.publish('room', 'n', 7)];
    await Promise.all([subscribing, ...live]);
    await vi.waitFor(() => expect(seqs(frames)).toEqual([3, 4, 5, 6, 7]), { timeout: 5_000 });
  });

  it('a broker that cannot store: the publish is nacked `unavailable`, never acked; a failed subscribe is refused; then it recovers', async () => {
    const store = asyncBroker();
    const onError = vi.fn();
    const hub = createChannelHub({ broker: store.broker, createId: counterIds(), onError });
    const frames: ServerFrame[] = [];
    const session = hub.connect({ send: (frame) => frames.push(frame) });
    store.fail(true);
    await session.receive({ type: 'publish', channel: 'room', event: 'n', data: 1, cid: 'c1' });
    await session.receive({ type: 'subscribe', channel: 'room' });
    expect(frames.slice(1)).toEqual([
      {
        type: 'nack',
        cid: 'c1',
        channel: 'room',
        error: { code: 'unavailable', message: expect.stringContaining('nothing was published') },
      },
      {
        type: 'error',
        channel: 'room',
        error: { code: 'unavailable', message: expect.stringContaining('unavailable') },
      },
    ]);
    expect(store.inner.messages('room')).toEqual([]);
    await expect(hub.publish('room', 'n', 0)).rejects.toThrow('store down');
    expect(onError).toHaveBeenCalledTimes(2);

    store.fail(false);
    frames.length = 0;
    await session.receive({ type: 'publish', channel: 'room', event: 'n', data: 1, cid: 'c1' });
    expect(frames).toEqual([{ type: 'ack', cid: 'c1', channel: 'room', id: expect.any(String), seq: 1, epoch: EPOCH }]);
  });

  it('a publish the store could not take holds back the later ones of its session and channel until it comes again', async () => {
    const store = asyncBroker();
    const hub = createChannelHub({ broker: store.broker, createId: counterIds(), onError: () => {} });
    const frames: ServerFrame[] = [];
    const session = hub.connect({ send: (frame) => frames.push(frame) });
    const answers = () =>
      frames.flatMap((frame) => (frame.type === 'ack' || frame.type === 'nack' ? [`${frame.type} ${frame.cid}`] : []));
    store.fail(true);
    await session.receive({ type: 'publish', channel: 'room', event: 'n', data: 1, cid: 'c1' });
    // The store is back, but c2 would overtake c1: refused until c1 is sent again.
    store.fail(false);
    await session.receive({ type: 'publish', channel: 'room', event: 'n', data: 2, cid: 'c2' });
    await session.receive({ type: 'publish', channel: 'other', event: 'n', data: 1, cid: 'o1' });
    expect(answers()).toEqual(['nack c1', 'nack c2', 'ack o1']);
    await session.receive({ type: 'publish', channel: 'room', event: 'n', data: 1, cid: 'c1' });
    await session.receive({ type: 'publish', channel: 'room', event: 'n', data: 2, cid: 'c2' });
    expect(answers().slice(3)).toEqual(['ack c1', 'ack c2']);
    expect(store.inner.messages('room').map((message) => message.data)).toEqual([1, 2]);
  });

  it('admit refuses frames in order: a publish is nacked with its error, a subscribe answered with an error frame', async () => {
    const admit = vi.fn(async (_session: HubSessionInfo, frame: ClientFrame) =>
      frame.type === 'publish' && frame.data === 'bad'
        ? { code: 'invalid_payload', message: 'no' }
        : frame.type === 'subscribe' && frame.channel === 'slow'
          ? { code: 'rate_limited', message: 'later' }
          : null,
    );
    const hub = createChannelHub({ createId: counterIds(), admit });
    const frames: ServerFrame[] = [];
    const session = hub.connect({ send: (frame) => frames.push(frame), userId: 'ann' });
    void session.receive({ type: 'publish', channel: 'room', event: 'n', data: 'bad', cid: 'c1' });
    void session.receive({ type: 'publish', channel: 'room', event: 'n', data: 'ok', cid: 'c2' });
    await session.receive({ type: 'subscribe', channel: 'slow' });
    expect(frames.slice(1)).toEqual([
      { type: 'nack', cid: 'c1', channel: 'room', error: { code: 'invalid_payload', message: 'no' } },
      { type: 'ack', cid: 'c2', channel: 'room', id: expect.any(String), seq: 1, epoch: EPOCH },
      { type: 'error', channel: 'slow', error: { code: 'rate_limited', message: 'later' } },
    ]);
    expect(admit.mock.calls[0]?.[0]).toMatchObject({ userId: 'ann' });
  });
});

describe('createChannelHub onStored', () => {
  it('reports every stored publish with its session, and repeats as not fresh', () => {
    const onStored = vi.fn();
    const { hub, connect } = setup({ onStored });
    const a = connect('ann');
    a.send({ type: 'publish', channel: 'room', event: 'chat', data: 1, cid: 'c1' });
    a.send({ type: 'publish', channel: 'room', event: 'chat', data: 1, cid: 'c1' });
    hub.publish('room', 'notice', 2);
    expect(onStored.mock.calls).toEqual([
      [
        { id: a.session.id, userId: 'ann' },
        { channel: 'room', event: 'chat', id: 'id-2', seq: 1, fresh: true },
      ],
      [
        { id: a.session.id, userId: 'ann' },
        { channel: 'room', event: 'chat', id: 'id-2', seq: 1, fresh: false },
      ],
      [undefined, { channel: 'room', event: 'notice', id: 'id-3', seq: 2, fresh: true }],
    ]);
  });
});

describe('createChannelHub memory', () => {
  it('keeps no state for channels nobody subscribes to or is present in', () => {
    const broker = createMemoryBroker();
    const listeners = vi.spyOn(broker, 'subscribe');
    const hub = createChannelHub({ broker });
    const session = hub.connect({ send: () => {} });
    for (let i = 0; i < 100; i += 1)
      session.receive({ type: 'publish', channel: `c${i}`, event: 'e', data: i, cid: `x${i}` });
    session.receive({ type: 'subscribe', channel: 'room' });
    session.receive({ type: 'presence', channel: 'room', action: 'enter' });
    expect(listeners).toHaveBeenCalledTimes(1);
    session.receive({ type: 'unsubscribe', channel: 'room' });
    session.receive({ type: 'presence', channel: 'room', action: 'leave' });
    // Re-subscribing needs a fresh broker subscription: the old one was released with the last local subscriber.
    session.receive({ type: 'subscribe', channel: 'room' });
    expect(listeners).toHaveBeenCalledTimes(2);
    expect(hub.presence('room')).toEqual([]);
  });
});
