import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../channel/client.js';
import type { ChannelMessage, RealtimeClient } from '../channel/types.js';
import type { ConnectionStatus } from '../connection/status.js';
import { createSSEConnection } from '../sse/sse-connection.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import type { WebSocketLike } from '../websocket/types.js';
import { createWebSocketConnection } from '../websocket/websocket-connection.js';
import type { SSEConnection } from '../sse/types.js';
import { createTestTransport } from '../testing/create-test-transport.js';
import { fallbackTransport } from '../wrappers/fallback/index.js';
import { createInspector } from './create-inspector.js';
import type { Inspector } from './types.js';

/** Lets every in-memory hop (microtasks, zero timers) run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

const cleanup: (() => void)[] = [];
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const off of cleanup.splice(0).reverse()) off();
  vi.useRealTimers();
});

function inspect(options?: Parameters<typeof createInspector>[0]): Inspector {
  const inspector = createInspector(options);
  cleanup.push(() => inspector.close());
  return inspector;
}

/** A client on the memory test kit, listening to `room` (so it connects), with what it received. */
async function connectedClient(room = 'room', userId?: string) {
  const kit = createTestTransport({ userId });
  let n = 0;
  const client = createRealtimeClient({ transport: kit.transport, createId: () => `c${++n}` });
  cleanup.push(() => client.close());
  const received: ChannelMessage[] = [];
  const channel = client.channel(room);
  channel.subscribe('message', (message) => received.push(message));
  await settle();
  return { kit, client, channel, received };
}

function idOf(inspector: Inspector, client: RealtimeClient): string {
  const found = inspector
    .getSnapshot()
    .find((connection) => connection.kind === 'client' && connection.status === client.getSnapshot().status);
  if (!found) throw new Error('client not listed');
  return found.id;
}

/** The client's connection id: the only client listed. */
function only(inspector: Inspector) {
  const clients = inspector.getSnapshot().filter((connection) => connection.kind === 'client');
  expect(clients).toHaveLength(1);
  return clients[0]!;
}

describe('createInspector: listing', () => {
  it('lists a client from creation to close, and notifies', async () => {
    const inspector = inspect();
    const notified = vi.fn();
    inspector.subscribe(notified);
    expect(inspector.getSnapshot()).toEqual([]);
    const { client } = await connectedClient();
    expect(notified).toHaveBeenCalled();
    const connection = only(inspector);
    expect(connection).toMatchObject({
      kind: 'client',
      transport: 'memory',
      url: null,
      status: 'open',
      attempt: 0,
      outbox: 0,
    });
    expect(connection.channels).toEqual([{ name: 'room', subscribed: true, lastSeq: 0, pending: 0, members: [] }]);
    expect(connection.timeline.map((entry) => entry.status)).toEqual(['idle', 'connecting', 'open']);
    client.close();
    await settle();
    expect(inspector.getSnapshot()).toEqual([]);
    expect(() => inspector.events(connection.id)).toThrow(RangeError);
  });

  it('lists clients created before the inspector, with the same id in a later inspector', async () => {
    await connectedClient();
    const first = createInspector();
    const id = only(first).id;
    first.close();
    const second = inspect();
    expect(only(second).id).toBe(id);
  });

  it('shows channels with their resume cursor, outbox and presence members', async () => {
    const { kit, client, channel } = await connectedClient('room', 'ada');
    const inspector = inspect();
    channel.presence.enter({ name: 'Ada' });
    kit.server.publish('room', 'message', { text: 'one' });
    kit.server.publish('room', 'message', { text: 'two' });
    await settle();
    kit.chaos.disconnect();
    void channel.publish('message', { text: 'queued' });
    await settle();
    const connection = only(inspector);
    expect(connection.status).not.toBe('open');
    expect(connection.outbox).toBe(1);
    expect(connection.channels[0]).toMatchObject({ name: 'room', lastSeq: 2, pending: 1 });
    kit.chaos.reconnect();
    await settle();
    expect(only(inspector).channels[0]).toMatchObject({ subscribed: true, lastSeq: 3, pending: 0 });
    expect(only(inspector).channels[0]!.members).toMatchObject([{ userId: 'ada', data: { name: 'Ada' } }]);
    expect(client.getSnapshot().status).toBe('open');
  });

  it('names the transport in use behind a fallback chain', async () => {
    const kit = createTestTransport();
    const client = createRealtimeClient({ transport: fallbackTransport([() => kit.transport]) });
    cleanup.push(() => client.close());
    client.channel('room').subscribe('message', () => {});
    await settle();
    expect(only(inspect())).toMatchObject({ transport: 'fallback (memory)', status: 'open' });
  });

  it('records the status timeline, bounded', async () => {
    const { kit } = await connectedClient();
    const inspector = inspect({ maxTimeline: 3 });
    for (let i = 0; i < 3; i += 1) {
      kit.chaos.disconnect();
      await settle();
      kit.chaos.reconnect();
      await settle();
    }
    const { timeline } = only(inspector);
    expect(timeline).toHaveLength(3);
    expect(timeline.at(-1)!.status).toBe('open');
  });
});

describe('createInspector: event log', () => {
  it('records frames in and out with type, event, channel, size and payload', async () => {
    const inspector = inspect();
    const { kit, channel } = await connectedClient();
    const id = only(inspector).id;
    await channel.publish('message', { text: 'hello' });
    kit.server.publish('room', 'note', { n: 1 });
    await settle();
    const { events } = inspector.events(id).getSnapshot();
    const subscribe = events.find((event) => event.direction === 'out' && event.type === 'subscribe')!;
    expect(subscribe).toMatchObject({ channel: 'room', size: JSON.stringify(subscribe.payload).length });
    const publish = events.find((event) => event.type === 'publish')!;
    expect(publish).toMatchObject({ direction: 'out', event: 'message', channel: 'room' });
    expect(publish.payload).toMatchObject({ type: 'publish', data: { text: 'hello' } });
    const note = events.find((event) => event.direction === 'in' && event.event === 'note')!;
    expect(note).toMatchObject({ type: 'message', channel: 'room', size: JSON.stringify(note.payload).length });
    expect(note.fault).toBeUndefined();
    expect(events.map((event) => event.seq)).toEqual([...events.map((event) => event.seq)].sort((a, b) => a - b));
    expect(events.some((event) => event.direction === 'in' && event.type === 'welcome')).toBe(true);
  });

  it('keeps only the newest maxEvents, counting the rest', async () => {
    const { kit } = await connectedClient();
    const inspector = inspect({ maxEvents: 3 });
    const log = inspector.events(only(inspector).id);
    for (let i = 1; i <= 10; i += 1) kit.server.publish('room', 'message', { i });
    await settle();
    const { events, discarded } = log.getSnapshot();
    expect(events.map((event) => (event.payload as { data: { i: number } }).data.i)).toEqual([8, 9, 10]);
    expect(discarded).toBe(7);
  });

  it('pause stops recording (counted as discarded); resume and clear', async () => {
    const { kit } = await connectedClient();
    const inspector = inspect();
    const log = inspector.events(only(inspector).id);
    const notified = vi.fn();
    log.subscribe(notified);
    log.pause();
    kit.server.publish('room', 'message', { i: 1 });
    await settle();
    expect(log.getSnapshot()).toMatchObject({ events: [], paused: true, discarded: 1 });
    expect(notified).toHaveBeenCalled();
    log.resume();
    kit.server.publish('room', 'message', { i: 2 });
    await settle();
    expect(log.getSnapshot().events.map((event) => event.event)).toEqual(['message']);
    expect(log.getSnapshot().paused).toBe(false);
    log.clear();
    expect(log.getSnapshot()).toMatchObject({ events: [], discarded: 0 });
  });

  it('exports the connection and its events as JSON', async () => {
    const { kit } = await connectedClient();
    const inspector = inspect({ now: () => Date.UTC(2026, 0, 1) });
    const id = only(inspector).id;
    kit.server.publish('room', 'message', { text: 'exported' });
    await settle();
    const exported = JSON.parse(inspector.exportJSON(id)) as {
      exportedAt: string;
      connection: { id: string; channels: unknown[] };
      events: { payload: { data: unknown } }[];
    };
    expect(exported.exportedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(exported.connection).toMatchObject({ id, kind: 'client', status: 'open' });
    expect(exported.connection.channels).toHaveLength(1);
    expect(exported.events.map((event) => event.payload.data)).toEqual([{ text: 'exported' }]);
  });
});

describe('createInspector: chaos on a client', () => {
  it('drop(n) drops the next n messages; the client resyncs and delivers every message exactly once, in order', async () => {
    const { kit, received } = await connectedClient();
    const inspector = inspect();
    const id = only(inspector).id;
    inspector.chaos(id).drop(2);
    expect(only(inspector).chaos.dropping).toBe(2);
    for (let i = 1; i <= 5; i += 1) kit.server.publish('room', 'message', { i });
    await settle();
    await settle();
    expect(received.map((message) => (message.data as { i: number }).i)).toEqual([1, 2, 3, 4, 5]);
    expect(only(inspector).chaos.dropping).toBe(0);
    const dropped = inspector
      .events(id)
      .getSnapshot()
      .events.filter((event) => event.fault === 'dropped');
    expect(dropped).toHaveLength(2);
    // The resync: a second subscribe with the resume point.
    const subscribes = inspector
      .events(id)
      .getSnapshot()
      .events.filter((event) => event.type === 'subscribe');
    expect(subscribes.at(-1)!.payload).toMatchObject({ type: 'subscribe', channel: 'room', after: 0 });
  });

  it('offline shows status offline, queues publishes and drops frames; online resumes with nothing lost', async () => {
    const { kit, client, channel, received } = await connectedClient();
    const inspector = inspect();
    const id = only(inspector).id;
    const statuses: ConnectionStatus[] = [];
    client.subscribe(() => statuses.push(client.getSnapshot().status));
    inspector.chaos(id).offline();
    expect(client.getSnapshot().status).toBe('offline');
    expect(only(inspector)).toMatchObject({ status: 'offline', chaos: { offline: true } });
    kit.server.publish('room', 'message', { i: 1 });
    let stored = false;
    const publish = channel.publish('message', { i: 2 }).then(() => (stored = true));
    await settle();
    expect(received).toEqual([]);
    expect(stored).toBe(false);
    expect(channel.getSnapshot().pending).toBe(1);
    inspector.chaos(id).online();
    await settle();
    await publish;
    expect(client.getSnapshot().status).toBe('open');
    expect(received.map((message) => (message.data as { i: number }).i)).toEqual([1, 2]);
    expect(statuses[0]).toBe('offline');
    expect(statuses.at(-1)).toBe('open');
    expect(only(inspector).timeline.map((entry) => entry.status)).toContain('offline');
  });

  it('delay(ms) holds incoming frames and delivers them in order', async () => {
    const { kit, received } = await connectedClient();
    const inspector = inspect();
    const id = only(inspector).id;
    inspector.chaos(id).delay(100);
    kit.server.publish('room', 'message', { i: 1 });
    await vi.advanceTimersByTimeAsync(40);
    kit.server.publish('room', 'message', { i: 2 });
    inspector.chaos(id).delay(0);
    kit.server.publish('room', 'message', { i: 3 });
    await vi.advanceTimersByTimeAsync(50);
    expect(received).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(received.map((message) => (message.data as { i: number }).i)).toEqual([1, 2, 3]);
    expect(
      inspector
        .events(id)
        .getSnapshot()
        .events.filter((event) => event.fault === 'delayed'),
    ).toHaveLength(3);
  });

  it('heal() delivers held frames now and ends drop', async () => {
    const { kit, received } = await connectedClient();
    const inspector = inspect();
    const chaos = inspector.chaos(only(inspector).id);
    chaos.delay(10_000);
    chaos.drop(5);
    chaos.heal();
    expect(only(inspector).chaos).toEqual({ offline: false, delayMs: 0, dropping: 0 });
    chaos.delay(10_000);
    kit.server.publish('room', 'message', { i: 1 });
    await settle();
    expect(received).toHaveLength(0);
    chaos.heal();
    expect(received).toHaveLength(1);
  });

  it('disconnect() drops the connection; it reconnects and resumes', async () => {
    const { kit, received } = await connectedClient();
    const inspector = inspect();
    const id = only(inspector).id;
    inspector.chaos(id).disconnect();
    expect(only(inspector).status).not.toBe('open');
    kit.server.publish('room', 'message', { i: 1 });
    await settle();
    expect(only(inspector).status).toBe('open');
    expect(received).toHaveLength(1);
    const timeline = only(inspector).timeline.map((entry) => entry.status);
    expect(timeline[0]).toBe('open');
    expect(timeline.at(-1)).toBe('open');
    expect(timeline.length).toBeGreaterThan(1);
  });

  it('rejects invalid chaos arguments', async () => {
    await connectedClient();
    const inspector = inspect();
    const chaos = inspector.chaos(only(inspector).id);
    expect(() => chaos.delay(-1)).toThrow(RangeError);
    expect(() => chaos.drop(1.5)).toThrow(RangeError);
  });
});

describe('createInspector: close', () => {
  it('removes every tap: frames no longer reach the log, and a simulated offline ends', async () => {
    const { kit, client, received } = await connectedClient();
    const inspector = createInspector();
    const id = idOf(inspector, client);
    const log = inspector.events(id);
    inspector.chaos(id).offline();
    inspector.chaos(id).delay(1000);
    const notified = vi.fn();
    inspector.subscribe(notified);
    inspector.close();
    await settle();
    const before = log.getSnapshot();
    notified.mockClear();
    kit.server.publish('room', 'message', { i: 1 });
    await settle();
    expect(client.getSnapshot().status).toBe('open');
    expect(received).toHaveLength(1);
    expect(log.getSnapshot()).toBe(before);
    expect(notified).not.toHaveBeenCalled();
    expect(() => inspector.events(id)).toThrow(RangeError);
  });

  it('validates its options', () => {
    expect(() => createInspector({ maxEvents: 0 })).toThrow(RangeError);
    expect(() => createInspector({ maxTimeline: 1.5 })).toThrow(RangeError);
  });
});

describe('createInspector: raw SSE connections', () => {
  function sse() {
    const kit = createTestTransport();
    const connection: SSEConnection = createSSEConnection('/events', {
      fetch: kit.fetch,
      network: kit.network,
      autoConnect: false,
    });
    cleanup.push(() => connection.close());
    return { kit, connection };
  }

  it('lists a running connection (not an idle one) and unlists it on close', async () => {
    const inspector = inspect();
    const { connection } = sse();
    expect(inspector.getSnapshot()).toEqual([]);
    connection.connect();
    await settle();
    expect(inspector.getSnapshot()).toMatchObject([
      { kind: 'sse', transport: 'sse', url: '/events', status: 'open', supports: ['disconnect'] },
    ]);
    connection.close();
    expect(inspector.getSnapshot()).toEqual([]);
  });

  it('logs incoming events, follows the status and reconnects on disconnect()', async () => {
    const inspector = inspect();
    const { kit, connection } = sse();
    connection.connect();
    await settle();
    const id = inspector.getSnapshot()[0]!.id;
    kit.server.send({ event: 'progress', data: { pct: 50 }, id: '7' });
    await settle();
    expect(inspector.events(id).getSnapshot().events).toMatchObject([
      {
        direction: 'in',
        type: 'message',
        event: 'progress',
        payload: { pct: 50 },
        size: JSON.stringify({ pct: 50 }).length,
      },
    ]);
    expect(inspector.getSnapshot()[0]!.lastEventId).toBe('7');
    inspector.chaos(id).disconnect();
    await settle();
    expect(kit.server.requests).toHaveLength(2);
    expect(inspector.getSnapshot()[0]!.status).toBe('open');
    expect(() => inspector.chaos(id).offline()).toThrow(TypeError);
  });
});

describe('createInspector: an idle client', () => {
  it('is not listed before its first use; once used, chaos on it works', async () => {
    const kit = createTestTransport();
    const client = createRealtimeClient({ transport: kit.transport });
    cleanup.push(() => client.close());
    const inspector = inspect();
    expect(inspector.getSnapshot()).toEqual([]);
    client.connect();
    await settle();
    expect(only(inspector)).toMatchObject({ status: 'open', channels: [] });
    const chaos = inspector.chaos(only(inspector).id);
    chaos.disconnect();
    chaos.offline();
    expect(client.getSnapshot().status).toBe('offline');
    chaos.online();
    await settle();
    expect(client.getSnapshot().status).toBe('open');
  });
});

describe('createInspector: raw WebSocket connections', () => {
  /** A socket the test opens and feeds by hand. */
  class FakeSocket implements WebSocketLike {
    static last: FakeSocket | null = null;
    readyState = 0;
    binaryType = 'blob';
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    constructor(readonly url: string) {
      FakeSocket.last = this;
    }
    send() {}
    close(code = 1000, reason = '') {
      this.readyState = 3;
      queueMicrotask(() => this.onclose?.({ code, reason }));
    }
  }

  it('lists it while running, logs messages (JSON parsed, binary as bytes) and reconnects on disconnect()', async () => {
    const inspector = inspect();
    const connection = createWebSocketConnection('wss://api.test/live', {
      WebSocket: FakeSocket,
      network: createTestNetwork(),
    });
    cleanup.push(() => connection.close());
    await settle();
    const first = FakeSocket.last!;
    first.readyState = 1;
    first.onopen?.({});
    await settle();
    const [listed] = inspector.getSnapshot();
    expect(listed).toMatchObject({
      kind: 'websocket',
      url: 'wss://api.test/live',
      status: 'open',
      supports: ['disconnect'],
    });
    first.onmessage?.({ data: '{"price":42}' });
    first.onmessage?.({ data: 'plain text' });
    first.onmessage?.({ data: new Uint8Array(3).buffer });
    const { events } = inspector.events(listed!.id).getSnapshot();
    expect(events.map((event) => [event.payload, event.size])).toEqual([
      [{ price: 42 }, 12],
      ['plain text', 10],
      [{ binary: 3 }, 3],
    ]);
    inspector.chaos(listed!.id).disconnect();
    await settle();
    expect(FakeSocket.last).not.toBe(first);
    expect(() => inspector.chaos(listed!.id).drop(1)).toThrow(TypeError);
    connection.close();
    expect(inspector.getSnapshot()).toEqual([]);
  });
});
