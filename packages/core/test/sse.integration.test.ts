import { spawn, type ChildProcess } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RealtimeErrorCode } from '../src/errors.js';
import { createSSEConnection } from '../src/sse/sse-connection.js';
import type { SSEConnection, SSEErrorEvent, SSEMessage, SSEOptions } from '../src/sse/types.js';

/** Real sockets on 127.0.0.1, ephemeral ports, tiny backoff so every retry path runs in milliseconds. */
const FAST_BACKOFF = { minMs: 10, maxMs: 50 };
const WAIT = { timeout: 5000, interval: 5 };

type Handler = (request: IncomingMessage, response: ServerResponse, index: number) => void;

const servers: http.Server[] = [];
const clients: SSEConnection<unknown>[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
  await Promise.all(children.splice(0).map((child) => killChild(child)));
});

async function startServer(handler: Handler) {
  const requests: IncomingMessage[] = [];
  const server = http.createServer((request, response) => {
    const index = requests.push(request) - 1;
    handler(request, response, index);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, requests };
}

function openStream(response: ServerResponse) {
  response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
  response.flushHeaders();
}

function client<T = string>(url: string, options: SSEOptions<T> = {}) {
  const connection = createSSEConnection<T>(url, {
    backoff: FAST_BACKOFF,
    parse: 'text' as SSEOptions<T>['parse'],
    ...options,
  });
  clients.push(connection as SSEConnection<unknown>);
  const messages: SSEMessage<T>[] = [];
  const errors: SSEErrorEvent[] = [];
  connection.on('*', (message) => messages.push(message));
  connection.on('error', (event) => errors.push(event));
  return { connection, messages, errors, codes: () => errors.map((event) => event.error.code) };
}

/** A server that writes `body` on the first request (then ends), and holds later requests open. */
async function framingServer(...writes: (string | Buffer)[]) {
  return startServer((_request, response, index) => {
    openStream(response);
    if (index > 0) return;
    for (const chunk of writes) response.write(chunk);
    response.end();
  });
}

describe('SSE over real HTTP: the WHATWG event-stream format', () => {
  it('dispatches named events, unnamed events as "message", and joins multi-line data', async () => {
    const { origin } = await framingServer(
      'event: greeting\ndata: hello\n\n',
      'data: line 1\ndata: line 2\ndata:\ndata: end\n\n',
    );
    const { messages } = client(`${origin}/events`);
    await vi.waitFor(() => expect(messages).toHaveLength(2), WAIT);
    expect(messages).toEqual([
      { event: 'greeting', data: 'hello' },
      { event: 'message', data: 'line 1\nline 2\n\nend' },
    ]);
  });

  it('accepts CR, LF and CRLF line ends, alone, mixed and split across writes', async () => {
    const { origin } = await framingServer(
      'data: lf\n\n',
      'data: cr\r\r',
      'data: crlf\r\n\r\n',
      'data: mixed 1\rdata: mixed 2\r\ndata: mixed 3\n\r\n',
      'data: split\r',
      '\n\r',
      '\n',
    );
    const { messages } = client(`${origin}/events`);
    await vi.waitFor(() => expect(messages).toHaveLength(5), WAIT);
    expect(messages.map((m) => m.data)).toEqual(['lf', 'cr', 'crlf', 'mixed 1\nmixed 2\nmixed 3', 'split']);
  });

  it('strips a leading BOM, even when its bytes arrive in separate writes', async () => {
    const whole = await framingServer('\uFEFFdata: bom\n\n');
    const first = client(`${whole.origin}/events`);
    const split = await framingServer(Buffer.from([0xef]), Buffer.from([0xbb, 0xbf]), 'data: split bom\n\n');
    const second = client(`${split.origin}/events`);
    await vi.waitFor(() => expect(first.messages).toHaveLength(1), WAIT);
    await vi.waitFor(() => expect(second.messages).toHaveLength(1), WAIT);
    expect(first.messages[0]?.data).toBe('bom');
    expect(second.messages[0]?.data).toBe('split bom');
  });

  it('ignores comments, which still count as liveness for the heartbeat', async () => {
    let stop = () => {};
    const { origin, requests } = await startServer((_request, response, index) => {
      openStream(response);
      if (index > 0) return;
      response.write(': welcome\n\ndata: first\n\n');
      const timer = setInterval(() => response.write(':\n'), 40);
      stop = () => clearInterval(timer);
    });
    // Comments every 40 ms against a 500 ms timeout: a loaded CI machine may pause a few hundred ms, never 12 beats.
    const { connection, messages, codes } = client(`${origin}/events`, { heartbeatTimeoutMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(messages.map((m) => m.data)).toEqual(['first']);
    expect(requests).toHaveLength(1);
    expect(connection.getSnapshot().status).toBe('open');
    stop();
    await vi.waitFor(() => expect(requests).toHaveLength(2), WAIT);
    expect(codes()).toEqual(['heartbeat_timeout']);
  });

  it('applies retry: as the reconnection delay (retry: 0 beats a 60 s backoff)', async () => {
    const { origin, requests } = await startServer((_request, response, index) => {
      openStream(response);
      if (index === 0) response.end('retry: 0\ndata: bye\n\n');
    });
    const { connection } = client(`${origin}/events`, { backoff: { minMs: 60_000, maxMs: 60_000 } });
    await vi.waitFor(() => expect(requests).toHaveLength(2), WAIT);
    await vi.waitFor(() => expect(connection.getSnapshot().status).toBe('open'), WAIT);
  });

  it('carries the last id as Last-Event-ID on reconnect, ignoring an id that contains NULL', async () => {
    const { origin, requests } = await framingServer('id: 1\ndata: a\n\n', 'id: 2\u0000x\ndata: b\n\n');
    const { connection, messages } = client(`${origin}/events`);
    await vi.waitFor(() => expect(requests).toHaveLength(2), WAIT);
    expect(messages.map((m) => [m.id, m.data])).toEqual([
      ['1', 'a'],
      [undefined, 'b'],
    ]);
    expect(requests[0]?.headers['last-event-id']).toBeUndefined();
    expect(requests[1]?.headers['last-event-id']).toBe('1');
    expect(connection.getSnapshot().lastEventId).toBe('1');
  });

  it('resets the last id on an empty id field, and then sends no Last-Event-ID', async () => {
    const { origin, requests } = await framingServer('id: 5\ndata: a\n\n', 'id\ndata: b\n\n');
    const { connection } = client(`${origin}/events`);
    await vi.waitFor(() => expect(requests).toHaveLength(2), WAIT);
    expect(requests[1]?.headers['last-event-id']).toBeUndefined();
    expect(connection.getSnapshot().lastEventId).toBeNull();
  });

  it('does not dispatch an unterminated last event when the stream ends', async () => {
    const { origin, requests } = await startServer((_request, response, index) => {
      openStream(response);
      if (index === 0) response.end('data: complete\n\ndata: partial');
      else response.write('data: second\n\n');
    });
    const { messages } = client(`${origin}/events`);
    await vi.waitFor(() => expect(messages).toHaveLength(2), WAIT);
    expect(requests).toHaveLength(2);
    expect(messages.map((m) => m.data)).toEqual(['complete', 'second']);
  });

  it('reports bad JSON as bad_data and keeps the stream', async () => {
    const { origin } = await framingServer('data: {bad\n\n', 'data: {"ok":true}\n\n');
    const { messages, errors } = client<{ ok: boolean }>(`${origin}/events`, { parse: 'json' });
    await vi.waitFor(() => expect(messages).toHaveLength(1), WAIT);
    expect(messages[0]?.data).toEqual({ ok: true });
    expect(errors[0]?.error.code).toBe('bad_data');
    expect(errors[0]?.raw).toBe('{bad');
  });
});

describe('SSE over real HTTP: requests', () => {
  it('sends headers from a function per connect, a POST body, and the SSE request headers', async () => {
    const bodies: string[] = [];
    const { origin, requests } = await startServer((request, response, index) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        openStream(response);
        if (index === 0) response.end('data: one\n\n');
      });
    });
    let n = 0;
    client(`${origin}/chat?x=1`, {
      method: 'POST',
      headers: async () => ({ Authorization: `Bearer ${++n}`, 'Content-Type': 'application/json' }),
      body: () => JSON.stringify({ n }),
    });
    await vi.waitFor(() => expect(bodies).toHaveLength(2), WAIT);
    expect(requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['POST', '/chat?x=1', 'Bearer 1'],
      ['POST', '/chat?x=1', 'Bearer 2'],
    ]);
    expect(bodies).toEqual(['{"n":1}', '{"n":2}']);
    expect(requests[0]?.headers.accept).toBe('text/event-stream');
    expect(requests[0]?.headers['cache-control']).toBe('no-cache');
  });
});

describe('SSE over real HTTP: status codes and failures', () => {
  const stops: { status: number; headers?: http.OutgoingHttpHeaders; code: RealtimeErrorCode }[] = [
    { status: 401, code: 'unauthorized' },
    { status: 403, code: 'unauthorized' },
    { status: 204, code: 'no_content' },
    { status: 404, code: 'not_found' },
    { status: 400, code: 'http_error' },
    { status: 200, headers: { 'Content-Type': 'text/html' }, code: 'bad_content_type' },
  ];
  for (const { status, headers, code } of stops) {
    it(`${status}${headers ? ' text/html' : ''} closes with ${code} and is not retried`, async () => {
      const { origin, requests } = await startServer((_request, response) => {
        response.writeHead(status, headers);
        response.end(status === 204 ? undefined : '<html>nope</html>');
      });
      const { connection, codes } = client(`${origin}/events`);
      await vi.waitFor(() => expect(connection.getSnapshot().status).toBe('closed'), WAIT);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(requests).toHaveLength(1);
      expect(connection.getSnapshot().error).toMatchObject({ code, status });
      expect(codes()).toEqual([code]);
    });
  }

  it('retries 500 with backoff until the server recovers', async () => {
    const { origin, requests } = await startServer((_request, response, index) => {
      if (index < 2) {
        response.writeHead(500);
        response.end();
        return;
      }
      openStream(response);
      response.write('data: recovered\n\n');
    });
    const { connection, messages, codes } = client(`${origin}/events`);
    await vi.waitFor(() => expect(messages).toHaveLength(1), WAIT);
    expect(requests).toHaveLength(3);
    expect(codes()).toEqual(['server_error', 'server_error']);
    expect(connection.getSnapshot()).toMatchObject({ status: 'open', attempt: 0, error: null });
  });

  it('honours a 429 Retry-After', async () => {
    const { origin, requests } = await startServer((_request, response, index) => {
      if (index === 0) {
        response.writeHead(429, { 'Retry-After': '0' });
        response.end();
        return;
      }
      openStream(response);
    });
    const { connection, codes } = client(`${origin}/events`, { backoff: { minMs: 60_000, maxMs: 60_000 } });
    await vi.waitFor(() => expect(connection.getSnapshot().status).toBe('open'), WAIT);
    expect(requests).toHaveLength(2);
    expect(codes()).toEqual(['rate_limited']);
  });

  it('reconnects after a clean server close, resuming from the last id', async () => {
    const { origin, requests } = await startServer((request, response, index) => {
      openStream(response);
      if (index === 0) response.end('id: 10\ndata: first\n\n');
      else response.write(`id: 11\ndata: resumed after ${request.headers['last-event-id']}\n\n`);
    });
    const { connection, messages, errors } = client(`${origin}/events`);
    await vi.waitFor(() => expect(messages).toHaveLength(2), WAIT);
    expect(messages.map((m) => m.data)).toEqual(['first', 'resumed after 10']);
    expect(requests).toHaveLength(2);
    expect(errors[0]?.error.message).toMatch(/server closed the stream/);
    expect(connection.getSnapshot()).toMatchObject({ status: 'open', lastEventId: '11' });
  });

  it('reconnects after the connection is dropped mid-stream (socket destroyed)', async () => {
    const { origin, requests } = await startServer((request, response, index) => {
      openStream(response);
      response.write(`data: ${index}\n\n`);
      if (index === 0) setTimeout(() => request.socket.destroy(), 50);
    });
    const { connection, messages, codes } = client(`${origin}/events`);
    await vi.waitFor(() => expect(messages).toHaveLength(2), WAIT);
    expect(requests).toHaveLength(2);
    expect(codes()).toEqual(['network']);
    expect(connection.getSnapshot().status).toBe('open');
  });

  it('retries while nothing listens on the port (connection refused)', async () => {
    const probe = await startServer(() => {});
    const url = `${probe.origin}/events`;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const { connection, errors } = client(url);
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(3), WAIT);
    expect(connection.getSnapshot().status).toBe('reconnecting');
    expect(errors.every((e) => e.error.code === 'network')).toBe(true);
    expect(errors[0]?.error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('SSE over real HTTP: the server process dies', () => {
  it('survives kill -9 of the server and resumes from Last-Event-ID on a new process on the same port', async () => {
    const first = await startChild(0);
    const url = `http://127.0.0.1:${first.port}/stream`;
    const { connection, messages, errors } = client(url);
    await vi.waitFor(() => expect(messages.length).toBeGreaterThanOrEqual(3), WAIT);

    first.child.kill('SIGKILL');
    await first.exited;
    await vi.waitFor(() => expect(errors.some((e) => /ECONNREFUSED/.test(e.error.message))).toBe(true), WAIT);
    expect(connection.getSnapshot().status).toBe('reconnecting');
    const lastBefore = connection.getSnapshot().lastEventId;
    const countBefore = messages.length;
    expect(lastBefore).toBe(String(countBefore));

    const second = await startChild(first.port);
    await vi.waitFor(() => expect(messages.length).toBeGreaterThanOrEqual(countBefore + 3), WAIT);
    expect(second.requests[0]).toEqual({ lastEventId: lastBefore });
    expect(first.requests).toEqual([{ lastEventId: null }]);
    // Every event exactly once, in order, across both processes.
    expect(messages.map((m) => Number(m.id))).toEqual(messages.map((_, i) => i + 1));
    expect(connection.getSnapshot()).toMatchObject({ status: 'open', attempt: 0, error: null });
  });
});

/**
 * A separate Node process serving numbered SSE events every 15 ms, resuming after `Last-Event-ID`.
 * It reports each request's Last-Event-ID on stdout, as JSON lines.
 */
const CHILD_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const last = req.headers['last-event-id'] ?? null;
  process.stdout.write(JSON.stringify({ type: 'request', lastEventId: last }) + '\\n');
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  let n = Number(last ?? 0);
  const timer = setInterval(() => { n += 1; res.write('id: ' + n + '\\ndata: ' + n + '\\n\\n'); }, 15);
  req.on('close', () => clearInterval(timer));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ type: 'listening', port: server.address().port }) + '\\n');
});
`;

async function startChild(port: number) {
  const child = spawn(process.execPath, ['-e', CHILD_SERVER], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const requests: { lastEventId: string | null }[] = [];
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child server did not start within 5 s')), 5000);
    child.once('exit', (code) => reject(new Error(`child server exited early (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { type: string; port?: number; lastEventId?: string | null };
      if (message.type === 'listening') {
        clearTimeout(timer);
        resolve(message.port!);
      } else if (message.type === 'request') {
        requests.push({ lastEventId: message.lastEventId ?? null });
      }
    });
  });
  return { child, port: await listening, requests, exited };
}

async function killChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
