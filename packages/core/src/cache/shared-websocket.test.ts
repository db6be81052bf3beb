import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RealtimeError } from '../errors.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import type { WebSocketLike } from '../websocket/types.js';
import { createSharedWebSocket, sharedWebSocketKey, type SharedWebSocketOptions } from './shared-websocket.js';

/** An in-memory WebSocket class: the test plays the server through `accept` and `receive`. */
function createFakeWebSockets() {
  const sockets: FakeWebSocket[] = [];
  class FakeWebSocket implements WebSocketLike {
    readyState = 0;
    binaryType = 'blob';
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    constructor(readonly url: string) {
      sockets.push(this);
    }
    send() {}
    close(code?: number, reason?: string) {
      if (this.readyState >= 2) return;
      this.readyState = 3;
      this.onclose?.({ code: code ?? 1005, reason: reason ?? '', wasClean: true });
    }
    accept() {
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    }
    receive(data: unknown) {
      this.onmessage?.({ data });
    }
  }
  return { WebSocket: FakeWebSocket, sockets };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createSharedWebSocket', () => {
  it('opens no socket until connect(), then parses each message once into the view and to every listener', async () => {
    const fake = createFakeWebSockets();
    const shared = createSharedWebSocket<{ n: number }>('wss://example.test/ticks', {
      WebSocket: fake.WebSocket,
      network: createTestNetwork(),
      throttle: 10,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.sockets).toHaveLength(0);

    const received: number[] = [];
    shared.onMessage((data) => received.push(data.n));
    shared.subscribe(() => {});
    shared.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.sockets).toHaveLength(1);
    fake.sockets[0]!.accept();
    fake.sockets[0]!.receive('{"n":1}');
    fake.sockets[0]!.receive('{"n":2}');
    expect(received).toEqual([1, 2]);
    expect(shared.getSnapshot().messages).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(shared.getSnapshot()).toMatchObject({
      status: 'open',
      lastMessage: { n: 2 },
      messages: [{ n: 1 }, { n: 2 }],
      total: 2,
    });

    shared.dispose();
    expect(shared.connection.getSnapshot().status).toBe('closed');
  });

  it('reports a message it cannot parse as bad_data, skips it and goes on', async () => {
    const fake = createFakeWebSockets();
    const shared = createSharedWebSocket<{ n: number }>('wss://example.test/bad', {
      WebSocket: fake.WebSocket,
      network: createTestNetwork(),
      throttle: false,
    });
    const errors: RealtimeError[] = [];
    shared.onParseError((error) => errors.push(error));
    shared.subscribe(() => {});
    shared.connect();
    await vi.advanceTimersByTimeAsync(0);
    fake.sockets[0]!.accept();
    fake.sockets[0]!.receive('not json');
    fake.sockets[0]!.receive('{"n":3}');
    expect(errors.map((error) => [error.code, error.raw])).toEqual([['bad_data', 'not json']]);
    expect(shared.getSnapshot()).toMatchObject({ status: 'open', messages: [{ n: 3 }], total: 1 });
    shared.dispose();
  });

  it('parses with the newest `parse` of any user', async () => {
    const fake = createFakeWebSockets();
    const shared = createSharedWebSocket<string>('wss://example.test/parse', {
      WebSocket: fake.WebSocket,
      network: createTestNetwork(),
      parse: 'raw',
      throttle: false,
    });
    shared.subscribe(() => {});
    shared.connect();
    await vi.advanceTimersByTimeAsync(0);
    fake.sockets[0]!.accept();
    fake.sockets[0]!.receive('a');
    shared.latest.current = { ...shared.latest.current, parse: (raw) => `parsed:${String(raw)}` };
    fake.sockets[0]!.receive('b');
    expect(shared.getSnapshot().messages).toEqual(['a', 'parsed:b']);
    shared.dispose();
  });
});

describe('sharedWebSocketKey', () => {
  const key = (options: SharedWebSocketOptions<unknown>) => sharedWebSocketKey('wss://k', options);

  it('shares by value, and by role for auth and parse functions', () => {
    expect(key({ maxMessages: 1, protocols: ['a'] })).toBe(key({ protocols: ['a'], maxMessages: 1 }));
    expect(key({ auth: () => 'a' })).toBe(key({ auth: () => 'b' }));
    expect(key({ parse: (raw) => raw })).toBe(key({ parse: () => 1 }));
  });

  it('tells WebSocket classes, networks and values apart', () => {
    const a = createFakeWebSockets().WebSocket;
    const b = createFakeWebSockets().WebSocket;
    expect(key({ WebSocket: a })).not.toBe(key({ WebSocket: b }));
    expect(key({ network: createTestNetwork() })).not.toBe(key({ network: createTestNetwork() }));
    expect(key({ parse: 'raw' })).not.toBe(key({ parse: 'json' }));
    expect(key({ auth: () => 'a' })).not.toBe(key({}));
  });
});
