// permessage-deflate on createWebSocketEndpoint: real http servers on 127.0.0.1, bare `ws` clients (which offer the
// extension, as browsers do, unless told not to), and the server sockets' own byte counts for what crossed the wire.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ServerFrame } from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { createWebSocketEndpoint, type WebSocketEndpointOptions } from '../src/index.js';
import { cleanup, onCleanup, startEndpoint, WAIT } from './ws-helpers.js';

afterEach(cleanup);

/** A JSON document of `items` varied records (ids, numbers, dates), compressible the way real JSON is. */
function jsonDocument(items: number): { items: object[] } {
  let seed = 7;
  const random = () => (seed = (seed * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32;
  const words = ['order', 'shipped', 'pending', 'north', 'south', 'revenue', 'active', 'latency'];
  const word = () => words[Math.floor(random() * words.length)];
  return {
    items: Array.from({ length: items }, () => ({
      id: `itm_${Math.floor(random() * 1e9).toString(36)}`,
      name: `${word()} ${word()}`,
      value: Math.round(random() * 1e6) / 100,
      updatedAt: new Date(1.7e12 + Math.floor(random() * 1e10)).toISOString(),
    })),
  };
}

/** An endpoint whose server-side sockets are counted, so a test can read what was written to the wire. */
/** An endpoint with compression on (`compression: true`) unless the options say otherwise. */
async function start(options: Omit<WebSocketEndpointOptions, 'server' | 'path'> = {}) {
  const running = await startEndpoint({ compression: true, ...options });
  const sockets: Socket[] = [];
  running.server.on('connection', (socket: Socket) => sockets.push(socket));
  return { ...running, written: () => sockets.reduce((sum, socket) => sum + socket.bytesWritten, 0) };
}

/** A bare client subscribed to `room`; `negotiated` is the server's Sec-WebSocket-Extensions answer. */
async function subscriber(url: string, options: ClientOptions = {}) {
  const socket = new WebSocket(url, options);
  onCleanup(() => socket.terminate());
  const frames: ServerFrame[] = [];
  let negotiated: string | undefined;
  socket.on('upgrade', (response: IncomingMessage) => {
    negotiated = response.headers['sec-websocket-extensions'];
  });
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    frames.push(frame);
    if (frame.type === 'welcome') socket.send(JSON.stringify({ type: 'subscribe', channel: 'room' }));
  });
  await vi.waitFor(() => expect(frames.some((frame) => frame.type === 'subscribed')).toBe(true), WAIT);
  const messages = () => frames.flatMap((frame) => (frame.type === 'message' ? [frame] : []));
  return { socket, negotiated: () => negotiated, messages };
}

/** Bytes the server wrote while `endpoint.publish(data)` reached every subscriber. */
async function publishAndCount(
  running: Awaited<ReturnType<typeof start>>,
  clients: Awaited<ReturnType<typeof subscriber>>[],
  data: unknown,
) {
  const before = running.written();
  const counts = clients.map((client) => client.messages().length);
  await running.endpoint.publish('room', 'doc', data);
  await vi.waitFor(
    () => clients.forEach((client, i) => expect(client.messages()).toHaveLength((counts[i] as number) + 1)),
    WAIT,
  );
  return running.written() - before;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('createWebSocketEndpoint: permessage-deflate', () => {
  it('is off by default: nothing is negotiated, no memory is spent on it', async () => {
    const running = await startEndpoint({});
    const client = await subscriber(running.url);
    expect(client.socket.extensions).toBe('');
    expect(client.negotiated()).toBeUndefined();
  });

  it('with compression: true, is negotiated without context takeover with a client that offers it', async () => {
    const { url } = await start();
    const client = await subscriber(url);
    expect(client.socket.extensions).toBe('permessage-deflate');
    expect(client.negotiated()).toMatch(/^permessage-deflate;.*server_no_context_takeover/);
  });

  it('is not negotiated with compression: false, and large frames then cross the wire whole', async () => {
    const running = await start({ compression: false });
    const client = await subscriber(running.url);
    expect(client.socket.extensions).toBe('');
    expect(client.negotiated()).toBeUndefined();
    const data = jsonDocument(120);
    expect(await publishAndCount(running, [client], data)).toBeGreaterThan(jsonBytes(data));
  });

  it('delivers a large message intact in far fewer bytes than its JSON', async () => {
    const running = await start();
    const client = await subscriber(running.url);
    const data = jsonDocument(120);
    const size = jsonBytes(data);
    expect(size).toBeGreaterThan(10_000);
    const written = await publishAndCount(running, [client], data);
    expect(client.messages().at(-1)?.data).toEqual(data);
    expect(written).toBeLessThan(size / 2);
  });

  it('sends a message under the threshold uncompressed', async () => {
    const running = await start();
    const client = await subscriber(running.url);
    const data = { text: 'a chat line of typical size, well under the threshold', user: 'ada', n: 1 };
    const written = await publishAndCount(running, [client], data);
    const frame = client.messages().at(-1);
    expect(frame?.data).toEqual(data);
    // The whole frame's JSON (envelope and data) plus the WebSocket header (4 bytes from 126 to 64 KiB): nothing saved.
    const size = jsonBytes(frame);
    expect(size).toBeGreaterThan(125);
    expect(written).toBe(size + 4);
  });

  it('honours a custom threshold', async () => {
    const running = await start({ compression: { threshold: 64 } });
    const client = await subscriber(running.url);
    const data = { text: 'repeat '.repeat(40), user: 'ada' };
    const written = await publishAndCount(running, [client], data);
    expect(client.messages().at(-1)?.data).toEqual(data);
    expect(written).toBeLessThan(jsonBytes(data) / 2);
  });

  it('serves a client that does not offer the extension, next to one that does, from the same broadcast', async () => {
    const running = await start();
    const plain = await subscriber(running.url, { perMessageDeflate: false });
    const deflating = await subscriber(running.url);
    expect(plain.socket.extensions).toBe('');
    expect(deflating.socket.extensions).toBe('permessage-deflate');
    const data = jsonDocument(120);
    const both = await publishAndCount(running, [plain, deflating], data);
    expect(plain.messages().at(-1)?.data).toEqual(data);
    expect(deflating.messages().at(-1)?.data).toEqual(data);
    // The plain client's copy alone is larger than the JSON; the compressed one adds less than half of it.
    expect(both).toBeGreaterThan(jsonBytes(data));
    expect(both).toBeLessThan(1.5 * jsonBytes(data));
  });

  it('compresses for the smaller window a client asks for (server_max_window_bits)', async () => {
    const running = await start();
    const narrow = await subscriber(running.url, { perMessageDeflate: { serverMaxWindowBits: 10 } });
    const wide = await subscriber(running.url);
    expect(narrow.negotiated()).toMatch(/server_max_window_bits=10/);
    const data = jsonDocument(200);
    await publishAndCount(running, [narrow, wide], data);
    // A frame deflated with the 32 KiB window would fail to inflate in a 1 KiB one (and close the socket).
    expect(narrow.messages().at(-1)?.data).toEqual(data);
    expect(wide.messages().at(-1)?.data).toEqual(data);
    expect(narrow.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('keeps compressed and plain frames in publish order', async () => {
    const running = await start();
    const client = await subscriber(running.url);
    const large = jsonDocument(40);
    const published = Array.from({ length: 30 }, (_, n) => (n % 3 === 0 ? { n } : { n, ...large }));
    await Promise.all(published.map((data) => running.endpoint.publish('room', 'doc', data)));
    await vi.waitFor(() => expect(client.messages()).toHaveLength(30), WAIT);
    expect(client.messages().map((message) => (message.data as { n: number }).n)).toEqual(
      published.map((data) => data.n),
    );
    expect(client.messages().map((message) => message.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('still inflates what a client compresses, and answers it', async () => {
    const running = await start();
    const client = await subscriber(running.url);
    const text = 'a long message from the client '.repeat(100);
    client.socket.send(JSON.stringify({ type: 'publish', channel: 'room', event: 'note', data: text, cid: 'c1' }));
    await vi.waitFor(() => expect(client.messages().map((message) => message.data)).toEqual([text]), WAIT);
  });

  it('rejects compression settings outside zlib’s range', () => {
    expect(() => createWebSocketEndpoint({ compression: { level: 10 } })).toThrow(RangeError);
    expect(() => createWebSocketEndpoint({ compression: { windowBits: 8 } })).toThrow(RangeError);
    expect(() => createWebSocketEndpoint({ compression: { memLevel: 0 } })).toThrow(RangeError);
    expect(() => createWebSocketEndpoint({ compression: { threshold: -1 } })).toThrow(/compression.threshold/);
  });
});
