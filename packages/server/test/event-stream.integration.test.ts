// A real Node http server on 127.0.0.1, adapted to the Fetch API the way Next.js and other
// Node hosts do it, read by plain `fetch` + eventsource-parser like a browser would.
import { once } from 'node:events';
import { get, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeEventStream, type NodeEventStream } from '../src/event-stream.js';
import { createEventStream, encodeEvent, type EventStream, type EventStreamCloseReason } from '../src/index.js';
import { serveFetch } from './fetch-bridge.js';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

/** Starts a server on an ephemeral port that serves `handler` through a small Node ⇄ Fetch adapter. */
async function serve(handler: (request: Request) => Response): Promise<string> {
  const server = createServer((req, res) => void serveFetch(req, res, handler));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Reads an SSE response with eventsource-parser until `until` says stop or the stream ends. */
async function readEvents(response: Response, until: (events: EventSourceMessage[]) => boolean = () => false) {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onComment: (comment) => comments.push(comment),
    onRetry: (retry) => retries.push(retry),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let ended = false;
  while (!until(events)) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    parser.feed(value);
  }
  return { events, comments, retries, ended, reader };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms).unref(),
    ),
  ]);
}

describe('createEventStream over real HTTP', () => {
  it('delivers headers, retry hint, events, multi-line data and heartbeats, then ends on close()', async () => {
    let server!: EventStream;
    const url = await serve((request) => {
      server = createEventStream(request, { retry: 1500, heartbeatMs: 20 });
      server.send({ id: '1', event: 'progress', data: { step: 1, resumedAfter: server.lastEventId } });
      server.send({ id: '2', data: 'line one\r\nline two\nline three' });
      setTimeout(() => {
        server.send(encodeEvent({ id: '3', event: 'done', data: 'héllo 🌍' }));
        server.close();
      }, 80);
      return server.response;
    });

    const response = await fetch(`${url}/events`, { headers: { 'Last-Event-ID': '0' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');

    const { events, comments, retries, ended } = await withTimeout(readEvents(response), 5000, 'the stream to end');
    expect(ended).toBe(true);
    expect(retries).toEqual([1500]);
    expect(events).toEqual([
      { id: '1', event: 'progress', data: JSON.stringify({ step: 1, resumedAfter: '0' }) },
      { id: '2', event: undefined, data: 'line one\nline two\nline three' },
      { id: '3', event: 'done', data: 'héllo 🌍' },
    ]);
    expect(comments.length).toBeGreaterThanOrEqual(1);
    expect(new Set(comments)).toEqual(new Set(['heartbeat']));
    expect(server.closed).toBe(true);
  });

  it('runs cleanup on the server when the client disconnects', async () => {
    let server!: EventStream;
    let ticker: ReturnType<typeof setInterval> | undefined;
    const { promise: closed, resolve: resolveClosed } = deferred<EventStreamCloseReason>();
    const url = await serve((request) => {
      server = createEventStream(request, { heartbeatMs: 10 });
      // Typical app code: a producer that must stop when the client leaves.
      ticker = setInterval(() => server.send({ data: Date.now() }), 5);
      server.signal.addEventListener('abort', () => clearInterval(ticker));
      server.onClose(resolveClosed);
      return server.response;
    });

    const client = new AbortController();
    const response = await fetch(`${url}/events`, { signal: client.signal });
    const { events } = await readEvents(response, (received) => received.length >= 3);
    expect(events.length).toBeGreaterThanOrEqual(3);
    client.abort();

    expect(await withTimeout(closed, 5000, 'server-side onClose')).toBe('client_abort');
    expect(server.closed).toBe(true);
    expect(server.signal.aborted).toBe(true);
    expect(server.send({ data: 'after' })).toBe(false);
  });

  it('drops a client that stops reading, without buffering past maxQueuedBytes', async () => {
    const maxQueuedBytes = 64 * 1024;
    const frame = encodeEvent({ data: 'x'.repeat(1018) }); // 1 KiB on the wire
    const { promise: drop, resolve: dropped } = deferred<Error>();
    let sentBytes = 0;
    const url = await serve((request) => {
      const stream = createEventStream(request, { heartbeatMs: false, maxQueuedBytes, onDrop: dropped });
      // Produce far faster than anyone reads; yield to the event loop so the socket can take what it will.
      const pump = () => {
        for (let i = 0; i < 64; i++) {
          if (!stream.send(frame)) return;
          sentBytes += frame.bytes.byteLength;
        }
        if (sentBytes < 512 * 1024 * 1024) setImmediate(pump);
      };
      pump();
      return stream.response;
    });

    // A raw client that reads the headers and then never reads the body again.
    const req = get(`${url}/events`);
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.pause();
    try {
      const error = await withTimeout(drop, 15_000, 'the slow client to be dropped');
      expect(error).toMatchObject({ code: 'slow_consumer' });
      // Whatever the kernel's socket buffers absorbed, the stream itself never held more than the cap.
      const queued = Number(/(\d+) bytes were still waiting/.exec(error.message)?.[1]);
      expect(queued).toBeGreaterThan(maxQueuedBytes - frame.bytes.byteLength);
      expect(queued).toBeLessThanOrEqual(maxQueuedBytes);
      expect(sentBytes).toBeLessThan(512 * 1024 * 1024);
    } finally {
      req.destroy();
    }
  });
});

describe('createNodeEventStream (Node response fast path)', () => {
  /** Starts a server whose requests go straight to `handler` with Node's req/res. */
  async function serveNode(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('writes the same stream as createEventStream, coalescing one tick into one res.write', async () => {
    let server!: NodeEventStream;
    const writes: number[] = [];
    const url = await serveNode((req, res) => {
      const write = res.write.bind(res) as (chunk: Uint8Array) => boolean;
      res.write = ((chunk: Uint8Array) => {
        writes.push(chunk.byteLength);
        return write(chunk);
      }) as typeof res.write;
      server = createNodeEventStream(req, res, { retry: 1500, heartbeatMs: 20, headers: { 'X-Request-Id': 'r1' } });
      server.send({ id: '1', event: 'progress', data: { step: 1, resumedAfter: server.lastEventId } });
      server.send({ id: '2', data: 'line one\r\nline two' });
      setTimeout(() => {
        server.send(encodeEvent({ id: '3', event: 'done', data: 'héllo 🌍' }));
        server.close();
      }, 80);
    });

    const response = await fetch(`${url}/events?lastEventId=q`, { headers: { 'Last-Event-ID': '0' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('x-request-id')).toBe('r1');
    const { events, comments, retries, ended } = await withTimeout(readEvents(response), 5000, 'the stream to end');
    expect(ended).toBe(true);
    expect(retries).toEqual([1500]);
    expect(events).toEqual([
      { id: '1', event: 'progress', data: JSON.stringify({ step: 1, resumedAfter: '0' }) },
      { id: '2', event: undefined, data: 'line one\nline two' },
      { id: '3', event: 'done', data: 'héllo 🌍' },
    ]);
    expect(new Set(comments)).toEqual(new Set(['heartbeat']));
    // The retry hint and the first two events went out as one write.
    expect(writes[0]).toBe(
      new TextEncoder().encode('retry: 1500\n\n').byteLength +
        encodeEvent({ id: '1', event: 'progress', data: { step: 1, resumedAfter: '0' } }).bytes.byteLength +
        encodeEvent({ id: '2', data: 'line one\r\nline two' }).bytes.byteLength,
    );
    expect(server.closed).toBe(true);
  });

  it('runs cleanup when the client disconnects', async () => {
    let server!: NodeEventStream;
    const { promise: closed, resolve } = deferred<EventStreamCloseReason>();
    const url = await serveNode((req, res) => {
      server = createNodeEventStream(req, res, { heartbeatMs: 10 });
      const ticker = setInterval(() => server.send({ data: Date.now() }), 5);
      server.onClose((reason) => {
        clearInterval(ticker);
        resolve(reason);
      });
    });
    const client = new AbortController();
    const response = await fetch(`${url}/events`, { signal: client.signal });
    const { events } = await readEvents(response, (received) => received.length >= 3);
    expect(events.length).toBeGreaterThanOrEqual(3);
    client.abort();
    expect(await withTimeout(closed, 5000, 'server-side onClose')).toBe('client_abort');
    expect(server.signal.aborted).toBe(true);
    expect(server.send({ data: 'after' })).toBe(false);
  });

  it('drops a client that stops reading once res.writableLength passes maxQueuedBytes', async () => {
    const maxQueuedBytes = 64 * 1024;
    const frame = encodeEvent({ data: 'x'.repeat(1018) });
    const { promise: drop, resolve: dropped } = deferred<Error>();
    let sentBytes = 0;
    const url = await serveNode((req, res) => {
      const stream = createNodeEventStream(req, res, { heartbeatMs: false, maxQueuedBytes, onDrop: dropped });
      const pump = () => {
        for (let i = 0; i < 64; i++) {
          if (!stream.send(frame)) return;
          sentBytes += frame.bytes.byteLength;
        }
        if (sentBytes < 512 * 1024 * 1024) setImmediate(pump);
      };
      pump();
    });
    const req = get(`${url}/events`);
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.pause();
    try {
      const error = await withTimeout(drop, 15_000, 'the slow client to be dropped');
      expect(error).toMatchObject({ code: 'slow_consumer' });
      expect(sentBytes).toBeLessThan(512 * 1024 * 1024);
    } finally {
      req.destroy();
    }
  });
});
