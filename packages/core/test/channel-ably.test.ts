// The channel client over ablyTransport. Ably's realtime protocol is not practical to serve locally, so Ably is
// tested at its SDK boundary: the transport runs against `FakeRealtime` clients (test/fake-ably.ts) that implement
// ably v2's own declared types and share one in-memory fake Ably service, with Ably's error codes, connection
// recovery (resumed / not resumed), history, idempotent publishing, presence and token auth through authCallback.
import type * as Ably from 'ably';
import { ErrorInfo } from 'ably';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../src/channel/client.js';
import type {
  ChannelGap,
  ChannelMessage,
  ChannelSignal,
  RealtimeClient,
  RealtimeClientOptions,
} from '../src/channel/types.js';
import { RealtimeError } from '../src/errors.js';
import type { ServerFrame } from '../src/protocol/frames.js';
import {
  ablyTransport,
  mapAblyError,
  type AblyRealtimeLike,
  type AblyTransport,
  type AblyTransportOptions,
} from '../src/hosted/ably/index.js';
import { FakeAblyService, type FakeRealtime } from './fake-ably.js';
import { describeMessagingContract, type MessagingHarness } from './messaging-contract.js';
import { describePresenceContract, type PresenceHarness } from './presence-contract.js';

const WAIT = { timeout: 5_000, interval: 5 };

// Compile-time: ably's real client is what ablyTransport accepts (the fake's types are ably's own Picks).
export function acceptsAblyRealtime(realtime: Ably.Realtime): AblyRealtimeLike {
  return realtime;
}

const services: FakeAblyService[] = [];
const clients: RealtimeClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const service of services.splice(0)) service.closeAll();
});

function newService(options?: ConstructorParameters<typeof FakeAblyService>[0]) {
  const service = new FakeAblyService(options);
  services.push(service);
  return service;
}

type TokenSource = (service: FakeAblyService) => Ably.TokenDetails | Ably.TokenRequest | string;

function realtimeFor(
  service: FakeAblyService,
  userId: string,
  options: { token?: TokenSource; echoMessages?: boolean } = {},
) {
  return service.realtime({
    autoConnect: false,
    ...(options.echoMessages === undefined ? {} : { echoMessages: options.echoMessages }),
    authCallback: (_params, callback) => {
      try {
        callback(null, options.token ? options.token(service) : service.issueToken({ clientId: userId }));
      } catch (error) {
        callback(error as ErrorInfo, null);
      }
    },
  });
}

interface Peer {
  readonly ably: FakeRealtime;
  readonly transport: AblyTransport;
  readonly client: RealtimeClient;
  readonly frames: ServerFrame[];
  readonly errors: RealtimeError[];
}

function peer(
  service: FakeAblyService,
  userId: string,
  options: {
    token?: TokenSource;
    echoMessages?: boolean;
    transport?: AblyTransportOptions;
    client?: Partial<RealtimeClientOptions>;
  } = {},
): Peer {
  const ably = realtimeFor(service, userId, options);
  const transport = ablyTransport(ably, options.transport);
  const frames: ServerFrame[] = [];
  transport.onFrame((frame) => frames.push(frame));
  const client = createRealtimeClient({ ...options.client, transport });
  clients.push(client);
  const errors: RealtimeError[] = [];
  client.onError((error) => errors.push(error));
  return { ably, transport, client, frames, errors };
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

describe('ablyTransport: connection', () => {
  it('is a Transport of kind "ably": connecting → open with a welcome carrying the Ably connection id and clientId; closes', async () => {
    const service = newService();
    const ably = realtimeFor(service, 'alice');
    const transport = ablyTransport(ably);
    const statuses: string[] = [];
    const frames: ServerFrame[] = [];
    transport.subscribe(() => statuses.push(transport.getSnapshot().status));
    transport.onFrame((frame) => frames.push(frame));
    expect(transport.kind).toBe('ably');
    expect(transport.ably).toBe(ably);
    expect(transport.getSnapshot().status).toBe('idle');
    expect(transport.send({ type: 'subscribe', channel: 'room' })).toBe(false);

    transport.connect();
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    expect(statuses).toEqual(['connecting', 'open']);
    expect(frames).toEqual([
      { type: 'welcome', v: 1, connectionId: ably.connection.id, heartbeatMs: 0, userId: 'alice' },
    ]);
    expect(ably.connection.id).toMatch(/^fake-conn-/);
    expect(ably.authCalls).toBe(1);

    transport.close();
    expect(transport.getSnapshot()).toMatchObject({ status: 'closed', error: null });
    await vi.waitFor(() => expect(ably.connection.state).toBe('closed'), WAIT);
    expect(transport.getSnapshot()).toMatchObject({ status: 'closed', error: null });
    expect(transport.send({ type: 'ping', t: 1 })).toBe(false);
  });

  it('works with an Ably client that is already connected (autoConnect): open at once, the client learns its userId', async () => {
    const service = newService();
    const ably = service.realtime({
      authCallback: (_params, callback) => callback(null, service.issueToken({ clientId: 'alice' })),
    });
    await vi.waitFor(() => expect(ably.connection.state).toBe('connected'), WAIT);
    const transport = ablyTransport(ably);
    expect(transport.getSnapshot().status).toBe('open');
    const client = createRealtimeClient({ transport });
    clients.push(client);
    const got = collect(client, 'room');
    await subscribed(client, 'room');
    expect(client.userId).toBe('alice');
    await client.channel('room').publish('message', 'hi');
    await vi.waitFor(() => expect(got.map((message) => message.data)).toEqual(['hi']), WAIT);
  });

  it('maps disconnected to reconnecting (network, retryInMs from Ably) and back to open, with a new welcome', async () => {
    const service = newService({ retryInMs: 30 });
    const { ably, transport, frames } = peer(service, 'alice');
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    const id = ably.connection.id;
    ably.drop('disconnected');
    expect(transport.getSnapshot()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 30 });
    expect(transport.getSnapshot().error).toMatchObject({ name: 'RealtimeError', code: 'network', retryable: true });
    expect(transport.send({ type: 'ping', t: 1 })).toBe(false);
    ably.restore();
    await vi.waitFor(
      () => expect(transport.getSnapshot()).toMatchObject({ status: 'open', error: null, attempt: 0 }),
      WAIT,
    );
    // Within the continuity window Ably resumes the same connection.
    expect(ably.connection.id).toBe(id);
    expect(frames.filter((frame) => frame.type === 'welcome')).toHaveLength(2);
  });

  it('reconnect() drops the Ably connection and opens a new one', async () => {
    const service = newService();
    const { ably, transport } = peer(service, 'alice');
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    const first = ably.connection.id;
    const statuses: string[] = [];
    transport.subscribe(() => statuses.push(transport.getSnapshot().status));
    transport.reconnect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    expect(ably.connection.id).not.toBe(first);
    expect(statuses).toEqual(['connecting', 'open']);
  });

  it('puts auth failures in the connection state as typed errors', async () => {
    const service = newService({ retryInMs: 20 });

    // The service does not know the token (40101): Ably fails the connection, no retry.
    const unknown = peer(service, 'mallory', { token: () => 'forged-token' });
    unknown.transport.connect();
    await vi.waitFor(() => expect(unknown.transport.getSnapshot().status).toBe('closed'), WAIT);
    expect(unknown.transport.getSnapshot().error).toMatchObject({
      name: 'RealtimeError',
      code: 'unauthorized',
      retryable: false,
      status: 401,
    });
    expect((unknown.transport.getSnapshot().error?.cause as ErrorInfo).code).toBe(40101);

    // Every token the authCallback returns has expired (40142): Ably renews once, then stays disconnected and retries.
    const expired = peer(service, 'bob', { token: (s) => s.issueToken({ clientId: 'bob', ttlMs: -1 }) });
    expired.transport.connect();
    await vi.waitFor(() => expect(expired.transport.getSnapshot().error?.code).toBe('token_expired'), WAIT);
    expect(expired.transport.getSnapshot()).toMatchObject({ status: 'reconnecting' });
    expect(expired.transport.getSnapshot().error?.retryable).toBe(true);
    expect(expired.ably.authCalls).toBeGreaterThanOrEqual(2);

    // The authCallback itself fails (80019 wrapping 40170): unauthorized while Ably retries.
    const failing = peer(service, 'carol', {
      token: () => {
        throw new ErrorInfo('auth server down', 40170, 401);
      },
    });
    failing.transport.connect();
    await vi.waitFor(
      () =>
        expect(failing.transport.getSnapshot()).toMatchObject({
          status: 'reconnecting',
          error: { code: 'unauthorized' },
        }),
      WAIT,
    );

    // The authCallback answers 403: Ably fails the connection for good.
    const refused = peer(service, 'dave', {
      token: () => {
        throw new ErrorInfo('not allowed', 40300, 403);
      },
    });
    refused.transport.connect();
    await vi.waitFor(
      () => expect(refused.transport.getSnapshot()).toMatchObject({ status: 'closed', error: { code: 'forbidden' } }),
      WAIT,
    );

    // A valid token afterwards: reconnect() recovers from `failed`.
    let valid = false;
    const later = peer(service, 'erin', { token: (s) => (valid ? s.issueToken({ clientId: 'erin' }) : 'forged') });
    later.transport.connect();
    await vi.waitFor(
      () => expect(later.transport.getSnapshot()).toMatchObject({ status: 'closed', error: { code: 'unauthorized' } }),
      WAIT,
    );
    valid = true;
    later.transport.reconnect();
    await vi.waitFor(() => expect(later.transport.getSnapshot()).toMatchObject({ status: 'open', error: null }), WAIT);
  });

  it('maps Ably error codes onto RealtimeError codes', () => {
    const cases: [number, number, string][] = [
      [40142, 401, 'token_expired'],
      [40101, 401, 'unauthorized'],
      [40140, 401, 'unauthorized'],
      [40160, 401, 'forbidden'],
      [40161, 401, 'forbidden'],
      [40300, 403, 'forbidden'],
      [42910, 429, 'rate_limited'],
      [42911, 429, 'rate_limited'],
      [40009, 400, 'message_too_large'],
      [40000, 400, 'invalid_payload'],
      [50000, 500, 'server_error'],
      [80003, 503, 'network'],
      [90001, 400, 'unavailable'],
    ];
    for (const [code, status, expected] of cases)
      expect([code, mapAblyError(new ErrorInfo('x', code, status), 'server_error')]).toEqual([code, expected]);
    expect(
      mapAblyError(new ErrorInfo('provider failed', 80019, 401, new ErrorInfo('expired', 40142, 401)), 'network'),
    ).toBe('token_expired');
    expect(mapAblyError(new ErrorInfo('provider failed', 80019, 403), 'network')).toBe('forbidden');
    expect(mapAblyError({ statusCode: 429 }, 'network')).toBe('rate_limited');
    expect(mapAblyError('boom', 'unavailable')).toBe('unavailable');
  });
});

describe('ablyTransport + createRealtimeClient: channels', () => {
  it('subscribes: presence sync, then subscribed with the channel position', async () => {
    const service = newService();
    const alice = peer(service, 'alice');
    collect(alice.client, 'room');
    await subscribed(alice.client, 'room');
    expect(alice.frames.map((frame) => frame.type)).toEqual(['welcome', 'presence', 'subscribed']);
    expect(alice.frames[1]).toEqual({ type: 'presence', channel: 'room', action: 'sync', members: [] });
    expect(alice.frames[2]).toEqual({ type: 'subscribed', channel: 'room', seq: 0 });
    expect(alice.ably.channels.get('room').state).toBe('attached');
  });

  it("delivers publishes between two clients in order; acks carry Ably's message id; the echo reaches the publisher once", async () => {
    const service = newService();
    const alice = peer(service, 'alice');
    const bob = peer(service, 'bob');
    const aliceGot = collect(alice.client, 'room');
    const bobGot = collect(bob.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');

    const receipts = await Promise.all([1, 2, 3].map((n) => alice.client.channel('room').publish('message', { n })));
    await vi.waitFor(() => expect(bobGot).toHaveLength(3), WAIT);
    await sleep(30);
    const stored = service.stored('room');
    expect(stored.map((message) => message.id)).toEqual(receipts.map((receipt) => receipt.cid));
    expect(receipts.map((receipt) => receipt.id)).toEqual(stored.map((message) => message.id));
    expect(receipts.map((receipt) => receipt.seq)).toEqual([1, 2, 3]);
    expect(bobGot.map((message) => [message.seq, message.id, message.event, message.data, message.cid])).toEqual(
      receipts.map((receipt, i) => [i + 1, receipt.id, 'message', { n: i + 1 }, receipt.cid]),
    );
    expect(bobGot.map((message) => message.at)).toEqual(stored.map((message) => message.timestamp));
    // The publisher sees its own messages once each (Ably echoes; the transport does not add its own copy).
    expect(aliceGot.map((message) => message.id)).toEqual(receipts.map((receipt) => receipt.id));
    expect(alice.frames.filter((frame) => frame.type === 'message')).toHaveLength(3);
    expect(alice.frames.filter((frame) => frame.type === 'ack')).toHaveLength(3);

    // A re-publish with the same cid is stored once (Ably's idempotent publishing by message id).
    const again = await alice.client.channel('room').publish('message', { n: 1 }, { cid: receipts[0]!.cid });
    expect(again.id).toBe(receipts[0]!.id);
    const direct = alice.ably.channels.get('room').publish({ id: receipts[1]!.cid, name: 'message', data: 'dup' });
    await direct;
    await sleep(30);
    expect(service.stored('room')).toHaveLength(3);
    expect(bobGot).toHaveLength(3);

    // Something published by a server SDK (no envelope) arrives with Ably's id and timestamp and no cid.
    const raw = service.publishFromServer('room', { name: 'notice', data: 'raw text' })!;
    await vi.waitFor(() => expect(bobGot).toHaveLength(4), WAIT);
    expect(bobGot[3]).toEqual({
      channel: 'room',
      id: raw.id,
      seq: 4,
      event: 'notice',
      data: 'raw text',
      at: raw.timestamp,
    });
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('delivers own publishes locally when Ably does not echo (echoMessages: false)', async () => {
    const service = newService();
    const alice = peer(service, 'alice', { echoMessages: false, transport: { echoMessages: false } });
    const bob = peer(service, 'bob');
    const aliceGot = collect(alice.client, 'room');
    const bobGot = collect(bob.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    const receipt = await alice.client.channel('room').publish('message', 'hi');
    await vi.waitFor(() => expect(bobGot).toHaveLength(1), WAIT);
    await sleep(30);
    expect(aliceGot.map((message) => [message.id, message.seq, message.data])).toEqual([[receipt.id, 1, 'hi']]);
    expect(receipt).toMatchObject({ id: receipt.cid, seq: 1 });
  });

  it('nacks refused publishes with mapped codes', async () => {
    const service = newService();
    const alice = peer(service, 'alice');
    collect(alice.client, 'room');
    await subscribed(alice.client, 'room');
    const room = alice.client.channel('room');

    service.refuseNextPublish('room', new ErrorInfo('Rate limit exceeded; request rejected', 42910, 429));
    await expect(room.publish('message', 1)).rejects.toMatchObject({ name: 'RealtimeError', code: 'rate_limited' });
    service.refuseNextPublish('room', new ErrorInfo('Token expired', 40142, 401));
    await expect(room.publish('message', 2)).rejects.toMatchObject({ code: 'token_expired' });
    service.refuseNextPublish('room', new ErrorInfo('Invalid credentials', 40101, 401));
    await expect(room.publish('message', 3)).rejects.toMatchObject({ code: 'unauthorized' });
    service.refuseNextPublish('room', new ErrorInfo('Maximum message length exceeded', 40009, 400));
    await expect(room.publish('message', 4)).rejects.toMatchObject({ code: 'message_too_large' });
    await expect(room.publish('rk:signal', 5)).rejects.toMatchObject({ code: 'invalid_payload' });
    expect(await room.publish('message', 6)).toMatchObject({ seq: 1 });

    // A token without the publish capability on the channel: Ably refuses with 40160.
    const reader = peer(service, 'reader', {
      token: (s) => s.issueToken({ clientId: 'reader', capability: { room: ['subscribe', 'presence'] } }),
    });
    collect(reader.client, 'room');
    await subscribed(reader.client, 'room');
    const refused = await reader.client
      .channel('room')
      .publish('message', 'nope')
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RealtimeError);
    expect(refused).toMatchObject({ code: 'forbidden' });
    expect((refused as RealtimeError).message).toContain('40160');
  });

  it('reports a channel the token may not subscribe to as forbidden', async () => {
    const service = newService();
    const alice = peer(service, 'alice', {
      token: (s) => s.issueToken({ clientId: 'alice', capability: { public: ['*'] } }),
    });
    const errors: RealtimeError[] = [];
    alice.client.channel('secret').onError((error) => errors.push(error));
    collect(alice.client, 'secret');
    await vi.waitFor(() => expect(errors).toHaveLength(1), WAIT);
    expect(errors[0]).toMatchObject({ code: 'forbidden' });
    expect(alice.client.channel('secret').getSnapshot().subscribed).toBe(false);
  });

  it('short drop (resumed: true): Ably buffers what was missed, nothing is lost or doubled', async () => {
    const service = newService({ retryInMs: 20 });
    const alice = peer(service, 'alice');
    const bob = peer(service, 'bob');
    const aliceGot = collect(alice.client, 'room');
    const bobGot = collect(bob.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    await bob.client.channel('room').publish('n', 1);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(1), WAIT);

    const historySpy = vi.spyOn(alice.ably.channels.get('room'), 'history');
    const id = alice.ably.connection.id;
    alice.ably.drop('disconnected');
    await Promise.all([2, 3, 4].map((n) => bob.client.channel('room').publish('n', n)));
    // Published while alice is down: waits in her outbox and goes out once the connection is back.
    const mine = alice.client.channel('room').publish('n', 5);
    await sleep(50);
    expect(aliceGot).toHaveLength(1);
    alice.ably.restore();
    const receipt = await mine;
    await vi.waitFor(() => expect(aliceGot).toHaveLength(5), WAIT);
    await vi.waitFor(() => expect(bobGot).toHaveLength(5), WAIT);
    await sleep(50);
    expect(alice.ably.connection.id).toBe(id);
    expect(aliceGot.map((message) => message.data)).toEqual([1, 2, 3, 4, 5]);
    expect(aliceGot.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(aliceGot.map((message) => message.id)).size).toBe(5);
    expect(receipt.seq).toBe(5);
    expect(service.stored('room')).toHaveLength(5);
    expect(historySpy).not.toHaveBeenCalled();
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('long drop (resumed: false): history fills the gap exactly once, in order, before live messages', async () => {
    const service = newService({ retryInMs: 20 });
    const alice = peer(service, 'alice', { transport: { historyPageLimit: 2 } });
    const bob = peer(service, 'bob');
    const aliceGot = collect(alice.client, 'room');
    const gaps: ChannelGap[] = [];
    alice.client.channel('room').onGap((gap) => gaps.push(gap));
    collect(bob.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    for (const n of [1, 2]) await bob.client.channel('room').publish('n', n);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(2), WAIT);

    const channel = alice.ably.channels.get('room');
    const changes: Ably.ChannelStateChange[] = [];
    channel.on((change) => changes.push(change));
    // History answers slowly, so live messages arrive while it is being read.
    const readHistory = channel.history.bind(channel);
    const historySpy = vi.spyOn(channel, 'history').mockImplementation(async (params) => {
      await sleep(150);
      return readHistory(params);
    });
    const id = alice.ably.connection.id;
    alice.ably.drop('suspended');
    expect(channel.state).toBe('suspended');
    expect(alice.transport.getSnapshot()).toMatchObject({
      status: 'reconnecting',
      error: { code: 'network', retryable: true },
    });
    expect((alice.transport.getSnapshot().error?.cause as ErrorInfo).code).toBe(80002);
    for (const n of [3, 4, 5, 6, 7]) await bob.client.channel('room').publish('n', n);
    alice.ably.restore();
    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('open'), WAIT);
    await vi.waitFor(() => expect(historySpy).toHaveBeenCalled(), WAIT);
    // Live messages right after the re-attach, while history is being read.
    for (const n of [8, 9]) await bob.client.channel('room').publish('n', n);
    await sleep(20);
    expect(aliceGot).toHaveLength(2);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(9), WAIT);
    await sleep(50);

    expect(alice.ably.connection.id).not.toBe(id);
    expect(changes.find((change) => change.current === 'attached')).toMatchObject({
      previous: 'attaching',
      resumed: false,
    });
    expect(historySpy).toHaveBeenCalled();
    expect(historySpy.mock.calls[0]![0]).toMatchObject({
      untilAttach: true,
      direction: 'backwards',
      limit: 2,
      start: service.stored('room')[1]!.timestamp,
    });
    expect(aliceGot.map((message) => message.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(aliceGot.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(aliceGot.map((message) => message.id)).toEqual(service.stored('room').map((message) => message.id));
    expect(gaps).toEqual([]);
    expect(alice.errors).toEqual([]);
  });

  it('a resume that fails in place (channel update with resumed: false) is filled from history too', async () => {
    const service = newService({ retryInMs: 20 });
    const alice = peer(service, 'alice');
    const bob = peer(service, 'bob');
    const aliceGot = collect(alice.client, 'room');
    collect(bob.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    await bob.client.channel('room').publish('n', 1);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(1), WAIT);
    const channel = alice.ably.channels.get('room');
    const changes: Ably.ChannelStateChange[] = [];
    channel.on((change) => changes.push(change));
    const connected: Ably.ConnectionStateChange[] = [];
    alice.ably.connection.on((change) => connected.push(change));

    alice.ably.drop('disconnected', { serverLostState: true });
    for (const n of [2, 3]) await bob.client.channel('room').publish('n', n);
    alice.ably.restore();
    await vi.waitFor(() => expect(aliceGot).toHaveLength(3), WAIT);
    await bob.client.channel('room').publish('n', 4);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(4), WAIT);
    await sleep(50);
    expect(connected.find((change) => change.current === 'connected')?.reason?.code).toBe(80008);
    expect(changes).toEqual([{ current: 'attached', previous: 'attached', resumed: false }]);
    expect(aliceGot.map((message) => [message.seq, message.data])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
  });

  it('reports a gap when history cannot reach back to the last message seen', async () => {
    const service = newService({ retryInMs: 20 });
    const alice = peer(service, 'alice');
    const bob = peer(service, 'bob');
    const aliceGot = collect(alice.client, 'room');
    const gaps: ChannelGap[] = [];
    alice.client.channel('room').onGap((gap) => gaps.push(gap));
    collect(bob.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    await bob.client.channel('room').publish('n', 1);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(1), WAIT);

    alice.ably.drop('suspended');
    for (const n of [2, 3, 4, 5]) await bob.client.channel('room').publish('n', n);
    service.forgetHistory('room', 2); // retention ran out: only 4 and 5 are left
    alice.ably.restore();
    await vi.waitFor(() => expect(gaps).toHaveLength(1), WAIT);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(3), WAIT);
    await bob.client.channel('room').publish('n', 6);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(4), WAIT);
    await sleep(50);
    expect(gaps).toEqual([{ channel: 'room', from: 2, to: 2, reason: 'trimmed' }]);
    expect(aliceGot.map((message) => [message.seq, message.data])).toEqual([
      [1, 1],
      [3, 4],
      [4, 5],
      [5, 6],
    ]);
    expect(alice.errors).toEqual([]);
  });

  it('after reconnect() (a new connection) fetches what was published meanwhile from history', async () => {
    const service = newService({ retryInMs: 20 });
    const alice = peer(service, 'alice');
    const bob = peer(service, 'bob');
    const aliceGot = collect(alice.client, 'room');
    collect(bob.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    await bob.client.channel('room').publish('n', 1);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(1), WAIT);
    alice.transport.reconnect();
    await bob.client.channel('room').publish('n', 2);
    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('open'), WAIT);
    await bob.client.channel('room').publish('n', 3);
    await vi.waitFor(() => expect(aliceGot).toHaveLength(3), WAIT);
    await sleep(50);
    expect(aliceGot.map((message) => [message.seq, message.data])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });
});

describe('ablyTransport: presence and signals', () => {
  it('one member per clientId: several connections of one user count as connections, status merged', async () => {
    const service = newService();
    const observer = peer(service, 'bob', { client: { presenceGraceMs: 0 } });
    const tab1 = peer(service, 'alice', { client: { presenceGraceMs: 0 } });
    const tab2 = peer(service, 'alice', { client: { presenceGraceMs: 0 } });
    const room = observer.client.channel('room');
    room.presence.subscribe(() => {});
    room.presence.enter({ name: 'Bob' });
    tab1.client.channel('room').presence.enter({ name: 'Alice' });
    await vi.waitFor(
      () => expect(room.presence.getSnapshot().find((m) => m.userId === 'alice')).toMatchObject({ connections: 1 }),
      WAIT,
    );
    tab2.client.channel('room').presence.enter({ name: 'Alice (tab 2)' });
    await vi.waitFor(
      () =>
        expect(room.presence.getSnapshot().find((m) => m.userId === 'alice')).toEqual({
          userId: 'alice',
          data: { name: 'Alice (tab 2)' },
          connections: 2,
          status: 'active',
        }),
      WAIT,
    );
    expect(
      service
        .presence('room')
        .filter((message) => message.clientId === 'alice')
        .map((message) => message.connectionId)
        .sort(),
    ).toEqual([tab1.ably.connection.id, tab2.ably.connection.id].sort());
    expect(
      room.presence
        .getSnapshot()
        .map((m) => m.userId)
        .sort(),
    ).toEqual(['alice', 'bob']);

    // Status: a user is as present as their most present connection.
    tab1.client.channel('room').presence.setStatus('away');
    await sleep(50);
    expect(room.presence.getSnapshot().find((m) => m.userId === 'alice')?.status).toBe('active');
    tab2.client.channel('room').presence.setStatus('idle');
    await vi.waitFor(
      () => expect(room.presence.getSnapshot().find((m) => m.userId === 'alice')?.status).toBe('idle'),
      WAIT,
    );
    // A status update keeps the data.
    expect(room.presence.getSnapshot().find((m) => m.userId === 'alice')?.data).toEqual({ name: 'Alice (tab 2)' });

    tab2.client.channel('room').presence.leave();
    await vi.waitFor(
      () =>
        expect(room.presence.getSnapshot().find((m) => m.userId === 'alice')).toMatchObject({
          connections: 1,
          status: 'away',
          data: { name: 'Alice' },
        }),
      WAIT,
    );
    tab1.client.channel('room').presence.leave();
    await vi.waitFor(() => expect(room.presence.getSnapshot().map((m) => m.userId)).toEqual(['bob']), WAIT);
    const leaves = observer.frames.filter((frame) => frame.type === 'presence' && frame.action === 'leave');
    expect(leaves).toHaveLength(1);
  });

  it("signals reach the others with the sender's clientId, never the sender, and are not stored", async () => {
    const service = newService();
    const alice = peer(service, 'alice');
    const bob = peer(service, 'bob');
    const aliceSignals: ChannelSignal[] = [];
    const bobSignals: ChannelSignal[] = [];
    alice.client.channel('room').onSignal('*', (signal) => aliceSignals.push(signal));
    bob.client.channel('room').onSignal('*', (signal) => bobSignals.push(signal));
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    const published = vi.spyOn(alice.ably.channels.get('room'), 'publish');
    expect(alice.client.channel('room').signal('typing', { on: true })).toBe(true);
    await vi.waitFor(
      () => expect(bobSignals).toEqual([{ channel: 'room', event: 'typing', data: { on: true }, from: 'alice' }]),
      WAIT,
    );
    await sleep(50);
    expect(aliceSignals).toEqual([]);
    expect(published.mock.calls[0]![0]).toMatchObject({ name: 'rk:signal', extras: { ephemeral: true } });
    expect(service.stored('room')).toEqual([]);
    // Signals take no place in the message sequence.
    expect(await alice.client.channel('room').publish('message', 'x')).toMatchObject({ seq: 1 });
  });
});

describePresenceContract('Ably (fake service at the SDK boundary)', async (): Promise<PresenceHarness> => {
  const service = newService({ retryInMs: 20 });
  const made: RealtimeClient[] = [];
  return {
    channel: 'presence-room',
    async client(userId, options) {
      const client = createRealtimeClient({ ...options, transport: ablyTransport(realtimeFor(service, userId)) });
      made.push(client);
      return client;
    },
    async close() {
      for (const client of made.splice(0)) client.close();
      service.closeAll();
    },
  };
});

/**
 * The messaging contract over Ably, dropping connections both ways Ably knows: within its continuity window
 * (`disconnected`: the connection resumes and Ably delivers what it buffered) and beyond it (`suspended`: a new
 * connection; the transport reads what was missed from history).
 */
function ablyMessagingHarness(mode: 'disconnected' | 'suspended') {
  return async (): Promise<MessagingHarness> => {
    const service = newService({ retryInMs: 20 });
    const made: RealtimeClient[] = [];
    let peers = 0;
    return {
      channel: (base) => base,
      capabilities: { missedWhileDown: 'replayed' },
      async peer() {
        const ably = realtimeFor(service, `peer-${(peers += 1)}`);
        const client = createRealtimeClient({ transport: ablyTransport(ably) });
        made.push(client);
        return {
          client,
          async drop() {
            ably.drop(mode);
            return () => ably.restore();
          },
        };
      },
      async close() {
        for (const client of made.splice(0)) client.close();
        service.closeAll();
      },
    };
  };
}

describeMessagingContract(
  'Ably, drops within the continuity window (fake service at the SDK boundary)',
  ablyMessagingHarness('disconnected'),
);
describeMessagingContract(
  'Ably, drops beyond the continuity window: history fills the gap (fake service at the SDK boundary)',
  ablyMessagingHarness('suspended'),
);
