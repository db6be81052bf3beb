// Sessions and credentials must not be borrowed or stretched. The attacks, against real servers on 127.0.0.1:
// - an anonymous session of createChannelEndpoint (SSE + POST, long polling) is reached with what other clients can see
//   of it (its presence id, its signals' and messages' `from`) or with a guessed `connectionId`: only the secret
//   `welcome.session` token may drive it;
// - a stream token issued for `chat:1` is used for other channels, including a `private-` one its user may read, on
//   every endpoint: each is refused `forbidden`, for subscribe and publish.
import { afterEach, describe, expect, it } from 'vitest';
import {
  errorsOf,
  ioClient,
  ioSocket,
  liveClient,
  livePublish,
  messagesOf,
  pollingClient,
  pollMessages,
  postFrames,
  sseSessionClient,
  wsClient,
  type ProtocolClient,
} from './adversarial-clients.js';
import { cleanup, startStack, storedMessages, until, userFromHeader, type Stack } from './adversarial-stack.js';

afterEach(cleanup);

describe('anonymous sessions of createChannelEndpoint cannot be borrowed', () => {
  it('others see an anonymous id of its own in presence, signals and messages: never its connectionId or session token', async () => {
    const stack = await startStack();
    const observers = [
      await sseSessionClient(stack),
      await pollingClient(stack),
      await wsClient(stack),
      await ioClient(stack),
    ];
    for (const observer of observers) await observer.send({ type: 'subscribe', channel: 'room' });
    await until(() => {
      for (const observer of observers)
        expect(observer.frames, observer.name).toContainEqual(
          expect.objectContaining({ type: 'subscribed', channel: 'room' }),
        );
    });
    const victims = [await sseSessionClient(stack), await pollingClient(stack)];
    for (const [index, victim] of victims.entries()) {
      await victim.send(
        { type: 'subscribe', channel: 'room' },
        { type: 'presence', channel: 'room', action: 'enter', data: { name: `victim ${index}` } },
        { type: 'signal', channel: 'room', event: 'cursor', data: { index } },
        { type: 'publish', channel: 'room', event: 'chat', data: { index }, cid: `victim-${index}` },
      );
    }
    await until(() => {
      for (const observer of observers) {
        expect(messagesOf(observer, 'room'), observer.name).toHaveLength(2);
        expect(
          observer.frames.filter((frame) => frame.type === 'signal'),
          observer.name,
        ).toHaveLength(2);
        expect(
          observer.frames.filter((frame) => frame.type === 'presence' && frame.action === 'enter'),
          observer.name,
        ).toHaveLength(2);
      }
    });

    for (const [index, victim] of victims.entries()) {
      const { connectionId, session } = victim.welcome;
      expect(connectionId).toEqual(expect.any(String));
      expect(session).toMatch(/^[^.]+\.[^.]+$/);
      const secret = session!.split('.')[1]!;
      for (const observer of observers) {
        // One identity per victim, the same in messages, signals and presence: an anonymous id, not the session's.
        const message = messagesOf(observer, 'room').find((frame) => frame.cid === `victim-${index}`);
        const key = message?.from;
        expect(key, observer.name).toMatch(/^anon-[0-9a-f]{16}$/);
        expect(observer.frames).toContainEqual({
          type: 'signal',
          channel: 'room',
          event: 'cursor',
          data: { index },
          from: key,
        });
        expect(observer.frames).toContainEqual({
          type: 'presence',
          channel: 'room',
          action: 'enter',
          member: { userId: key, data: { name: `victim ${index}` }, connections: 1, status: 'active' },
        });
        // Nothing any observer received mentions the victim's session.
        const everything = JSON.stringify(observer.frames.slice(1));
        for (const leaked of [connectionId, session!, secret])
          expect(everything.includes(leaked), `${observer.name} saw ${leaked}`).toBe(false);
      }
      expect(stack.realtime.hub.presence('room').map((member) => member.userId)).not.toContain(connectionId);
    }
  });

  it('POSTs and polls naming a session by connectionId (its own or another) or by its public id get 410 session_gone; only the secret token works', async () => {
    const stack = await startStack();
    const sseVictim = await sseSessionClient(stack);
    const pollVictim = await pollingClient(stack);
    const attacker = await sseSessionClient(stack);
    const watcher = await wsClient(stack);
    await watcher.send({ type: 'subscribe', channel: 'room' });
    for (const victim of [sseVictim, pollVictim]) {
      await victim.send(
        { type: 'subscribe', channel: 'room' },
        { type: 'presence', channel: 'room', action: 'enter', data: {} },
      );
    }
    await until(() => expect(stack.realtime.hub.presence('room')).toHaveLength(2));
    const publicIds = stack.realtime.hub.presence('room').map((member) => member.userId);
    const instance = attacker.welcome.session!.split('.')[0]!;

    const names = [
      attacker.welcome.connectionId,
      ...[sseVictim, pollVictim].flatMap((victim) => [
        victim.welcome.connectionId,
        `${instance}.${victim.welcome.connectionId}`,
      ]),
      ...publicIds.flatMap((id) => [id, `${instance}.${id}`]),
    ];
    const notFound = { error: { code: 'session_gone', message: expect.any(String) } };
    for (const [n, name] of names.entries()) {
      const forged = { type: 'publish', channel: 'room', event: 'chat', data: 'forged', cid: `forged-${n}` };
      const byHeader = await postFrames(stack, name, forged);
      expect(byHeader.status, name).toBe(410);
      expect(await byHeader.json()).toEqual(notFound);
      const byQuery = await fetch(`${stack.base}/api/realtime?session=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(forged),
      });
      expect(byQuery.status, name).toBe(410);
      const polled = await fetch(`${stack.base}/api/realtime?transport=polling&session=${encodeURIComponent(name)}`);
      expect(polled.status, name).toBe(410);
      expect(await polled.json()).toEqual(notFound);
    }
    // Nothing reached a session: no forged message stored, no answer on any victim's carrier.
    expect(storedMessages(stack, 'room')).toEqual([]);
    for (const client of [sseVictim, pollVictim, attacker]) {
      expect(
        client.frames.filter((frame) => frame.type === 'ack' || frame.type === 'nack'),
        client.name,
      ).toEqual([]);
      expect(client.closed(), client.name).toBe(false);
    }

    // The secret token is what names a session: a frame POSTed with it is the victim's.
    for (const [index, victim] of [sseVictim, pollVictim].entries()) {
      await victim.send({ type: 'publish', channel: 'room', event: 'chat', data: 'mine', cid: `own-${index}` });
      await until(() =>
        expect(victim.frames).toContainEqual(expect.objectContaining({ type: 'ack', cid: `own-${index}` })),
      );
    }
    await until(() => expect(messagesOf(watcher, 'room').map((message) => message.cid)).toEqual(['own-0', 'own-1']));
  });
});

describe("a stream token's channels are enforced on every endpoint", () => {
  /**
   * ann may read `private-ann` (authorizeChannel) and everything public; her stream token is issued for `chat:1` only.
   * Token-carrying endpoints redeem `?token=` / `auth.token`; HTTP requests without a token are ann by `x-user`.
   */
  async function scopedStack() {
    const holder: { stack?: Stack } = {};
    const redeem = (token: string | null) => holder.stack!.realtime.streamTokens.redeem(token);
    const stack = await startStack({
      realtime: { authorizeChannel: ({ userId }, channel) => channel === `private-${String(userId)}` },
      authenticateToken: redeem,
      authenticateRequest: (request) => {
        const token = new URL(request.url).searchParams.get('token');
        return token === null ? userFromHeader(request) : redeem(token);
      },
    });
    holder.stack = stack;
    const scoped = () => stack.realtime.streamTokens.issue({ userId: 'ann', channels: ['chat:1'] });
    const unscoped = () => stack.realtime.streamTokens.issue({ userId: 'ann' });
    return { stack, scoped, unscoped };
  }

  const OTHERS = ['chat:2', 'private-ann'];
  const forbidden = (channel: string) => ({ code: 'forbidden', message: expect.stringContaining(`"${channel}"`) });

  /** Subscribes and publishes to chat:1 and every other channel; expects chat:1 served, the others refused forbidden. */
  async function attempt(client: ProtocolClient) {
    for (const channel of ['chat:1', ...OTHERS]) {
      await client.send(
        { type: 'subscribe', channel },
        { type: 'publish', channel, event: 'chat', data: `to ${channel}`, cid: `${client.name}-${channel}` },
        { type: 'presence', channel, action: 'enter', data: {} },
        { type: 'signal', channel, event: 'cursor', data: 1 },
      );
    }
    await until(() => {
      expect(client.frames, client.name).toContainEqual(
        expect.objectContaining({ type: 'subscribed', channel: 'chat:1' }),
      );
      expect(client.frames, client.name).toContainEqual(
        expect.objectContaining({ type: 'ack', cid: `${client.name}-chat:1` }),
      );
      expect(errorsOf(client), client.name).toEqual(
        OTHERS.flatMap((channel) => [
          { type: 'error', channel, error: forbidden(channel) },
          { type: 'nack', channel, cid: `${client.name}-${channel}`, error: forbidden(channel) },
          { type: 'error', channel, error: forbidden(channel) },
          { type: 'error', channel, error: forbidden(channel) },
        ]),
      );
    });
    expect(
      client.frames
        .filter((frame) => frame.type === 'subscribed')
        .map((frame) => (frame as { channel: string }).channel),
      client.name,
    ).toEqual(['chat:1']);
  }

  /** After the attempts: only chat:1 got a message; the others hold nothing from ann. */
  async function nothingElseStored(stack: Stack, count: number) {
    expect(storedMessages(stack, 'chat:1')).toHaveLength(count);
    for (const channel of OTHERS) expect(storedMessages(stack, channel), channel).toEqual([]);
    for (const channel of OTHERS) expect(stack.realtime.hub.presence(channel), channel).toEqual([]);
  }

  it('the WebSocket endpoint, the channel endpoint (SSE + POST, long polling) and Socket.io refuse the other channels forbidden', async () => {
    const { stack, scoped, unscoped } = await scopedStack();
    const ann = { 'x-user': 'ann' };
    const clients = [
      await wsClient(stack, await scoped()),
      await sseSessionClient(stack, { query: `token=${await scoped()}`, headers: ann }),
      await pollingClient(stack, { query: `token=${await scoped()}`, headers: ann }),
      await ioClient(stack, await scoped()),
    ];
    for (const client of clients) expect(client.welcome.userId, client.name).toBe('ann');
    for (const client of clients) await attempt(client);
    await nothingElseStored(stack, clients.length);

    // Socket.io's native API too.
    const native = await ioSocket(stack, await scoped());
    expect(await native.timeout(5000).emitWithAck('join', 'chat:1')).toMatchObject({ ok: true });
    for (const channel of OTHERS) {
      expect(await native.timeout(5000).emitWithAck('join', channel), channel).toEqual({
        ok: false,
        error: forbidden(channel),
      });
      expect(await native.timeout(5000).emitWithAck('publish', { channel, event: 'chat', data: 'x' }), channel).toEqual(
        { ok: false, error: forbidden(channel) },
      );
    }
    await nothingElseStored(stack, clients.length);

    // The refusals are the token's, not authorizeChannel's: ann's unscoped credentials open private-ann.
    const unlimited = await wsClient(stack, await unscoped());
    await unlimited.send(
      { type: 'subscribe', channel: 'private-ann' },
      { type: 'publish', channel: 'private-ann', event: 'chat', data: 'mine', cid: 'mine' },
    );
    await until(() => expect(messagesOf(unlimited, 'private-ann').map((message) => message.data)).toEqual(['mine']));
    // The scoped subscribers never got it.
    for (const client of clients) expect(messagesOf(client, 'private-ann'), client.name).toEqual([]);
  });

  it('createSSEEndpoint (EventSource and POST) and the poll handler refuse the other channels forbidden', async () => {
    const { stack, scoped, unscoped } = await scopedStack();
    const live = liveClient(stack, `channels=chat:1,chat:2,private-ann&token=${await scoped()}`, [
      'chat',
      'rk:subscribed',
      'rk:error',
    ]);
    await until(() => {
      expect(live.of('rk:subscribed').map((event) => event.data.channel)).toEqual(['chat:1']);
      expect(live.of('rk:error').map((event) => event.data)).toEqual(
        OTHERS.map((channel) => ({ type: 'error', channel, error: forbidden(channel) })),
      );
    });
    for (const channel of OTHERS) {
      expect(
        await livePublish(stack, { channel, event: 'chat', data: 'x' }, `token=${await scoped()}`),
        channel,
      ).toEqual({
        status: 403,
        body: { error: forbidden(channel) },
      });
      expect(await pollMessages(stack, `channel=${channel}&after=0&token=${await scoped()}`), channel).toEqual({
        status: 403,
        body: { error: forbidden(channel) },
      });
    }
    expect(
      await livePublish(stack, { channel: 'chat:1', event: 'chat', data: 'ok' }, `token=${await scoped()}`),
    ).toMatchObject({ status: 200 });
    expect((await pollMessages(stack, `channel=chat:1&after=0&token=${await scoped()}`)).status).toBe(200);
    expect((await pollMessages(stack, `channel=private-ann&after=0&token=${await unscoped()}`)).status).toBe(200);

    // Messages of the other channels never reach the scoped stream; chat:1's do.
    for (const channel of OTHERS) await stack.realtime.publish(channel, 'chat', `secret of ${channel}`);
    await stack.realtime.publish('chat:1', 'chat', 'public');
    await until(() => expect(live.of('chat').map((event) => event.data.data)).toEqual(['ok', 'public']));
    expect(
      live.received.filter((event) => OTHERS.includes(String(event.data.channel)) && event.type !== 'rk:error'),
    ).toEqual([]);
  });

  it("createSSEEndpoint: a refused channel's head and epoch never reach the stream in its resume ids", async () => {
    const { stack, scoped, unscoped } = await scopedStack();
    // The channels ann may not read on these credentials hold messages: their count is not hers to learn.
    for (const channel of [...OTHERS, 'private-bob'])
      for (let n = 0; n < 7; n += 1) await stack.realtime.publish(channel, 'chat', n);
    const attempts = [
      // Refused by the token's scope.
      { query: `channels=chat:1,chat:2,private-ann&token=${await scoped()}`, refused: OTHERS },
      // Refused by authorizeChannel.
      { query: `channels=chat:1,private-bob&token=${await unscoped()}`, refused: ['private-bob'] },
    ];
    const leaks: string[] = [];
    for (const { query, refused } of attempts) {
      const live = liveClient(stack, query, ['chat', 'rk:subscribed', 'rk:error']);
      await until(() => {
        expect(live.of('rk:subscribed').map((event) => event.data.channel)).toEqual(['chat:1']);
        expect(live.of('rk:error').map((event) => event.data.channel)).toEqual(refused);
      });
      await stack.realtime.publish('chat:1', 'chat', query);
      await until(() => expect(live.of('chat').map((event) => event.data.data)).toContain(query));
      const ids = live.received.map((event) => event.lastEventId).filter((id) => id !== '');
      expect(ids.length).toBeGreaterThanOrEqual(2);
      for (const id of ids) {
        const named = decodeURIComponent(id)
          .split(';')
          .map((part) => part.slice(0, part.lastIndexOf(':')));
        if (named.some((channel) => refused.includes(channel))) leaks.push(decodeURIComponent(id));
      }
      live.source.close();
    }
    expect(leaks, 'resume ids naming a refused channel').toEqual([]);
  });
});
