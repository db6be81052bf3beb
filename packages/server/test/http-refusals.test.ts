// Walks every refusal the server writes over HTTP — each endpoint and route handler, each way it refuses — and
// checks its status against core's one table: `httpStatusOf(code)`, or a precise status of the same row that clients
// act on the same way (`httpStatusVerdict`). The Socket.IO server refuses with `connect_error` and the WebSocket
// endpoint with close codes (see server-close-codes.ts), except an upgrade during shutdown: a bare 503, walked too.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import {
  createChannelHub,
  createMemoryBroker,
  httpStatusOf,
  httpStatusVerdict,
  type ChannelBroker,
  type HttpRefusalCode,
  type RealtimeErrorCode,
} from '@realtime-kit/core';
import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChannelEndpoint } from '../src/channel-endpoint/channel-endpoint.js';
import { createChannelKeyHandler } from '../src/encryption/channel-keys.js';
import { createHistoryPollEndpoint } from '../src/history-poll-endpoint.js';
import { PRECISE_STATUSES, type PreciseStatus } from '../src/http/refusal-response.js';
import { createOriginPolicy } from '../src/http/origin.js';
import { createRateLimiter, tooManyRequests } from '../src/limits/rate-limit.js';
import { createPusherAuthHandler } from '../src/pusher/auth-handler.js';
import { createRealtime } from '../src/realtime.js';
import { createMemoryStore } from '../src/key-value/memory-store.js';
import { createSSEEndpoint } from '../src/sse-endpoint/sse-endpoint.js';
import { createWebSocketEndpoint } from '../src/ws-endpoint.js';

/** One refusal as the server wrote it, and what it should be: its row in core's table, and what the body names. */
interface Walked {
  readonly name: string;
  readonly response: Response;
  readonly code: HttpRefusalCode;
  readonly named?: RealtimeErrorCode;
  readonly precise?: PreciseStatus;
}

const URL_BASE = 'https://app.test/api';
const GOOD_ORIGIN = 'https://app.test';
const EVIL = { origin: 'https://evil.test' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** The user named by `x-user`; `expired` and `throws` for the other answers of authenticate. */
function userFromHeader(request: Request) {
  const user = request.headers.get('x-user');
  if (user === 'expired') return { ok: false as const, error: { code: 'token_expired' as const, message: 'Expired.' } };
  if (user === 'throws') throw new Error('authenticate failed');
  return user === null ? null : { userId: user };
}

const checkOrigin = (origin: string | null) => origin === null || origin === GOOD_ORIGIN;
const quiet = () => {};

function get(path: string, headers: Record<string, string> = {}) {
  return new Request(`${URL_BASE}${path}`, { headers });
}

function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return new Request(`${URL_BASE}${path}`, { method: 'POST', headers, body });
}

/** The credentials refusals every authenticating handler answers the same way. */
async function credentialRefusals(
  prefix: string,
  send: (headers: Record<string, string>) => Promise<Response>,
): Promise<Walked[]> {
  return [
    { name: `${prefix}: no credentials`, response: await send({}), code: 'unauthorized' },
    { name: `${prefix}: an expired token`, response: await send({ 'x-user': 'expired' }), code: 'token_expired' },
    { name: `${prefix}: authenticate throws`, response: await send({ 'x-user': 'throws' }), code: 'server_error' },
  ];
}

async function walkHistoryPoll(): Promise<Walked[]> {
  const realtime = await createRealtime({
    redis: false,
    rateLimit: false,
    subscribeLimit: { perConnection: false, perUser: { capacity: 1, refillPerSecond: 0.001 } },
    authorizeChannel: () => false,
  });
  const endpoint = createHistoryPollEndpoint({ realtime, authenticate: userFromHeader, checkOrigin, onError: quiet });
  const ann = { 'x-user': 'ann' };
  const down = createHistoryPollEndpoint({
    hub: createChannelHub<ChannelBroker>({
      broker: { ...createMemoryBroker(), history: () => Promise.reject(new Error('down')) },
      onError: quiet,
    }),
  });
  const walked: Walked[] = [
    {
      name: 'history poll: origin',
      response: await endpoint.GET(get('/messages?channel=room', { ...ann, ...EVIL })),
      code: 'forbidden',
    },
    ...(await credentialRefusals('history poll', (headers) => endpoint.GET(get('/messages?channel=room', headers)))),
    { name: 'history poll: no channel', response: await endpoint.GET(get('/messages', ann)), code: 'bad_frame' },
    {
      name: 'history poll: a bad after',
      response: await endpoint.GET(get('/messages?channel=room&after=x', ann)),
      code: 'bad_frame',
    },
    // The hub names a refused channel `unauthorized`; this endpoint keeps that name, in the row of `forbidden`.
    {
      name: 'history poll: a channel authorize refuses',
      response: await endpoint.GET(get('/messages?channel=private-x', ann)),
      code: 'forbidden',
      named: 'unauthorized',
    },
    {
      name: 'history poll: the message store is down',
      response: await down.GET(get('/messages?channel=room&after=0')),
      code: 'unavailable',
    },
  ];
  await endpoint.GET(get('/messages?channel=room', { 'x-user': 'bob' }));
  walked.push({
    name: 'history poll: rate limited',
    response: await endpoint.GET(get('/messages?channel=room', { 'x-user': 'bob' })),
    code: 'rate_limited',
  });
  await realtime.close();
  return walked;
}

/** Reads the `welcome` frame at the start of a channel endpoint's event stream, leaving the stream open. */
async function welcomeOf(response: Response): Promise<{ session: string }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
  // Left open: the session lives as long as its stream.
  reader.releaseLock();
  return JSON.parse(/data: (.*)/.exec(text)![1]!) as { session: string };
}

async function walkChannelEndpoint(): Promise<Walked[]> {
  const endpoint = createChannelEndpoint({
    authenticate: userFromHeader,
    checkOrigin,
    heartbeatMs: false,
    maxBodyBytes: 2048,
    polling: { waitMs: 50, maxSessionsPerUser: 1 },
    onError: quiet,
  });
  const ann = { 'x-user': 'ann' };
  const frames = (session: string, body: BodyInit, headers: Record<string, string> = JSON_TYPE) =>
    endpoint.POST(post('/realtime', body, { ...ann, ...headers, 'x-realtime-session': session }));
  const stream = await welcomeOf(await endpoint.GET(get('/realtime', ann)));
  const [polling] = (await (await endpoint.GET(get('/realtime?transport=polling', ann))).json()) as {
    session: string;
  }[];
  const walked: Walked[] = [
    {
      name: 'channel endpoint: origin (GET)',
      response: await endpoint.GET(get('/realtime', { ...ann, ...EVIL })),
      code: 'forbidden',
    },
    {
      name: 'channel endpoint: origin (POST)',
      response: await endpoint.POST(post('/realtime', '{}', { ...ann, ...EVIL, ...JSON_TYPE })),
      code: 'forbidden',
    },
    ...(await credentialRefusals('channel endpoint', (headers) => endpoint.GET(get('/realtime', headers)))),
    {
      name: 'channel endpoint: a POST naming no session',
      response: await endpoint.POST(post('/realtime', '{}', { ...ann, ...JSON_TYPE })),
      code: 'session_gone',
    },
    {
      name: 'channel endpoint: a POST naming an unknown session',
      response: await frames(`${stream.session.split('.')[0]}.nope`, '{}'),
      code: 'session_gone',
    },
    {
      name: 'channel endpoint: a POST naming a malformed session',
      response: await frames('nope', '{}'),
      code: 'session_gone',
    },
    {
      name: 'channel endpoint: a POST that is not JSON',
      response: await frames(stream.session, '{}', { 'content-type': 'text/plain' }),
      code: 'bad_frame',
      precise: 'unsupported_media_type',
    },
    {
      name: 'channel endpoint: a POST too large',
      response: await frames(stream.session, JSON.stringify({ type: 'ping', pad: 'x'.repeat(3000) })),
      code: 'message_too_large',
    },
    {
      name: 'channel endpoint: a POST not UTF-8',
      response: await frames(stream.session, new Uint8Array([0xff, 0xfe])),
      code: 'bad_frame',
    },
    {
      name: 'channel endpoint: a POST not JSON inside',
      response: await frames(stream.session, '{not json'),
      code: 'bad_frame',
    },
    {
      name: 'channel endpoint: a POST of too many frames',
      response: await frames(stream.session, JSON.stringify(Array.from({ length: 101 }, () => ({ type: 'p' })))),
      code: 'bad_frame',
    },
    {
      name: 'channel endpoint: a POST of frames without a type',
      response: await frames(stream.session, '[1]'),
      code: 'bad_frame',
    },
    {
      name: 'channel endpoint: a poll naming an unknown session',
      response: await endpoint.GET(get(`/realtime?transport=polling&session=${stream.session}x`, ann)),
      code: 'session_gone',
    },
    {
      name: 'channel endpoint: a poll with a bad ack',
      response: await endpoint.GET(get(`/realtime?transport=polling&session=${polling!.session}&ack=-1`, ann)),
      code: 'bad_frame',
    },
    {
      name: 'channel endpoint: a poll of another user’s session',
      response: await endpoint.GET(get(`/realtime?transport=polling&session=${polling!.session}`, { 'x-user': 'eve' })),
      code: 'unauthorized',
    },
    {
      name: 'channel endpoint: a poll of a stream’s session',
      response: await endpoint.GET(get(`/realtime?transport=polling&session=${stream.session}`, ann)),
      code: 'session_gone',
    },
    {
      name: 'channel endpoint: too many polling sessions of a user',
      response: await endpoint.GET(get('/realtime?transport=polling', ann)),
      code: 'rate_limited',
    },
  ];
  const full = createChannelEndpoint({ polling: { waitMs: 50, maxSessions: 1 } });
  await full.GET(get('/realtime?transport=polling'));
  walked.push({
    name: 'channel endpoint: too many polling sessions',
    response: await full.GET(get('/realtime?transport=polling')),
    code: 'unavailable',
  });
  await Promise.all([endpoint.close(), full.close()]);
  walked.push({
    name: 'channel endpoint: shutting down',
    response: await endpoint.GET(get('/realtime', ann)),
    code: 'unavailable',
  });
  return walked;
}

async function walkSSEEndpoint(): Promise<Walked[]> {
  const realtime = await createRealtime({
    redis: false,
    rateLimit: { perConnection: false, perUser: { capacity: 1, refillPerSecond: 0.001 } },
    schemas: { chat: z.object({ text: z.string() }) },
    authorizeChannel: () => false,
    beforePublish: ({ event }) => (event === 'bid' ? { reject: 'Outbid' } : undefined),
  });
  const endpoint = createSSEEndpoint({
    realtime,
    authenticate: userFromHeader,
    checkOrigin,
    maxChannels: 2,
    maxBodyBytes: 1024,
    heartbeatMs: false,
    onError: quiet,
  });
  const ann = { 'x-user': 'ann' };
  // Each publish that reaches the rules is a user's own: the limit allows one each.
  const publish = (item: unknown, user = 'ann', headers: Record<string, string> = JSON_TYPE) =>
    endpoint.POST(post('/live', JSON.stringify(item), { 'x-user': user, ...headers }));
  const walked: Walked[] = [
    { name: 'SSE endpoint: no channels', response: await endpoint.GET(get('/live', ann)), code: 'bad_frame' },
    {
      name: 'SSE endpoint: too many channels',
      response: await endpoint.GET(get('/live?channels=a,b,c', ann)),
      code: 'bad_frame',
    },
    {
      name: 'SSE endpoint: a Last-Event-ID it did not send',
      response: await endpoint.GET(get('/live?channels=a', { ...ann, 'last-event-id': 'nope' })),
      code: 'bad_frame',
    },
    {
      name: 'SSE endpoint: origin (GET)',
      response: await endpoint.GET(get('/live?channels=a', { ...ann, ...EVIL })),
      code: 'forbidden',
    },
    {
      name: 'SSE endpoint: origin (preflight)',
      response: await endpoint.OPTIONS(new Request(`${URL_BASE}/live`, { method: 'OPTIONS', headers: EVIL })),
      code: 'forbidden',
    },
    ...(await credentialRefusals('SSE endpoint', (headers) => endpoint.GET(get('/live?channels=a', headers)))),
    {
      name: 'SSE endpoint: a POST that is not JSON',
      response: await publish({ channel: 'a', event: 'e', data: 1 }, 'ann', { 'content-type': 'text/plain' }),
      code: 'bad_frame',
      precise: 'unsupported_media_type',
    },
    {
      name: 'SSE endpoint: a POST too large',
      response: await publish({ channel: 'a', event: 'e', data: 'x'.repeat(2000) }),
      code: 'message_too_large',
    },
    { name: 'SSE endpoint: a malformed publish', response: await publish({ channel: 'a' }), code: 'bad_frame' },
    {
      name: 'SSE endpoint: data the schema refuses',
      response: await publish({ channel: 'a', event: 'chat', data: { text: 7 } }),
      code: 'bad_frame',
      named: 'invalid_payload',
      precise: 'unprocessable_content',
    },
    {
      name: 'SSE endpoint: a publish beforePublish rejects',
      response: await publish({ channel: 'a', event: 'bid', data: 1 }, 'bob'),
      code: 'bad_frame',
      named: 'rejected',
    },
    {
      name: 'SSE endpoint: a channel authorize refuses',
      response: await publish({ channel: 'private-a', event: 'e', data: 1 }, 'carol'),
      code: 'forbidden',
    },
  ];
  expect((await publish({ channel: 'a', event: 'e', data: 1 }, 'dave')).status).toBe(200);
  walked.push({
    name: 'SSE endpoint: rate limited',
    response: await publish({ channel: 'a', event: 'e', data: 1 }, 'dave'),
    code: 'rate_limited',
  });
  await endpoint.close();
  walked.push({
    name: 'SSE endpoint: shutting down',
    response: await endpoint.GET(get('/live?channels=a', ann)),
    code: 'unavailable',
  });
  await realtime.close();
  return walked;
}

async function walkPusherAuth(): Promise<Walked[]> {
  const pusher = new Pusher({ appId: '1', key: 'key', secret: 'secret', cluster: 'eu' });
  const handler = createPusherAuthHandler(pusher, {
    authenticate: userFromHeader,
    authorizeChannel: (_user, channel) => {
      if (channel === 'private-throws') throw new Error('authorize failed');
      return channel !== 'private-secret';
    },
    maxBodyBytes: 256,
    onError: quiet,
  });
  const form = (fields: Record<string, string>, headers: Record<string, string> = { 'x-user': 'ann' }) =>
    handler(
      post('/pusher/auth', new URLSearchParams(fields).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      }),
    );
  return [
    {
      name: 'Pusher auth: a GET',
      response: await handler(get('/pusher/auth')),
      code: 'bad_frame',
      named: 'http_error',
      precise: 'method_not_allowed',
    },
    ...(await credentialRefusals('Pusher auth', (headers) =>
      form({ socket_id: '1.2', channel_name: 'private-a' }, headers),
    )),
    {
      name: 'Pusher auth: a body too large',
      response: await form({ socket_id: '1.2', channel_name: 'private-a', pad: 'x'.repeat(500) }),
      code: 'message_too_large',
    },
    { name: 'Pusher auth: no socket id', response: await form({ channel_name: 'private-a' }), code: 'bad_frame' },
    { name: 'Pusher auth: no channel', response: await form({ socket_id: '1.2' }), code: 'bad_frame' },
    {
      name: 'Pusher auth: a public channel',
      response: await form({ socket_id: '1.2', channel_name: 'room' }),
      code: 'bad_frame',
    },
    {
      name: 'Pusher auth: a channel authorize refuses',
      response: await form({ socket_id: '1.2', channel_name: 'private-secret' }),
      code: 'forbidden',
    },
    {
      name: 'Pusher auth: authorize throws',
      response: await form({ socket_id: '1.2', channel_name: 'private-throws' }),
      code: 'server_error',
    },
  ];
}

async function walkChannelKeys(): Promise<Walked[]> {
  const handler = createChannelKeyHandler({
    masterKey: randomBytes(32).toString('base64'),
    authenticate: userFromHeader,
    authorizeChannel: (_user, channel) => {
      if (channel === 'private-encrypted-throws') throw new Error('authorize failed');
      return channel !== 'private-encrypted-secret';
    },
    maxBodyBytes: 256,
    onError: quiet,
  });
  const ask = (body: unknown, headers: Record<string, string> = { 'x-user': 'ann' }) =>
    handler(post('/keys', JSON.stringify(body), { ...JSON_TYPE, ...headers }));
  return [
    {
      name: 'channel keys: a GET',
      response: await handler(get('/keys')),
      code: 'bad_frame',
      named: 'http_error',
      precise: 'method_not_allowed',
    },
    ...(await credentialRefusals('channel keys', (headers) => ask({ channel: 'private-encrypted-a' }, headers))),
    {
      name: 'channel keys: a body too large',
      response: await ask({ channel: 'private-encrypted-a', pad: 'x'.repeat(500) }),
      code: 'message_too_large',
    },
    { name: 'channel keys: no channel', response: await ask({}), code: 'bad_frame' },
    {
      name: 'channel keys: a channel that is not encrypted',
      response: await ask({ channel: 'room' }),
      code: 'bad_frame',
    },
    {
      name: 'channel keys: a channel authorize refuses',
      response: await ask({ channel: 'private-encrypted-secret' }),
      code: 'forbidden',
    },
    {
      name: 'channel keys: authorize throws',
      response: await ask({ channel: 'private-encrypted-throws' }),
      code: 'server_error',
    },
  ];
}

async function walkHelpers(): Promise<Walked[]> {
  const origins = createOriginPolicy([GOOD_ORIGIN]);
  const limiter = createRateLimiter({ store: createMemoryStore(), perUser: { capacity: 1, refillPerSecond: 0.001 } });
  await limiter.check({ userId: 'ann' });
  const verdict = await limiter.check({ userId: 'ann' });
  if (verdict.ok) throw new Error('the limiter should refuse the second check');
  return [
    {
      name: 'origin policy: a preflight from another origin',
      response: origins.preflight(new Request(`${URL_BASE}/x`, { method: 'OPTIONS', headers: EVIL })),
      code: 'forbidden',
    },
    { name: 'origin policy: forbidden()', response: origins.forbidden(), code: 'forbidden' },
    { name: 'rate limit: tooManyRequests', response: tooManyRequests(verdict), code: 'rate_limited' },
  ];
}

/** The bare answer the WebSocket endpoint writes to an upgrade that arrives while it shuts down. */
async function walkUpgradeRefusal(): Promise<{ status: number; code: HttpRefusalCode }> {
  const endpoint = createWebSocketEndpoint({ pingIntervalMs: false });
  await endpoint.close();
  let written = '';
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  endpoint.handleUpgrade({ url: '/realtime', headers: {} } as IncomingMessage, socket, Buffer.alloc(0));
  await new Promise((resolve) => setImmediate(resolve));
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(written)?.[1]), code: 'unavailable' };
}

describe('every HTTP refusal has the status of core’s table', () => {
  it('walks the refusals of every endpoint and route handler', async () => {
    const walked = [
      ...(await walkHistoryPoll()),
      ...(await walkChannelEndpoint()),
      ...(await walkSSEEndpoint()),
      ...(await walkPusherAuth()),
      ...(await walkChannelKeys()),
      ...(await walkHelpers()),
    ];
    for (const { name, response, code, named, precise } of walked) {
      const status = precise === undefined ? httpStatusOf(code) : PRECISE_STATUSES[precise].status;
      expect(response.status, name).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code, name).toBe(named ?? code);
      if (precise !== undefined) {
        expect(PRECISE_STATUSES[precise].code, name).toBe(code);
        expect(httpStatusVerdict(response.status).action, name).toBe(httpStatusVerdict(httpStatusOf(code)).action);
      }
    }
    const upgrade = await walkUpgradeRefusal();
    expect(upgrade.status).toBe(httpStatusOf(upgrade.code));
    // Every row the server answers with is walked (too_many_channels is a frame error only: SSE streams refuse extra
    // channels as bad_frame before the hub counts them; not_found is never answered: a request naming no session or
    // an unknown one is session_gone, a method a handler does not take is a 405 in bad_frame's row).
    const rows = new Set([...walked.map((refusal) => refusal.code), upgrade.code]);
    const table: HttpRefusalCode[] = [
      'bad_frame',
      'unauthorized',
      'token_expired',
      'forbidden',
      'session_gone',
      'message_too_large',
      'rate_limited',
      'unavailable',
      'server_error',
    ];
    expect([...rows].sort()).toEqual([...table].sort());
  });
});
