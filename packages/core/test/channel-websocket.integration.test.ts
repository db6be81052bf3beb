// The channel client over websocketTransport against a real `ws` server on 127.0.0.1 that speaks the protocol
// through createChannelHub, wired by hand in a dozen lines (the full endpoint lives in @realtime-kit/server).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { createRealtimeClient } from '../src/channel/client.js';
import type { ChannelMessage, RealtimeClient } from '../src/channel/types.js';
import type { RealtimeError } from '../src/errors.js';
import type { ClientFrame } from '../src/protocol/frames.js';
import { createChannelHub, type ChannelHub } from '../src/protocol/hub.js';
import {
  websocketTransport,
  type WebSocketTransport,
  type WebSocketTransportOptions,
} from '../src/transports/websocket.js';

const FAST_BACKOFF = { minMs: 10, maxMs: 50 };
const WAIT = { timeout: 5000, interval: 5 };

interface HubServer {
  readonly url: string;
  readonly hub: ChannelHub;
  readonly sockets: Set<ServerSocket>;
  /** Every frame clients sent, parsed. */
  readonly received: ClientFrame[];
  /** While true the server reads frames but answers nothing (a half-dead connection). */
  mute: boolean;
  stop(): Promise<void>;
}

const servers: HubServer[] = [];
const clients: RealtimeClient[] = [];
const transports: WebSocketTransport[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function startHubServer(hub: ChannelHub = createChannelHub()): Promise<HubServer> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  const state: HubServer = {
    url: '',
    hub,
    sockets: new Set(),
    received: [],
    mute: false,
    stop: async () => {
      for (const socket of state.sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  wss.on('connection', (socket) => {
    state.sockets.add(socket);
    const session = hub.connect({
      send(frame) {
        if (!state.mute) socket.send(JSON.stringify(frame));
      },
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ClientFrame;
      state.received.push(frame);
      void session.receive(frame);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      state.sockets.delete(socket);
      session.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(state, { url: `ws://127.0.0.1:${port}/realtime` });
  servers.push(state);
  return state;
}

function transportFor(url: string, options: Partial<WebSocketTransportOptions> = {}) {
  const transport = websocketTransport({ url, WebSocket, backoff: FAST_BACKOFF, ...options });
  transports.push(transport);
  const errors: RealtimeError[] = [];
  transport.onError((error) => errors.push(error));
  return { transport, errors };
}

function clientFor(url: string, options: Partial<WebSocketTransportOptions> = {}) {
  const { transport, errors } = transportFor(url, options);
  const client = createRealtimeClient({ transport });
  clients.push(client);
  const clientErrors: RealtimeError[] = [];
  client.onError((error) => clientErrors.push(error));
  return { client, transport, errors, clientErrors };
}

function collect(client: RealtimeClient, channel: string) {
  const messages: ChannelMessage[] = [];
  client.channel(channel).subscribe('*', (message) => messages.push(message));
  return messages;
}

describe('websocketTransport + createRealtimeClient over a real ws server', () => {
  it('is a Transport of kind "websocket" that sends only while open', async () => {
    const server = await startHubServer();
    const { transport } = transportFor(server.url);
    expect(transport.kind).toBe('websocket');
    expect(transport.getSnapshot().status).toBe('idle');
    expect(transport.send({ type: 'ping', t: 1 })).toBe(false);
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    expect(transport.send({ type: 'subscribe', channel: 'a' })).toBe(true);
    await vi.waitFor(() => expect(server.received).toEqual([{ type: 'subscribe', channel: 'a' }]), WAIT);
    transport.close();
    expect(transport.getSnapshot().status).toBe('closed');
    expect(transport.send({ type: 'ping', t: 2 })).toBe(false);
  });

  it('counts a session as open only after welcome: a socket the server accepts and then refuses (4401) sends nothing', async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    const frames: string[] = [];
    wss.on('connection', (socket) => {
      socket.on('message', (data) => frames.push(String(data)));
      // Accept, then refuse the token a moment later, as an endpoint verifying a JWT does.
      setTimeout(() => socket.close(4401, 'token expired'), 30);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { client, transport } = clientFor(`ws://127.0.0.1:${port}/realtime`);
      const statuses = new Set<string>();
      transport.subscribe(() => statuses.add(transport.getSnapshot().status));
      collect(client, 'room');
      void client
        .channel('room')
        .publish('message', { text: 'queued' })
        .catch(() => {});
      await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('closed'), WAIT);
      expect(transport.getSnapshot().error?.code).toBe('unauthorized');
      expect(statuses.has('open')).toBe(false);
      expect(frames).toEqual([]);
    } finally {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('delivers publishes between two clients in order, with acks carrying id and seq', async () => {
    const server = await startHubServer();
    const alice = clientFor(server.url);
    const bob = clientFor(server.url);
    const received = collect(alice.client, 'room');
    await vi.waitFor(() => expect(alice.client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);

    const receipts = await Promise.all([1, 2, 3].map((n) => bob.client.channel('room').publish('message', { n })));
    expect(receipts.map((receipt) => receipt.seq)).toEqual([1, 2, 3]);
    await vi.waitFor(() => expect(received).toHaveLength(3), WAIT);
    expect(received.map((message) => [message.seq, message.event, message.data])).toEqual([
      [1, 'message', { n: 1 }],
      [2, 'message', { n: 2 }],
      [3, 'message', { n: 3 }],
    ]);
    expect(received.map((message) => message.cid)).toEqual(receipts.map((receipt) => receipt.cid));
    expect([...alice.errors, ...bob.errors, ...alice.clientErrors, ...bob.clientErrors]).toEqual([]);
  });

  it('resumes after the socket dies: what was published meanwhile arrives once, in order', async () => {
    const server = await startHubServer();
    const { client } = clientFor(server.url);
    const received = collect(client, 'feed');
    await vi.waitFor(() => expect(client.channel('feed').getSnapshot().subscribed).toBe(true), WAIT);
    server.hub.publish('feed', 'tick', 1);
    await vi.waitFor(() => expect(received).toHaveLength(1), WAIT);

    for (const socket of server.sockets) socket.terminate();
    for (let n = 2; n <= 6; n += 1) server.hub.publish('feed', 'tick', n);
    await vi.waitFor(() => expect(received).toHaveLength(6), WAIT);
    expect(received.map((message) => message.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.received.filter((frame) => frame.type === 'subscribe')).toEqual([
      { type: 'subscribe', channel: 'feed' },
      { type: 'subscribe', channel: 'feed', after: 1, epoch: expect.stringMatching(/^[0-9a-f]{12}$/) },
    ]);
  });

  it('ignores a malformed server frame, reports it as bad_frame, and keeps the connection', async () => {
    const server = await startHubServer();
    const { client, transport, errors } = clientFor(server.url);
    const received = collect(client, 'room');
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);

    for (const socket of server.sockets) {
      socket.send('{not json');
      socket.send('[1,2]');
      socket.send(Buffer.from([1, 2, 3]));
    }
    server.hub.publish('room', 'after', 'still here');
    await vi.waitFor(() => expect(received.map((message) => message.data)).toEqual(['still here']), WAIT);
    expect(errors.map((error) => [error.code, error.raw])).toEqual([
      ['bad_frame', '{not json'],
      ['bad_frame', '[1,2]'],
      ['bad_frame', '<binary message, 3 bytes>'],
    ]);
    expect(transport.getSnapshot().status).toBe('open');
  });

  it('keeps the connection alive with protocol ping/pong frames, and reconnects when pongs stop', async () => {
    const server = await startHubServer();
    // timeoutMs bounds the handshake and every pong wait: 1 s, so a machine busy with the whole suite (and event-loop
    // stalls of hundreds of ms) does not time out every reconnect again (it did at 150 ms, and once at 400 ms, only
    // ever under full parallel load; alone it never failed).
    const { client, transport, errors } = clientFor(server.url, { heartbeat: { intervalMs: 40, timeoutMs: 1000 } });
    const received = collect(client, 'room');
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);

    await vi.waitFor(
      () => expect(server.received.filter((frame) => frame.type === 'ping').length).toBeGreaterThanOrEqual(5),
      WAIT,
    );
    const ping = server.received.find((frame) => frame.type === 'ping');
    expect(ping).toEqual({ type: 'ping', t: expect.any(Number) });
    expect(errors).toEqual([]);
    expect(server.sockets.size).toBe(1);

    server.mute = true;
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toContain('heartbeat_timeout'), WAIT);
    server.mute = false;
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), {
      ...WAIT,
      timeout: 15_000,
    });
    server.hub.publish('room', 'back', 1);
    await vi.waitFor(() => expect(received).toHaveLength(1), WAIT);
  }, 30_000);
});
