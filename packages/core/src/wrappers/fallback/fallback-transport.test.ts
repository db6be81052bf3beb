import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '../../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState, type ConnectionStatus } from '../../connection/status.js';
import type { ClientFrame, ServerFrame } from '../../protocol/frames.js';
import { createStore } from '../../store.js';
import { createRealtimeClient } from '../../channel/client.js';
import { fallbackTransport } from './fallback-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A transport the test drives by hand: `set('open')`, `emit(frame)`; it records what was sent. */
function fake(kind: string) {
  const state = createStore<ConnectionState>(INITIAL_CONNECTION_STATE);
  const listeners = new Set<(frame: ServerFrame) => void>();
  const sent: ClientFrame[] = [];
  let connects = 0;
  let closed = false;
  const transport: Transport = {
    kind,
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    connect() {
      connects += 1;
      if (state.getSnapshot().status === 'idle') set('connecting');
    },
    close() {
      closed = true;
      set('closed');
    },
    reconnect() {},
    send(frame) {
      if (state.getSnapshot().status !== 'open') return false;
      sent.push(frame);
      return true;
    },
    onFrame(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  function set(status: ConnectionStatus, attempt = 0) {
    state.set(Object.freeze({ ...INITIAL_CONNECTION_STATE, status, attempt }));
  }
  return {
    transport,
    sent,
    set,
    emit: (frame: ServerFrame) => listeners.forEach((listener) => listener(frame)),
    get connects() {
      return connects;
    },
    get closed() {
      return closed;
    },
  };
}

type Fake = ReturnType<typeof fake>;

/** Factories that record every instance they create, per kind. */
function factories(...kinds: string[]) {
  const made: Record<string, Fake[]> = Object.fromEntries(kinds.map((kind) => [kind, []]));
  const list = kinds.map((kind) => () => {
    const instance = fake(kind);
    made[kind]!.push(instance);
    return instance.transport;
  });
  const last = (kind: string) => made[kind]!.at(-1)!;
  return { list, made, last };
}

const message = (seq: number): ServerFrame => ({
  type: 'message',
  channel: 'room',
  id: `m${seq}`,
  seq,
  event: 'm',
  data: seq,
  at: 0,
});

describe('fallbackTransport', () => {
  it('uses the first transport while it works, and says so in the state', () => {
    const { list, last } = factories('websocket', 'sse');
    const transport = fallbackTransport(list);
    transport.connect();
    last('websocket').set('open');
    expect(transport.getSnapshot()).toMatchObject({ status: 'open', transport: 'websocket' });
    expect(transport.current).toBe('websocket');
  });

  it('falls back when the first never opens within openTimeoutMs, then to the last after repeated failures', () => {
    const { list, made, last } = factories('websocket', 'sse', 'polling');
    const transport = fallbackTransport(list, { openTimeoutMs: 1000, maxFailures: 2 });
    transport.connect();
    expect(transport.getSnapshot()).toMatchObject({ status: 'connecting', transport: 'websocket' });
    vi.advanceTimersByTime(1000);
    expect(made.websocket![0]!.closed).toBe(true);
    expect(transport.getSnapshot()).toMatchObject({ status: 'connecting', transport: 'sse' });
    last('sse').set('reconnecting', 1);
    expect(transport.current).toBe('sse');
    last('sse').set('reconnecting', 2);
    expect(transport.current).toBe('polling');
    expect(last('polling').connects).toBe(1);
    // The last one is never given up: it keeps its own reconnect loop.
    vi.advanceTimersByTime(60_000);
    last('polling').set('reconnecting', 5);
    expect(transport.current).toBe('polling');
  });

  it('does not give up a transport that held a session because the server is down for a while', () => {
    const { list, last } = factories('websocket', 'sse');
    const transport = fallbackTransport(list, { maxFailures: 2, minSessionMs: 5000 });
    transport.connect();
    last('websocket').set('open');
    vi.advanceTimersByTime(60_000);
    for (let attempt = 1; attempt <= 6; attempt++) last('websocket').set('reconnecting', attempt);
    vi.advanceTimersByTime(60_000);
    expect(transport.current).toBe('websocket');
  });

  it('gives up a transport whose sessions keep being cut right after opening (a proxy)', () => {
    const { list, last } = factories('websocket', 'sse');
    const transport = fallbackTransport(list, { maxFailures: 2, minSessionMs: 5000 });
    transport.connect();
    const ws = last('websocket');
    ws.set('open');
    vi.advanceTimersByTime(1000);
    ws.set('reconnecting', 1);
    ws.set('open');
    vi.advanceTimersByTime(1000);
    expect(transport.current).toBe('websocket');
    ws.set('reconnecting', 1);
    expect(transport.current).toBe('sse');
    expect(ws.closed).toBe(true);
  });

  it('probes the better transport in the background and upgrades when it opens; the client resumes on it', () => {
    const { list, made, last } = factories('websocket', 'sse');
    const transport = fallbackTransport(list, { openTimeoutMs: 1000, probeIntervalMs: 30_000, lingerMs: 500 });
    const client = createRealtimeClient({ transport });
    const seqs: number[] = [];
    client.channel('room').subscribe('*', (m) => seqs.push(m.seq));
    vi.advanceTimersByTime(1000);
    const sse = last('sse');
    sse.set('open');
    expect(sse.sent).toEqual([{ type: 'subscribe', channel: 'room' }]);
    sse.emit({ type: 'subscribed', channel: 'room', seq: 0 });
    sse.emit(message(1));
    sse.emit(message(2));

    vi.advanceTimersByTime(30_000);
    expect(made.websocket).toHaveLength(2);
    const probe = last('websocket');
    expect(probe.connects).toBe(1);
    expect(transport.current).toBe('sse');
    probe.set('open');
    expect(transport.getSnapshot()).toMatchObject({ status: 'open', transport: 'websocket' });
    // The client subscribed again on the new transport from its resume point.
    expect(probe.sent).toEqual([{ type: 'subscribe', channel: 'room', after: 2 }]);
    // The old transport's late frames are ignored; it closes after lingerMs.
    sse.emit(message(3));
    expect(sse.closed).toBe(false);
    vi.advanceTimersByTime(500);
    expect(sse.closed).toBe(true);
    probe.emit(message(3));
    probe.emit({ type: 'subscribed', channel: 'room', seq: 3 });
    probe.emit(message(4));
    expect(seqs).toEqual([1, 2, 3, 4]);
  });

  it('backs off between failed probes and never disturbs the running session', () => {
    const { list, made, last } = factories('websocket', 'sse');
    const transport = fallbackTransport(list, { openTimeoutMs: 1000, probeIntervalMs: 10_000 });
    transport.connect();
    vi.advanceTimersByTime(1000);
    last('sse').set('open');
    const states: string[] = [];
    transport.subscribe(() => states.push(transport.getSnapshot().status));
    vi.advanceTimersByTime(10_000);
    expect(made.websocket).toHaveLength(2);
    last('websocket').set('reconnecting', 1);
    expect(last('websocket').closed).toBe(true);
    vi.advanceTimersByTime(19_999);
    expect(made.websocket).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(made.websocket).toHaveLength(3);
    vi.advanceTimersByTime(1000);
    expect(last('websocket').closed).toBe(true);
    expect(states).toEqual([]);
    expect(transport.current).toBe('sse');
  });

  it('shows a refusal no transport can fix as it is, without falling back', () => {
    const { list, last } = factories('websocket', 'sse');
    const transport = fallbackTransport(list, { openTimeoutMs: 1000 });
    transport.connect();
    last('websocket').set('closed');
    vi.advanceTimersByTime(5000);
    expect(transport.getSnapshot()).toMatchObject({ status: 'closed', transport: 'websocket' });
  });

  it('close() stops the active transport and any probe', () => {
    const { list, last } = factories('websocket', 'sse');
    const transport = fallbackTransport(list, { openTimeoutMs: 1000, probeIntervalMs: 1000 });
    transport.connect();
    vi.advanceTimersByTime(1000);
    last('sse').set('open');
    vi.advanceTimersByTime(1000);
    const probe = last('websocket');
    transport.close();
    expect(probe.closed).toBe(true);
    expect(last('sse').closed).toBe(true);
    expect(transport.getSnapshot().status).toBe('closed');
    expect(transport.send({ type: 'ping', t: 1 })).toBe(false);
  });
});
