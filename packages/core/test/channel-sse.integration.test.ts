// sseTransport + createRealtimeClient against a real Node http server on 127.0.0.1 that speaks the protocol through
// createChannelHub, wired by hand (GET = event stream, POST = client frames; the full endpoint is
// createChannelEndpoint in @realtime-kit/server).
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../src/channel/client.js';
import type { ChannelMessage, RealtimeClient } from '../src/channel/types.js';
import type { RealtimeError } from '../src/errors.js';
import type { ClientFrame } from '../src/protocol/frames.js';
import { createChannelHub, type ChannelHub, type HubSession } from '../src/protocol/hub.js';
import {
  SSE_SESSION_HEADER,
  sseTransport,
  type SSETransport,
  type SSETransportOptions,
} from '../src/transports/sse.js';

const WAIT = { timeout: 5000, interval: 5 };
const online = { isOnline: () => true, subscribe: () => () => {} };

interface HubServer {
  readonly url: string;
  readonly hub: ChannelHub;
  /** Open event-stream responses. */
  readonly streams: Set<ServerResponse>;
  /** Every POST: its session header and parsed frames. */
  readonly posts: { session: string | undefined; frames: ClientFrame[] }[];
  /** Extra raw SSE text written right after `welcome` on the next stream. */
  inject: string;
  stop(): Promise<void>;
}

const servers: HubServer[] = [];
const transports: SSETransport[] = [];
const clients: RealtimeClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function startHubServer(hub: ChannelHub = createChannelHub()): Promise<HubServer> {
  const sessions = new Map<string, HubSession>();
  const server = http.createServer((req, res) => void handle(req, res));
  const state: HubServer = {
    url: '',
    hub,
    streams: new Set(),
    posts: [],
    inject: '',
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      state.streams.add(res);
      const session = hub.connect({
        send: (frame) =>
          void (
            !res.writableEnded &&
            res.write(
              `${frame.type === 'message' ? `id: ${frame.channel}:${frame.seq}\n` : ''}data: ${JSON.stringify(frame)}\n\n`,
            )
          ),
        close: () => res.end(),
      });
      sessions.set(session.id, session);
      if (state.inject) res.write(state.inject);
      state.inject = '';
      res.once('close', () => {
        state.streams.delete(res);
        sessions.delete(session.id);
        session.close();
      });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const id = req.headers[SSE_SESSION_HEADER] as string | undefined;
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { code: 'bad_frame', message: 'not JSON' } }));
    }
    const frames = (Array.isArray(body) ? body : [body]) as ClientFrame[];
    state.posts.push({ session: id, frames });
    const session = id === undefined ? undefined : sessions.get(id);
    if (!session) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such session' } }));
    }
    for (const frame of frames) void session.receive(frame);
    res.writeHead(204).end();
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/realtime` });
  servers.push(state);
  return state;
}

function transportFor(url: string, options: Partial<SSETransportOptions> = {}) {
  const transport = sseTransport({ url, backoff: { minMs: 10, maxMs: 50 }, network: online, ...options });
  transports.push(transport);
  const errors: RealtimeError[] = [];
  transport.onError((error) => errors.push(error));
  return { transport, errors };
}

function clientFor(url: string, options: Partial<SSETransportOptions> = {}) {
  const { transport, errors } = transportFor(url, options);
  const client = createRealtimeClient({ transport });
  clients.push(client);
  return { client, transport, errors };
}

function collect(client: RealtimeClient, channel: string) {
  const messages: ChannelMessage[] = [];
  client.channel(channel).subscribe('*', (message) => messages.push(message));
  return messages;
}

describe('sseTransport over a real http server', () => {
  it('is a Transport of kind "sse": open only after welcome, POSTs frames in order with the session id', async () => {
    const server = await startHubServer();
    const { transport } = transportFor(server.url);
    expect(transport.kind).toBe('sse');
    expect(transport.getSnapshot().status).toBe('idle');
    expect(transport.send({ type: 'ping', t: 1 })).toBe(false);
    const welcomes: string[] = [];
    transport.onFrame((frame) => {
      if (frame.type === 'welcome') welcomes.push(frame.connectionId);
    });
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    expect(welcomes).toHaveLength(1);
    for (let t = 1; t <= 20; t += 1) expect(transport.send({ type: 'ping', t })).toBe(true);
    await vi.waitFor(() => expect(server.posts.flatMap((post) => post.frames)).toHaveLength(20), WAIT);
    expect(server.posts.flatMap((post) => post.frames).map((frame) => (frame as { t: number }).t)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(server.posts.every((post) => post.session === welcomes[0])).toBe(true);
    transport.close();
    expect(transport.getSnapshot().status).toBe('closed');
    expect(transport.send({ type: 'ping', t: 99 })).toBe(false);
  });

  it('delivers publishes between two clients in order, with acks carrying id and seq', async () => {
    const server = await startHubServer();
    const alice = clientFor(server.url);
    const bob = clientFor(server.url);
    const atBob = collect(bob.client, 'room');
    collect(alice.client, 'room');
    await vi.waitFor(() => expect(bob.client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    const receipts = await Promise.all([1, 2, 3].map((n) => alice.client.channel('room').publish('chat', n)));
    expect(receipts.map((receipt) => receipt.seq)).toEqual([1, 2, 3]);
    await vi.waitFor(() => expect(atBob.map((message) => message.data)).toEqual([1, 2, 3]), WAIT);
  });

  it('resumes after the server cuts the stream: a message published meanwhile arrives once', async () => {
    const server = await startHubServer();
    const { client, transport } = clientFor(server.url);
    const seen = collect(client, 'feed');
    await vi.waitFor(() => expect(client.channel('feed').getSnapshot().subscribed).toBe(true), WAIT);
    server.hub.publish('feed', 'item', 'a');
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT);
    expect(transport.getSnapshot().lastEventId).toBe('feed:1');
    for (const res of server.streams) res.end();
    server.hub.publish('feed', 'item', 'b');
    await vi.waitFor(() => expect(seen.map((message) => message.data)).toEqual(['a', 'b']), WAIT);
    server.hub.publish('feed', 'item', 'c');
    await vi.waitFor(() => expect(seen.map((message) => message.data)).toEqual(['a', 'b', 'c']), WAIT);
  });

  it('reports an event that is not a frame as bad_frame and goes on', async () => {
    const server = await startHubServer();
    server.inject = 'data: [1,2]\n\n';
    const { client, errors } = clientFor(server.url);
    const seen = collect(client, 'room');
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toContain('bad_frame'), WAIT);
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    server.hub.publish('room', 'x', 1);
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT);
  });

  it('a POST refused with 410 session_gone reconnects at once; the publish is re-sent and acked once', async () => {
    const server = await startHubServer();
    let refuseNext = false;
    const { client, errors } = clientFor(server.url, {
      publishUrl: `${server.url}?p`,
      fetch: (input, init) => {
        if (refuseNext && init?.method === 'POST') {
          refuseNext = false;
          return Promise.resolve(Response.json({ error: { code: 'session_gone', message: 'gone' } }, { status: 410 }));
        }
        return fetch(input, init);
      },
    });
    collect(client, 'room');
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    refuseNext = true;
    await expect(client.channel('room').publish('chat', 'hello')).resolves.toMatchObject({ seq: 1 });
    expect(errors.map((error) => [error.code, error.status])).toContainEqual(['session_gone', 410]);
    expect(errors.find((error) => error.code === 'session_gone')?.message).toContain('gone');
    expect(server.hub.broker.messages('room')).toHaveLength(1);
  });

  it('a POST refused with 404 stops the transport, as a 404 on its GET does (one status table)', async () => {
    const server = await startHubServer();
    let refuseNext = false;
    const { client, transport, errors } = clientFor(server.url, {
      publishUrl: `${server.url}?p`,
      fetch: (input, init) => {
        if (refuseNext && init?.method === 'POST') {
          refuseNext = false;
          return Promise.resolve(new Response('Not Found', { status: 404 }));
        }
        return fetch(input, init);
      },
    });
    collect(client, 'room');
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
    refuseNext = true;
    void client
      .channel('room')
      .publish('chat', 'hello')
      .catch(() => {});
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('closed'), WAIT);
    expect(transport.getSnapshot().error).toMatchObject({ code: 'not_found', status: 404, retryable: false });
    expect(errors.map((error) => error.code)).toContain('not_found');
  });

  it('a 400 answer is reported as bad_frame without reconnecting', async () => {
    const server = await startHubServer();
    const { transport, errors } = transportFor(server.url, {
      fetch: (input, init) => (init?.method === 'POST' ? fetch(input, { ...init, body: '{oops' }) : fetch(input, init)),
    });
    const states: string[] = [];
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    transport.subscribe(() => states.push(transport.getSnapshot().status));
    transport.send({ type: 'ping', t: 1 });
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(['bad_frame']), WAIT);
    expect(errors[0]?.status).toBe(400);
    expect(states.filter((status) => status !== 'open')).toEqual([]);
  });
});
