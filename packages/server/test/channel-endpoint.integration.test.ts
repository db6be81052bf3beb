// createChannelEndpoint behind a real Node http server on 127.0.0.1 (adapted to the Fetch API as Next.js hosts
// do), driven by the real client: createRealtimeClient over sseTransport.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelHub, createRealtimeClient, type ChannelMessage, type RealtimeClient } from '@realtime-kit/core';
import { sseTransport } from '@realtime-kit/core/sse-transport';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChannelEndpoint, type ChannelEndpoint } from '../src/index.js';
import { serveFetch } from './fetch-bridge.js';

const WAIT = { timeout: 10_000, interval: 5 };
const FAST_BACKOFF = { minMs: 10, maxMs: 50 };
const online = { isOnline: () => true, subscribe: () => () => {} };

interface Running {
  server: Server;
  /** Responses of open event streams, so a test can cut them. */
  streams: Set<ServerResponse>;
}
const running = new Set<Running>();
/** Event streams opened, across servers. */
let streamsOpened = 0;
const clients: RealtimeClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all([...running].map(stop));
});

async function start(endpoint: ChannelEndpoint, port = 0): Promise<Running> {
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => void adapt(req, res, endpoint, streams));
  const state = { server, streams };
  running.add(state);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return state;
}

async function stop(state: Running) {
  running.delete(state);
  state.server.closeAllConnections();
  state.server.close();
  await once(state.server, 'close');
}

const urlOf = (state: Running) => `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/realtime`;

/** Serves the endpoint, keeping the open GET streams (so a test can cut them). */
function adapt(req: IncomingMessage, res: ServerResponse, endpoint: ChannelEndpoint, streams: Set<ServerResponse>) {
  if (req.method === 'GET') {
    streams.add(res);
    streamsOpened += 1;
    res.once('close', () => streams.delete(res));
  }
  return serveFetch(req, res, (request) =>
    request.method === 'POST' ? endpoint.POST(request) : endpoint.GET(request),
  );
}

function clientFor(url: string) {
  const transport = sseTransport({ url, backoff: FAST_BACKOFF, network: online });
  const client = createRealtimeClient({ transport });
  clients.push(client);
  return { client, transport };
}

function collect(client: RealtimeClient, channel: string) {
  const messages: ChannelMessage[] = [];
  client.channel(channel).subscribe('*', (message) => messages.push(message));
  return messages;
}

describe('createChannelEndpoint + sseTransport over real HTTP', () => {
  it('two clients exchange messages in order, with acks carrying id and seq', async () => {
    const endpoint = createChannelEndpoint({ heartbeatMs: false });
    const url = urlOf(await start(endpoint));
    const alice = clientFor(url);
    const bob = clientFor(url);
    const atBob = collect(bob.client, 'room');
    const atAlice = collect(alice.client, 'room');
    await vi.waitFor(() => expect(endpoint.sessions).toBe(2), WAIT);
    await vi.waitFor(() => expect(bob.client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    const receipts = [];
    for (let i = 1; i <= 5; i += 1) receipts.push(await alice.client.channel('room').publish('chat', { n: i }));
    receipts.push(await bob.client.channel('room').publish('chat', { n: 6 }));
    expect(receipts.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(receipts.every((r) => typeof r.id === 'string')).toBe(true);
    await vi.waitFor(() => expect(atBob.map((m) => (m.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6]), WAIT);
    await vi.waitFor(() => expect(atAlice.map((m) => (m.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6]), WAIT);
  });

  it('a cut stream resumes: a message published meanwhile arrives once', async () => {
    const endpoint = createChannelEndpoint({ heartbeatMs: false });
    const state = await start(endpoint);
    const { client, transport } = clientFor(urlOf(state));
    const seen = collect(client, 'news');
    await vi.waitFor(() => expect(client.channel('news').getSnapshot().subscribed).toBe(true), WAIT);
    endpoint.hub.publish('news', 'item', 1);
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT);
    for (const res of state.streams) res.destroy();
    await vi.waitFor(() => expect(transport.getSnapshot().status).not.toBe('open'), WAIT);
    endpoint.hub.publish('news', 'item', 2);
    await vi.waitFor(() => expect(seen.map((m) => m.data)).toEqual([1, 2]), WAIT);
    endpoint.hub.publish('news', 'item', 3);
    await vi.waitFor(() => expect(seen.map((m) => m.data)).toEqual([1, 2, 3]), WAIT);
    expect(seen.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('1,000 publishes across 20 server restarts: all received once, in order', async () => {
    const hub = createChannelHub();
    const endpoint = createChannelEndpoint({ hub, heartbeatMs: false });
    let state = await start(endpoint);
    const port = (state.server.address() as AddressInfo).port;
    const url = urlOf(state);
    const sender = clientFor(url);
    const receiver = clientFor(url);
    const seen = collect(receiver.client, 'load');
    collect(sender.client, 'load');
    await vi.waitFor(() => expect(receiver.client.channel('load').getSnapshot().subscribed).toBe(true), WAIT);
    const opened = streamsOpened;
    const publishes: Promise<unknown>[] = [];
    const publish = (count: number) => {
      for (let i = 0; i < count; i += 1) publishes.push(sender.client.channel('load').publish('n', publishes.length));
    };
    for (let restart = 0; restart < 20; restart += 1) {
      publish(25);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await stop(state);
      // Published while the server is down: they wait in the outbox.
      publish(25);
      await new Promise((resolve) => setTimeout(resolve, 30));
      state = await start(endpoint, port);
      await vi.waitFor(() => {
        expect(sender.transport.getSnapshot().status).toBe('open');
        expect(receiver.transport.getSnapshot().status).toBe('open');
      }, WAIT);
    }
    await Promise.all(publishes);
    await vi.waitFor(() => expect(seen).toHaveLength(1000), WAIT);
    console.log(
      `[sse+post chaos] published 1000, stored ${hub.broker.head('load')}, received ${seen.length} (${new Set(seen.map((m) => m.seq)).size} distinct), 20 restarts`,
    );
    expect(seen.map((m) => m.data)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(hub.broker.head('load')).toBe(1000);
    // Both clients reconnected after each of the 20 restarts.
    expect(streamsOpened - opened).toBeGreaterThanOrEqual(40);
  });

  it('answers a malformed POST with a typed 400, 410 session_gone for an unknown session, and stays up', async () => {
    const endpoint = createChannelEndpoint({ heartbeatMs: false });
    const url = urlOf(await start(endpoint));
    const { client } = clientFor(url);
    collect(client, 'room');
    await vi.waitFor(() => expect(endpoint.sessions).toBe(1), WAIT);
    const json = { 'content-type': 'application/json' };
    const unknown = await fetch(url, {
      method: 'POST',
      headers: { ...json, 'x-realtime-session': 'nope' },
      body: '{}',
    });
    expect(unknown.status).toBe(410);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('session_gone');
    // A real session token: read welcome from a second stream.
    const stream = await fetch(url);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
    const welcome = JSON.parse(/data: (.*)/.exec(text)![1]!) as { connectionId: string; session: string };
    // The connection id (which audit logs show) is not the secret a POST must carry.
    const byId = await fetch(url, {
      method: 'POST',
      headers: { ...json, 'x-realtime-session': welcome.connectionId },
      body: '{"type":"ping","t":1}',
    });
    expect(byId.status).toBe(410);
    // A body that is not declared JSON (what a cross-site form can send) is refused before it is read.
    const plain = await fetch(url, {
      method: 'POST',
      headers: { 'x-realtime-session': welcome.session },
      body: '{"type":"ping","t":1}',
    });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({
      error: { code: 'bad_frame', message: expect.stringContaining('application/json') },
    });
    const bad = await fetch(url, {
      method: 'POST',
      headers: { ...json, 'x-realtime-session': welcome.session },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'bad_frame', message: expect.any(String) } });
    const good = await fetch(url, {
      method: 'POST',
      headers: { ...json, 'x-realtime-session': welcome.session },
      body: JSON.stringify({ type: 'ping', t: 7 }),
    });
    expect(good.status).toBe(204);
    while (!text.includes('"pong"')) text += (await reader.read()).value ?? '';
    await reader.cancel();
    await vi.waitFor(() => expect(endpoint.sessions).toBe(1), WAIT);
    await expect(client.channel('room').publish('chat', 'still up')).resolves.toMatchObject({ seq: 1 });
  });

  it('refuses with 401 when authenticate rejects, and keys sessions by user', async () => {
    const endpoint = createChannelEndpoint({
      heartbeatMs: false,
      authenticate: (request) => (request.headers.get('authorization') === 'ok' ? { userId: 'u1' } : null),
    });
    const url = urlOf(await start(endpoint));
    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const transport = sseTransport({ url, headers: { authorization: 'ok' }, backoff: FAST_BACKOFF, network: online });
    const client = createRealtimeClient({ transport });
    clients.push(client);
    await client.channel('p').presence.enter({ name: 'a' });
    await vi.waitFor(() => expect(endpoint.hub.presence('p').map((m) => m.userId)).toEqual(['u1']), WAIT);
  });
});

describe('createChannelEndpoint: close()', () => {
  it('drains: 503 for new requests, streams end with retry:, clients resume on the next instance; every publish stored once', async () => {
    const hub = createChannelHub();
    const endpoint = createChannelEndpoint({ hub, heartbeatMs: false });
    const first = await start(endpoint);
    const port = (first.server.address() as AddressInfo).port;
    const url = urlOf(first);
    const sender = clientFor(url);
    const receiver = clientFor(url);
    const seen = collect(receiver.client, 'orders');
    await vi.waitFor(() => expect(receiver.client.channel('orders').getSnapshot().subscribed).toBe(true), WAIT);

    const receipts: Promise<{ seq: number }>[] = [];
    for (let n = 0; n < 20; n += 1) receipts.push(sender.client.channel('orders').publish('order', n));
    const closing = endpoint.close();
    for (let n = 20; n < 40; n += 1) receipts.push(sender.client.channel('orders').publish('order', n));
    await closing;
    expect(endpoint.sessions).toBe(0);
    const refused = await fetch(url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { code: 'unavailable' } });

    // The next instance (same hub: a shared broker) takes the port; clients reconnect and re-send what was not acked.
    await stop(first);
    await start(createChannelEndpoint({ hub, heartbeatMs: false }), port);
    const settled = await Promise.all(receipts);
    expect(settled.map((receipt) => receipt.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(hub.broker.messages('orders').map((message) => message.data)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    await vi.waitFor(
      () => expect(seen.map((message) => message.data)).toEqual(Array.from({ length: 40 }, (_, i) => i)),
      WAIT,
    );
  });
});
