// createWebSocketEndpoint on real http servers (127.0.0.1, ephemeral ports), driven by the real channel client
// over websocketTransport and by bare `ws` sockets for input no client would send.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelHub, type ChannelHub, type PublishReceipt } from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createWebSocketEndpoint, DEFAULT_MAX_MESSAGE_BYTES } from '../src/index.js';
import { cleanup, collect, onCleanup, rawSocket, startClient, startEndpoint, WAIT } from './ws-helpers.js';

afterEach(cleanup);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createWebSocketEndpoint: authentication', () => {
  it('calls auth on every (re)connect: a refused token gets a fresh one, and an expired session too', async () => {
    const tokens = ['stale', 'short', 'long', 'again'];
    const seen: (string | null)[] = [];
    const { url } = await startEndpoint({
      authenticate: (token) => {
        seen.push(token);
        if (token === 'short') return Promise.resolve({ userId: 'ada', expiresAt: Date.now() + 300 });
        return Promise.resolve(token === 'long' || token === 'again' ? { userId: 'ada' } : null);
      },
    });
    const auth = vi.fn(() => Promise.resolve(tokens.shift() ?? null));
    const { client, transport, errors } = startClient(url, { auth });
    const received = collect(client, 'room');

    // 'stale' → 4401 → 'short' opens, expires after 300 ms → 4401 → 'long' opens.
    await vi.waitFor(() => expect(seen).toEqual(['stale', 'short', 'long']), WAIT);
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    expect(transport.getSnapshot().status).toBe('open');
    expect(errors.map((error) => error.code)).toEqual(['unauthorized', 'unauthorized']);

    transport.reconnect();
    await vi.waitFor(() => expect(seen).toEqual(['stale', 'short', 'long', 'again']), WAIT);
    expect(auth).toHaveBeenCalledTimes(4);
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    await expect(client.channel('room').publish('message', 'hi')).resolves.toMatchObject({ seq: 1 });
    await vi.waitFor(() => expect(received.map((message) => message.data)).toEqual(['hi']), WAIT);
  });

  it('stops with unauthorized when the fresh token is refused too', async () => {
    const { url, endpoint } = await startEndpoint({ authenticate: () => Promise.resolve(null) });
    const auth = vi.fn(() => 'revoked');
    const { client, transport } = startClient(url, { auth });
    client.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('closed'), WAIT);
    expect(transport.getSnapshot().error?.code).toBe('unauthorized');
    await sleep(200);
    expect(auth).toHaveBeenCalledTimes(2);
    expect(endpoint.clients).toBe(0);
  });

  it('closes with 4401 when there is no token, and 1011 (retried) when authenticate throws', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const { url } = await startEndpoint({
      onError: (error) => failures.push(error),
      authenticate: (token) => {
        calls += 1;
        if (calls === 2) throw new Error('token service down');
        return token === null ? null : { userId: token };
      },
    });
    const anonymous = await rawSocket(url);
    await vi.waitFor(() => expect(anonymous.closed()).toEqual({ code: 4401, reason: 'unauthorized' }), WAIT);
    expect(anonymous.frames).toEqual([]);

    const { transport, errors } = startClient(url, { auth: () => 'ada' });
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    expect(errors.map((error) => error.code)).toEqual(['server_error']);
    expect(failures).toEqual([new Error('token service down')]);
  });
});

describe('createWebSocketEndpoint: bad input', () => {
  it('answers malformed, oversized and binary frames with typed error frames; the connection and others go on', async () => {
    const { url, endpoint } = await startEndpoint();
    const { client, errors } = startClient(url);
    const received = collect(client, 'room');
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);

    const bad = await rawSocket(url);
    bad.send('{"type":"publish",');
    bad.send(
      JSON.stringify({
        type: 'publish',
        channel: 'room',
        event: 'big',
        data: 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES),
        cid: 'c1',
      }),
    );
    bad.send(Buffer.from([0, 1, 2]));
    bad.send(JSON.stringify({ type: 'teleport' }));
    bad.send(JSON.stringify({ type: 'ping', t: 7 }));
    await vi.waitFor(() => expect(bad.frames.at(-1)).toEqual({ type: 'pong', t: 7 }), WAIT);
    expect(bad.errors()).toEqual(['bad_frame', 'message_too_large', 'bad_frame', 'bad_frame']);
    expect(bad.closed()).toBeNull();

    endpoint.publish('room', 'message', 'unaffected');
    await vi.waitFor(() => expect(received.map((message) => message.data)).toEqual(['unaffected']), WAIT);
    expect(errors).toEqual([]);
    expect(endpoint.clients).toBe(2);
    expect((await endpoint.hub.broker.history('room', 0)).messages).toHaveLength(1);
  });

  it('honours maxMessageBytes, and cuts (1009) only a message past the hard cap', async () => {
    const { url, endpoint } = await startEndpoint({ maxMessageBytes: 100 });
    const socket = await rawSocket(url);
    socket.send(JSON.stringify({ type: 'ping', t: 'x'.repeat(100) }));
    await vi.waitFor(() => expect(socket.errors()).toEqual(['message_too_large']), WAIT);

    socket.send('x'.repeat(1024 * 1024 + 1));
    await vi.waitFor(() => expect(socket.closed()?.code).toBe(1009), WAIT);
    const other = await rawSocket(url);
    other.send(JSON.stringify({ type: 'ping', t: 1 }));
    await vi.waitFor(() => expect(other.frames.at(-1)).toEqual({ type: 'pong', t: 1 }), WAIT);
    expect(endpoint.clients).toBe(1);
  });

  it('rejects bad options', () => {
    expect(() => createWebSocketEndpoint({ maxMessageBytes: 0 })).toThrow(RangeError);
    expect(() => createWebSocketEndpoint({ pingIntervalMs: -1 })).toThrow(RangeError);
  });
});

describe('createWebSocketEndpoint: outbox and restarts', () => {
  it('stores exactly the 100 messages a client published while the server was down, in order', async () => {
    const hub = createChannelHub();
    // The first session after the outage loses every ack, so the client must re-send all 100 and the hub dedupe them.
    let dropAcks = true;
    const lossy: ChannelHub = {
      ...hub,
      connect: (connection) =>
        hub.connect({
          ...connection,
          send: (frame) => {
            if (!(dropAcks && frame.type === 'ack')) connection.send(frame);
          },
        }),
    };
    const first = await startEndpoint({ hub: lossy });
    await first.stop();

    const { client, transport } = startClient(first.url);
    const orders = client.channel('orders');
    const receipts: Promise<PublishReceipt>[] = [];
    for (let n = 0; n < 100; n += 1) receipts.push(orders.publish('order', { n }));
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('reconnecting'), WAIT);
    expect(orders.getSnapshot().pending).toBe(100);
    expect(hub.broker.head('orders')).toBe(0);

    const second = await startEndpoint({ hub: lossy }, first.port);
    await vi.waitFor(() => expect(hub.broker.head('orders')).toBe(100), WAIT);
    expect(orders.getSnapshot().pending).toBe(100);
    dropAcks = false;
    await second.stop();
    await startEndpoint({ hub: lossy }, first.port);

    const settled = await Promise.all(receipts);
    expect(settled.map((receipt) => receipt.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(orders.getSnapshot().pending).toBe(0);
    const stored = hub.broker.messages('orders');
    expect(stored.map((message) => message.data)).toEqual(Array.from({ length: 100 }, (_, n) => ({ n })));
    expect(stored.map((message) => message.seq)).toEqual(settled.map((receipt) => receipt.seq));
    expect(hub.broker.head('orders')).toBe(100);
  });

  it('close() sends 1012 to every client, refuses new ones, and clients resume on the next server', async () => {
    const hub = createChannelHub();
    const running = await startEndpoint({ hub });
    const { client, transport, errors } = startClient(running.url);
    const received = collect(client, 'feed');
    const raw = await rawSocket(running.url);
    await vi.waitFor(() => expect(client.channel('feed').getSnapshot().subscribed).toBe(true), WAIT);
    running.endpoint.publish('feed', 'n', 1);

    await running.endpoint.close();
    expect(raw.closed()).toEqual({ code: 1012, reason: 'server shutting down' });
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toContain('server_error'), WAIT);
    expect(running.endpoint.clients).toBe(0);
    await expect(rawSocket(running.url)).rejects.toThrow();
    expect(transport.getSnapshot().status).not.toBe('open');

    hub.publish('feed', 'n', 2);
    await running.stop();
    await startEndpoint({ hub }, running.port);
    await vi.waitFor(() => expect(received.map((message) => message.data)).toEqual([1, 2]), WAIT);
  });
});

describe('createWebSocketEndpoint: mounting', () => {
  it('handles only its path on a shared server, and works through handleUpgrade on a custom one', async () => {
    // Shared: another WebSocket server owns /other on the same http server.
    const shared = await startEndpoint();
    const other = new WebSocketServer({ noServer: true });
    onCleanup(() => new Promise<void>((resolve) => other.close(() => resolve())));
    shared.server.on('upgrade', (request, socket, head) => {
      if (request.url === '/other') other.handleUpgrade(request, socket, head, (ws) => ws.send('other'));
    });
    const stranger = new WebSocket(`ws://127.0.0.1:${shared.port}/other`);
    onCleanup(() => stranger.terminate());
    const greeting = await new Promise<string>((resolve, reject) => {
      stranger.once('message', (data) => resolve(String(data)));
      stranger.once('error', reject);
    });
    expect(greeting).toBe('other');
    expect(shared.endpoint.clients).toBe(0);

    // Custom: the app routes upgrades itself.
    const endpoint = createWebSocketEndpoint();
    const server = createServer();
    server.on('upgrade', (request, socket, head) => {
      if (request.url?.startsWith('/custom')) endpoint.handleUpgrade(request, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(async () => {
      await endpoint.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { client } = startClient(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/custom`);
    const received = collect(client, 'room');
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    endpoint.publish('room', 'message', 'custom');
    await vi.waitFor(() => expect(received.map((message) => message.data)).toEqual(['custom']), WAIT);
  });
});
