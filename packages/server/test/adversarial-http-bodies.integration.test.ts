// Attacks on the HTTP POST handlers through a real Node http server on 127.0.0.1: a 150 MB chunked upload (no
// Content-Length) to the channel key, Pusher auth and SSE publish handlers, signed in and not, and cross-site style
// `text/plain` / form posts to the SSE endpoint (CSRF with cookie auth). Each attack gets its typed refusal at once,
// the server stops reading the upload and its memory stays flat; a well-behaved request is served right after.
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Pusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannelKeyHandler, createSSEEndpoint, DEFAULT_CHANNEL_KEY_MAX_BODY_BYTES } from '../src/index.js';
import { createPusherAuthHandler, DEFAULT_PUSHER_AUTH_MAX_BODY_BYTES } from '../src/pusher/index.js';

const MB = 1024 * 1024;
/** What the attacker tries to upload. */
const ATTACK_BYTES = 150 * MB;
/** Bytes the host may take off the socket before backpressure stops it: its stream queue plus a chunk or two. */
const HOST_SLACK_BYTES = 256 * 1024;
/** Stated bound: the server's RSS and ArrayBuffer memory may grow less than this during and after an attack. */
const MEMORY_BOUND = 20 * MB;
/** "At once": the refusal comes long before 150 MB could be sent. */
const ANSWER_WITHIN_MS = 3000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** A session cookie names the user: `session=ann`. */
const userOf = (request: Request) => /(?:^|;\s*)session=(\w+)/.exec(request.headers.get('cookie') ?? '')?.[1];
const MASTER = randomBytes(32).toString('base64');

const keys = createChannelKeyHandler({
  masterKey: MASTER,
  authenticate: (request) => {
    const userId = userOf(request);
    return userId ? { userId } : null;
  },
  authorizeChannel: ({ userId }) => userId === 'ann',
});
const pusherAuth = createPusherAuthHandler(
  new Pusher({ appId: '1', key: 'app-key', secret: 'app-secret', cluster: 'eu' }),
  {
    authenticate: (request) => {
      const userId = userOf(request);
      return userId ? { userId } : null;
    },
  },
);

describe('a 150 MB chunked upload (no Content-Length) is refused at once, read no further, and costs no memory', () => {
  const cases = [
    {
      name: 'createChannelKeyHandler',
      handler: keys,
      cap: DEFAULT_CHANNEL_KEY_MAX_BODY_BYTES,
      contentType: 'application/json',
      wellBehaved: { body: JSON.stringify({ channel: 'private-encrypted-team' }), contentType: 'application/json' },
      served: (body: unknown) => expect(body).toEqual({ channel: 'private-encrypted-team', key: expect.any(String) }),
    },
    {
      name: 'createPusherAuthHandler',
      handler: pusherAuth,
      cap: DEFAULT_PUSHER_AUTH_MAX_BODY_BYTES,
      contentType: 'application/x-www-form-urlencoded',
      wellBehaved: {
        body: 'socket_id=123.456&channel_name=private-room',
        contentType: 'application/x-www-form-urlencoded',
      },
      served: (body: unknown) => expect(body).toEqual({ auth: expect.stringMatching(/^app-key:[0-9a-f]{64}$/) }),
    },
  ];

  for (const { name, handler, cap, contentType, wellBehaved, served } of cases) {
    it(`${name}: signed in → 413 message_too_large after ${cap} bytes; stranger → 401 before reading; then serves a good request`, async () => {
      const host = await startHost(handler);
      await warmUp(host, wellBehaved);

      const signedIn = await attack(host, { 'content-type': contentType, cookie: 'session=ann' });
      expect(signedIn.status).toBe(413);
      expect(signedIn.body).toEqual({
        error: { code: 'message_too_large', message: expect.stringContaining(String(cap)) },
      });
      expectStoppedReading(signedIn, cap);

      const stranger = await attack(host, { 'content-type': contentType });
      expect(stranger.status).toBe(401);
      expect(stranger.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      // Refused on the headers: nothing but the host's own read-ahead came off the socket.
      expectStoppedReading(stranger, 0);

      const good = await post(host, wellBehaved.body, {
        'content-type': wellBehaved.contentType,
        cookie: 'session=ann',
      });
      expect(good.status).toBe(200);
      served(good.body);
    });
  }

  it('createSSEEndpoint POST: signed in → 413, stranger → 401, both without reading the upload; then a publish is stored', async () => {
    const { sse, host } = await sseHost();
    await warmUp(host, {
      body: JSON.stringify({ channel: 'warm-up', event: 'chat', data: 0 }),
      contentType: 'application/json',
    });

    const signedIn = await attack(host, { 'content-type': 'application/json', cookie: 'session=ann' });
    expect(signedIn.status).toBe(413);
    expect(signedIn.body).toEqual({ error: { code: 'message_too_large', message: expect.stringContaining('65536') } });
    expectStoppedReading(signedIn, 64 * 1024);

    const stranger = await attack(host, { 'content-type': 'application/json' });
    expect(stranger.status).toBe(401);
    expect(stranger.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expectStoppedReading(stranger, 0);

    const good = await post(host, JSON.stringify({ channel: 'room', event: 'chat', data: 'hi' }), {
      'content-type': 'application/json',
      cookie: 'session=ann',
    });
    expect(good).toEqual({ status: 200, body: { id: expect.any(String), seq: 1 } });
    expect(sse.hub.broker.messages('room').map((message) => message.data)).toEqual(['hi']);
  });
});

describe('createSSEEndpoint POST refuses bodies that are not application/json (CSRF with cookie auth)', () => {
  it('text/plain, form and multipart posts carrying a valid session cookie get 415 bad_frame and publish nothing; JSON still works', async () => {
    const { sse, host } = await sseHost();
    const forged = JSON.stringify({ channel: 'room', event: 'chat', data: 'forged' });
    // What another site's page can send without a preflight: the browser adds the victim's cookie.
    for (const contentType of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    ]) {
      const headers: Record<string, string> = { cookie: 'session=ann', origin: 'https://evil.example' };
      if (contentType !== undefined) headers['content-type'] = contentType;
      // A Blob without a type, so that fetch adds no Content-Type of its own when there is none.
      const refused = await post(host, new Blob([forged]), headers);
      expect(refused.status, String(contentType)).toBe(415);
      expect(refused.body).toEqual({
        error: { code: 'bad_frame', message: expect.stringContaining('Content-Type: application/json') },
      });
    }
    expect(sse.hub.broker.messages('room')).toEqual([]);
    // The refusal comes before authenticate: the forged requests never reached it.
    expect(host.authenticated).toBe(0);

    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON']) {
      const ok = await post(host, JSON.stringify({ channel: 'room', event: 'chat', data: contentType }), {
        'content-type': contentType,
        cookie: 'session=ann',
      });
      expect(ok.status, contentType).toBe(200);
    }
    expect(sse.hub.broker.messages('room').map((message) => message.data)).toEqual([
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON',
    ]);
  });
});

/** What one attack did to the server, as measured on both ends. */
interface AttackResult {
  readonly status: number;
  readonly body: unknown;
  /** From the first byte sent to the answer's headers. */
  readonly answeredInMs: number;
  /** Bytes the client got onto the wire (the socket took them) before it had its answer. */
  readonly sent: number;
  /** Bytes the host took off the socket for the handler. */
  readonly bytesRead: number;
  /** Whether the handler cancelled the request body (told the host to stop reading). */
  readonly cancelled: boolean;
  /** Peak growth of the process's RSS and ArrayBuffer memory during the attack, and RSS growth after it (after gc). */
  readonly peakRssGrowth: number;
  readonly peakArrayBufferGrowth: number;
  readonly rssGrowthAfterGc: number;
}

function expectStoppedReading(result: AttackResult, cap: number) {
  const summary = JSON.stringify({ ...result, body: undefined });
  expect(result.answeredInMs, summary).toBeLessThan(ANSWER_WITHIN_MS);
  expect(result.cancelled, summary).toBe(true);
  expect(result.bytesRead, summary).toBeLessThanOrEqual(cap + HOST_SLACK_BYTES);
  // The client never got near 150 MB out: the server stopped taking it (only socket buffers filled up).
  expect(result.sent, summary).toBeLessThan(ATTACK_BYTES / 4);
  expect(result.peakRssGrowth, summary).toBeLessThan(MEMORY_BOUND);
  expect(result.peakArrayBufferGrowth, summary).toBeLessThan(MEMORY_BOUND);
  expect(result.rssGrowthAfterGc, summary).toBeLessThan(MEMORY_BOUND);
}

interface Host {
  url: string;
  /** Reset per request. */
  stats: { bytesRead: number; cancelled: boolean };
  /** Calls of the SSE endpoint's authenticate. */
  authenticated: number;
}

/**
 * Serves a Fetch-API handler the way Node hosts do, with honest backpressure: the body is a Web stream that reads
 * the socket only as the handler pulls, and a cancelled body is read no further (the connection is closed after
 * the answer instead of being drained).
 */
async function startHost(handler: (request: Request) => Promise<Response>): Promise<Host> {
  const host: Host = { url: '', stats: { bytesRead: 0, cancelled: false }, authenticated: 0 };
  const server = createServer((req, res) => void serve(req, res));
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const stats: Host['stats'] = { bytesRead: 0, cancelled: false };
    host.stats = stats;
    let ended = false;
    let open = true;
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          req.on('data', (chunk: Buffer) => {
            if (!open) return;
            stats.bytesRead += chunk.byteLength;
            controller.enqueue(new Uint8Array(chunk));
            if ((controller.desiredSize ?? 0) <= 0) req.pause();
          });
          req.once('end', () => {
            ended = true;
            if (open) controller.close();
            open = false;
          });
          req.once('error', (error) => {
            if (open) controller.error(error);
            open = false;
          });
        },
        pull: () => void req.resume(),
        cancel() {
          stats.cancelled = true;
          open = false;
          req.pause();
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const request = new Request(`${host.url}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body,
      duplex: 'half',
    } as RequestInit);
    const response = await handler(request);
    const text = await response.text();
    res.writeHead(response.status, { 'content-type': 'application/json', ...(ended ? {} : { connection: 'close' }) });
    res.end(text);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return host;
}

async function sseHost() {
  // Declared before the endpoint whose authenticate counts on it; the host exists only once the endpoint does.
  // eslint-disable-next-line prefer-const
  let host: Host | undefined;
  const sse = createSSEEndpoint({
    heartbeatMs: false,
    authenticate: (request) => {
      if (host) host.authenticated += 1;
      const userId = userOf(request);
      return userId ? { userId } : null;
    },
  });
  cleanups.push(() => sse.close());
  host = await startHost((request) => sse.POST(request));
  return { sse, host };
}

/** Loads every code path once, so the attacks measure the attack and not lazy loading. */
async function warmUp(host: Host, good: { body: string; contentType: string }) {
  for (let n = 0; n < 3; n += 1)
    expect((await post(host, good.body, { 'content-type': good.contentType, cookie: 'session=ann' })).status).toBe(200);
}

/** A small, well-formed POST with a Content-Length. */
async function post(
  host: Host,
  body: string | Blob,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${host.url}/`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

/** Streams ATTACK_BYTES as a chunked upload, honouring backpressure, until the server answers. */
async function attack(host: Host, headers: Record<string, string>): Promise<AttackResult> {
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakArrayBuffers = before.arrayBuffers;
  const sample = () => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
  };
  const sampler = setInterval(sample, 5);
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const started = performance.now();
  try {
    const answer = await new Promise<{ status: number; text: string; answeredInMs: number; sent: number }>(
      (resolve, reject) => {
        const req = httpRequest(`${host.url}/`, { method: 'POST', headers });
        let sent = 0;
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          const answeredInMs = performance.now() - started;
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8'), answeredInMs, sent });
            req.destroy();
          });
        });
        req.on('error', (error) => {
          if (!answered) reject(error);
        });
        const pump = () => {
          while (!answered && sent < ATTACK_BYTES) {
            sent += chunk.byteLength;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        pump();
      },
    );
    sample();
    clearInterval(sampler);
    gc();
    return {
      status: answer.status,
      body: JSON.parse(answer.text) as unknown,
      answeredInMs: Math.round(answer.answeredInMs),
      sent: answer.sent,
      bytesRead: host.stats.bytesRead,
      cancelled: host.stats.cancelled,
      peakRssGrowth: peakRss - before.rss,
      peakArrayBufferGrowth: peakArrayBuffers - before.arrayBuffers,
      rssGrowthAfterGc: process.memoryUsage().rss - before.rss,
    };
  } finally {
    clearInterval(sampler);
  }
}
