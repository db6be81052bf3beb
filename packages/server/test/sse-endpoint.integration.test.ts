// createSSEEndpoint served by a real Node http server on 127.0.0.1 (through a small Node ⇄ Fetch adapter, the way
// Next.js and other Node hosts run route handlers) and read by the `eventsource` package, a spec-following client.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelHub, createMemoryBroker, type ChannelBroker, type MemoryBroker } from '@realtime-kit/core';
import { EventSource, type FetchLike } from 'eventsource';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '../src/events.js';
import { createSSEEndpoint, type SSEEndpoint, type SSEEndpointOptions } from '../src/sse-endpoint/sse-endpoint.js';
import { serveFetch } from './fetch-bridge.js';

const WAIT = { timeout: 10_000, interval: 20 };
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

interface Served {
  readonly url: string;
  readonly server: Server;
  /** Cuts every open connection, as a network drop would. */
  drop(): void;
}

/** Starts an http server on an ephemeral port that routes GET/POST/OPTIONS to the endpoint. */
type Handlers = Pick<SSEEndpoint<ChannelBroker>, 'GET' | 'POST' | 'OPTIONS'>;

async function serve(endpoint: Handlers): Promise<Served> {
  const server = createServer((req, res) => void serveFetch(req, res, route(endpoint)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/live`,
    server,
    drop: () => server.closeAllConnections(),
  };
}

function route(endpoint: Handlers) {
  return (request: Request) =>
    request.method === 'POST'
      ? endpoint.POST(request)
      : request.method === 'OPTIONS'
        ? endpoint.OPTIONS(request)
        : endpoint.GET(request);
}

interface Received {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly lastEventId: string;
}

/** An EventSource that records every event of the given types, and the Last-Event-ID of each request it made. */
function connect(url: string | (() => string), query: string, types: string[], headers: Record<string, string> = {}) {
  const received: Received[] = [];
  const requests: { url: string; lastEventId: string | null }[] = [];
  const errors: { code?: number }[] = [];
  const base = typeof url === 'string' ? () => url : url;
  // The client asks `fetch` for the URL it was given; this routes each attempt to the current backend (a load
  // balancer in miniature) and adds headers an EventSource cannot set itself.
  const routed: FetchLike = (input, init) => {
    const target = new URL(String(input));
    const backend = new URL(base());
    target.host = backend.host;
    const sent = new Headers(init?.headers as HeadersInit);
    for (const [name, value] of Object.entries(headers)) sent.set(name, value);
    requests.push({ url: target.href, lastEventId: sent.get('last-event-id') });
    return fetch(target, { ...init, headers: sent } as RequestInit);
  };
  const source = new EventSource(`${base()}?${query}`, { fetch: routed });
  for (const type of types) {
    source.addEventListener(type, (event) => {
      received.push({ type, data: JSON.parse(event.data) as Record<string, unknown>, lastEventId: event.lastEventId });
    });
  }
  source.addEventListener('error', (event) => errors.push({ code: (event as { code?: number }).code }));
  cleanups.push(() => source.close());
  const of = (type: string, channel?: string) =>
    received.filter((item) => item.type === type && (channel === undefined || item.data.channel === channel));
  const seqs = (channel: string, type = 'chat') => of(type, channel).map((item) => item.data.seq);
  return { source, received, requests, errors, of, seqs };
}

function endpointWith(options: SSEEndpointOptions<MemoryBroker> = {}) {
  const events: ServerEvent[] = [];
  const endpoint = createSSEEndpoint({
    heartbeatMs: false,
    retryMs: 100,
    onEvent: (event) => events.push(event),
    ...options,
  });
  cleanups.push(() => endpoint.close());
  return { endpoint, events, hub: endpoint.hub };
}

/** A resume id as the endpoint writes it: every `channel:seq` followed by `.<epoch>` of that channel's log. */
function resumeId(plain: string): RegExp {
  const parts = plain.split(';').map((part) => `${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{12}`);
  return new RegExp(`^${parts.join(';')}$`);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('createSSEEndpoint: streaming to EventSource', () => {
  it('delivers live messages as named events whose id carries every channel', async () => {
    const { endpoint, hub, events } = endpointWith();
    const { url } = await serve(endpoint);
    const client = connect(url, 'channels=room:1,news', ['chat', 'rk:subscribed']);
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(2), WAIT);
    expect(client.of('rk:subscribed').map((item) => item.data)).toEqual([
      { type: 'subscribed', channel: 'room:1', seq: 0, epoch: expect.stringMatching(/^[0-9a-f]{12}$/) },
      { type: 'subscribed', channel: 'news', seq: 0, epoch: expect.stringMatching(/^[0-9a-f]{12}$/) },
    ]);

    hub.publish('room:1', 'chat', { text: 'hello' }, { cid: 'c-1' });
    hub.publish('news', 'chat', 'headline');
    await vi.waitFor(() => expect(client.of('chat')).toHaveLength(2), WAIT);
    const [first, second] = client.of('chat');
    expect(first?.data).toEqual({
      channel: 'room:1',
      seq: 1,
      id: expect.any(String),
      data: { text: 'hello' },
      at: expect.any(Number),
      cid: 'c-1',
    });
    expect(first?.lastEventId).toMatch(resumeId('room%3A1:1;news:0'));
    expect(second?.data).toMatchObject({ channel: 'news', seq: 1, data: 'headline' });
    expect(second?.data).not.toHaveProperty('cid');
    expect(second?.lastEventId).toMatch(resumeId('room%3A1:1;news:1'));
    expect(endpoint.streams).toBe(1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'connect', transport: 'sse' }));

    client.source.close();
    await vi.waitFor(() => expect(endpoint.streams).toBe(0), WAIT);
    expect(hub.sessions).toBe(0);
    expect(events).toContainEqual(expect.objectContaining({ type: 'disconnect', transport: 'sse' }));
  });

  it('resumes two channels from the automatic Last-Event-ID: what was missed, once, in order', async () => {
    const { endpoint, hub } = endpointWith();
    const served = await serve(endpoint);
    const client = connect(served.url, 'channels=room,news', ['chat', 'rk:subscribed', 'rk:gap']);
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(2), WAIT);
    for (const n of range(1, 3)) hub.publish('room', 'chat', n);
    for (const n of range(1, 2)) hub.publish('news', 'chat', n);
    await vi.waitFor(() => expect(client.of('chat')).toHaveLength(5), WAIT);

    // The network drops; messages keep coming while the browser waits `retry` ms to reconnect.
    served.drop();
    for (const n of range(4, 6)) hub.publish('room', 'chat', n);
    hub.publish('news', 'chat', 3);

    await vi.waitFor(() => expect(client.requests.length).toBeGreaterThanOrEqual(2), WAIT);
    expect(client.requests[1]?.lastEventId).toMatch(resumeId('room:3;news:2'));
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(4), WAIT);
    hub.publish('news', 'chat', 4);
    await vi.waitFor(() => expect(client.seqs('news')).toEqual([1, 2, 3, 4]), WAIT);
    expect(client.seqs('room')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(client.of('rk:gap')).toEqual([]);
    expect(client.of('chat').at(-1)?.lastEventId).toMatch(resumeId('room:6;news:4'));
  });

  it('announces a gap when the log no longer reaches back, then continues', async () => {
    const { endpoint, hub } = endpointWith({ broker: createMemoryBroker({ logSize: 3 }) });
    const served = await serve(endpoint);
    const client = connect(served.url, 'channel=room', ['chat', 'rk:subscribed', 'rk:gap']);
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(1), WAIT);
    hub.publish('room', 'chat', 1);
    hub.publish('room', 'chat', 2);
    await vi.waitFor(() => expect(client.seqs('room')).toEqual([1, 2]), WAIT);

    served.drop();
    for (const n of range(3, 8)) hub.publish('room', 'chat', n);

    await vi.waitFor(() => expect(client.seqs('room')).toEqual([1, 2, 6, 7, 8]), WAIT);
    expect(client.of('rk:gap').map((item) => item.data)).toEqual([{ type: 'gap', channel: 'room', from: 3, to: 5 }]);
    expect(client.requests[1]?.lastEventId).toMatch(resumeId('room:2'));
    expect(client.of('chat').at(-1)?.lastEventId).toMatch(resumeId('room:8'));
  });

  it('encodes each message once for all its streams', async () => {
    const { endpoint, hub } = endpointWith();
    const { url } = await serve(endpoint);
    const clients = Array.from({ length: 8 }, () => connect(url, 'channels=room', ['chat', 'rk:subscribed']));
    await vi.waitFor(() => expect(clients.every((client) => client.of('rk:subscribed').length === 1)).toBe(true), WAIT);

    const payload = { text: 'to everyone' };
    const stringify = vi.spyOn(JSON, 'stringify');
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    hub.publish('room', 'chat', payload);
    const calls = stringify.mock.calls.filter(
      ([value]) => (value as { data?: unknown } | null)?.data === payload,
    ).length;
    // The shared event lines, and the id line every stream of these channels shares.
    const encodes = encode.mock.calls.length;
    stringify.mockRestore();
    encode.mockRestore();

    await vi.waitFor(() => expect(clients.every((client) => client.seqs('room').length === 1)).toBe(true), WAIT);
    expect(calls).toBe(1);
    expect(encodes).toBe(2);
  });
});

describe('createSSEEndpoint: POST publish', () => {
  it('stores, numbers and answers { id, seq }; the message reaches the EventSource; cid dedupes', async () => {
    const { endpoint, events } = endpointWith();
    const { url } = await serve(endpoint);
    const client = connect(url, 'channels=room', ['chat', 'rk:subscribed']);
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(1), WAIT);

    const post = (body: unknown) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const first = await post({ channel: 'room', event: 'chat', data: { text: 'hi' }, cid: 'm-1' });
    expect(first.status).toBe(200);
    const ack = (await first.json()) as { id: string; seq: number };
    expect(ack).toEqual({ id: expect.any(String), seq: 1 });
    expect(endpoint.hub.broker.messages('room')).toHaveLength(1);

    const again = await post({ channel: 'room', event: 'chat', data: { text: 'hi' }, cid: 'm-1' });
    expect(await again.json()).toEqual(ack);
    const batch = await post([
      { channel: 'room', event: 'chat', data: 2 },
      { channel: 'room', event: 'chat', data: 3 },
    ]);
    expect(batch.status).toBe(200);
    expect(((await batch.json()) as { seq: number }[]).map((item) => item.seq)).toEqual([2, 3]);

    await vi.waitFor(() => expect(client.seqs('room')).toEqual([1, 2, 3]), WAIT);
    expect(client.of('chat')[0]?.data).toMatchObject({ id: ack.id, data: { text: 'hi' }, cid: 'm-1' });
    // Reported once per stored message: the repeated cid stored nothing.
    expect(events.filter((event) => event.type === 'publish')).toHaveLength(3);
    // The transient publish sessions are gone.
    expect(endpoint.hub.sessions).toBe(1);
  });

  it('applies the hub rules and maps refusals to typed statuses', async () => {
    const { endpoint, events } = endpointWith({
      authorize: (_session, channel) => !channel.startsWith('secret'),
      admit: (_session, frame) => {
        if (frame.type !== 'publish') return null;
        if (frame.event === 'spam')
          return { code: 'rate_limited', message: 'Slow down.', retryAfterMs: 2500 } as {
            code: string;
            message: string;
          };
        if (frame.data === 'bad') return { code: 'invalid_payload', message: 'data: expected an object' };
        return null;
      },
    });
    const { url } = await serve(endpoint);
    const post = (body: unknown) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const expectError = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error).toEqual({ code, message: expect.any(String) });
      return body;
    };

    await expectError(await post({ channel: 'secret', event: 'chat', data: 1 }), 403, 'forbidden');
    const limited = await post({ channel: 'room', event: 'spam', data: 1 });
    expect(limited.headers.get('retry-after')).toBe('3');
    await expectError(limited, 429, 'rate_limited');
    await expectError(await post({ channel: 'room', event: 'chat', data: 'bad' }), 422, 'invalid_payload');
    const partial = await expectError(
      await post([
        { channel: 'room', event: 'chat', data: 1 },
        { channel: 'secret', event: 'chat', data: 2 },
      ]),
      403,
      'forbidden',
    );
    expect(partial).toMatchObject({ index: 1, results: [{ seq: 1 }] });
    await expectError(await post({ channel: 'room', event: 'rk:gap', data: 1 }), 400, 'bad_frame');
    await expectError(await post({ channel: 'room', data: 1 }), 400, 'bad_frame');
    expect(endpoint.hub.broker.messages('room')).toHaveLength(1);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'auth_failure', code: 'forbidden', channel: 'secret' }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'refused', code: 'invalid_payload', channel: 'room' }),
    );
  });

  it('answers 503 unavailable when the broker cannot store the message', async () => {
    const broker = createMemoryBroker();
    const { endpoint } = endpointWith({ hub: createChannelHub({ broker, onError: () => {} }) });
    vi.spyOn(broker, 'publish').mockImplementation(() => {
      throw new Error('store down');
    });
    const { url } = await serve(endpoint);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'room', event: 'chat', data: 1 }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
  });
});

describe('createSSEEndpoint: refusals', () => {
  it('types every refusal and keeps serving', async () => {
    const onError = vi.fn();
    const { endpoint, events } = endpointWith({
      maxChannels: 3,
      maxBodyBytes: 1024,
      onError,
      authenticate: (request) => {
        const token = new URL(request.url).searchParams.get('token');
        if (token === 'good') return { userId: 'ada' };
        if (token === 'old') return { ok: false, error: { code: 'token_expired', message: 'Token expired.' } };
        return null;
      },
      checkOrigin: (origin) => origin === null || origin === 'https://app.example',
      corsHeaders: (origin): Record<string, string> => (origin ? { 'Access-Control-Allow-Origin': origin } : {}),
    });
    const { url } = await serve(endpoint);
    const expectError = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    };

    await expectError(await fetch(`${url}?channels=room`), 401, 'unauthorized');
    await expectError(await fetch(`${url}?channels=room&token=old`), 401, 'token_expired');
    const foreign = await fetch(`${url}?channels=room&token=good`, { headers: { origin: 'https://evil.example' } });
    await expectError(foreign, 403, 'forbidden');
    await expectError(await fetch(`${url}?channels=a,b,c,d&token=good`), 400, 'bad_frame');
    await expectError(await fetch(`${url}?token=good`), 400, 'bad_frame');
    for (const id of ['garbage', 'room:x', 'room:1;room:2', ':4', '%E0%A4%A:1', 'room:-1']) {
      await expectError(
        await fetch(`${url}?channels=room&token=good`, { headers: { 'Last-Event-ID': id } }),
        400,
        'bad_frame',
      );
    }
    await expectError(await fetch(`${url}?channels=room&token=good&lastEventId=nope`), 400, 'bad_frame');

    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(`${url}?token=good`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
        duplex: 'half',
      } as RequestInit);
    await expectError(await post('{"channel": "room", '), 400, 'bad_frame');
    await expectError(
      await post(JSON.stringify({ channel: 'room', event: 'chat', data: 'x'.repeat(2000) })),
      413,
      'message_too_large',
    );
    // Without a Content-Length the body is read with the cap, not buffered whole.
    let chunks = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (chunks++ === 16) return controller.close();
        controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
      },
    });
    await expectError(await post(chunked), 413, 'message_too_large');
    await expectError(
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      401,
      'unauthorized',
    );

    const allowed = await fetch(`${url}?channels=room&token=good`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } })).status).toBe(403);

    // Still serving: a good stream and a good publish work, with CORS headers.
    const client = connect(`${url}`, 'channels=room&token=good', ['chat', 'rk:subscribed'], {
      origin: 'https://app.example',
    });
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(1), WAIT);
    const ok = await post(JSON.stringify({ channel: 'room', event: 'chat', data: 'ok' }), {
      origin: 'https://app.example',
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    await vi.waitFor(() => expect(client.seqs('room')).toEqual([1]), WAIT);
    expect(onError).not.toHaveBeenCalled();
    expect(events).toContainEqual(expect.objectContaining({ type: 'auth_failure', code: 'unauthorized' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'auth_failure', code: 'forbidden' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'refused', code: 'message_too_large' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'connect', userId: 'ada' }));
  });

  it('reports a channel authorize refuses as rk:error and keeps the other channels', async () => {
    const { endpoint, hub } = endpointWith({ authorize: (_session, channel) => channel !== 'secret' });
    const { url } = await serve(endpoint);
    const client = connect(url, 'channels=secret,room', ['chat', 'rk:subscribed', 'rk:error']);
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(1), WAIT);
    expect(client.of('rk:error')[0]?.data).toMatchObject({ channel: 'secret', error: { code: 'unauthorized' } });
    hub.publish('secret', 'chat', 'hidden');
    hub.publish('room', 'chat', 'visible');
    await vi.waitFor(() => expect(client.seqs('room')).toEqual([1]), WAIT);
    expect(client.of('chat')).toHaveLength(1);
    expect(client.of('chat')[0]?.lastEventId).toMatch(resumeId('room:1'));
  });
});

describe('createSSEEndpoint: token expiry', () => {
  it('ends the stream with rk:error token_expired when the user expires', async () => {
    let calls = 0;
    const { endpoint, events } = endpointWith({
      authenticate: () =>
        calls++ === 0
          ? { userId: 'ada', expiresAt: Date.now() + 300 }
          : { ok: false, error: { code: 'token_expired', message: 'Token expired.' } },
    });
    const { url } = await serve(endpoint);
    const client = connect(url, 'channels=room&token=t', ['rk:subscribed', 'rk:error']);
    await vi.waitFor(() => expect(client.of('rk:error')).toHaveLength(1), WAIT);
    expect(client.of('rk:error')[0]?.data).toMatchObject({ error: { code: 'token_expired' } });
    // The browser retries with the same token and is refused: the app must reconnect with a fresh one.
    await vi.waitFor(() => expect(client.errors.some((error) => error.code === 401)).toBe(true), WAIT);
    expect(endpoint.streams).toBe(0);
    expect(events).toContainEqual(expect.objectContaining({ type: 'auth_failure', code: 'token_expired' }));
  });
});

describe('createSSEEndpoint: close()', () => {
  it('ends every stream with a retry hint; the EventSource resumes on another instance without loss', async () => {
    const broker = createMemoryBroker();
    const first = endpointWith({ broker });
    const second = endpointWith({ broker });
    const a = await serve(first.endpoint);
    const b = await serve(second.endpoint);
    let backend = a.url;
    const client = connect(() => backend, 'channels=room,news', ['chat', 'rk:subscribed']);
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(2), WAIT);
    first.hub.publish('room', 'chat', 1);
    second.hub.publish('news', 'chat', 1);
    await vi.waitFor(() => expect(client.of('chat')).toHaveLength(2), WAIT);

    // A raw reader of the first instance, to see how its stream ends.
    const raw = await fetch(`${a.url}?channels=room`);
    const rawText = raw.text();
    await vi.waitFor(() => expect(first.endpoint.streams).toBe(2), WAIT);

    backend = b.url;
    await first.endpoint.close({ retryMs: 50 });
    expect(await rawText).toMatch(/^retry: 100\n\n[\s\S]*retry: 50\n\n$/);
    expect(first.endpoint.streams).toBe(0);
    expect(first.hub.sessions).toBe(0);
    // Published before the browser is back: replayed on the second instance.
    second.hub.publish('room', 'chat', 2);
    first.hub.publish('news', 'chat', 2);

    const refused = await fetch(`${a.url}?channels=room`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { code: 'unavailable' } });

    await vi.waitFor(() => expect(second.endpoint.streams).toBe(1), WAIT);
    expect(client.requests.at(-1)).toMatchObject({
      url: expect.stringContaining(new URL(b.url).host),
      lastEventId: expect.stringMatching(resumeId('room:1;news:1')),
    });
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(4), WAIT);
    second.hub.publish('room', 'chat', 3);
    await vi.waitFor(() => expect(client.seqs('room')).toEqual([1, 2, 3]), WAIT);
    expect(client.seqs('news')).toEqual([1, 2]);
    await first.endpoint.close();
  });
});

describe('createSSEEndpoint: two instances over one Redis', () => {
  it('EventSource on A gets what is POSTed to B; moved to B with its Last-Event-ID it misses nothing and gets nothing twice', async () => {
    const { startRedis } = await import('./redis-server.js');
    const { createRealtime } = await import('../src/realtime.js');
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const instance = async () => {
      const realtime = await createRealtime({ redis: redis.url, rateLimit: false });
      cleanups.push(() => realtime.close());
      const endpoint = createSSEEndpoint({ realtime, heartbeatMs: false, retryMs: 100 });
      cleanups.push(() => endpoint.close());
      return { endpoint, served: await serve(endpoint) };
    };
    const a = await instance();
    const b = await instance();
    let backend = a.served.url;
    const client = connect(() => backend, 'channels=room,news', ['chat', 'rk:subscribed', 'rk:gap']);
    await vi.waitFor(() => expect(client.of('rk:subscribed')).toHaveLength(2), WAIT);

    const post = async (url: string, channel: string, n: number) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel, event: 'chat', data: n, cid: `${channel}-${n}` }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { seq: number };
    };
    for (const n of range(1, 5)) await post(b.served.url, 'room', n);
    await post(b.served.url, 'news', 1);
    await vi.waitFor(() => expect(client.of('chat')).toHaveLength(6), WAIT);

    // A goes away; the balancer sends the browser to B, with the Last-Event-ID it saw last.
    backend = b.served.url;
    const closing = a.endpoint.close({ retryMs: 50 });
    for (const n of range(6, 10)) await post(b.served.url, 'room', n);
    await post(b.served.url, 'news', 2);
    await closing;
    await vi.waitFor(() => expect(client.of('chat')).toHaveLength(12), WAIT);
    expect(client.requests.at(-1)?.lastEventId).toMatch(/^room:\d+\.[0-9a-f]{12};news:\d+\.[0-9a-f]{12}$/);
    expect(client.seqs('room')).toEqual(range(1, 10));
    expect(client.seqs('news')).toEqual([1, 2]);
    expect(client.of('rk:gap')).toEqual([]);
    expect(b.endpoint.streams).toBe(1);
  });
});
