// Rules of the hub that hold on every transport, attacked through each endpoint against real servers on 127.0.0.1:
// reserved `rk:` event names (a forged `rk:gap` would tell EventSource clients of createSSEEndpoint to refetch, a forged
// `rk:error` that their token expired), presence data past 8 KiB, a user opening polling session after polling
// session, a publisher claiming to be someone else (`from`), and a watch-only user publishing. Each attack gets its
// typed refusal, and a well-behaved client is served afterwards.
import type { HubMessage, PresenceMember } from '@realtime-kit/core';
import { DEFAULT_HUB_LIMITS, RESERVED_EVENT_PREFIX, type HubAction } from '@realtime-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_POLL_SESSIONS_PER_USER, type RealtimeOptions } from '../src/index.js';
import {
  errorsOf,
  ioClient,
  ioSocket,
  liveClient,
  livePublish,
  messagesOf,
  pollingClient,
  sseSessionClient,
  wsClient,
  type ProtocolClient,
} from './adversarial-clients.js';
import {
  cleanup,
  startStack,
  storedMessages,
  until,
  userFromHeader,
  userFromToken,
  type Stack,
} from './adversarial-stack.js';

afterEach(cleanup);

const RESERVED = ['rk:gap', 'rk:error', 'rk:presence'] as const;

async function everyCarrier(stack: Stack, user?: string): Promise<ProtocolClient[]> {
  const headers = user === undefined ? undefined : { 'x-user': user };
  return [
    await wsClient(stack, user),
    await sseSessionClient(stack, { headers }),
    await pollingClient(stack, { headers }),
    await ioClient(stack, user),
  ];
}

describe(`reserved "${RESERVED_EVENT_PREFIX}" event names`, () => {
  it('publishing rk:gap, rk:error or rk:presence is refused bad_frame on every transport; an EventSource never sees a forged rk: event', async () => {
    const stack = await startStack();
    const live = liveClient(stack, 'channels=room', ['chat', 'rk:subscribed', ...RESERVED]);
    await until(() => expect(live.of('rk:subscribed')).toHaveLength(1));
    const carriers = await everyCarrier(stack);
    const native = await ioSocket(stack);
    // What a forged rk:gap would carry: "refetch everything".
    const forged = { type: 'gap', channel: 'room', from: 1, to: 1_000_000 };
    const reserved = { code: 'bad_frame', message: expect.stringContaining(`"${RESERVED_EVENT_PREFIX}" are reserved`) };
    for (const event of RESERVED) {
      for (const carrier of carriers)
        await carrier.send({ type: 'publish', channel: 'room', event, data: forged, cid: `${carrier.name}-${event}` });
      expect(
        await native.timeout(5000).emitWithAck('publish', { channel: 'room', event, data: forged }),
        event,
      ).toEqual({ ok: false, error: reserved });
      const posted = await livePublish(stack, { channel: 'room', event, data: forged });
      expect(posted.status, event).toBe(400);
      expect(posted.body).toEqual({
        error: { code: 'bad_frame', message: expect.stringContaining(`"${RESERVED_EVENT_PREFIX}" are reserved`) },
      });
    }
    await until(() => {
      for (const carrier of carriers) {
        expect(errorsOf(carrier), carrier.name).toEqual(
          RESERVED.map((event) => ({
            type: 'nack',
            channel: 'room',
            cid: `${carrier.name}-${event}`,
            error: reserved,
          })),
        );
      }
    });

    // A line break in an event name cannot start an `event: rk:…` line of its own either.
    const smuggler = carriers[0]!;
    await smuggler.send({
      type: 'publish',
      channel: 'room',
      event: 'chat\nevent: rk:gap',
      data: forged,
      cid: 'smuggled-lf',
    });
    await smuggler.send({
      type: 'publish',
      channel: 'room',
      event: 'chat\r\nevent: rk:error',
      data: forged,
      cid: 'smuggled-crlf',
    });
    await until(() =>
      expect(errorsOf(smuggler).length + smuggler.frames.filter((frame) => frame.type === 'ack').length).toBe(
        RESERVED.length + 2,
      ),
    );

    // A well-behaved publish reaches the EventSource; nothing reserved was stored or dispatched to it.
    await carriers[1]!.send({ type: 'publish', channel: 'room', event: 'chat', data: { text: 'hello' }, cid: 'good' });
    await until(() => expect(live.of('chat').map((event) => event.data.data)).toContainEqual({ text: 'hello' }));
    expect(storedMessages(stack, 'room').filter((message) => message.event.startsWith(RESERVED_EVENT_PREFIX))).toEqual(
      [],
    );
    expect(live.of('rk:gap')).toEqual([]);
    expect(live.of('rk:error')).toEqual([]);
    // The only rk:presence is the endpoint's own (the sync of the subscribe).
    expect(live.of('rk:presence').map((event) => event.data)).toEqual([
      { type: 'presence', channel: 'room', action: 'sync', members: [] },
    ]);
    const dispatched = new Set(live.seen);
    expect(dispatched).toContain('chat');
    expect([...dispatched].filter((type) => type.startsWith(RESERVED_EVENT_PREFIX)).sort()).toEqual([
      'rk:presence',
      'rk:subscribed',
    ]);
    for (const carrier of carriers) expect(carrier.closed(), carrier.name).toBe(false);
  });
});

describe(`presence data is limited to ${DEFAULT_HUB_LIMITS.maxPresenceDataBytes} bytes`, () => {
  it('8,193 bytes of JSON are refused message_too_large on every carrier; 8,192 are accepted', async () => {
    const stack = await startStack();
    const watcher = await wsClient(stack);
    await watcher.send({ type: 'subscribe', channel: 'room' });
    await until(() =>
      expect(watcher.frames).toContainEqual(expect.objectContaining({ type: 'subscribed', channel: 'room' })),
    );
    const limit = DEFAULT_HUB_LIMITS.maxPresenceDataBytes;
    // A JSON string's size is its length plus its two quotes.
    const over = 'x'.repeat(limit - 1);
    const atLimit = 'x'.repeat(limit - 2);
    expect(JSON.stringify(over).length).toBe(limit + 1);
    const tooLarge = { code: 'message_too_large', message: expect.stringContaining(`limited to ${limit} bytes`) };
    const carriers = await everyCarrier(stack);
    for (const carrier of carriers)
      await carrier.send({ type: 'presence', channel: 'room', action: 'enter', data: over });
    await until(() => {
      for (const carrier of carriers)
        expect(errorsOf(carrier), carrier.name).toEqual([{ type: 'error', channel: 'room', error: tooLarge }]);
    });
    const native = await ioSocket(stack);
    expect(
      await native.timeout(5000).emitWithAck('presence', { channel: 'room', action: 'enter', data: over }),
    ).toEqual({ ok: false, error: tooLarge });
    expect(stack.realtime.hub.presence('room')).toEqual([]);

    // An update past the limit after a valid enter: refused, the member keeps its data.
    const [first] = carriers as [ProtocolClient];
    await first.send({ type: 'presence', channel: 'room', action: 'enter', data: atLimit });
    await until(() => expect(stack.realtime.hub.presence('room')).toHaveLength(1));
    await first.send({ type: 'presence', channel: 'room', action: 'update', data: `${over}y` });
    await until(() => expect(errorsOf(first)).toHaveLength(2));
    expect(errorsOf(first)[1]).toEqual({ type: 'error', channel: 'room', error: tooLarge });
    expect(stack.realtime.hub.presence('room').map((member) => (member.data as string).length)).toEqual([
      atLimit.length,
    ]);
    await until(() =>
      expect(watcher.frames.filter((frame) => frame.type === 'presence' && frame.action !== 'sync')).toHaveLength(1),
    );
    for (const carrier of carriers) expect(carrier.closed(), carrier.name).toBe(false);
  });
});

describe(`long polling sessions per user are capped (polling.maxSessionsPerUser, default ${DEFAULT_MAX_POLL_SESSIONS_PER_USER})`, () => {
  it('the 21st polling session of one user gets 429 rate_limited with Retry-After; other users are served; expired sessions free their slots', async () => {
    const sessionTimeoutMs = 1500;
    const stack = await startStack({ authenticateRequest: userFromHeader, polling: { sessionTimeoutMs } });
    const open = (user: string) =>
      fetch(`${stack.base}/api/realtime?transport=polling`, { headers: { 'x-user': user } });
    const opened = await Promise.all(Array.from({ length: DEFAULT_MAX_POLL_SESSIONS_PER_USER }, () => open('mallory')));
    expect(opened.map((response) => response.status)).toEqual(
      Array.from({ length: DEFAULT_MAX_POLL_SESSIONS_PER_USER }, () => 200),
    );
    const sessionsBefore = stack.realtime.hub.sessions;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const refused = await open('mallory');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({
        error: {
          code: 'rate_limited',
          message: expect.stringContaining(`At most ${DEFAULT_MAX_POLL_SESSIONS_PER_USER} polling sessions per user`),
        },
      });
    }
    // The refusals held nothing.
    expect(stack.realtime.hub.sessions).toBe(sessionsBefore);

    // Another user is served, end to end.
    const ann = await pollingClient(stack, { headers: { 'x-user': 'ann' } });
    await ann.send(
      { type: 'subscribe', channel: 'room' },
      { type: 'publish', channel: 'room', event: 'chat', data: 'hi', cid: 'hi' },
    );
    await until(() =>
      expect(messagesOf(ann, 'room')).toEqual([expect.objectContaining({ seq: 1, data: 'hi', from: 'ann' })]),
    );

    // Mallory's sessions, never polled, expire: her slots come back.
    await until(() =>
      expect(stack.realtime.hub.sessions).toBe(sessionsBefore - DEFAULT_MAX_POLL_SESSIONS_PER_USER + 1),
    );
    expect((await open('mallory')).status).toBe(200);
  });
});

describe('every stored message carries from = the publisher, as the server knows them', () => {
  it('on every transport, whatever "from" the publisher claims; beforePublish sees user.userId; server publishes carry none', async () => {
    const seen: (string | undefined)[] = [];
    const realtime: RealtimeOptions = {
      beforePublish: ({ user }) => {
        seen.push(user.userId);
      },
    };
    const stack = await startStack({ realtime, authenticateToken: userFromToken, authenticateRequest: userFromHeader });
    const watcher = await wsClient(stack, 'watcher');
    await watcher.send({ type: 'subscribe', channel: 'room' });
    await until(() =>
      expect(watcher.frames).toContainEqual(expect.objectContaining({ type: 'subscribed', channel: 'room' })),
    );
    const users = ['ann', 'bob', 'carol', 'dave'];
    const publishers = [
      await wsClient(stack, 'ann'),
      await sseSessionClient(stack, { headers: { 'x-user': 'bob' } }),
      await pollingClient(stack, { headers: { 'x-user': 'carol' } }),
      await ioClient(stack, 'dave'),
    ];
    for (const [index, publisher] of publishers.entries()) {
      // A forged `from` in the frame is not a field of the protocol: the server stamps its own.
      await publisher.send(
        JSON.stringify({
          type: 'publish',
          channel: 'room',
          event: 'chat',
          data: users[index],
          cid: `c-${index}`,
          from: 'admin',
        }),
      );
      await until(() =>
        expect(publisher.frames).toContainEqual(expect.objectContaining({ type: 'ack', cid: `c-${index}` })),
      );
    }
    const erin = await ioSocket(stack, 'erin');
    expect(
      await erin
        .timeout(5000)
        .emitWithAck('publish', { channel: 'room', event: 'chat', data: 'erin', from: 'admin' } as never),
    ).toMatchObject({ ok: true });
    expect(
      await livePublish(stack, { channel: 'room', event: 'chat', data: 'frank', from: 'admin' }, '', {
        'x-user': 'frank',
      }),
    ).toMatchObject({ status: 200 });
    await stack.realtime.publish('room', 'chat', 'server');

    const expected = [...users, 'erin', 'frank'];
    const fromOf = (messages: readonly HubMessage[]) => messages.map((message) => [message.data, message.from]);
    const stamped = [...expected.map((user) => [user, user]), ['server', undefined]];
    await until(() => expect(fromOf(messagesOf(watcher, 'room'))).toEqual(stamped));
    expect(fromOf(storedMessages(stack, 'room'))).toEqual(stamped);
    expect(fromOf((await stack.realtime.history('room')).messages)).toEqual(stamped);
    expect(seen).toEqual(expected);
  });
});

describe('authorizeChannel(user, channel, action) can allow subscribe and refuse publish', () => {
  it('a watch-only user receives private-feed but is refused unauthorized for publish, presence and signal on every transport', async () => {
    const asked: [string | undefined, string, HubAction][] = [];
    const realtime: RealtimeOptions = {
      authorizeChannel: ({ userId }, channel, action) => {
        asked.push([userId, channel, action]);
        return channel === 'private-feed' && (userId === 'editor' || action === 'subscribe');
      },
    };
    const stack = await startStack({ realtime, authenticateToken: userFromToken, authenticateRequest: userFromHeader });
    const viewers = await everyCarrier(stack, 'viewer');
    for (const viewer of viewers) {
      await viewer.send(
        { type: 'subscribe', channel: 'private-feed' },
        { type: 'publish', channel: 'private-feed', event: 'post', data: 'forged', cid: `${viewer.name}-post` },
        { type: 'presence', channel: 'private-feed', action: 'enter', data: {} },
        { type: 'signal', channel: 'private-feed', event: 'cursor', data: 1 },
      );
    }
    const unauthorized = { code: 'unauthorized', message: expect.stringContaining('private-feed') };
    await until(() => {
      for (const viewer of viewers) {
        expect(viewer.frames, viewer.name).toContainEqual(
          expect.objectContaining({ type: 'subscribed', channel: 'private-feed' }),
        );
        expect(errorsOf(viewer), viewer.name).toEqual([
          { type: 'nack', channel: 'private-feed', cid: `${viewer.name}-post`, error: unauthorized },
          { type: 'error', channel: 'private-feed', error: unauthorized },
          { type: 'error', channel: 'private-feed', error: unauthorized },
        ]);
      }
    });
    const native = await ioSocket(stack, 'viewer');
    expect(await native.timeout(5000).emitWithAck('join', 'private-feed')).toMatchObject({ ok: true });
    expect(
      await native.timeout(5000).emitWithAck('publish', { channel: 'private-feed', event: 'post', data: 'forged' }),
    ).toEqual({ ok: false, error: unauthorized });
    const live = liveClient(stack, 'channels=private-feed', ['post', 'rk:subscribed', 'rk:error'], {
      'x-user': 'viewer',
    });
    await until(() => expect(live.of('rk:subscribed')).toHaveLength(1));
    const posted = await livePublish(stack, { channel: 'private-feed', event: 'post', data: 'forged' }, '', {
      'x-user': 'viewer',
    });
    expect(posted).toEqual({
      status: 403,
      body: { error: { code: 'forbidden', message: expect.stringContaining('private-feed') } },
    });

    // The editor publishes; every watch-only subscriber receives it; nothing forged was stored.
    const editor = await wsClient(stack, 'editor');
    await editor.send({ type: 'publish', channel: 'private-feed', event: 'post', data: 'news', cid: 'news' });
    await until(() => {
      for (const viewer of viewers)
        expect(
          messagesOf(viewer, 'private-feed').map((message) => message.data),
          viewer.name,
        ).toEqual(['news']);
      expect(live.of('post').map((event) => event.data.data)).toEqual(['news']);
    });
    expect(live.of('rk:error')).toEqual([]);
    expect(storedMessages(stack, 'private-feed').map((message) => [message.data, message.from])).toEqual([
      ['news', 'editor'],
    ]);
    expect(stack.realtime.hub.presence('private-feed') as PresenceMember[]).toEqual([]);
    const viewerActions = new Set(asked.filter(([user]) => user === 'viewer').map(([, , action]) => action));
    expect(viewerActions).toEqual(new Set(['subscribe', 'publish', 'presence', 'signal']));
  });
});
