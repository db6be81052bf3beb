// The channel client over socketIOTransport against a real socket.io server on 127.0.0.1 that speaks the protocol
// through createChannelHub on the 'rk' event, with the server killed and restarted on the same port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createRealtimeClient } from '../src/channel/client.js';
import type { ChannelMessage, RealtimeClient } from '../src/channel/types.js';
import { RealtimeError } from '../src/errors.js';
import type { ClientFrame } from '../src/protocol/frames.js';
import { createChannelHub, type ChannelHub } from '../src/protocol/hub.js';
import { emitWithAck, socketIOTransport, type SocketIOTransport } from '../src/transports/socket-io.js';

const WAIT = { timeout: 10_000, interval: 5 };

interface ClientEvents {
  echo: (text: string, ack: (reply: { echoed: string }) => void) => void;
  never: (ack: (reply: number) => void) => void;
}

interface HubServer {
  readonly url: string;
  readonly port: number;
  readonly hub: ChannelHub;
  /** Every frame clients sent. */
  readonly received: ClientFrame[];
  /** io.close() + http close: every connection drops, the port is free. */
  stop(): Promise<void>;
}

const stoppers: (() => Promise<void>)[] = [];
const clients: RealtimeClient[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const socket of sockets.splice(0)) socket.disconnect();
  await Promise.all(stoppers.splice(0).map((stop) => stop()));
});

async function startHubServer(options: { hub?: ChannelHub; port?: number; token?: string } = {}): Promise<HubServer> {
  const hub = options.hub ?? createChannelHub();
  const httpServer = http.createServer();
  const server = new Server(httpServer);
  const received: ClientFrame[] = [];
  if (options.token !== undefined) {
    server.use((socket, next) => {
      next(socket.handshake.auth.token === options.token ? undefined : new Error('unauthorized'));
    });
  }
  server.on('connection', (socket: ServerSocket) => {
    const session = hub.connect({ send: (frame) => socket.emit('rk', frame), close: () => socket.disconnect(true) });
    socket.on('rk', (frame: ClientFrame) => {
      received.push(frame);
      void session.receive(frame);
    });
    socket.on('echo', (text: string, ack: (reply: { echoed: string }) => void) => ack({ echoed: text }));
    socket.on('disconnect', () => session.close());
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  stoppers.push(stop);
  return { url: `http://127.0.0.1:${port}`, port, hub, received, stop };
}

function socketFor(url: string, auth?: (cb: (data: object) => void) => void) {
  const socket = io(url, {
    autoConnect: false,
    forceNew: true,
    transports: ['websocket'],
    reconnectionDelay: 20,
    reconnectionDelayMax: 100,
    randomizationFactor: 0,
    ...(auth ? { auth } : {}),
  }) as Socket<Record<string, never>, ClientEvents>;
  sockets.push(socket);
  return socket;
}

function clientFor(url: string, auth?: (cb: (data: object) => void) => void) {
  const socket = socketFor(url, auth);
  const transport = socketIOTransport(socket);
  const errors: RealtimeError[] = [];
  transport.onError((error) => errors.push(error));
  const client = createRealtimeClient({ transport });
  clients.push(client);
  client.onError((error) => errors.push(error));
  return { client, transport, socket, errors };
}

function collect(client: RealtimeClient, channel: string) {
  const messages: ChannelMessage[] = [];
  client.channel(channel).subscribe('*', (message) => messages.push(message));
  return messages;
}

describe('socketIOTransport + createRealtimeClient over a real socket.io server', () => {
  it('is a Transport of kind "socket.io" that is open only after welcome and sends only while open', async () => {
    const server = await startHubServer();
    const socket = socketFor(server.url);
    const transport: SocketIOTransport = socketIOTransport(socket);
    const statuses: string[] = [];
    transport.subscribe(() => statuses.push(transport.getSnapshot().status));
    expect(transport.kind).toBe('socket.io');
    expect(transport.getSnapshot().status).toBe('idle');
    expect(transport.send({ type: 'ping', t: 1 })).toBe(false);
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    expect(statuses).toEqual(['connecting', 'open']);
    expect(transport.recovered).toBe(false);
    expect(transport.send({ type: 'subscribe', channel: 'a' })).toBe(true);
    await vi.waitFor(() => expect(server.received).toEqual([{ type: 'subscribe', channel: 'a' }]), WAIT);
    transport.close();
    expect(transport.getSnapshot()).toMatchObject({ status: 'closed', error: null });
    expect(transport.send({ type: 'ping', t: 2 })).toBe(false);
  });

  it('delivers publishes between two clients in order, with acks carrying id and seq', async () => {
    const server = await startHubServer();
    const alice = clientFor(server.url);
    const bob = clientFor(server.url);
    const received = collect(alice.client, 'room');
    await vi.waitFor(() => expect(alice.client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);

    const receipts = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => bob.client.channel('room').publish('message', { n })),
    );
    expect(receipts.map((receipt) => receipt.seq)).toEqual([1, 2, 3, 4, 5]);
    await vi.waitFor(() => expect(received).toHaveLength(5), WAIT);
    expect(received.map((message) => [message.seq, message.data])).toEqual(
      receipts.map((receipt, i) => [receipt.seq, { n: i + 1 }]),
    );
    expect(received.map((message) => message.id)).toEqual(receipts.map((receipt) => receipt.id));
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('emitWithAck resolves with the typed acknowledgement, and rejects with RealtimeError("timeout")', async () => {
    const server = await startHubServer();
    const socket = socketFor(server.url);
    socket.connect();
    const reply = emitWithAck(socket, 'echo', 'hi', { timeoutMs: 2000 });
    expectTypeOf(reply).toEqualTypeOf<Promise<{ echoed: string }>>();
    expect(await reply).toEqual({ echoed: 'hi' });
    // @ts-expect-error: 'echo' takes a string
    void emitWithAck(socket, 'echo', 42, { timeoutMs: 1 }).catch(() => {});

    const error = await emitWithAck(socket, 'never', { timeoutMs: 50 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('survives 20 server restarts on the same port while 1,000 messages are published: each arrives once, in order, with a fresh auth each time', async () => {
    const hub = createChannelHub();
    let server = await startHubServer({ hub, token: 'secret' });
    const port = server.port;
    let authCalls = 0;
    const { client, transport, errors } = clientFor(server.url, (cb) => {
      authCalls += 1;
      cb({ token: 'secret' });
    });
    const received = collect(client, 'feed');
    await vi.waitFor(() => expect(client.channel('feed').getSnapshot().subscribed).toBe(true), WAIT);
    const statuses = new Set<string>();
    transport.subscribe(() => statuses.add(transport.getSnapshot().status));
    expect(authCalls).toBe(1);

    for (let n = 1; n <= 1000; n += 1) {
      hub.publish('feed', 'tick', n);
      if (n % 50 === 25) {
        // Each kill hits a live session (the previous restart's reconnect has completed).
        await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
        await server.stop();
        await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('reconnecting'), WAIT);
        n += 1;
        hub.publish('feed', 'tick-while-down', n);
        await new Promise((resolve) => setTimeout(resolve, 30));
        server = await startHubServer({ hub, port, token: 'secret' });
      } else if (n % 10 === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }

    await vi.waitFor(() => expect(received).toHaveLength(1000), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const distinct = new Set(received.map((message) => message.seq)).size;
    console.log(
      `[socket.io chaos] published 1000, received ${received.length} (${distinct} distinct), 20 restarts, ${authCalls} auth calls`,
    );
    expect(received.map((message) => message.data)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(received.map((message) => message.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(authCalls).toBe(21);
    expect(statuses.has('reconnecting')).toBe(true);
    expect(transport.getSnapshot()).toMatchObject({ status: 'open', error: null, attempt: 0 });
    expect(errors).toEqual([]);
  });

  it('closes with RealtimeError("unauthorized") when a middleware refuses the token, without retrying', async () => {
    const server = await startHubServer({ token: 'secret' });
    let authCalls = 0;
    const { client, transport } = clientFor(server.url, (cb) => {
      authCalls += 1;
      cb({ token: 'expired' });
    });
    collect(client, 'room');
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('closed'), WAIT);
    expect(transport.getSnapshot().error).toMatchObject({ name: 'RealtimeError', code: 'unauthorized' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(authCalls).toBe(1);
    expect(transport.getSnapshot().status).toBe('closed');
    expect(server.received).toEqual([]);
  });
});
