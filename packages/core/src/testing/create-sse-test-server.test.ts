import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSSETestServer } from './create-sse-test-server.js';

afterEach(() => vi.useRealTimers());

/** Reads whatever the stream has buffered right now (the test server enqueues synchronously). */
async function readAvailable(reader: ReadableStreamDefaultReader<Uint8Array>, chunks: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (let i = 0; i < chunks; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe('createSSETestServer', () => {
  it('answers with an open text/event-stream Response and streams what is sent', async () => {
    const server = createSSETestServer();
    const response = await server.fetch('/events');
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(server.connections).toBe(1);
    const reader = response.body!.getReader();
    server.send({ id: '1', event: 'e', data: { a: 1 } });
    server.comment('ping');
    server.sendRaw('data: raw\r\r');
    expect(await readAvailable(reader, 3)).toBe('event: e\nid: 1\ndata: {"a":1}\n\n: ping\ndata: raw\r\r');
    server.end();
    expect(server.connections).toBe(0);
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('records every request: url as given, method, headers, body text and Last-Event-ID', async () => {
    const server = createSSETestServer();
    await server.fetch('/a?x=1', { headers: { 'Last-Event-ID': '9', 'X-Y': 'z' } });
    await server.fetch(new URL('http://example.test/b'), { method: 'POST', body: '{"q":1}' });
    await server.fetch(new Request('http://example.test/c', { method: 'PUT', body: 'put' }));
    expect(server.requests.map(({ url, method, body, lastEventId }) => ({ url, method, body, lastEventId }))).toEqual([
      { url: '/a?x=1', method: 'GET', body: null, lastEventId: '9' },
      { url: 'http://example.test/b', method: 'POST', body: '{"q":1}', lastEventId: null },
      { url: 'http://example.test/c', method: 'PUT', body: 'put', lastEventId: null },
    ]);
    expect(server.requests[0]?.headers.get('x-y')).toBe('z');
  });

  it('counts down and errors the stream when the request is aborted', async () => {
    const server = createSSETestServer();
    const controller = new AbortController();
    const response = await server.fetch('/events', { signal: controller.signal });
    const reader = response.body!.getReader();
    const pending = reader.read();
    controller.abort();
    expect(server.connections).toBe(0);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    server.send({ data: 'after' });
  });

  it('counts down when the client cancels the body', async () => {
    const server = createSSETestServer();
    const response = await server.fetch('/events');
    await response.body!.cancel();
    expect(server.connections).toBe(0);
  });

  it('rejects a fetch whose signal is already aborted, without opening a stream', async () => {
    const server = createSSETestServer();
    await expect(server.fetch('/events', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(server.connections).toBe(0);
  });

  it('fail() errors the stream with the given error', async () => {
    const server = createSSETestServer();
    const response = await server.fetch('/events');
    const reader = response.body!.getReader();
    const cut = new TypeError('cut');
    server.fail(cut);
    expect(server.connections).toBe(0);
    await expect(reader.read()).rejects.toBe(cut);
  });

  it('targets streams by pathname + search', async () => {
    const server = createSSETestServer();
    const a = (await server.fetch('/a?room=1')).body!.getReader();
    const b = (await server.fetch('http://localhost/b')).body!.getReader();
    server.send({ data: 'to a' }, { url: 'http://localhost/a?room=1' });
    server.send({ data: 'to b' }, { url: '/b' });
    server.send({ data: 'nobody' }, { url: '/a' });
    expect(await readAvailable(a, 1)).toBe('data: to a\n\n');
    expect(await readAvailable(b, 1)).toBe('data: to b\n\n');
    server.end({ url: '/a?room=1' });
    expect(server.connections).toBe(1);
    server.fail(undefined, { url: '/b' });
    expect(server.connections).toBe(0);
    await expect(b.read()).rejects.toBeInstanceOf(TypeError);
  });

  it('respondWith: counted answers first, then the standing one; a standing answer clears the queue', async () => {
    const server = createSSETestServer();
    server.respondWith({ status: 503 }, { times: 2 });
    server.respondWith({ status: 401 }, { times: 1 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await server.fetch('/x')).status);
    expect(statuses).toEqual([503, 503, 401, 200]);
    server.respondWith({ status: 500 }, { times: 3 });
    server.respondWith({ status: 404 });
    expect((await server.fetch('/x')).status).toBe(404);
    expect((await server.fetch('/x')).status).toBe(404);
    expect(() => server.respondWith('stream', { times: 0 })).toThrow(RangeError);
  });

  it('respondWith a full response: status, headers, body; null body for 204', async () => {
    const server = createSSETestServer();
    server.respondWith({ status: 200, headers: { 'content-type': 'text/html' }, body: '<p>login</p>' }, { times: 1 });
    server.respondWith({ status: 204, body: 'ignored' }, { times: 1 });
    const html = await server.fetch('/x');
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toBe('<p>login</p>');
    const empty = await server.fetch('/x');
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(server.connections).toBe(0);
  });

  it("respondWith('network-error') rejects with a TypeError, as fetch does", async () => {
    const server = createSSETestServer();
    server.respondWith('network-error');
    await expect(server.fetch('/x')).rejects.toBeInstanceOf(TypeError);
    expect(server.requests).toHaveLength(1);
  });

  it("respondWith('hang') never answers until aborted", async () => {
    const server = createSSETestServer();
    server.respondWith('hang');
    const controller = new AbortController();
    const settled = vi.fn();
    const pending = server.fetch('/x', { signal: controller.signal }).then(settled, (error: unknown) => {
      settled();
      throw error;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).not.toHaveBeenCalled();
    controller.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow('gave up');
  });

  it('waitForConnections resolves on the exact count, including 0', async () => {
    const server = createSSETestServer();
    await server.waitForConnections(0);
    const waiting = server.waitForConnections(2);
    await server.fetch('/1');
    await server.fetch('/2');
    await waiting;
    const none = server.waitForConnections(0);
    server.end();
    await none;
  });

  it('waitForConnections rejects after its timeout and leaves no timer behind either way', async () => {
    vi.useFakeTimers();
    const server = createSSETestServer();
    const waiting = server.waitForConnections(1, { timeoutMs: 100 });
    const assertion = expect(waiting).rejects.toThrow(/waitForConnections\(1\): 0 streams open after 100 ms/);
    await vi.advanceTimersByTimeAsync(100);
    await assertion;
    expect(vi.getTimerCount()).toBe(0);
    const ok = server.waitForConnections(1, { timeoutMs: 100 });
    expect(vi.getTimerCount()).toBe(1);
    await server.fetch('/x');
    await ok;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('onRequest hands each listener a readable Request until removed', async () => {
    const server = createSSETestServer();
    const seen: string[] = [];
    const off = server.onRequest((request) => {
      void request.text().then((body) => seen.push(`${request.method} ${new URL(request.url).pathname} ${body}`));
    });
    await server.fetch('/p', { method: 'POST', body: 'hi' });
    off();
    await server.fetch('/q');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['POST /p hi']);
    expect(server.requests).toHaveLength(2);
  });
});
