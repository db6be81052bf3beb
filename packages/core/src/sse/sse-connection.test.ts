import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '../connection/status.js';
import type { RealtimeErrorCode } from '../errors.js';
import { createTestTransport, type SSETestResponse } from '../testing/index.js';
import { createSSEConnection } from './sse-connection.js';
import { BACKOFF, flush, setup } from './test-setup.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('createSSEConnection: lifecycle', () => {
  it('connects at once: connecting, then open with attempt 0', async () => {
    const { state, statuses, server } = setup();
    expect(state()).toMatchObject({ status: 'connecting', attempt: 0, error: null, retryInMs: null });
    await flush();
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null, retryInMs: null, retryAt: null });
    expect(statuses()).toEqual(['connecting', 'open']);
    expect(server.connections).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('sends Accept, Cache-Control and same-origin credentials with a GET', async () => {
    const { server, fetchSpy } = setup();
    await flush();
    const request = server.requests[0]!;
    expect(request.method).toBe('GET');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(request.headers.get('cache-control')).toBe('no-cache');
    expect(request.lastEventId).toBeNull();
    expect(request.body).toBeNull();
    const init = fetchSpy.mock.calls[0]![1]!;
    expect(init.credentials).toBe('same-origin');
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('sends credentials: include with withCredentials', async () => {
    const { fetchSpy } = setup({ withCredentials: true });
    await flush();
    expect(fetchSpy.mock.calls[0]![1]!.credentials).toBe('include');
  });

  it('with autoConnect: false stays idle until the first subscribe', async () => {
    const kit = createTestTransport();
    const connection = createSSEConnection('/lazy', { fetch: kit.fetch, network: kit.network, autoConnect: false });
    await flush();
    expect(connection.getSnapshot().status).toBe('idle');
    expect(kit.server.requests).toHaveLength(0);
    const off = connection.subscribe(() => {});
    await flush();
    expect(connection.getSnapshot().status).toBe('open');
    off();
    connection.subscribe(() => {})();
    await flush();
    expect(kit.server.requests).toHaveLength(1);
    connection.close();
  });

  it('with autoConnect: false connects on connect(); connect() is a no-op while connecting or open', async () => {
    const kit = createTestTransport();
    const connection = createSSEConnection('/lazy', { fetch: kit.fetch, network: kit.network, autoConnect: false });
    connection.connect();
    connection.connect();
    await flush();
    connection.connect();
    await flush();
    expect(kit.server.requests).toHaveLength(1);
    expect(connection.getSnapshot().status).toBe('open');
    connection.close();
  });

  it('replaces the snapshot with a new frozen object on change, and keeps it when nothing changed', async () => {
    const { state, states, server } = setup();
    await flush();
    const open = state();
    expect(Object.isFrozen(open)).toBe(true);
    server.send({ data: 1 });
    await flush();
    expect(state()).toBe(open);
    server.send({ id: '9', data: 2 });
    await flush();
    expect(state()).not.toBe(open);
    expect(state()).toMatchObject({ status: 'open', lastEventId: '9' });
    expect(new Set(states).size).toBe(states.length);
  });

  it('rejects invalid options up front', () => {
    const fetch = vi.fn();
    expect(() => createSSEConnection('/x', { fetch, heartbeatTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => createSSEConnection('/x', { fetch, heartbeatTimeoutMs: Number.NaN })).toThrow(RangeError);
    expect(() => createSSEConnection('/x', { fetch, backoff: { minMs: 10, maxMs: 5 } })).toThrow(RangeError);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('createSSEConnection: events', () => {
  it('dispatches named events to their listeners and every event to "*"; unnamed events are "message"', async () => {
    const { connection, server, messages } = setup();
    const prices: unknown[] = [];
    const plain: unknown[] = [];
    connection.on('price', (message) => prices.push(message.data));
    connection.on('message', (message) => plain.push(message.data));
    await flush();
    server.send({ event: 'price', data: { usd: 10 } });
    server.send({ data: { text: 'hello' } });
    server.send({ id: '3', event: 'price', data: { usd: 11 } });
    await flush();
    expect(prices).toEqual([{ usd: 10 }, { usd: 11 }]);
    expect(plain).toEqual([{ text: 'hello' }]);
    expect(messages).toEqual([
      { event: 'price', data: { usd: 10 } },
      { event: 'message', data: { text: 'hello' } },
      { id: '3', event: 'price', data: { usd: 11 } },
    ]);
  });

  it('off() removes exactly one registration', async () => {
    const { connection, server } = setup();
    const listener = vi.fn();
    const off = connection.on('tick', listener);
    connection.on('tick', listener);
    await flush();
    server.send({ event: 'tick', data: 1 });
    await flush();
    expect(listener).toHaveBeenCalledTimes(2);
    off();
    off();
    server.send({ event: 'tick', data: 2 });
    await flush();
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('joins multi-line data with LF', async () => {
    const { server, messages } = setup({ parse: 'text' });
    await flush();
    server.send({ data: 'line 1\nline 2\r\nline 3' });
    await flush();
    expect(messages[0]?.data).toBe('line 1\nline 2\nline 3');
  });

  it('parses with "text" and with a function that receives the event name', async () => {
    const parse = vi.fn((raw: string, event: string) => `${event}:${raw.toUpperCase()}`);
    const { server, messages } = setup({ parse });
    await flush();
    server.send({ event: 'shout', data: 'hi' });
    await flush();
    expect(parse).toHaveBeenCalledWith('hi', 'shout');
    expect(messages[0]?.data).toBe('shout:HI');
  });

  it('reports bad JSON as a bad_data error event with the raw text; listeners skip it; the stream goes on', async () => {
    const { connection, server, messages, errors, state } = setup<{ n: number }>();
    const named = vi.fn();
    connection.on('message', named);
    await flush();
    server.send({ id: '1', data: '{not json' });
    server.send({ id: '2', data: { n: 2 } });
    await flush();
    expect(errors).toHaveLength(1);
    const [bad] = errors;
    expect(bad?.error.code).toBe('bad_data');
    expect(bad?.error.raw).toBe('{not json');
    expect(bad?.raw).toBe('{not json');
    expect(bad?.event).toBe('message');
    expect(bad?.id).toBe('1');
    expect(bad?.error.cause).toBeInstanceOf(SyntaxError);
    expect(messages.map((m) => m.data)).toEqual([{ n: 2 }]);
    expect(named).toHaveBeenCalledTimes(1);
    expect(state()).toMatchObject({ status: 'open', lastEventId: '2' });
  });

  it('reports a throwing parse function as bad_data and goes on', async () => {
    const { server, messages, errors } = setup({
      parse: (raw) => {
        if (raw === 'bad') throw new Error('not allowed');
        return raw;
      },
    });
    await flush();
    server.send({ data: 'bad' });
    server.send({ data: 'good' });
    await flush();
    expect(errors.map((e) => e.error.code)).toEqual(['bad_data']);
    expect(errors[0]?.error.message).toContain('not allowed');
    expect(messages.map((m) => m.data)).toEqual(['good']);
  });

  it('isolates listeners: one that throws is reported, the others and the stream go on', async () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    const { connection, server, messages, state } = setup();
    const boom = new Error('listener bug');
    connection.on('message', () => {
      throw boom;
    });
    const after = vi.fn();
    connection.on('message', after);
    await flush();
    server.send({ data: 1 });
    server.send({ data: 2 });
    await flush();
    expect(reportError).toHaveBeenCalledTimes(2);
    expect(reportError).toHaveBeenCalledWith(boom);
    expect(after).toHaveBeenCalledTimes(2);
    expect(messages).toHaveLength(2);
    expect(state().status).toBe('open');
  });

  it('delivers a server event named "error" to "*" listeners only, never to the error channel', async () => {
    const { server, messages, errors } = setup();
    await flush();
    server.send({ event: 'error', data: { reason: 'quota' } });
    await flush();
    expect(messages).toEqual([{ event: 'error', data: { reason: 'quota' } }]);
    expect(errors).toHaveLength(0);
  });

  it('stops dispatching the rest of a chunk once a listener closes the connection', async () => {
    const { connection, server, messages } = setup();
    connection.on('message', (message) => {
      if (message.data === 2) connection.close();
    });
    await flush();
    server.sendRaw('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    await flush();
    expect(messages.map((m) => m.data)).toEqual([1, 2]);
    expect(connection.getSnapshot().status).toBe('closed');
    expect(server.connections).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createSSEConnection: framing details', () => {
  it('dispatches an event ended by CR at the end of a chunk without waiting for more bytes', async () => {
    const { server, messages } = setup({ parse: 'text' });
    await flush();
    server.sendRaw('data: a\rdata: b\r\r');
    await flush();
    expect(messages.map((m) => m.data)).toEqual(['a\nb']);
  });

  it('treats a CRLF split across chunks as one line end', async () => {
    const { server, messages } = setup({ parse: 'text' });
    await flush();
    server.sendRaw('data: a\r');
    await flush();
    server.sendRaw('\ndata: b\r');
    await flush();
    server.sendRaw('\n\r');
    await flush();
    server.sendRaw('\n');
    await flush();
    expect(messages.map((m) => m.data)).toEqual(['a\nb']);
  });

  it('reassembles events split anywhere, including inside a multi-byte character', async () => {
    const { server, messages } = setup({ parse: 'text' });
    await flush();
    const encoded = 'data: héllo 🌍\n\n';
    for (const piece of ['da', 'ta: h', 'é', 'llo ', '🌍', '\n', '\n']) server.sendRaw(piece);
    await flush();
    expect(messages.map((m) => m.data)).toEqual([encoded.slice(6, -2)]);
  });

  it('does not dispatch an unterminated last event when the stream ends, nor carry it into the next stream', async () => {
    const { server, messages } = setup({ parse: 'text' });
    await flush();
    server.sendRaw('data: complete\n\ndata: partial');
    await flush();
    server.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(server.connections).toBe(1);
    server.sendRaw('\n\ndata: next\n\n');
    await flush();
    expect(messages.map((m) => m.data)).toEqual(['complete', 'next']);
  });

  it('ignores comments, unknown fields and invalid retry values', async () => {
    const { server, messages, errors } = setup({ parse: 'text' });
    await flush();
    server.sendRaw(': a comment\nfoo: bar\nretry: soon\ndata: x\n\n');
    await flush();
    expect(messages.map((m) => m.data)).toEqual(['x']);
    expect(errors).toHaveLength(0);
  });
});

describe('createSSEConnection: last event id', () => {
  it('tracks id: in the snapshot and sends it as Last-Event-ID on reconnect', async () => {
    const { server, state } = setup();
    await flush();
    server.send({ id: '41', data: 1 });
    server.send({ data: 2 });
    await flush();
    expect(state().lastEventId).toBe('41');
    server.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(server.requests[1]?.lastEventId).toBe('41');
  });

  it('publishes the resume point once per received chunk, not once per event', async () => {
    const { server, state, states } = setup();
    await flush();
    const before = states.length;
    server.sendRaw('id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n');
    await flush();
    expect(state().lastEventId).toBe('3');
    expect(states.slice(before).map((snapshot) => snapshot.lastEventId)).toEqual(['3']);
  });

  it('starts from options.lastEventId', async () => {
    const { server, state } = setup({ lastEventId: '7' });
    expect(state().lastEventId).toBe('7');
    await flush();
    expect(server.requests[0]?.lastEventId).toBe('7');
  });

  it('resets to null on an empty id:, and then sends no Last-Event-ID', async () => {
    const { server, state, messages } = setup();
    await flush();
    server.send({ id: '5', data: 1 });
    server.send({ id: '', data: 2 });
    await flush();
    expect(state().lastEventId).toBeNull();
    expect(messages[1]).toEqual({ event: 'message', data: 2 });
    server.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(server.requests[1]?.lastEventId).toBeNull();
    expect(server.requests[1]?.headers.has('last-event-id')).toBe(false);
  });

  it('ignores an id containing NULL', async () => {
    const { server, state } = setup();
    await flush();
    server.send({ id: '1', data: 1 });
    server.sendRaw('id: 2\0x\ndata: 2\n\n');
    await flush();
    expect(state().lastEventId).toBe('1');
  });

  it('reset() forgets the id and reconnects without Last-Event-ID', async () => {
    const { connection, server, state } = setup({ lastEventId: '3' });
    await flush();
    server.send({ id: '4', data: 1 });
    await flush();
    connection.reset();
    expect(state()).toMatchObject({ status: 'connecting', lastEventId: null });
    await flush();
    expect(server.requests.map((r) => r.lastEventId)).toEqual(['3', null]);
    expect(server.connections).toBe(1);
  });
});

describe('createSSEConnection: reconnecting', () => {
  it('waits out backoff after a clean server close, with attempt, retryInMs and retryAt', async () => {
    const { server, state, errors } = setup();
    await flush();
    server.end();
    await flush();
    const start = Date.now();
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 500, retryAt: start + 500 });
    expect(state().error?.code).toBe('network');
    expect(state().error?.message).toMatch(/server closed the stream/);
    expect(errors.map((e) => e.error.code)).toEqual(['network']);
    await vi.advanceTimersByTimeAsync(499);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.requests).toHaveLength(2);
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null, retryInMs: null, retryAt: null });
  });

  it('uses the injected clock for retryAt', async () => {
    const { server, state } = setup({ now: () => 1_000_000 });
    await flush();
    server.end();
    await flush();
    expect(state().retryAt).toBe(1_000_500);
  });

  it('grows the delay per consecutive failure, caps it, and resets attempt when open', async () => {
    const { server, state } = setup();
    server.respondWith({ status: 503 }, { times: 5 });
    await flush();
    const delays: (number | null)[] = [state().retryInMs];
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(state().retryInMs!);
      delays.push(state().retryInMs);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 5 });
    expect(state().error).toMatchObject({ code: 'server_error', status: 503 });
    await vi.advanceTimersByTimeAsync(4000);
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null });
    expect(server.requests).toHaveLength(6);
  });

  it('shows reconnecting (not connecting) while a retry is in flight', async () => {
    const { server, state } = setup();
    await flush();
    server.respondWith('hang');
    server.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(server.requests).toHaveLength(2);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: null, retryAt: null });
  });

  it('uses a server retry: as the backoff base from then on', async () => {
    const { server, state } = setup();
    await flush();
    server.send({ retry: 200, data: 'x' });
    await flush();
    server.respondWith({ status: 500 }, { times: 2 });
    server.end();
    await flush();
    expect(state().retryInMs).toBe(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(state()).toMatchObject({ attempt: 2, retryInMs: 200 });
    await vi.advanceTimersByTimeAsync(200);
    expect(state()).toMatchObject({ attempt: 3, retryInMs: 400 });
  });

  it('raises maxMs when the server retry: is above it', async () => {
    const { server, state } = setup();
    await flush();
    server.sendRaw('retry: 20000\n\n');
    server.end();
    await flush();
    expect(state().retryInMs).toBe(10_000);
  });

  it('retries at once with retry: 0', async () => {
    const { server, states, state } = setup();
    await flush();
    server.sendRaw('retry: 0\n\n');
    server.end();
    await flush();
    expect(states.some((s) => s.status === 'reconnecting' && s.retryInMs === 0)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(state().status).toBe('open');
  });

  it('waits exactly Retry-After on 429', async () => {
    const { server, state } = setup();
    server.respondWith({ status: 429, headers: { 'Retry-After': '3' } }, { times: 1 });
    await flush();
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 3000 });
    expect(state().error).toMatchObject({ code: 'rate_limited', status: 429 });
    await vi.advanceTimersByTimeAsync(2999);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(state().status).toBe('open');
  });

  it('falls back to backoff on 429 without Retry-After', async () => {
    const { server, state } = setup();
    server.respondWith({ status: 429 }, { times: 1 });
    await flush();
    expect(state().retryInMs).toBe(500);
  });

  it('reconnect() drops the stream and connects now, resetting backoff', async () => {
    // No heartbeat timer, so the count below sees only what reconnect() may leave behind.
    const { connection, server, state } = setup({ heartbeatTimeoutMs: false });
    server.respondWith({ status: 500 }, { times: 3 });
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(state()).toMatchObject({ attempt: 3, retryInMs: 2000 });
    connection.reconnect();
    expect(state()).toMatchObject({ status: 'connecting', attempt: 0, error: null });
    await flush();
    expect(state().status).toBe('open');
    expect(server.requests).toHaveLength(4);
    connection.reconnect();
    await flush();
    expect(server.requests).toHaveLength(5);
    expect(server.connections).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createSSEConnection: response classification', () => {
  const cases: {
    name: string;
    response: SSETestResponse;
    status: ConnectionStatus;
    code: RealtimeErrorCode;
    httpStatus?: number;
  }[] = [
    { name: '401', response: { status: 401 }, status: 'closed', code: 'unauthorized', httpStatus: 401 },
    { name: '403', response: { status: 403 }, status: 'closed', code: 'unauthorized', httpStatus: 403 },
    { name: '404', response: { status: 404 }, status: 'closed', code: 'not_found', httpStatus: 404 },
    { name: '204', response: { status: 204 }, status: 'closed', code: 'no_content', httpStatus: 204 },
    { name: '400', response: { status: 400 }, status: 'closed', code: 'http_error', httpStatus: 400 },
    {
      name: '200 text/html',
      response: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>' },
      status: 'closed',
      code: 'bad_content_type',
      httpStatus: 200,
    },
    { name: '500', response: { status: 500 }, status: 'reconnecting', code: 'server_error', httpStatus: 500 },
    { name: '429', response: { status: 429 }, status: 'reconnecting', code: 'rate_limited', httpStatus: 429 },
    { name: 'network error', response: 'network-error', status: 'reconnecting', code: 'network' },
  ];

  for (const { name, response, status, code, httpStatus } of cases) {
    it(`${name} → ${status} with ${code}`, async () => {
      const { server, state, errors } = setup();
      server.respondWith(response);
      await flush();
      expect(state().status).toBe(status);
      expect(state().error?.code).toBe(code);
      expect(state().error?.status).toBe(httpStatus);
      expect(state().attempt).toBe(1);
      expect(errors.map((e) => e.error)).toEqual([state().error]);
      await vi.advanceTimersByTimeAsync(60_000);
      if (status === 'closed') {
        expect(server.requests).toHaveLength(1);
        expect(vi.getTimerCount()).toBe(0);
        expect(state().retryInMs).toBeNull();
      } else {
        expect(server.requests.length).toBeGreaterThan(3);
      }
    });
  }

  it('a read error mid-stream → reconnecting with network', async () => {
    const { server, state } = setup();
    await flush();
    server.fail(new TypeError('socket hang up'));
    await flush();
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(state().error?.code).toBe('network');
    expect(state().error?.message).toContain('socket hang up');
    expect(server.connections).toBe(0);
  });

  it('a closed connection is reopened by reconnect() and connect()', async () => {
    const { connection, server, state } = setup();
    server.respondWith({ status: 401 }, { times: 2 });
    await flush();
    expect(state().status).toBe('closed');
    connection.reconnect();
    await flush();
    expect(state().status).toBe('closed');
    connection.connect();
    await flush();
    expect(state().status).toBe('open');
    expect(server.requests).toHaveLength(3);
  });
});

describe('createSSEConnection: request options', () => {
  it('calls the headers function before every connect, awaiting it', async () => {
    let n = 0;
    const headers = vi.fn(async () => ({ Authorization: `Bearer t${++n}` }));
    const { server } = setup({ headers });
    await flush();
    server.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(headers).toHaveBeenCalledTimes(2);
    expect(server.requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('sends static headers and never lets them replace Accept', async () => {
    const { server } = setup({
      headers: { 'X-Client': 'kit', Accept: 'application/json', 'Cache-Control': 'max-age=0' },
    });
    await flush();
    const request = server.requests[0]!;
    expect(request.headers.get('x-client')).toBe('kit');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(request.headers.get('cache-control')).toBe('max-age=0');
  });

  it('retries when the headers function throws', async () => {
    const headers = vi
      .fn()
      .mockRejectedValueOnce(new Error('token service down'))
      .mockResolvedValue({ 'X-Token': 'ok' });
    const { server, state } = setup({ headers });
    await flush();
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(state().error?.message).toContain('token service down');
    expect(server.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(state().status).toBe('open');
    expect(server.requests[0]?.headers.get('x-token')).toBe('ok');
  });

  it('POSTs a body, calling a body function per connect', async () => {
    let n = 0;
    const body = vi.fn(() => JSON.stringify({ prompt: 'hi', n: ++n }));
    const { server } = setup({ method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    await flush();
    server.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(body).toHaveBeenCalledTimes(2);
    expect(server.requests.map((r) => [r.method, r.body])).toEqual([
      ['POST', '{"prompt":"hi","n":1}'],
      ['POST', '{"prompt":"hi","n":2}'],
    ]);
  });

  it('POSTs a static body', async () => {
    const { server } = setup({ method: 'POST', body: 'q=1' });
    await flush();
    expect(server.requests[0]?.body).toBe('q=1');
  });
});

describe('createSSEConnection: heartbeat', () => {
  it('stays open while bytes (events or comments) arrive within the timeout', async () => {
    const { server, state } = setup({ heartbeatTimeoutMs: 1000 });
    await flush();
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(900);
      if (i % 2) server.comment('ping');
      else server.send({ data: i });
    }
    await flush();
    expect(state().status).toBe('open');
    expect(server.requests).toHaveLength(1);
  });

  it('aborts and reconnects with heartbeat_timeout after silence', async () => {
    const { server, state, errors } = setup({ heartbeatTimeoutMs: 1000 });
    await flush();
    await vi.advanceTimersByTimeAsync(999);
    expect(state().status).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(state().error?.code).toBe('heartbeat_timeout');
    expect(errors.map((e) => e.error.code)).toEqual(['heartbeat_timeout']);
    expect(server.connections).toBe(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(state().status).toBe('open');
  });

  it('bounds the wait for a response that never comes', async () => {
    const { server, state } = setup({ heartbeatTimeoutMs: 1000 });
    server.respondWith('hang', { times: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(state().error?.code).toBe('heartbeat_timeout');
    await vi.advanceTimersByTimeAsync(500);
    expect(state().status).toBe('open');
  });
});

describe('createSSEConnection: network awareness', () => {
  it('starts offline without attempts or timers, and connects at once when online', async () => {
    const kit = createTestTransport();
    kit.network.goOffline();
    const connection = createSSEConnection('/events', { fetch: kit.fetch, network: kit.network, backoff: BACKOFF });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connection.getSnapshot().status).toBe('offline');
    expect(kit.server.requests).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    kit.network.goOnline();
    expect(connection.getSnapshot().status).toBe('connecting');
    await flush();
    expect(connection.getSnapshot().status).toBe('open');
    connection.close();
  });

  it('drops an open stream when offline fires, then reconnects at once when online fires', async () => {
    const { network, server, state } = setup();
    await flush();
    network.goOffline();
    expect(state()).toMatchObject({ status: 'offline', retryInMs: null });
    await flush();
    expect(server.connections).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    network.goOnline();
    await flush();
    expect(state().status).toBe('open');
    expect(server.requests).toHaveLength(2);
  });

  it('cancels a pending retry when offline, and skips the backoff when online', async () => {
    const { network, server, state } = setup();
    server.respondWith({ status: 503 }, { times: 3 });
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 3, retryInMs: 2000 });
    network.goOffline();
    expect(state()).toMatchObject({ status: 'offline', attempt: 3, retryInMs: null, retryAt: null });
    expect(vi.getTimerCount()).toBe(0);
    network.goOnline();
    await flush();
    expect(state()).toMatchObject({ status: 'open', attempt: 0 });
    expect(server.requests).toHaveLength(4);
  });

  it('goes offline instead of retrying when the network reports offline at retry time', async () => {
    const kit = createTestTransport();
    let online = true;
    const network = { isOnline: () => online, subscribe: () => () => {} };
    const connection = createSSEConnection('/events', { fetch: kit.fetch, network, backoff: BACKOFF });
    await flush();
    kit.server.end();
    online = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(connection.getSnapshot().status).toBe('offline');
    expect(kit.server.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    connection.close();
  });

  it('retries at once when the page becomes visible while reconnecting', async () => {
    // No heartbeat timer, so the count below sees only a backoff timer left behind.
    const { network, server, state } = setup({ heartbeatTimeoutMs: false });
    server.respondWith({ status: 503 }, { times: 1 });
    await flush();
    expect(state().status).toBe('reconnecting');
    network.becomeVisible();
    await flush();
    expect(state().status).toBe('open');
    expect(server.requests).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores visible while open', async () => {
    const { network, server } = setup();
    await flush();
    network.becomeVisible();
    await flush();
    expect(server.requests).toHaveLength(1);
    expect(server.connections).toBe(1);
  });

  it('survives chaos: disconnect cuts streams and retries fail until the network is back', async () => {
    const { kit, server, state } = setup();
    await flush();
    kit.chaos.disconnect();
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 3 });
    expect(server.requests).toHaveLength(1);
    kit.chaos.reconnect();
    await vi.advanceTimersByTimeAsync(2000);
    expect(state()).toMatchObject({ status: 'open', attempt: 0 });
  });
});

describe('createSSEConnection: close', () => {
  const phases: { name: string; arrange: (kit: ReturnType<typeof setup>) => Promise<void> }[] = [
    { name: 'connecting (hung request)', arrange: async ({ server }) => server.respondWith('hang') },
    { name: 'open', arrange: async () => {} },
    {
      name: 'reconnecting (backoff timer)',
      arrange: async ({ server }) => {
        await flush();
        server.end();
      },
    },
    { name: 'offline', arrange: async ({ network }) => network.goOffline() },
  ];

  for (const { name, arrange } of phases) {
    it(`from ${name}: aborts, clears every timer, ends closed with no error and no further attempts`, async () => {
      const context = setup({ heartbeatTimeoutMs: 5000 });
      await arrange(context);
      await flush();
      const requests = context.server.requests.length;
      context.connection.close();
      expect(context.state()).toEqual({
        status: 'closed',
        error: null,
        attempt: 0,
        retryInMs: null,
        retryAt: null,
        lastEventId: null,
      });
      expect(vi.getTimerCount()).toBe(0);
      await flush();
      expect(context.server.connections).toBe(0);
      context.network.goOffline();
      context.network.goOnline();
      context.network.becomeVisible();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(context.server.requests).toHaveLength(requests);
      expect(context.state().status).toBe('closed');
      expect(vi.getTimerCount()).toBe(0);
    });
  }

  it('keeps lastEventId across close() so reconnect() resumes', async () => {
    const { connection, server } = setup();
    await flush();
    server.send({ id: 'a1', data: 1 });
    await flush();
    connection.close();
    connection.reconnect();
    await flush();
    expect(server.requests[1]?.lastEventId).toBe('a1');
  });

  it('close() while idle goes to closed and a later subscribe does not connect', async () => {
    const kit = createTestTransport();
    const connection = createSSEConnection('/x', { fetch: kit.fetch, network: kit.network, autoConnect: false });
    connection.close();
    connection.subscribe(() => {});
    await flush();
    expect(connection.getSnapshot().status).toBe('closed');
    expect(kit.server.requests).toHaveLength(0);
  });
});
