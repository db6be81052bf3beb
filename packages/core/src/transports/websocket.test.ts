import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersInEachTest, watchRoom } from '../../test/watch-room.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import type { WebSocketLike } from '../websocket/types.js';
import { websocketTransport } from './websocket.js';

/** A fixed backoff of 500 ms. */
const BACKOFF = { minMs: 1000, maxMs: 1000, random: () => 0.5 };

/**
 * In-memory WebSockets wired to a minimal protocol server: `welcome` on connect, `subscribed` and a replay of every
 * message after `after` on subscribe, `pong` for `ping`. `dead = true` makes a socket a link that still looks open
 * (a proxy holding the connection after the server is gone): nothing passes either way and no close comes.
 */
function createProtocolServer() {
  const sockets: ServerSocket[] = [];
  const sent: ClientFrame[] = [];
  const log: Extract<ServerFrame, { type: 'message' }>[] = [];

  class ServerSocket implements WebSocketLike {
    readyState = 0;
    binaryType = 'blob';
    dead = false;
    readonly channels = new Set<string>();
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;

    constructor(readonly url: string) {
      sockets.push(this);
      queueMicrotask(() => {
        this.readyState = 1;
        this.onopen?.({});
        this.deliver({ type: 'welcome', v: 1, connectionId: `c${sockets.length}`, heartbeatMs: 25_000 });
      });
    }

    /** Frames arrive a microtask later, never inside the `send` that caused them (as over a real socket). */
    deliver(frame: ServerFrame) {
      queueMicrotask(() => {
        if (!this.dead && this.readyState === 1) this.onmessage?.({ data: JSON.stringify(frame) });
      });
    }

    send(data: never) {
      if (this.dead) return;
      const frame = JSON.parse(data as string) as ClientFrame;
      sent.push(frame);
      if (frame.type === 'ping') this.deliver({ type: 'pong', t: frame.t });
      if (frame.type === 'subscribe') {
        this.channels.add(frame.channel);
        const after = frame.after ?? log.length;
        this.deliver({ type: 'subscribed', channel: frame.channel, seq: log.length });
        for (const message of log.slice(after)) this.deliver(message);
      }
    }

    close(code = 1005, reason = '') {
      if (this.readyState >= 2) return;
      this.readyState = 3;
      queueMicrotask(() => this.onclose?.({ code, reason }));
    }
  }

  function publish(channel: string, data: unknown) {
    const seq = log.length + 1;
    const message = { type: 'message', channel, id: `m${seq}`, seq, event: 'message', data, at: 0 } as const;
    log.push(message);
    for (const socket of sockets) if (socket.channels.has(channel)) socket.deliver(message);
  }

  return { WebSocket: ServerSocket, sockets, sent, publish };
}

function setup() {
  const fake = createProtocolServer();
  const transport = websocketTransport({
    url: 'wss://api.test/realtime',
    WebSocket: fake.WebSocket,
    backoff: BACKOFF,
    network: createTestNetwork(),
  });
  return { ...fake, transport, ...watchRoom(transport) };
}

useFakeTimersInEachTest();

describe('websocketTransport: heartbeat by default', () => {
  it('notices a link that carries nothing for 35 s, reconnects and resumes what was missed', async () => {
    const { publish, sockets, sent, errors, received, status, client } = setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(status()).toBe('open');
    publish('room', { n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toEqual([{ n: 1 }]);

    sockets[0]!.dead = true;
    publish('room', { n: 2 });
    await vi.advanceTimersByTimeAsync(34_999);
    expect(status()).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(status()).toBe('reconnecting');
    expect(errors.map((error) => error.code)).toEqual(['heartbeat_timeout']);

    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(2);
    expect(status()).toBe('open');
    expect(sent.filter((frame) => frame.type === 'subscribe').at(-1)).toMatchObject({ channel: 'room', after: 1 });
    expect(received).toEqual([{ n: 1 }, { n: 2 }]);
    client.close();
  });

  it('keeps a quiet session open: its pings are answered by pongs', async () => {
    const { sockets, sent, errors, received, status, client } = setup();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(status()).toBe('open');
    expect(sockets).toHaveLength(1);
    expect(sent.filter((frame) => frame.type === 'ping')).toHaveLength(12);
    expect(errors).toEqual([]);
    expect(received).toEqual([]);
    client.close();
  });
});
