// The compact frame encoding end to end: real servers on 127.0.0.1 (the WebSocket endpoint, and the channel
// endpoint's SSE stream), the real client asking for it, next to a client that does not ask (plain JSON frames).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  compactFrames,
  createChannelHub,
  createMemoryBroker,
  createRealtimeClient,
  type ChannelGap,
  type ChannelMessage,
  type ChannelBroker,
  type ChannelHub,
  type RealtimeError,
  type ServerFrame,
  type Transport,
} from '@realtime-kit/core';
import { sseTransport } from '@realtime-kit/core/sse-transport';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createChannelEndpoint, createWebSocketEndpoint } from '../src/index.js';
import { serveFetch } from './fetch-bridge.js';
import { cleanup, FAST_BACKOFF, onCleanup, WAIT } from './ws-helpers.js';

afterEach(cleanup);

const online = { isOnline: () => true, subscribe: () => () => {} };
/** About the size of the benchmark's chat line. */
const CHAT = {
  user: 'grace',
  text: 'the order is shipped and the review is merged to the queue',
  at: '2026-12-08T01:00:00Z',
};

type Carrier = 'websocket' | 'sse';

/** One server of `carrier` on 127.0.0.1 over `hub`, at /realtime. */
async function startServer(carrier: Carrier, hub: ChannelHub<ChannelBroker>, compactFrames?: boolean) {
  let server: Server;
  if (carrier === 'websocket') {
    server = createServer((_request, response) => response.writeHead(404).end());
    const endpoint = createWebSocketEndpoint({ server, path: '/realtime', hub, compactFrames });
    onCleanup(() => endpoint.close());
  } else {
    const endpoint = createChannelEndpoint({ hub, heartbeatMs: false, compactFrames });
    server = createServer(
      (req, res) =>
        void serveFetch(req, res, (request) =>
          request.method === 'POST' ? endpoint.POST(request) : endpoint.GET(request),
        ),
    );
    onCleanup(() => endpoint.close());
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  return carrier === 'websocket' ? `ws://127.0.0.1:${port}/realtime` : `http://127.0.0.1:${port}/realtime`;
}

function startClient(carrier: Carrier, url: string, compact: boolean) {
  const encoding = compact ? { encoding: compactFrames } : {};
  const transport: Transport =
    carrier === 'websocket'
      ? websocketTransport({ url, WebSocket, backoff: FAST_BACKOFF, heartbeat: false, ...encoding })
      : sseTransport({ url, backoff: FAST_BACKOFF, network: online, ...encoding });
  const client = createRealtimeClient({ transport });
  onCleanup(() => client.close());
  const frames: ServerFrame[] = [];
  const errors: RealtimeError[] = [];
  onCleanup(transport.onFrame((frame) => frames.push(frame)));
  client.onError((error) => errors.push(error));
  const channel = client.channel<{ chat: { n: number } }>('room:7');
  const messages: ChannelMessage[] = [];
  const gaps: ChannelGap[] = [];
  onCleanup(channel.subscribe('*', (message) => messages.push(message)));
  onCleanup(channel.onGap((gap) => gaps.push(gap)));
  return { client, transport, channel, frames, errors, messages, gaps };
}

/** The bytes of the next event (SSE) or message (WebSocket) a raw connection gets after `start()`. */
async function wireBytesOfOneMessage(carrier: Carrier, url: string, compact: boolean, publish: () => void) {
  const query = compact ? '?encoding=compact' : '';
  if (carrier === 'websocket') {
    const socket = new WebSocket(url + query);
    onCleanup(() => socket.terminate());
    const texts: string[] = [];
    socket.on('message', (data) => texts.push(String(data)));
    await once(socket, 'open');
    await vi.waitFor(() => expect(texts).toHaveLength(1), WAIT);
    socket.send(JSON.stringify({ type: 'subscribe', channel: 'room:7' }));
    await vi.waitFor(
      () => expect(texts.some((text) => text.includes('"subscribed"') || text.includes('"t":"s"'))).toBe(true),
      WAIT,
    );
    const before = texts.length;
    publish();
    await vi.waitFor(() => expect(texts.length).toBe(before + 1), WAIT);
    return Buffer.byteLength(texts[before] as string);
  }
  const abort = new AbortController();
  onCleanup(() => abort.abort());
  const response = await fetch(url + query, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const events = () => chunks.join('').split('\n\n').slice(0, -1);
  const readUntil = async (count: number) => {
    while (events().length < count) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      chunks.push(decoder.decode(value, { stream: true }));
    }
  };
  await readUntil(1);
  const welcome = JSON.parse((events()[0] as string).replace(/^data: /, '')) as { session: string };
  const posted = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-realtime-session': welcome.session },
    body: JSON.stringify({ type: 'subscribe', channel: 'room:7' }),
  });
  expect(posted.ok).toBe(true);
  // subscribed, then the message (the channel's log is empty: no replay, no presence members)
  await readUntil(3);
  const before = events().length;
  publish();
  await readUntil(before + 1);
  return Buffer.byteLength(`${events()[before] as string}\n\n`);
}

describe.each<Carrier>(['websocket', 'sse'])('compact frames over %s', (carrier) => {
  it('are smaller on the wire for the same chat line', async () => {
    const hub = createChannelHub({ broker: createMemoryBroker() });
    const url = await startServer(carrier, hub);
    const publish = () => void hub.publish('room:7', 'chat', CHAT);
    const plain = await wireBytesOfOneMessage(carrier, url, false, publish);
    const compact = await wireBytesOfOneMessage(carrier, url, true, publish);
    // The topic is defined in this first compact message; later ones name it by a number and are smaller still.
    expect(compact).toBeLessThan(plain - 40);
  });

  it('carry messages, presence, resumption after a drop and gaps, next to a client getting plain frames', async () => {
    const hub = createChannelHub({ broker: createMemoryBroker({ logSize: 3 }) });
    const url = await startServer(carrier, hub);
    const alice = startClient(carrier, url, true);
    const bob = startClient(carrier, url, false);
    alice.channel.presence.enter({ name: 'alice' });
    bob.channel.presence.enter({ name: 'bob' });
    await vi.waitFor(() => expect(alice.channel.presence.members()).toHaveLength(2), WAIT);
    await vi.waitFor(() => expect(bob.channel.presence.members()).toHaveLength(2), WAIT);
    expect(alice.frames[0]).toMatchObject({ type: 'welcome', encoding: 'compact' });
    expect(bob.frames[0]).toMatchObject({ type: 'welcome' });
    expect(bob.frames[0]).not.toHaveProperty('encoding');

    await alice.channel.publish('chat', { n: 1 });
    await bob.channel.publish('chat', { n: 2 });
    await vi.waitFor(() => expect(alice.messages.map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }]), WAIT);
    await vi.waitFor(() => expect(bob.messages.map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }]), WAIT);
    // The same message, whichever encoding carried it: id, seq, time, author.
    expect(alice.messages).toEqual(bob.messages);
    expect(alice.messages[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);

    // A restart (sessions end, logs kept): one message is missed, then replayed on resume.
    hub.reset();
    void hub.publish('room:7', 'chat', { n: 3 });
    await vi.waitFor(() => expect(alice.messages.map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]), WAIT);
    await vi.waitFor(() => expect(alice.channel.presence.members()).toHaveLength(2), WAIT);
    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('open'), WAIT);
    // Bob too has resumed past 3 before the next restart (else 3 is trimmed for him, rightly reported as a gap).
    await vi.waitFor(() => expect(bob.messages.map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]), WAIT);
    await vi.waitFor(() => expect(bob.transport.getSnapshot().status).toBe('open'), WAIT);

    // Another restart, and more is missed than the log keeps (3): a gap, then the rest.
    hub.reset();
    for (let n = 4; n <= 8; n++) void hub.publish('room:7', 'chat', { n });
    await vi.waitFor(
      () => expect(alice.messages.map((m) => (m.data as { n: number }).n)).toEqual([1, 2, 3, 6, 7, 8]),
      WAIT,
    );
    expect(alice.gaps).toEqual([expect.objectContaining({ from: 4, to: 5, reason: 'trimmed' })]);
    await vi.waitFor(
      () => expect(bob.messages.map((m) => (m.data as { n: number }).n)).toEqual([1, 2, 3, 6, 7, 8]),
      WAIT,
    );
    expect(alice.messages).toEqual(bob.messages);
    expect(alice.errors).toEqual([]);
  });

  it('falls back to plain frames with a server that does not speak them (compactFrames: false)', async () => {
    const hub = createChannelHub({ broker: createMemoryBroker() });
    const url = await startServer(carrier, hub, false);
    const alice = startClient(carrier, url, true);
    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('open'), WAIT);
    await alice.channel.publish('chat', { n: 1 });
    await vi.waitFor(() => expect(alice.messages.map((m) => m.data)).toEqual([{ n: 1 }]), WAIT);
    expect(alice.frames[0]).toMatchObject({ type: 'welcome' });
    expect(alice.frames[0]).not.toHaveProperty('encoding');
    expect(alice.errors).toEqual([]);
  });
});
