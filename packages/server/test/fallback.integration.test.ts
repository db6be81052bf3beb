// The fallback chain against real servers on 127.0.0.1: one http server carries the WebSocket endpoint (upgrades
// on /realtime) and the SSE + POST / long-polling endpoint (GET/POST /api/realtime), over one hub. Tests block the
// WebSocket upgrade (as a proxy that refuses it would) and buffer the event stream (as a proxy that holds responses
// would), and check that the client falls back, upgrades later, and sees every message exactly once, in order.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRealtimeClient, type ChannelMessage, type RealtimeClient, type Transport } from '@realtime-kit/core';
import { fallbackTransport, type FallbackTransport } from '@realtime-kit/core/fallback';
import { pollingTransport } from '@realtime-kit/core/polling';
import { sseTransport } from '@realtime-kit/core/sse-transport';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  createChannelEndpoint,
  createRealtime,
  createWebSocketEndpoint,
  type ChannelEndpoint,
  type Realtime,
  type WebSocketEndpoint,
} from '../src/index.js';
import { describePresenceContract } from '../../core/test/presence-contract.js';
import { serveFetch } from './fetch-bridge.js';

const WAIT = { timeout: 10_000, interval: 10 };
const FAST_BACKOFF = { minMs: 10, maxMs: 50 };
const online = { isOnline: () => true, subscribe: () => () => {} };

interface Stack {
  readonly realtime: Realtime;
  readonly ws: WebSocketEndpoint;
  readonly http: ChannelEndpoint;
  readonly server: Server;
  readonly base: string;
  /** Upgrades are destroyed (a proxy that does not pass WebSockets). */
  blockWebSocket: boolean;
  /** Event streams get their headers but never a byte of body (a proxy that buffers responses). */
  bufferEventStreams: boolean;
  /** GET requests by mode, to see which transport the client used. */
  readonly gets: { sse: number; polling: number };
  stop(): Promise<void>;
}

const stacks: Stack[] = [];
const clients: RealtimeClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(stacks.splice(0).map((stack) => stack.stop()));
});

async function startStack(
  options: { authenticate?: (request: Request) => { userId: string } | null; polling?: { waitMs?: number } } = {},
): Promise<Stack> {
  const realtime = await createRealtime({ redis: false, rateLimit: false });
  const ws = createWebSocketEndpoint({ realtime, authenticate: (token) => (token ? { userId: token } : null) });
  const httpEndpoint = createChannelEndpoint({
    realtime,
    authenticate: options.authenticate,
    polling: options.polling,
  });
  const held = new Set<ServerResponse>();
  const stack: Stack = {
    realtime,
    ws,
    http: httpEndpoint,
    server: createServer((req, res) => void route(req, res)),
    base: '',
    blockWebSocket: false,
    bufferEventStreams: false,
    gets: { sse: 0, polling: 0 },
    async stop() {
      for (const res of held) res.destroy();
      stack.server.closeAllConnections();
      await Promise.all([ws.close(), httpEndpoint.close()]);
      stack.server.close();
      await realtime.close();
    },
  };
  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      if (url.searchParams.get('transport') === 'polling') stack.gets.polling += 1;
      else stack.gets.sse += 1;
      if (stack.bufferEventStreams && url.searchParams.get('transport') !== 'polling') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        held.add(res);
        return;
      }
    }
    await serveFetch(req, res, (request) =>
      request.method === 'POST' ? httpEndpoint.POST(request) : httpEndpoint.GET(request),
    );
  }
  stack.server.on('upgrade', (request, socket, head) => {
    if (stack.blockWebSocket) return void socket.destroy();
    ws.handleUpgrade(request, socket, head);
  });
  stack.server.listen(0, '127.0.0.1');
  await once(stack.server, 'listening');
  const { port } = stack.server.address() as AddressInfo;
  (stack as { base: string }).base = `127.0.0.1:${port}`;
  stacks.push(stack);
  return stack;
}

function chain(stack: Stack, user = 'ada', options: Parameters<typeof fallbackTransport>[1] = {}): FallbackTransport {
  const headers = { 'x-user': user };
  return fallbackTransport(
    [
      () =>
        websocketTransport({
          url: `ws://${stack.base}/realtime`,
          auth: () => user,
          WebSocket: WebSocket as never,
          backoff: FAST_BACKOFF,
          network: online,
        }),
      () => sseTransport({ url: `http://${stack.base}/api/realtime`, headers, backoff: FAST_BACKOFF, network: online }),
      () =>
        pollingTransport({ url: `http://${stack.base}/api/realtime`, headers, backoff: FAST_BACKOFF, network: online }),
    ],
    { openTimeoutMs: 1500, maxFailures: 2, probeIntervalMs: 300, lingerMs: 200, ...options },
  );
}

function connect(transport: Transport) {
  const client = createRealtimeClient({ transport });
  clients.push(client);
  const received: ChannelMessage[] = [];
  client.channel('room').subscribe('*', (message) => received.push(message));
  return { client, received, seqs: () => received.map((message) => message.seq) };
}

const byHeader = (request: Request) => {
  const user = request.headers.get('x-user');
  return user ? { userId: user } : null;
};

describe('long polling (pollingTransport + createChannelEndpoint ?transport=polling)', () => {
  it('subscribes, receives, publishes and is acked, like the other transports', async () => {
    const stack = await startStack({ authenticate: byHeader, polling: { waitMs: 200 } });
    const { client, seqs } = connect(
      pollingTransport({ url: `http://${stack.base}/api/realtime`, headers: { 'x-user': 'ada' }, network: online }),
    );
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    await stack.realtime.hub.publish('room', 'm', 1);
    const receipt = await client.channel('room').publish('m', 2);
    expect(receipt.seq).toBe(2);
    // Polls that time out empty (waitMs 200) keep the session: later messages still arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stack.realtime.hub.publish('room', 'm', 3);
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2, 3]), WAIT);
    expect(client.getSnapshot().status).toBe('open');
  });

  it('refuses an unknown session with 410 session_gone and another user’s session with 401; the client starts over and resumes', async () => {
    const stack = await startStack({ authenticate: byHeader, polling: { waitMs: 200 } });
    const url = `http://${stack.base}/api/realtime`;
    const first = await fetch(`${url}?transport=polling`, { headers: { 'x-user': 'ada' } });
    const [welcome] = (await first.json()) as { type: string; connectionId: string; session: string }[];
    expect(welcome).toMatchObject({ type: 'welcome' });
    const stolen = await fetch(`${url}?transport=polling&session=${welcome!.session}`, {
      headers: { 'x-user': 'eve' },
    });
    expect(stolen.status).toBe(401);
    // The connection id (which audit logs carry) does not name the session: only the secret token does.
    const byId = await fetch(`${url}?transport=polling&session=${welcome!.connectionId}`, {
      headers: { 'x-user': 'ada' },
    });
    expect(byId.status).toBe(410);
    const unknown = await fetch(`${url}?transport=polling&session=nope`, { headers: { 'x-user': 'ada' } });
    expect(unknown.status).toBe(410);
    expect(await unknown.json()).toMatchObject({ error: { code: 'session_gone' } });
    const anonymous = await fetch(`${url}?transport=polling`);
    expect(anonymous.status).toBe(401);
  });

  it('ends a session nobody polls (presence leaves) and the client resumes on a new one with nothing lost', async () => {
    const stack = await startStack({ authenticate: byHeader, polling: { waitMs: 100 } });
    const transport = pollingTransport({
      url: `http://${stack.base}/api/realtime`,
      headers: { 'x-user': 'ada' },
      network: online,
      backoff: FAST_BACKOFF,
    });
    const { client, seqs } = connect(transport);
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    await stack.realtime.hub.publish('room', 'm', 1);
    await vi.waitFor(() => expect(seqs()).toEqual([1]), WAIT);
    // The server forgets every session (a restart that keeps the log): the next poll gets 410 session_gone.
    stack.realtime.hub.reset();
    await stack.realtime.hub.publish('room', 'm', 2);
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2]), WAIT);
    expect(client.getSnapshot().status).toBe('open');
  });
});

describe('fallbackTransport over real servers', () => {
  it('uses the WebSocket when it works', async () => {
    const stack = await startStack({ authenticate: byHeader });
    const transport = chain(stack);
    const { client } = connect(transport);
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    expect(client.getSnapshot().transport).toBe('websocket');
    expect(stack.gets).toEqual({ sse: 0, polling: 0 });
  });

  it('falls back to SSE + POST when the upgrade is refused, then upgrades to the WebSocket once it gets through — every message once, in order', async () => {
    const stack = await startStack({ authenticate: byHeader });
    stack.blockWebSocket = true;
    const transport = chain(stack);
    const { client, seqs } = connect(transport);
    const seen: string[] = [];
    client.subscribe(() => {
      const kind = client.getSnapshot().transport;
      if (kind && seen.at(-1) !== kind) seen.push(kind);
    });
    await vi.waitFor(
      () =>
        expect(client.channel('room').getSnapshot().subscribed && client.getSnapshot().transport === 'sse').toBe(true),
      WAIT,
    );

    // Messages keep coming (server-side and the client's own) while the transport changes under them.
    let published = 0;
    const own: Promise<unknown>[] = [];
    const pump = setInterval(() => {
      published += 1;
      if (published % 3 === 0) own.push(client.channel('room').publish('m', published));
      else void stack.realtime.hub.publish('room', 'm', published);
    }, 5);
    await new Promise((resolve) => setTimeout(resolve, 150));
    stack.blockWebSocket = false;
    await vi.waitFor(
      () => expect(client.getSnapshot()).toMatchObject({ status: 'open', transport: 'websocket' }),
      WAIT,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    clearInterval(pump);
    await Promise.all(own);
    await vi.waitFor(() => expect(seqs()).toHaveLength(published), WAIT);
    expect(seqs()).toEqual(Array.from({ length: published }, (_, i) => i + 1));
    expect(seen).toEqual(['websocket', 'sse', 'websocket']);
  });

  it('falls back to long polling when the event stream is buffered by a proxy, and stays when the WebSocket is still blocked', async () => {
    const stack = await startStack({ authenticate: byHeader, polling: { waitMs: 300 } });
    stack.blockWebSocket = true;
    stack.bufferEventStreams = true;
    const transport = chain(stack, 'ada', { openTimeoutMs: 800, probeIntervalMs: 400 });
    const { client, seqs } = connect(transport);
    await vi.waitFor(() => expect(client.getSnapshot()).toMatchObject({ status: 'open', transport: 'polling' }), WAIT);
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    await stack.realtime.hub.publish('room', 'm', 'a');
    await client.channel('room').publish('m', 'b');
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2]), WAIT);
    // Probes of the better transports fail quietly in the background.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(client.getSnapshot()).toMatchObject({ status: 'open', transport: 'polling' });
    expect(seqs()).toEqual([1, 2]);
  });

  it('keeps one presence member through an upgrade: the old transport lingers until the new one entered, so no leave is broadcast', async () => {
    const stack = await startStack({ authenticate: byHeader });
    stack.blockWebSocket = true;
    const { client } = connect(chain(stack, 'grace'));
    const room = client.channel('room');
    room.presence.enter({ name: 'Grace' });
    await vi.waitFor(() => expect(client.getSnapshot().transport).toBe('sse'), WAIT);
    await vi.waitFor(
      () => expect(stack.realtime.hub.presence('room').map((member) => member.userId)).toEqual(['grace']),
      WAIT,
    );

    const watcherTransport = sseTransport({
      url: `http://${stack.base}/api/realtime`,
      headers: { 'x-user': 'watcher' },
      network: online,
    });
    const frames: string[] = [];
    watcherTransport.onFrame((frame) => {
      if (frame.type === 'presence' && frame.action !== 'sync')
        frames.push(`${frame.action}:${frame.member.userId}:${frame.member.connections}`);
    });
    const watcher = createRealtimeClient({ transport: watcherTransport });
    clients.push(watcher);
    watcher.channel('room').presence.subscribe(() => {});
    await vi.waitFor(
      () =>
        expect(
          watcher
            .channel('room')
            .presence.getSnapshot()
            .map((member) => member.userId),
        ).toEqual(['grace']),
      WAIT,
    );

    stack.blockWebSocket = false;
    await vi.waitFor(
      () => expect(client.getSnapshot()).toMatchObject({ status: 'open', transport: 'websocket' }),
      WAIT,
    );
    await vi.waitFor(() => expect(frames).toContain('update:grace:1'), WAIT);
    expect(frames.some((frame) => frame.startsWith('leave:'))).toBe(false);
    expect(frames).toEqual(['update:grace:2', 'update:grace:1']);
    expect(stack.realtime.hub.presence('room')).toMatchObject([
      { userId: 'grace', connections: 1, data: { name: 'Grace' } },
    ]);
  });
});

describePresenceContract('long polling (pollingTransport + createChannelEndpoint)', async () => {
  const stack = await startStack({ authenticate: byHeader, polling: { waitMs: 500 } });
  const own: RealtimeClient[] = [];
  return {
    channel: 'room',
    async client(userId, options) {
      const client = createRealtimeClient({
        ...options,
        transport: pollingTransport({
          url: `http://${stack.base}/api/realtime`,
          headers: { 'x-user': userId },
          network: online,
          backoff: FAST_BACKOFF,
        }),
      });
      own.push(client);
      return client;
    },
    async close() {
      for (const client of own.splice(0)) client.close();
    },
  };
});
