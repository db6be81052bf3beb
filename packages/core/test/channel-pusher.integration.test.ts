// The channel client over pusherTransport: real pusher-js clients against a Pusher-protocol server on 127.0.0.1
// (./pusher-server.ts) that checks channel signatures, dedupes presence members by user_id and relays client events.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Pusher from 'pusher-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../src/channel/client.js';
import type { ChannelMessage, ChannelSignal, RealtimeClient, RealtimeClientOptions } from '../src/channel/types.js';
import { RealtimeError } from '../src/errors.js';
import type { ServerFrame } from '../src/protocol/frames.js';
import { pusherTransport, type PusherTransport, type PusherTransportOptions } from '../src/hosted/pusher/index.js';
import { describeMessagingContract, type MessagingHarness } from './messaging-contract.js';
import { describePresenceContract, type PresenceHarness } from './presence-contract.js';
import { startPusherTestServer, type PusherTestServer, type PusherTestServerOptions } from './pusher-server.js';

const WAIT = { timeout: 10_000, interval: 5 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(options?: PusherTestServerOptions): Promise<PusherTestServer> {
  const server = await startPusherTestServer(options);
  cleanups.push(() => server.close());
  return server;
}

/** What a channel authorization endpoint answers: signed with the app secret, as the `pusher` package does. */
function authorize(server: PusherTestServer, socketId: string, channel: string, user?: { id: string; info?: unknown }) {
  const channelData =
    user === undefined || !channel.startsWith('presence-')
      ? undefined
      : JSON.stringify({ user_id: user.id, user_info: user.info });
  const signed = channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
  const auth = `${server.key}:${createHmac('sha256', server.secret).update(signed).digest('hex')}`;
  return channelData === undefined ? { auth } : { auth, channel_data: channelData };
}

interface ClientSetup {
  /** The presence user; default 'u-' + a counter. */
  user?: string;
  userInfo?: unknown;
  /** Answer with a wrong signature for these channels. */
  badSignature?: (channel: string) => boolean;
  transport?: PusherTransportOptions;
  client?: Partial<RealtimeClientOptions>;
  /** Use this channelAuthorization instead of the signing customHandler. */
  channelAuthorization?: { endpoint: string; transport: 'ajax' };
}

let users = 0;
function pusherFor(server: PusherTestServer, setup: ClientSetup = {}) {
  const user = setup.user ?? `u-${(users += 1)}`;
  const pusher = new Pusher(server.key, {
    ...server.clientOptions(),
    channelAuthorization: setup.channelAuthorization ?? {
      customHandler: ({ socketId, channelName }, callback) => {
        const answer = authorize(server, socketId, channelName, { id: user, info: setup.userInfo ?? { name: user } });
        callback(
          null,
          setup.badSignature?.(channelName) ? { ...answer, auth: `${server.key}:${'0'.repeat(64)}` } : answer,
        );
      },
    },
  });
  cleanups.push(() => pusher.disconnect());
  return { pusher, user };
}

function clientFor(server: PusherTestServer, setup: ClientSetup = {}) {
  const { pusher, user } = pusherFor(server, setup);
  const transport = pusherTransport(pusher, setup.transport);
  const errors: RealtimeError[] = [];
  const frames: ServerFrame[] = [];
  transport.onError((error) => errors.push(error));
  transport.onFrame((frame) => frames.push(frame));
  const client = createRealtimeClient({ ...setup.client, transport });
  client.onError((error) => errors.push(error));
  cleanups.push(() => client.close());
  return { client, transport, pusher, user, errors, frames };
}

function collect(client: RealtimeClient, channel: string) {
  const messages: ChannelMessage[] = [];
  client.channel(channel).subscribe('*', (message) => messages.push(message));
  return messages;
}

async function subscribed(client: RealtimeClient, channel: string) {
  await vi.waitFor(() => expect(client.channel(channel).getSnapshot().subscribed).toBe(true), WAIT);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pusherTransport + createRealtimeClient against a Pusher-protocol server', () => {
  it('maps the connection: connecting → open with a welcome carrying the socket id; close() → closed; send() only while open', async () => {
    const server = await startServer();
    const { pusher } = pusherFor(server);
    const transport: PusherTransport = pusherTransport(pusher, { userId: 'ada' });
    const frames: ServerFrame[] = [];
    transport.onFrame((frame) => frames.push(frame));
    const statuses: string[] = [transport.getSnapshot().status];
    transport.subscribe(() => statuses.push(transport.getSnapshot().status));
    expect(transport.kind).toBe('pusher');
    expect(transport.pusher).toBe(pusher);
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    expect(statuses).toEqual(['connecting', 'open']);
    expect(frames).toEqual([
      { type: 'welcome', v: 1, connectionId: pusher.connection.socket_id, heartbeatMs: 0, userId: 'ada' },
    ]);
    expect(server.socketIds()).toEqual([pusher.connection.socket_id]);
    expect(transport.send({ type: 'ping', t: 7 })).toBe(true);
    expect(frames.at(-1)).toEqual({ type: 'pong', t: 7 });

    transport.close();
    expect(transport.getSnapshot()).toMatchObject({ status: 'closed', error: null });
    expect(transport.send({ type: 'subscribe', channel: 'news' })).toBe(false);
    await vi.waitFor(() => expect(server.socketIds()).toEqual([]), WAIT);
  });

  it('takes a Pusher client that is already connected: open at once, and connect() sends the welcome', async () => {
    const server = await startServer();
    const { pusher } = pusherFor(server);
    await vi.waitFor(() => expect(pusher.connection.state).toBe('connected'), WAIT);
    const transport = pusherTransport(pusher);
    const frames: ServerFrame[] = [];
    transport.onFrame((frame) => frames.push(frame));
    expect(transport.getSnapshot().status).toBe('open');
    transport.connect();
    transport.connect();
    expect(frames).toEqual([{ type: 'welcome', v: 1, connectionId: pusher.connection.socket_id, heartbeatMs: 0 }]);
  });

  it('reports Pusher "unavailable" (no connection within unavailableTimeout) as reconnecting with a network error', async () => {
    const server = await startServer();
    const port = server.port;
    await server.close();
    const pusher = new Pusher(server.key, { ...server.clientOptions(), wsPort: port, unavailableTimeout: 100 });
    cleanups.push(() => pusher.disconnect());
    const transport = pusherTransport(pusher);
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('reconnecting'), WAIT);
    expect(transport.getSnapshot().error).toMatchObject({ code: 'network', retryable: true });
    expect(transport.send({ type: 'subscribe', channel: 'news' })).toBe(false);
    transport.close();
    expect(transport.getSnapshot()).toMatchObject({ status: 'closed', error: null });
  });

  it('closes with a typed error when Pusher refuses the app key, and does not retry', async () => {
    const server = await startServer();
    const pusher = new Pusher('wrong-key', server.clientOptions());
    cleanups.push(() => pusher.disconnect());
    const transport = pusherTransport(pusher);
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('closed'), WAIT);
    expect(transport.getSnapshot().error).toMatchObject({ name: 'RealtimeError', code: 'policy_violation' });
    expect(transport.getSnapshot().error?.message).toContain('4001');
  });

  it('subscribes to a public channel, and server-sent events arrive with their names, raw or in an envelope', async () => {
    const server = await startServer();
    const { client, errors } = clientFor(server);
    const received = collect(client, 'news');
    await subscribed(client, 'news');
    server.trigger('news', 'headline', { text: 'raw' });
    server.trigger('news', 'headline', { rk: 1, id: 'msg-1', at: 1234, data: { text: 'enveloped' } });
    server.trigger('news', 'pusher:internal-looking', { ignored: true });
    await vi.waitFor(() => expect(received).toHaveLength(2), WAIT);
    expect(received[0]).toMatchObject({ channel: 'news', seq: 1, event: 'headline', data: { text: 'raw' } });
    expect(received[0]!.id).toEqual(expect.any(String));
    expect(received[1]).toEqual({
      channel: 'news',
      id: 'msg-1',
      seq: 2,
      event: 'headline',
      data: { text: 'enveloped' },
      at: 1234,
    });
    expect(errors).toEqual([]);
  });

  it('refuses to publish on a public channel: Pusher allows client events only on authorized channels', async () => {
    const server = await startServer();
    const { client } = clientFor(server);
    collect(client, 'news');
    await subscribed(client, 'news');
    const error = await client
      .channel('news')
      .publish('chat', { text: 'hi' })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'forbidden' });
    expect((error as RealtimeError).message).toMatch(/publish from your server/i);
    expect(server.received.filter((message) => message.event.startsWith('client-'))).toEqual([]);
  });

  it('the server refuses a client event on a public channel (sent around the transport) and the transport reports it', async () => {
    const server = await startServer();
    const { client, pusher, errors } = clientFor(server);
    collect(client, 'news');
    await subscribed(client, 'news');
    const listener = clientFor(server);
    const heard = collect(listener.client, 'news');
    await subscribed(listener.client, 'news');
    pusher.channel('news').trigger('client-sneaky', { text: 'hi' });
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toContain('forbidden'), WAIT);
    await sleep(50);
    expect(heard).toEqual([]);
  });

  it('publishes on a private channel: the other client receives it, the publisher gets its echo and the ack with the same id', async () => {
    const server = await startServer();
    const alice = clientFor(server);
    const bob = clientFor(server);
    const aliceGot = collect(alice.client, 'private-room');
    const bobGot = collect(bob.client, 'private-room');
    await subscribed(alice.client, 'private-room');
    await subscribed(bob.client, 'private-room');

    const receipt = await bob.client.channel('private-room').publish('chat', { text: 'hi' }, { cid: 'cid-1' });
    expect(receipt).toEqual({ cid: 'cid-1', id: 'cid-1', seq: 1 });
    await vi.waitFor(() => expect(aliceGot).toHaveLength(1), WAIT);
    expect(aliceGot[0]).toMatchObject({
      channel: 'private-room',
      id: 'cid-1',
      cid: 'cid-1',
      seq: 1,
      event: 'chat',
      data: { text: 'hi' },
    });
    expect(bobGot).toEqual([
      expect.objectContaining({ id: 'cid-1', cid: 'cid-1', seq: 1, event: 'chat', data: { text: 'hi' } }),
    ]);
    expect(
      bob.frames.filter((frame) => frame.type === 'message' || frame.type === 'ack').map((frame) => frame.type),
    ).toEqual(['message', 'ack']);
    expect(server.received.find((message) => message.event === 'client-chat')).toMatchObject({
      channel: 'private-room',
      data: { rk: 1, id: 'cid-1', cid: 'cid-1', data: { text: 'hi' } },
    });

    const receipts = await Promise.all(
      [1, 2, 3].map((n) => alice.client.channel('private-room').publish('chat', { n })),
    );
    expect(receipts.map((r) => r.seq)).toEqual([2, 3, 4]);
    await vi.waitFor(() => expect(bobGot).toHaveLength(4), WAIT);
    expect(bobGot.map((m) => [m.seq, m.id])).toEqual([[1, 'cid-1'], ...receipts.map((r) => [r.seq, r.id])]);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('publishes before the channel is subscribed (the transport subscribes to send, then lets go)', async () => {
    const server = await startServer();
    const listener = clientFor(server);
    const heard = collect(listener.client, 'private-inbox');
    await subscribed(listener.client, 'private-inbox');
    const sender = clientFor(server);
    const receipt = await sender.client.channel('private-inbox').publish('note', { n: 1 });
    expect(receipt.seq).toBe(1);
    await vi.waitFor(() => expect(heard.map((m) => m.data)).toEqual([{ n: 1 }]), WAIT);
    await vi.waitFor(() => expect(server.channelsOf(sender.pusher.connection.socket_id)).toEqual([]), WAIT);
  });

  it('reports client events Pusher drops for its rate limit as rate_limited on the client', async () => {
    const server = await startServer({ clientEventsPerSecond: 3 });
    const sender = clientFor(server);
    const listener = clientFor(server);
    const heard = collect(listener.client, 'private-room');
    collect(sender.client, 'private-room');
    await subscribed(sender.client, 'private-room');
    await subscribed(listener.client, 'private-room');
    // A private channel: no presence announcements used up the budget, so 3 pass and 2 are dropped.
    await Promise.all([1, 2, 3, 4, 5].map((n) => sender.client.channel('private-room').publish('chat', n)));
    await vi.waitFor(() => expect(sender.errors.map((e) => e.code)).toEqual(['rate_limited', 'rate_limited']), WAIT);
    await vi.waitFor(() => expect(heard.map((m) => m.data)).toEqual([1, 2, 3]), WAIT);
    await sleep(50);
    expect(heard).toHaveLength(3);
  });

  it('refuses a publish larger than Pusher accepts, and the reserved event names', async () => {
    const server = await startServer();
    const { client } = clientFor(server);
    collect(client, 'private-room');
    await subscribed(client, 'private-room');
    await expect(client.channel('private-room').publish('big', 'x'.repeat(11_000))).rejects.toMatchObject({
      code: 'message_too_large',
    });
    await expect(client.channel('private-room').publish('rk-signal', {})).rejects.toMatchObject({
      code: 'invalid_payload',
    });
  });

  for (const style of ['subscription_error', 'error'] as const) {
    it(`a refused signature (Pusher answering with ${style === 'error' ? 'pusher:error' : 'pusher:subscription_error'}) reaches the channel's onError as unauthorized, and a later subscribe asks again`, async () => {
      const server = await startServer({ authErrorStyle: style });
      let bad = true;
      const { client, transport, frames } = clientFor(server, {
        badSignature: (channel) => bad && channel === 'private-secret',
      });
      const channelErrors: RealtimeError[] = [];
      client.channel('private-secret').onError((error) => channelErrors.push(error));
      const received = collect(client, 'private-secret');
      await vi.waitFor(() => expect(channelErrors).toHaveLength(1), WAIT);
      expect(channelErrors[0]).toMatchObject({ name: 'RealtimeError', code: 'unauthorized' });
      expect(channelErrors[0]!.message).toContain('private-secret');
      expect(frames).toContainEqual({
        type: 'error',
        channel: 'private-secret',
        error: expect.objectContaining({ code: 'unauthorized' }),
      });
      expect(client.channel('private-secret').getSnapshot().subscribed).toBe(false);

      // Fixed credentials: the next session subscribes again (pusher-js must not think it is still pending).
      bad = false;
      transport.reconnect();
      await subscribed(client, 'private-secret');
      server.trigger('private-secret', 'event', 1);
      await vi.waitFor(() => expect(received.map((m) => m.data)).toEqual([1]), WAIT);
    });
  }

  it('presence: a sync on subscribe, then enter, update and leave of other users, with the user id learned from Pusher', async () => {
    const server = await startServer();
    const alice = clientFor(server, { user: 'alice' });
    const room = alice.client.channel('presence-room');
    room.presence.subscribe(() => {});
    room.presence.enter({ name: 'Alice' });
    await subscribed(alice.client, 'presence-room');
    await vi.waitFor(
      () =>
        expect(room.presence.getSnapshot()).toEqual([
          { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'active' },
        ]),
      WAIT,
    );
    expect(alice.client.userId).toBe('alice');
    expect(alice.frames.filter((frame) => frame.type === 'welcome').at(-1)).toMatchObject({ userId: 'alice' });

    const bob = clientFor(server, { user: 'bob' });
    const bobRoom = bob.client.channel('presence-room');
    bobRoom.presence.subscribe(() => {});
    bobRoom.presence.enter({ name: 'Bob' });
    await vi.waitFor(() => {
      expect(room.presence.getSnapshot().find((m) => m.userId === 'bob')).toEqual({
        userId: 'bob',
        data: { name: 'Bob' },
        connections: 1,
        status: 'active',
      });
      expect(bobRoom.presence.getSnapshot().find((m) => m.userId === 'alice')).toMatchObject({
        data: { name: 'Alice' },
      });
    }, WAIT);
    bobRoom.presence.setStatus('away');
    await vi.waitFor(
      () =>
        expect(room.presence.getSnapshot().find((m) => m.userId === 'bob')).toMatchObject({
          data: { name: 'Bob' },
          status: 'away',
        }),
      WAIT,
    );

    bob.client.close();
    await vi.waitFor(
      () =>
        expect(alice.frames).toContainEqual(
          expect.objectContaining({
            type: 'presence',
            action: 'leave',
            member: expect.objectContaining({ userId: 'bob' }),
          }),
        ),
      WAIT,
    );
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('presence: one member per user across connections (Pusher dedupes by user_id), counted by the tabs that entered', async () => {
    const server = await startServer();
    const watcher = clientFor(server, { user: 'watcher', client: { presenceGraceMs: 0 } });
    const watched = watcher.client.channel('presence-room');
    watched.presence.subscribe(() => {});
    await subscribed(watcher.client, 'presence-room');
    const tabs = [clientFor(server, { user: 'alice' }), clientFor(server, { user: 'alice' })];
    for (const tab of tabs) tab.client.channel('presence-room').presence.enter({ name: 'Alice' });
    const alice = () => watched.presence.getSnapshot().find((m) => m.userId === 'alice');
    await vi.waitFor(
      () => expect(alice()).toEqual({ userId: 'alice', data: { name: 'Alice' }, connections: 2, status: 'active' }),
      WAIT,
    );
    expect(server.members('presence-room').get('alice')).toMatchObject({ connections: 2 });
    // The watcher never entered: it is on Pusher's list, but not a member.
    expect(watched.presence.getSnapshot().map((m) => m.userId)).toEqual(['alice']);
    await vi.waitFor(
      () =>
        expect(
          tabs[0]!.client
            .channel('presence-room')
            .presence.getSnapshot()
            .find((m) => m.userId === 'alice')?.connections,
        ).toBe(2),
      WAIT,
    );

    tabs[1]!.client.close();
    await vi.waitFor(() => expect(alice()?.connections).toBe(1), WAIT);
    tabs[0]!.client.close();
    await vi.waitFor(() => expect(alice()).toBeUndefined(), WAIT);
  });

  it('presence: a plain pusher-js member that never announces is listed with its user_info after a moment', async () => {
    const server = await startServer();
    const alice = clientFor(server, { user: 'alice' });
    const room = alice.client.channel('presence-room');
    room.presence.subscribe(() => {});
    room.presence.enter({ name: 'Alice' });
    await subscribed(alice.client, 'presence-room');
    const { pusher } = pusherFor(server, { user: 'legacy', userInfo: { name: 'Legacy' } });
    pusher.subscribe('presence-room');
    await vi.waitFor(
      () =>
        expect(room.presence.getSnapshot().find((m) => m.userId === 'legacy')).toEqual({
          userId: 'legacy',
          data: { name: 'Legacy' },
          connections: 1,
          status: 'active',
        }),
      WAIT,
    );
  });

  it('presence on a channel that is not presence- is refused with forbidden', async () => {
    const server = await startServer();
    const { client } = clientFor(server);
    const errors: RealtimeError[] = [];
    client.channel('private-room').onError((error) => errors.push(error));
    client.channel('private-room').presence.enter({});
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['forbidden']), WAIT);
  });

  it('signals reach the others (never the sender) with the sender user id; not on public channels', async () => {
    const server = await startServer();
    const alice = clientFor(server, { user: 'alice' });
    const bob = clientFor(server, { user: 'bob' });
    const aliceSignals: ChannelSignal[] = [];
    const bobSignals: ChannelSignal[] = [];
    alice.client.channel('presence-room').onSignal('*', (signal) => aliceSignals.push(signal));
    bob.client.channel('presence-room').onSignal('*', (signal) => bobSignals.push(signal));
    await subscribed(alice.client, 'presence-room');
    await subscribed(bob.client, 'presence-room');
    expect(alice.client.channel('presence-room').signal('typing', { on: true })).toBe(true);
    await vi.waitFor(
      () =>
        expect(bobSignals).toEqual([{ channel: 'presence-room', event: 'typing', data: { on: true }, from: 'alice' }]),
      WAIT,
    );

    // On a private channel Pusher adds no user_id: `from` is the user id the sender announced.
    const privateSignals: ChannelSignal[] = [];
    bob.client.channel('private-room').onSignal('*', (signal) => privateSignals.push(signal));
    alice.client.channel('private-room').onSignal('*', (signal) => aliceSignals.push(signal));
    await subscribed(alice.client, 'private-room');
    await subscribed(bob.client, 'private-room');
    alice.client.channel('private-room').signal('cursor', { x: 1 });
    await vi.waitFor(
      () =>
        expect(privateSignals).toEqual([{ channel: 'private-room', event: 'cursor', data: { x: 1 }, from: 'alice' }]),
      WAIT,
    );
    await sleep(50);
    expect(aliceSignals).toEqual([]);

    const errors: RealtimeError[] = [];
    alice.client.channel('news').onError((error) => errors.push(error));
    alice.client.channel('news').onSignal('*', () => {});
    await subscribed(alice.client, 'news');
    alice.client.channel('news').signal('typing', {});
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['forbidden']), WAIT);
  });

  it('a dropped connection: reconnecting, then open again, resubscribed (presence included), and the count goes on', async () => {
    const server = await startServer();
    const alice = clientFor(server, { user: 'alice' });
    const bob = clientFor(server, { user: 'bob' });
    const received = collect(alice.client, 'private-room');
    collect(bob.client, 'private-room');
    const room = alice.client.channel('presence-room');
    room.presence.subscribe(() => {});
    room.presence.enter({ name: 'Alice' });
    const bobRoom = bob.client.channel('presence-room');
    bobRoom.presence.subscribe(() => {});
    await subscribed(alice.client, 'private-room');
    await subscribed(bob.client, 'private-room');
    await vi.waitFor(() => expect(bobRoom.presence.getSnapshot().map((m) => m.userId)).toEqual(['alice']), WAIT);
    await bob.client.channel('private-room').publish('chat', 1);
    await vi.waitFor(() => expect(received).toHaveLength(1), WAIT);

    const statuses: string[] = [];
    alice.transport.subscribe(() => statuses.push(alice.transport.getSnapshot().status));
    const oldSocket = alice.pusher.connection.socket_id;
    server.drop(oldSocket);
    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('reconnecting'), WAIT);
    expect(alice.transport.getSnapshot().error).toMatchObject({ code: 'network', retryable: true });
    expect(alice.client.channel('private-room').getSnapshot().subscribed).toBe(false);
    await vi.waitFor(
      () => expect(alice.transport.getSnapshot()).toMatchObject({ status: 'open', error: null, attempt: 0 }),
      WAIT,
    );
    expect(statuses[0]).toBe('reconnecting');
    expect(alice.pusher.connection.socket_id).not.toBe(oldSocket);
    await subscribed(alice.client, 'private-room');
    // The presence channel needs its own auth round trip: it may follow the private one by a moment.
    await vi.waitFor(
      () =>
        expect(server.channelsOf(alice.pusher.connection.socket_id).sort()).toEqual(['presence-room', 'private-room']),
      WAIT,
    );

    await bob.client.channel('private-room').publish('chat', 2);
    await vi.waitFor(
      () =>
        expect(received.map((m) => [m.seq, m.data])).toEqual([
          [1, 1],
          [2, 2],
        ]),
      WAIT,
    );
    await vi.waitFor(
      () =>
        expect(bobRoom.presence.getSnapshot()).toEqual([
          { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'active' },
        ]),
      WAIT,
    );
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('publishes made while disconnected wait in the outbox and go out once the connection is back', async () => {
    const server = await startServer();
    const alice = clientFor(server);
    const bob = clientFor(server);
    const heard = collect(bob.client, 'private-room');
    collect(alice.client, 'private-room');
    await subscribed(alice.client, 'private-room');
    await subscribed(bob.client, 'private-room');
    server.drop(alice.pusher.connection.socket_id);
    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('reconnecting'), WAIT);
    const pending = alice.client.channel('private-room').publish('chat', 'while-down');
    expect(alice.client.channel('private-room').getSnapshot().pending).toBe(1);
    const receipt = await pending;
    expect(receipt.seq).toBe(1);
    await vi.waitFor(() => expect(heard.map((m) => m.data)).toEqual(['while-down']), WAIT);
  });

  it('bad frames from the server do not break the connection: they are dropped and reported', async () => {
    const server = await startServer();
    const { client, transport, errors } = clientFor(server, { user: 'alice' });
    const received = collect(client, 'presence-room');
    await subscribed(client, 'presence-room');
    const socketId = transport.pusher.connection.socket_id;
    server.sendRaw('this is not json', socketId);
    server.sendRaw(
      JSON.stringify({ event: 'client-rk-presence', channel: 'presence-room', data: '"garbage"', user_id: 'mallory' }),
      socketId,
    );
    server.sendRaw(
      JSON.stringify({
        event: 'client-rk-signal',
        channel: 'presence-room',
        data: JSON.stringify({ event: 42 }),
        user_id: 'mallory',
      }),
      socketId,
    );
    server.sendRaw(
      JSON.stringify({ event: 'client-rk-presence', channel: 'presence-room', data: JSON.stringify({ tab: 1 }) }),
      socketId,
    );
    server.sendRaw(JSON.stringify({ event: 'headline', channel: 'unknown-channel', data: '{}' }), socketId);
    server.sendRaw(
      JSON.stringify({
        event: 'headline',
        channel: 'presence-room',
        data: JSON.stringify({ rk: 1, id: 5, data: 'not an envelope' }),
      }),
      socketId,
    );
    server.sendRaw(JSON.stringify({ event: 'pusher:error', data: { code: 4200, message: 'odd' } }), socketId);
    server.sendRaw(
      JSON.stringify({
        event: 'pusher_internal:member_added',
        channel: 'presence-room',
        data: JSON.stringify({ user_id: 'ghost' }),
      }),
      socketId,
    );
    server.trigger('presence-room', 'headline', 'fine');
    await vi.waitFor(
      () => expect(received.map((m) => m.data)).toEqual([{ rk: 1, id: 5, data: 'not an envelope' }, 'fine']),
      WAIT,
    );
    expect(errors.map((error) => error.code).sort()).toEqual([
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'network',
    ]);
    expect(transport.getSnapshot().status).toBe('open');
  });

  it('asks the headers option for every channel authorization: a refreshed token is sent on the next subscribe; 401/403 map to unauthorized/forbidden', async () => {
    const server = await startServer();
    const seen: { channel: string; authorization: string | undefined }[] = [];
    const authServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += String(chunk)));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const channel = form.get('channel_name') ?? '';
        const socketId = form.get('socket_id') ?? '';
        seen.push({ channel, authorization: req.headers.authorization });
        if (req.headers.authorization === 'Bearer revoked') return void res.writeHead(403).end('{"error":"forbidden"}');
        if (req.headers.authorization !== 'Bearer one' && req.headers.authorization !== 'Bearer two')
          return void res.writeHead(401).end();
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(authorize(server, socketId, channel, { id: 'ada' })));
      });
    });
    await new Promise<void>((resolve) => authServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => authServer.close(() => resolve())));
    const endpoint = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}/auth`;
    let token = 'one';
    const { client } = clientFor(server, {
      channelAuthorization: { endpoint, transport: 'ajax' },
      transport: { headers: async () => ({ authorization: `Bearer ${token}` }) },
    });
    collect(client, 'private-a');
    await subscribed(client, 'private-a');
    token = 'two';
    collect(client, 'presence-b');
    await subscribed(client, 'presence-b');
    expect(seen).toEqual([
      { channel: 'private-a', authorization: 'Bearer one' },
      { channel: 'presence-b', authorization: 'Bearer two' },
    ]);

    const errorsC: RealtimeError[] = [];
    const errorsD: RealtimeError[] = [];
    token = 'nope';
    client.channel('private-c').onError((error) => errorsC.push(error));
    collect(client, 'private-c');
    await vi.waitFor(() => expect(errorsC.map((e) => e.code)).toEqual(['unauthorized']), WAIT);
    expect(errorsC[0]!.message).toContain('401');
    token = 'revoked';
    client.channel('private-d').onError((error) => errorsD.push(error));
    collect(client, 'private-d');
    await vi.waitFor(() => expect(errorsD.map((e) => e.code)).toEqual(['forbidden']), WAIT);
  });

  it('refuses the headers option together with a customHandler', async () => {
    const server = await startServer();
    const { pusher } = pusherFor(server);
    expect(() => pusherTransport(pusher, { headers: () => ({}) })).toThrow(/customHandler/);
  });
});

describePresenceContract(
  'Pusher (pusher-js against the Pusher-protocol test server)',
  async (): Promise<PresenceHarness> => {
    const server = await startPusherTestServer();
    const clients: RealtimeClient[] = [];
    const pushers: Pusher[] = [];
    return {
      channel: 'presence-room',
      async client(userId, options) {
        const pusher = new Pusher(server.key, {
          ...server.clientOptions(),
          channelAuthorization: {
            customHandler: ({ socketId, channelName }, callback) =>
              callback(null, authorize(server, socketId, channelName, { id: userId, info: { id: userId } })),
          },
        });
        pushers.push(pusher);
        const client = createRealtimeClient({ ...options, transport: pusherTransport(pusher) });
        clients.push(client);
        return client;
      },
      async close() {
        for (const client of clients.splice(0)) client.close();
        for (const pusher of pushers.splice(0)) pusher.disconnect();
        await server.close();
      },
    };
  },
);

describeMessagingContract(
  'Pusher (pusher-js against the Pusher-protocol test server)',
  async (): Promise<MessagingHarness> => {
    const server = await startPusherTestServer();
    const clients: RealtimeClient[] = [];
    const pushers: Pusher[] = [];
    let peers = 0;
    return {
      // Clients may publish (client events) only on private- and presence- channels.
      channel: (base) => `private-${base}`,
      // Pusher keeps no history: what was published while a connection was down never reaches it.
      capabilities: { missedWhileDown: 'lost' },
      async peer() {
        const user = `peer-${(peers += 1)}`;
        const pusher = new Pusher(server.key, {
          ...server.clientOptions(),
          channelAuthorization: {
            customHandler: ({ socketId, channelName }, callback) =>
              callback(null, authorize(server, socketId, channelName, { id: user })),
          },
        });
        pushers.push(pusher);
        const client = createRealtimeClient({ transport: pusherTransport(pusher) });
        clients.push(client);
        return {
          client,
          async drop() {
            const socketId = pusher.connection.socket_id;
            server.setAvailable(false);
            server.drop(socketId);
            await vi.waitFor(() => expect(server.socketIds()).not.toContain(socketId), WAIT);
            return () => server.setAvailable(true);
          },
        };
      },
      async close() {
        for (const client of clients.splice(0)) client.close();
        for (const pusher of pushers.splice(0)) pusher.disconnect();
        await server.close();
      },
    };
  },
);
