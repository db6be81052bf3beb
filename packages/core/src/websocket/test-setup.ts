import { vi } from 'vitest';
import type { ConnectionState, ConnectionStatus } from '../connection/status.js';
import type { RealtimeError, RealtimeErrorCode } from '../errors.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import type { WebSocketCloseInfo, WebSocketLike, WebSocketOptions } from './types.js';
import { createWebSocketConnection } from './websocket-connection.js';

// Test helpers shared by the WebSocket connection's tests (not shipped: no package entry imports this file).

/** Backoff with a fixed random of 0.5: delays are exactly half the ceiling (500, 1000, 2000, 4000, 4000…). */
export const BACKOFF = { minMs: 1000, maxMs: 8000, factor: 2, random: () => 0.5 };
export const HEARTBEAT = { intervalMs: 1000, timeoutMs: 500 };

type CloseEvent = { code: number; reason: string; wasClean?: boolean };

/** An in-memory WebSocket: the test plays the server through `accept`, `receive`, `serverClose`, `drop`. */
export function createFakeWebSockets() {
  const sockets: FakeWebSocket[] = [];

  class FakeWebSocket implements WebSocketLike {
    readyState = 0;
    binaryType = 'blob';
    readonly sent: unknown[] = [];
    closedWith: { code?: number; reason?: string } | null = null;
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: CloseEvent) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;

    constructor(
      readonly url: string,
      readonly protocols?: string | string[],
    ) {
      sockets.push(this);
    }

    send(data: never) {
      if (this.readyState !== 1) throw new Error(`InvalidStateError: send() in readyState ${this.readyState}`);
      this.sent.push(data);
    }

    /** Like a browser: the close handshake ends later, with the code this side sent. */
    close(code?: number, reason?: string) {
      this.closedWith = { code, reason };
      if (this.readyState >= 2) return;
      this.readyState = 2;
      queueMicrotask(() => {
        this.readyState = 3;
        this.onclose?.({ code: code ?? 1005, reason: reason ?? '', wasClean: true });
      });
    }

    accept() {
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    }

    receive(data: unknown) {
      this.onmessage?.({ data });
    }

    serverClose(code: number, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason, wasClean: true });
    }

    /** The connection is lost or refused: an error event, then 1006. */
    drop(message = 'connection reset') {
      this.readyState = 3;
      this.onerror?.({ type: 'error', message });
      this.onclose?.({ code: 1006, reason: '', wasClean: false });
    }
  }

  return {
    WebSocket: FakeWebSocket,
    sockets,
    last(): FakeWebSocket {
      const socket = sockets.at(-1);
      if (socket === undefined) throw new Error('no socket was created');
      return socket;
    },
  };
}

export async function setup(options: WebSocketOptions = {}, url = 'wss://api.test/live') {
  const fake = createFakeWebSockets();
  const network = createTestNetwork();
  const connection = createWebSocketConnection(url, {
    WebSocket: fake.WebSocket,
    network,
    backoff: BACKOFF,
    ...options,
  });
  const states: ConnectionState[] = [connection.getSnapshot()];
  connection.subscribe(() => states.push(connection.getSnapshot()));
  const messages: unknown[] = [];
  connection.on('message', (data) => messages.push(data));
  const errors: RealtimeError[] = [];
  connection.on('error', (error) => errors.push(error));
  const closes: WebSocketCloseInfo[] = [];
  connection.on('close', (info) => closes.push(info));
  let opens = 0;
  connection.on('open', () => opens++);
  // The first attempt creates its socket a microtask later.
  await flush();
  return {
    ...fake,
    network,
    connection,
    states,
    messages,
    errors,
    closes,
    opens: () => opens,
    state: () => connection.getSnapshot(),
    statuses: (): ConnectionStatus[] => states.map((state) => state.status),
    codes: (): RealtimeErrorCode[] => errors.map((error) => error.code),
  };
}

export const flush = () => vi.advanceTimersByTimeAsync(0);
