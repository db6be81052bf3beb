import { createChannelHub, createMemoryBroker, type ChannelBroker } from '@realtime-kit/core';
import { describe, expect, it, vi } from 'vitest';
import {
  createPollHandler,
  DEFAULT_POLL_MAX_MESSAGES,
  type PollAnswer,
  type PollHandlerOptions,
} from './history-poll-endpoint.js';
import { createRealtime } from './realtime.js';

type Hub = ReturnType<typeof createChannelHub<ChannelBroker>>;

function hubWith(count: number, options: { logSize?: number; channel?: string } = {}): Hub {
  const hub = createChannelHub<ChannelBroker>({ logSize: options.logSize });
  for (let n = 1; n <= count; n++)
    hub.publish(options.channel ?? 'room:1', 'chat', { n }, n === 2 ? { cid: 'c-2' } : undefined);
  return hub;
}

async function poll(handler: ReturnType<typeof createPollHandler>, query: string, init?: RequestInit) {
  const response = await handler.GET(new Request(`http://localhost/api/messages?${query}`, init));
  const body = (await response.json()) as PollAnswer & { error?: { code: string; message: string } };
  return { status: response.status, headers: response.headers, body };
}

const seqs = (answer: PollAnswer) => answer.messages.map((message) => message.seq);

/** Every answer names the epoch of the log its `seq` counts in. */
const EPOCH = expect.stringMatching(/^[0-9a-f]{12}$/);

describe('createPollHandler', () => {
  it('answers the messages after `after`, as the replay of a subscription, and closes its hub session', async () => {
    const hub = hubWith(5);
    const handler = createPollHandler({ hub });
    const { status, headers, body } = await poll(handler, 'channel=room:1&after=1');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ channel: 'room:1', messages: expect.any(Array), seq: 5, epoch: EPOCH });
    expect(seqs(body)).toEqual([2, 3, 4, 5]);
    const stored = (hub.broker as ReturnType<typeof createMemoryBroker>).messages('room:1');
    expect(body.messages[0]).toEqual({
      id: stored[1]!.id,
      seq: 2,
      event: 'chat',
      data: { n: 2 },
      cid: 'c-2',
      at: stored[1]!.at,
    });
    expect(body.messages[1]).not.toHaveProperty('cid');
    expect(hub.sessions).toBe(0);
    expect((await poll(handler, 'channel=room:1&after=5')).body).toEqual({
      channel: 'room:1',
      messages: [],
      seq: 5,
      epoch: EPOCH,
    });
  });

  it('without `after`, answers only the head: the starting point', async () => {
    const handler = createPollHandler({ hub: hubWith(3) });
    expect((await poll(handler, 'channel=room:1')).body).toEqual({
      channel: 'room:1',
      messages: [],
      seq: 3,
      epoch: EPOCH,
    });
    expect((await poll(handler, 'channel=empty')).body).toEqual({
      channel: 'empty',
      messages: [],
      seq: 0,
      epoch: EPOCH,
    });
  });

  it('says `gap` for what the log no longer holds', async () => {
    const handler = createPollHandler({ hub: hubWith(6, { logSize: 3 }) });
    const { body } = await poll(handler, 'channel=room:1&after=1');
    expect(body.gap).toEqual({ from: 2, to: 3 });
    expect(seqs(body)).toEqual([4, 5, 6]);
    expect(body.seq).toBe(6);

    const nothingKept = createPollHandler({ hub: hubWith(4, { logSize: 0 }) });
    expect((await poll(nothingKept, 'channel=room:1&after=2')).body).toEqual({
      channel: 'room:1',
      messages: [],
      seq: 4,
      gap: { from: 3, to: 4 },
      epoch: EPOCH,
    });
  });

  it('caps an answer at maxMessages and says `more`, so the client pages with the new seq', async () => {
    const handler = createPollHandler({ hub: hubWith(5), maxMessages: 2 });
    const pages: PollAnswer[] = [];
    let after = 0;
    for (;;) {
      const { body } = await poll(handler, `channel=room:1&after=${after}`);
      pages.push(body);
      after = body.seq;
      if (!body.more) break;
    }
    expect(pages.map(seqs)).toEqual([[1, 2], [3, 4], [5]]);
    expect(pages.map((page) => [page.seq, page.more])).toEqual([
      [2, true],
      [4, true],
      [5, undefined],
    ]);
    expect(DEFAULT_POLL_MAX_MESSAGES).toBe(500);
    expect(() => createPollHandler({ maxMessages: 0 })).toThrow(RangeError);
  });

  it('keeps a gap in the page that reaches it', async () => {
    const handler = createPollHandler({ hub: hubWith(6, { logSize: 3 }), maxMessages: 2 });
    const first = (await poll(handler, 'channel=room:1&after=0')).body;
    expect(first).toMatchObject({ gap: { from: 1, to: 3 }, seq: 5, more: true });
    expect(seqs(first)).toEqual([4, 5]);
    const second = (await poll(handler, `channel=room:1&after=${first.seq}`)).body;
    expect(second).toEqual({
      channel: 'room:1',
      messages: [expect.objectContaining({ seq: 6 })],
      seq: 6,
      epoch: EPOCH,
    });
  });

  it('refuses a channel the hub does not authorize with 403 and the hub’s code', async () => {
    const realtime = await createRealtime({
      redis: false,
      rateLimit: false,
      authorizeChannel: ({ userId }, channel) => channel === `private-user-${userId}`,
    });
    await realtime.publish('private-user-ann', 'note', { text: 'hi' });
    const handler = createPollHandler({
      realtime,
      authenticate: (request) => ({ userId: request.headers.get('x-user') ?? 'nobody' }),
    });
    const ann = await poll(handler, 'channel=private-user-ann&after=0', { headers: { 'x-user': 'ann' } });
    expect(ann.status).toBe(200);
    expect(seqs(ann.body)).toEqual([1]);
    const bob = await poll(handler, 'channel=private-user-ann&after=0', { headers: { 'x-user': 'bob' } });
    expect(bob.status).toBe(403);
    expect(bob.body.error?.code).toBe('unauthorized');
    expect(bob.body).not.toHaveProperty('messages');
    await realtime.close();
  });

  it('refuses a bad `after` or a missing channel with 400 bad_frame', async () => {
    const handler = createPollHandler({ hub: hubWith(1) });
    for (const after of ['-1', '1.5', 'abc', '', '1e3', '99999999999999999999']) {
      const { status, body } = await poll(handler, `channel=room:1&after=${after}`);
      expect(status, after).toBe(400);
      expect(body.error?.code).toBe('bad_frame');
    }
    const missing = await poll(handler, 'after=1');
    expect(missing.status).toBe(400);
    expect(missing.body.error?.code).toBe('bad_frame');
  });

  it('refuses unauthenticated requests (401 with the typed code) and other origins (403)', async () => {
    const onEvent = vi.fn();
    const onError = vi.fn();
    const authenticate: PollHandlerOptions['authenticate'] = (request) => {
      const token = request.headers.get('authorization');
      if (token === 'Bearer good') return { userId: 'ann' };
      if (token === 'Bearer old') return { ok: false, error: { code: 'token_expired', message: 'Expired.' } };
      if (token === 'Bearer boom') throw new Error('verifier down');
      return null;
    };
    const handler = createPollHandler({
      hub: hubWith(1),
      authenticate,
      checkOrigin: (origin) => origin !== 'https://evil.example',
      onEvent,
      onError,
    });
    const none = await poll(handler, 'channel=room:1&after=0');
    expect([none.status, none.body.error?.code]).toEqual([401, 'unauthorized']);
    const expired = await poll(handler, 'channel=room:1&after=0', { headers: { authorization: 'Bearer old' } });
    expect([expired.status, expired.body.error?.code]).toEqual([401, 'token_expired']);
    const broken = await poll(handler, 'channel=room:1&after=0', { headers: { authorization: 'Bearer boom' } });
    expect([broken.status, broken.body.error?.code]).toEqual([500, 'server_error']);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'verifier down' }));
    const origin = await poll(handler, 'channel=room:1&after=0', {
      headers: { authorization: 'Bearer good', origin: 'https://evil.example' },
    });
    expect([origin.status, origin.body.error?.code]).toEqual([403, 'forbidden']);
    expect(onEvent.mock.calls.map(([event]) => [event.type, event.transport, event.code])).toEqual([
      ['auth_failure', 'http', 'unauthorized'],
      ['auth_failure', 'http', 'token_expired'],
      ['auth_failure', 'http', 'forbidden'],
    ]);
    const good = await poll(handler, 'channel=room:1&after=0', { headers: { authorization: 'Bearer good' } });
    expect(good.status).toBe(200);
    expect(seqs(good.body)).toEqual([1]);
  });

  it('answers 429 rate_limited with Retry-After when the hub’s rate limit refuses the poll', async () => {
    // A poll is a subscribe: it spends the subscribe budget (separate from the publish budget).
    const realtime = await createRealtime({
      redis: false,
      rateLimit: false,
      subscribeLimit: { perConnection: false, perUser: { capacity: 1, refillPerSecond: 0.1 } },
    });
    const handler = createPollHandler({ realtime, authenticate: () => ({ userId: 'ann' }) });
    expect((await poll(handler, 'channel=room:1')).status).toBe(200);
    const limited = await poll(handler, 'channel=room:1');
    expect([limited.status, limited.body.error?.code]).toEqual([429, 'rate_limited']);
    expect(limited.body.error?.message).toMatch(/retry in \d+ ms/);
    // 1 token per 10 s: the next one is at most 10 s away.
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    await realtime.close();
  });

  it('answers 503 unavailable when the message store fails', async () => {
    const memory = createMemoryBroker();
    const broker: ChannelBroker = {
      ...memory,
      history: () => Promise.reject(new Error('store down')),
    };
    const onError = vi.fn();
    const hub = createChannelHub<ChannelBroker>({ broker, onError });
    const { status, body } = await poll(createPollHandler({ hub }), 'channel=room:1&after=0');
    expect([status, body.error?.code]).toEqual([503, 'unavailable']);
    expect(hub.sessions).toBe(0);
  });

  it('reads the hub of `realtime`, and waits for an asynchronous broker', async () => {
    const memory = createMemoryBroker();
    const slow: ChannelBroker = {
      ...memory,
      history: async (channel, after) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return memory.history(channel, after);
      },
    };
    const realtime = await createRealtime({ redis: false, rateLimit: false, broker: slow });
    for (let n = 1; n <= 3; n++) await realtime.publish('room:1', 'chat', { n });
    const { body } = await poll(createPollHandler({ realtime }), 'channel=room:1&after=1');
    expect(seqs(body)).toEqual([2, 3]);
    expect(body.seq).toBe(3);
    await realtime.close();
  });
});
