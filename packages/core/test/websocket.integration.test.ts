import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { RealtimeError, RealtimeErrorCode } from '../src/errors.js';
import { createTestNetwork } from '../src/testing/create-test-network.js';
import type { WebSocketConnection, WebSocketConstructorLike, WebSocketOptions } from '../src/websocket/types.js';
import { createWebSocketConnection } from '../src/websocket/websocket-connection.js';

/** Real sockets on 127.0.0.1, ephemeral ports, tiny backoff so every retry path runs in milliseconds. */
const FAST_BACKOFF = { minMs: 10, maxMs: 50 };
const WAIT = { timeout: 5000, interval: 5 };
/** Longer than any FAST_BACKOFF delay: long enough to see that no retry happens. */
const QUIET_MS = 150;

interface Peer {
  readonly socket: ServerSocket;
  /** The upgrade request's URL (its query carries the token). */
  readonly url: URL;
  /** Text of every message the client sent on this socket. */
  readonly received: string[];
  /** How the socket closed, once it has. */
  closeInfo: { code: number; reason: string } | null;
}

interface TestServer {
  readonly port: number;
  readonly url: string;
  readonly peers: Peer[];
  /** Every message received by any peer, in arrival order. */
  readonly received: () => string[];
  /** Terminates every socket and closes the server (idempotent). */
  stop(): Promise<void>;
}

const servers: TestServer[] = [];
const clients: WebSocketConnection[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  expect(unhandled).toEqual([]);
});

async function startServer(
  onConnection: (peer: Peer, index: number) => void = () => {},
  port = 0,
): Promise<TestServer> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  const peers: Peer[] = [];
  wss.on('connection', (socket, request) => {
    const peer: Peer = { socket, url: new URL(request.url ?? '/', 'http://127.0.0.1'), received: [], closeInfo: null };
    socket.on('message', (data, isBinary) => peer.received.push(isBinary ? '<binary>' : String(data)));
    socket.on('close', (code, reason) => {
      peer.closeInfo = { code, reason: String(reason) };
    });
    // A reset socket reports an error before its close; the close is what the tests look at.
    socket.on('error', () => {});
    peers.push(peer);
    onConnection(peer, peers.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  let stopped: Promise<void> | null = null;
  const testServer: TestServer = {
    port: address.port,
    url: `ws://127.0.0.1:${address.port}/live`,
    peers,
    received: () => peers.flatMap((peer) => peer.received),
    stop() {
      stopped ??= (async () => {
        for (const socket of wss.clients) socket.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopped;
    },
  };
  servers.push(testServer);
  return testServer;
}

function client(url: string, options: WebSocketOptions = {}) {
  const connection = createWebSocketConnection(url, { WebSocket, backoff: FAST_BACKOFF, ...options });
  clients.push(connection);
  const messages: unknown[] = [];
  const errors: RealtimeError[] = [];
  connection.on('message', (data) => messages.push(data));
  connection.on('error', (error) => errors.push(error));
  return {
    connection,
    messages,
    errors,
    codes: (): RealtimeErrorCode[] => errors.map((error) => error.code),
    status: () => connection.getSnapshot().status,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WebSocket over a real ws server', () => {
  it("accepts ws's WebSocket class as options.WebSocket (type level)", () => {
    expectTypeOf<typeof WebSocket>().toExtend<WebSocketConstructorLike>();
  });

  it('queues sends until open, flushes them in order, then sends and receives directly', async () => {
    const server = await startServer((peer) =>
      peer.socket.on('message', (data) => peer.socket.send(`echo ${String(data)}`)),
    );
    const { connection, messages, status } = client(server.url);
    connection.send('1');
    connection.send('2');
    connection.send('3');
    expect(connection.queued).toBe(3);
    await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
    expect(connection.queued).toBe(0);
    connection.send('4');
    expect(connection.trySend('5')).toBe(true);
    await vi.waitFor(() => expect(server.received()).toEqual(['1', '2', '3', '4', '5']), WAIT);
    await vi.waitFor(() => expect(messages).toEqual(['echo 1', 'echo 2', 'echo 3', 'echo 4', 'echo 5']), WAIT);
  });

  it('refuses a send beyond maxQueued with queue_full, and delivers exactly what was queued', async () => {
    const server = await startServer();
    const { connection, status } = client(server.url, { maxQueued: 2 });
    connection.send('a');
    connection.send('b');
    expect(() => connection.send('c')).toThrow(expect.objectContaining({ code: 'queue_full' }));
    expect(connection.trySend('d')).toBe(false);
    await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
    await vi.waitFor(() => expect(server.received()).toEqual(['a', 'b']), WAIT);
    await sleep(20);
    expect(server.received()).toEqual(['a', 'b']);
  });

  it('reconnects with heartbeat_timeout when the server stops answering pings, and hides pongs', async () => {
    let answering = true;
    const server = await startServer((peer) => {
      peer.socket.on('message', (data) => {
        if (String(data) === 'ping' && answering) peer.socket.send('pong');
      });
    });
    const { codes, messages, status } = client(server.url, { heartbeat: { intervalMs: 30, timeoutMs: 300 } });
    await vi.waitFor(
      () => expect(server.peers[0]?.received.filter((m) => m === 'ping').length).toBeGreaterThanOrEqual(3),
      WAIT,
    );
    expect(status()).toBe('open');
    expect(codes()).toEqual([]);
    answering = false;
    await vi.waitFor(() => expect(codes()).toContain('heartbeat_timeout'), WAIT);
    answering = true;
    await vi.waitFor(() => expect(server.peers.length).toBeGreaterThanOrEqual(2), WAIT);
    await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
    await vi.waitFor(
      () => expect(server.peers[0]?.closeInfo).toEqual({ code: 1000, reason: 'heartbeat timeout' }),
      WAIT,
    );
    expect(messages).toEqual([]);
  });
});

describe('WebSocket over a real ws server: every close-code class', () => {
  /** How the server ends the first connection; later ones stay open. */
  const closers: Record<string, (socket: ServerSocket) => void> = {
    '1005 (close without a code)': (socket) => socket.close(),
    '1006 (connection reset)': (socket) => socket.terminate(),
  };
  const cases: [number | string, 'reconnect' | 'stop', RealtimeErrorCode][] = [
    [1000, 'reconnect', 'closed'],
    [1001, 'reconnect', 'closed'],
    ['1005 (close without a code)', 'reconnect', 'closed'],
    ['1006 (connection reset)', 'reconnect', 'network'],
    [1011, 'reconnect', 'server_error'],
    [1012, 'reconnect', 'server_error'],
    [1013, 'reconnect', 'server_error'],
    [4429, 'reconnect', 'rate_limited'],
    [3000, 'reconnect', 'network'],
    [1008, 'stop', 'policy_violation'],
    [1009, 'stop', 'message_too_large'],
    [4403, 'stop', 'unauthorized'],
    [4000, 'stop', 'http_error'],
    [4404, 'stop', 'http_error'],
  ];

  for (const [code, verdict, errorCode] of cases) {
    it(`${code} → ${verdict} with ${errorCode}`, async () => {
      const server = await startServer((peer, index) => {
        if (index > 0) return;
        const closer = closers[String(code)];
        if (closer !== undefined) closer(peer.socket);
        else peer.socket.close(code as number, 'test');
      });
      const { connection, codes, status } = client(server.url);
      await vi.waitFor(() => expect(codes()).toContain(errorCode), WAIT);
      if (verdict === 'reconnect') {
        await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
        expect(server.peers).toHaveLength(2);
        expect(connection.getSnapshot()).toMatchObject({ attempt: 0, error: null });
      } else {
        expect(connection.getSnapshot()).toMatchObject({ status: 'closed', attempt: 1 });
        expect(connection.getSnapshot().error?.code).toBe(errorCode);
        await sleep(QUIET_MS);
        expect(server.peers).toHaveLength(1);
      }
    });
  }
});

describe('WebSocket over a real ws server: auth', () => {
  /** Accepts tokens starting with "fresh", closes anything else with 4401 (as servers do: after the upgrade). */
  function authServer() {
    return startServer((peer) => {
      const token = peer.url.searchParams.get('token') ?? '';
      if (token.startsWith('fresh')) peer.socket.send(`welcome ${token}`);
      else peer.socket.close(4401, 'token expired');
    });
  }

  it('calls auth before every (re)connect; an expired token closed with 4401 gets a fresh one at once', async () => {
    const server = await authServer();
    let n = 0;
    const auth = vi.fn(async () => (n++ === 0 ? 'expired' : `fresh-${n}`));
    const { messages, status, codes } = client(server.url, { auth });
    await vi.waitFor(() => expect(messages).toEqual(['welcome fresh-2']), WAIT);
    expect(status()).toBe('open');
    expect(codes()).toEqual(['unauthorized']);
    expect(server.peers.map((peer) => peer.url.searchParams.get('token'))).toEqual(['expired', 'fresh-2']);
    server.peers[1]?.socket.close(1012, 'restarting');
    await vi.waitFor(() => expect(messages).toEqual(['welcome fresh-2', 'welcome fresh-3']), WAIT);
    expect(auth).toHaveBeenCalledTimes(3);
  });

  it('stops with unauthorized when the fresh token is refused too, calling auth exactly twice', async () => {
    const server = await authServer();
    const auth = vi.fn(() => 'revoked');
    const { connection, codes, status } = client(server.url, { auth, authParam: 'token' });
    await vi.waitFor(() => expect(status()).toBe('closed'), WAIT);
    expect(connection.getSnapshot().error).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(codes()).toEqual(['unauthorized', 'unauthorized']);
    expect(auth).toHaveBeenCalledTimes(2);
    await sleep(QUIET_MS);
    expect(server.peers).toHaveLength(2);
  });

  it('retries with backoff when auth throws or rejects, without unhandled rejections', async () => {
    const server = await startServer((peer) => peer.socket.send('hi'));
    let calls = 0;
    const auth = async () => {
      calls++;
      if (calls < 3) throw new Error(`token endpoint down (${calls})`);
      return 'fresh';
    };
    const { messages, codes } = client(server.url, { auth });
    await vi.waitFor(() => expect(messages).toEqual(['hi']), WAIT);
    expect(codes()).toEqual(['network', 'network']);
    expect(server.peers).toHaveLength(1);
  });
});

describe('WebSocket over a real ws server: faults', () => {
  it('reconnects after the server restarts on the same port, and keeps sending in order', async () => {
    const first = await startServer();
    const { connection, status } = client(first.url);
    let next = 0;
    const sender = setInterval(() => connection.send(String(next++)), 5);
    try {
      await vi.waitFor(() => expect(first.received().length).toBeGreaterThanOrEqual(5), WAIT);
      await first.stop();
      await vi.waitFor(() => expect(status()).toBe('reconnecting'), WAIT);
      await sleep(50);
      expect(connection.queued).toBeGreaterThan(0);
      const second = await startServer(() => {}, first.port);
      await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
      await vi.waitFor(() => expect(second.received().length).toBeGreaterThanOrEqual(20), WAIT);
      const numbers = second.received().map(Number);
      // What was queued while the server was down arrives first, in order, then the live sends: no gaps, no repeats.
      expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
      // Sends written to the old socket after the server dropped it (before its close event) are lost in TCP, as
      // with any WebSocket; the channel layer's acknowledgements cover those.
      expect(numbers[0]).toBeGreaterThan(Number(first.received().at(-1)));
    } finally {
      clearInterval(sender);
    }
  });

  it('goes offline without attempts, reconnects at once when online, and pings when visible', async () => {
    const server = await startServer((peer) => {
      peer.socket.on('message', (data) => {
        if (String(data) === 'ping') peer.socket.send('pong');
      });
    });
    const network = createTestNetwork();
    const { connection, status, messages } = client(server.url, {
      network,
      heartbeat: { intervalMs: 60_000, timeoutMs: 2000 },
    });
    await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
    network.goOffline();
    expect(status()).toBe('offline');
    await vi.waitFor(() => expect(server.peers[0]?.closeInfo).toEqual({ code: 1000, reason: 'offline' }), WAIT);
    await sleep(QUIET_MS);
    expect(server.peers).toHaveLength(1);
    expect(status()).toBe('offline');
    network.goOnline();
    await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
    expect(server.peers).toHaveLength(2);
    network.becomeVisible();
    await vi.waitFor(() => expect(server.peers[1]?.received).toEqual(['ping']), WAIT);
    await sleep(50);
    expect(connection.getSnapshot()).toMatchObject({ status: 'open', error: null });
    expect(messages).toEqual([]);
  });

  it('close() sends its code and reason, and nothing reconnects', async () => {
    const server = await startServer();
    const { connection, status } = client(server.url, { heartbeat: { intervalMs: 1000, timeoutMs: 1000 } });
    await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
    connection.close(4000, 'bye');
    expect(status()).toBe('closed');
    await vi.waitFor(() => expect(server.peers[0]?.closeInfo).toEqual({ code: 4000, reason: 'bye' }), WAIT);
    await sleep(QUIET_MS);
    expect(server.peers).toHaveLength(1);
    expect(connection.getSnapshot()).toMatchObject({ status: 'closed', error: null, attempt: 0 });
  });

  it('keeps retrying while nothing listens, then connects once a server starts on that port', async () => {
    const probe = await startServer();
    const { port } = probe;
    await probe.stop();
    const { status, codes } = client(`ws://127.0.0.1:${port}/live`);
    await vi.waitFor(() => expect(codes().filter((code) => code === 'network').length).toBeGreaterThanOrEqual(2), WAIT);
    expect(status()).toBe('reconnecting');
    const server = await startServer(() => {}, port);
    await vi.waitFor(() => expect(status()).toBe('open'), WAIT);
    expect(server.peers).toHaveLength(1);
  });
});
