// The channel client over supabaseTransport, with real supabase-js clients (over `ws`: Node 20 has no global
// WebSocket) against the Supabase-Realtime-compatible Phoenix server in phoenix-server.ts on 127.0.0.1.
import { createClient, type SupabaseClient, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createRealtimeClient } from '../src/channel/client.js';
import type { ChannelMessage, RealtimeClient, RealtimeClientOptions } from '../src/channel/types.js';
import { RealtimeError } from '../src/errors.js';
import type { PresenceMember, ServerFrame } from '../src/protocol/frames.js';
import {
  SUPABASE_PRESENCE_LIMIT,
  supabaseTransport,
  type SupabasePostgresChange,
  type SupabasePostgresEvents,
  type SupabaseTransport,
  type SupabaseTransportOptions,
} from '../src/hosted/supabase/index.js';
import { startPhoenixServer, type PhoenixTestServer, type PhoenixTestServerOptions } from './phoenix-server.js';
import { describeMessagingContract, type MessagingHarness } from './messaging-contract.js';
import { describePresenceContract, type PresenceHarness } from './presence-contract.js';

const WAIT = { timeout: 10_000, interval: 10 };

const servers: PhoenixTestServer[] = [];
const clients: RealtimeClient[] = [];
const supabases: SupabaseClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(
    supabases.splice(0).map(async (supabase) => {
      await supabase.removeAllChannels();
      await supabase.realtime.disconnect();
    }),
  );
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(options: PhoenixTestServerOptions = {}) {
  const server = await startPhoenixServer(options);
  servers.push(server);
  return server;
}

/** A real supabase-js client for `server`: `ws` as its WebSocket, quick reconnects, no auth session. */
function supabaseFor(server: PhoenixTestServer, key = server.apiKey): SupabaseClient {
  const supabase = createClient(server.url, key, {
    realtime: {
      transport: WebSocket as unknown as WebSocketLikeConstructor,
      reconnectAfterMs: () => 50,
      timeout: 3_000,
    },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  supabases.push(supabase);
  return supabase;
}

function clientFor(
  server: PhoenixTestServer,
  options: SupabaseTransportOptions = {},
  clientOptions: Partial<RealtimeClientOptions> = {},
) {
  const supabase = supabaseFor(server);
  const transport = supabaseTransport(supabase, options);
  const frames: ServerFrame[] = [];
  transport.onFrame((frame) => frames.push(frame));
  const client = createRealtimeClient({ ...clientOptions, transport });
  clients.push(client);
  const errors: RealtimeError[] = [];
  client.onError((error) => errors.push(error));
  return { client, transport, supabase, frames, errors };
}

function collect(client: RealtimeClient, channel: string) {
  const messages: ChannelMessage[] = [];
  client.channel(channel).subscribe('*', (message) => messages.push(message));
  return messages;
}

async function subscribed(client: RealtimeClient, channel: string) {
  await vi.waitFor(() => expect(client.channel(channel).getSnapshot().subscribed).toBe(true), WAIT);
}

function byUser(members: readonly PresenceMember[]) {
  return Object.fromEntries(members.map((member) => [member.userId, member]));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('supabaseTransport + createRealtimeClient over supabase-js and a Phoenix test server', () => {
  it('is a Transport of kind "supabase" that opens with a welcome carrying the userId and sends only while open', async () => {
    const server = await startServer();
    const supabase = supabaseFor(server);
    const transport: SupabaseTransport = supabaseTransport(supabase, { userId: 'alice' });
    const statuses: string[] = [];
    const frames: ServerFrame[] = [];
    transport.subscribe(() => statuses.push(transport.getSnapshot().status));
    transport.onFrame((frame) => frames.push(frame));
    expect(transport.kind).toBe('supabase');
    expect(transport.realtime).toBe(supabase.realtime);
    expect(transport.getSnapshot().status).toBe('idle');
    expect(transport.send({ type: 'ping', t: 1 })).toBe(false);

    transport.connect();
    transport.connect();
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('open'), WAIT);
    expect(statuses).toEqual(['connecting', 'open']);
    expect(server.connections()).toBe(1);
    expect(frames).toEqual([
      { type: 'welcome', v: 2, connectionId: expect.stringMatching(/^supabase-/), heartbeatMs: 0, userId: 'alice' },
    ]);
    expect(transport.send({ type: 'ping', t: 2 })).toBe(true);
    expect(frames.at(-1)).toEqual({ type: 'pong', t: 2 });

    transport.close();
    expect(transport.getSnapshot()).toMatchObject({ status: 'closed', error: null });
    expect(transport.send({ type: 'ping', t: 3 })).toBe(false);
    await vi.waitFor(() => expect(server.connections()).toBe(0), WAIT);
  });

  it('subscribes: joins realtime:<name> with self-less, acknowledged broadcast and presence keyed by the userId', async () => {
    const server = await startServer();
    const { client, frames } = clientFor(server, { userId: 'alice' });
    collect(client, 'room:1');
    await subscribed(client, 'room:1');

    const join = server.received.find((message) => message.event === 'phx_join');
    expect(join?.topic).toBe('realtime:room:1');
    expect(join?.payload.config).toMatchObject({
      broadcast: { self: false, ack: true },
      presence: { key: 'alice', enabled: true },
      postgres_changes: [],
      private: false,
    });
    const kinds = frames
      .filter((frame) => frame.type !== 'welcome')
      .map((frame) => frame.type + ('action' in frame ? `:${frame.action}` : ''));
    expect(kinds).toEqual(['presence:sync', 'subscribed']);
    expect(frames.find((frame) => frame.type === 'subscribed')).toEqual({
      type: 'subscribed',
      channel: 'room:1',
      seq: 0,
    });
  });

  it('joins private channels and presence-less channels as the options say', async () => {
    const server = await startServer();
    const { client } = clientFor(server, {
      userId: 'alice',
      private: (channel) => channel.startsWith('private:'),
      presence: (channel) => channel.startsWith('room:'),
    });
    collect(client, 'private:inbox');
    collect(client, 'room:2');
    await subscribed(client, 'private:inbox');
    await subscribed(client, 'room:2');
    const config = (topic: string) =>
      server.received.find((message) => message.event === 'phx_join' && message.topic === topic)?.payload.config;
    expect(config('realtime:private:inbox')).toMatchObject({
      private: true,
      presence: { key: 'alice', enabled: false },
    });
    expect(config('realtime:room:2')).toMatchObject({ private: false, presence: { key: 'alice', enabled: true } });
    // Presence on a channel without it is refused, with the reason.
    const errors: RealtimeError[] = [];
    client.channel('private:inbox').onError((error) => errors.push(error));
    client.channel('private:inbox').presence.enter({});
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(['bad_frame']), WAIT);
    expect(errors[0]!.message).toContain('Presence is not enabled for "private:inbox"');
  });

  it('delivers publishes between two supabase-js clients: acked, echoed once to the publisher, with one stable id', async () => {
    const server = await startServer();
    const alice = clientFor(server, { userId: 'alice' });
    const bob = clientFor(server, { userId: 'bob' });
    const atAlice = collect(alice.client, 'room');
    const atBob = collect(bob.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');

    const receipts = [];
    for (const n of [1, 2, 3]) receipts.push(await bob.client.channel('room').publish('message', { n }));
    await vi.waitFor(() => expect(atAlice).toHaveLength(3), WAIT);
    await vi.waitFor(() => expect(atBob).toHaveLength(3), WAIT);
    await sleep(100);

    // The publisher's own copy: once each, in order, with its cid, the receipt's id and seq.
    expect(atBob.map((message) => [message.seq, message.data, message.cid, message.id])).toEqual(
      receipts.map((receipt, i) => [receipt.seq, { n: i + 1 }, receipt.cid, receipt.id]),
    );
    expect(receipts.map((receipt) => receipt.seq)).toEqual([1, 2, 3]);
    // The other client: the same ids (and cids) in order, numbered by its own counter.
    expect(atAlice.map((message) => [message.seq, message.event, message.data, message.id, message.cid])).toEqual(
      receipts.map((receipt, i) => [i + 1, 'message', { n: i + 1 }, receipt.id, receipt.cid]),
    );
    // One broadcast per publish reached the server, and none was sent back to bob (self: false).
    expect(server.count('broadcast', { topic: 'realtime:room', subtype: 'message' })).toBe(3);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('delivers a raw broadcast from a plain supabase-js channel with a fresh id, and publishes from a channel it does not subscribe', async () => {
    const server = await startServer();
    const alice = clientFor(server, { userId: 'alice' });
    const received = collect(alice.client, 'news');
    await subscribed(alice.client, 'news');
    const raw = supabaseFor(server).channel('news', { config: { broadcast: { ack: true } } });
    await new Promise<void>((resolve) => raw.subscribe((status) => status === 'SUBSCRIBED' && resolve()));
    expect(await raw.send({ type: 'broadcast', event: 'headline', payload: { title: 'hi' } })).toBe('ok');
    await vi.waitFor(() => expect(received).toHaveLength(1), WAIT);
    expect(received[0]).toMatchObject({ seq: 1, event: 'headline', data: { title: 'hi' } });
    expect(received[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(received[0]!.cid).toBeUndefined();

    // A publish on a channel nobody here subscribes: the transport joins it to send, and acks it.
    const writer = clientFor(server, { userId: 'writer' });
    const receipt = await writer.client.channel('news').publish('headline', { title: 'second' });
    expect(receipt).toMatchObject({ seq: 0, id: receipt.cid });
    await vi.waitFor(
      () => expect(received.map((message) => message.data)).toEqual([{ title: 'hi' }, { title: 'second' }]),
      WAIT,
    );
  });

  it('unsubscribes by leaving the Supabase channel, and a resubscribe right after joins it again', async () => {
    const server = await startServer();
    const alice = clientFor(server, { userId: 'alice' });
    const bob = clientFor(server, { userId: 'bob' });
    const atBob = collect(bob.client, 'room');
    await subscribed(bob.client, 'room');
    const received: ChannelMessage[] = [];
    const off = alice.client.channel('room').subscribe('*', (message) => received.push(message));
    await subscribed(alice.client, 'room');

    off();
    // The client unsubscribes a microtask later; resubscribe right after, while the leave is still on its way.
    await Promise.resolve();
    await Promise.resolve();
    alice.client.channel('room').subscribe('*', (message) => received.push(message));
    await vi.waitFor(() => expect(server.count('phx_leave', { topic: 'realtime:room' })).toBe(1), WAIT);
    await subscribed(alice.client, 'room');
    await sleep(200);
    expect(alice.supabase.realtime.getChannels().map((channel) => channel.topic)).toEqual(['realtime:room']);
    await bob.client.channel('room').publish('message', 'after resubscribe');
    await vi.waitFor(() => expect(received.map((message) => message.data)).toEqual(['after resubscribe']), WAIT);
    expect(atBob.map((message) => message.data)).toEqual(['after resubscribe']);
  });

  it('delivers postgres changes as postgres:INSERT/UPDATE/DELETE messages, only for rows matching the filter', async () => {
    const server = await startServer();
    interface Row {
      id: number;
      room_id: number;
      text: string;
    }
    const { client } = clientFor(server, {
      userId: 'alice',
      postgresChanges: { 'room:42': [{ event: '*', schema: 'public', table: 'messages', filter: 'room_id=eq.42' }] },
    });
    const room = client.channel<SupabasePostgresEvents<Row>>('room:42');
    const changes: ChannelMessage[] = [];
    room.subscribe('*', (message) => changes.push(message));
    room.subscribe('postgres:INSERT', (message) => {
      expectTypeOf(message.data).toEqualTypeOf<SupabasePostgresChange<Row>>();
      expectTypeOf(message.data.new.text).toEqualTypeOf<string | undefined>();
    });
    await subscribed(client, 'room:42');
    const join = server.received.find((message) => message.event === 'phx_join');
    expect(join?.payload.config).toMatchObject({
      postgres_changes: [{ event: '*', schema: 'public', table: 'messages', filter: 'room_id=eq.42' }],
    });

    const at = '2026-01-02T03:04:05.000Z';
    expect(
      server.emitPostgresChange({
        schema: 'public',
        table: 'messages',
        eventType: 'INSERT',
        new: { id: 1, room_id: 42, text: 'a' },
        commitTimestamp: at,
      }),
    ).toBe(1);
    expect(
      server.emitPostgresChange({
        schema: 'public',
        table: 'messages',
        eventType: 'INSERT',
        new: { id: 2, room_id: 7, text: 'b' },
      }),
    ).toBe(0);
    server.emitPostgresChange({
      schema: 'public',
      table: 'other',
      eventType: 'INSERT',
      new: { id: 3, room_id: 42, text: 'c' },
    });
    server.emitPostgresChange({
      schema: 'public',
      table: 'messages',
      eventType: 'UPDATE',
      new: { id: 1, room_id: 42, text: 'a2' },
      old: { id: 1, room_id: 42, text: 'a' },
      commitTimestamp: at,
    });
    server.emitPostgresChange({
      schema: 'public',
      table: 'messages',
      eventType: 'UPDATE',
      new: { id: 2, room_id: 7, text: 'b2' },
      old: { id: 2, room_id: 7 },
    });
    server.emitPostgresChange({
      schema: 'public',
      table: 'messages',
      eventType: 'DELETE',
      old: { id: 2, room_id: 7, text: 'b2' },
    });
    server.emitPostgresChange({
      schema: 'public',
      table: 'messages',
      eventType: 'DELETE',
      old: { id: 1, room_id: 42, text: 'a2' },
      commitTimestamp: at,
    });

    await vi.waitFor(() => expect(changes).toHaveLength(3), WAIT);
    await sleep(100);
    expect(changes.map((message) => [message.seq, message.event, message.data])).toEqual([
      [
        1,
        'postgres:INSERT',
        { schema: 'public', table: 'messages', new: { id: 1, room_id: 42, text: 'a' }, old: {}, commitTimestamp: at },
      ],
      [
        2,
        'postgres:UPDATE',
        {
          schema: 'public',
          table: 'messages',
          new: { id: 1, room_id: 42, text: 'a2' },
          old: { id: 1, room_id: 42, text: 'a' },
          commitTimestamp: at,
        },
      ],
      [
        3,
        'postgres:DELETE',
        { schema: 'public', table: 'messages', new: {}, old: { id: 1, room_id: 42, text: 'a2' }, commitTimestamp: at },
      ],
    ]);
    expect(changes.every((message) => message.at === Date.parse(at))).toBe(true);
    expect(new Set(changes.map((message) => message.id)).size).toBe(3);
  });

  it('shows one member per user: joins, a second tab counting as a connection, status and data, and leaves', async () => {
    const server = await startServer();
    const watcher = clientFor(server, { userId: 'watcher' });
    const aliceTab1 = clientFor(server, { userId: 'alice' });
    const aliceTab2 = clientFor(server, { userId: 'alice' });
    const bob = clientFor(server, { userId: 'bob' });
    const presence = watcher.client.channel('lobby').presence;
    presence.subscribe(() => {});
    await subscribed(watcher.client, 'lobby');

    aliceTab1.client.channel('lobby').presence.enter({ tab: 1 });
    bob.client.channel('lobby').presence.enter({ name: 'Bob' });
    await vi.waitFor(
      () =>
        expect(
          presence
            .members()
            .map((member) => member.userId)
            .sort(),
        ).toEqual(['alice', 'bob']),
      WAIT,
    );
    expect(byUser(presence.members()).alice).toMatchObject({ data: { tab: 1 }, connections: 1, status: 'active' });

    await sleep(20);
    aliceTab2.client.channel('lobby').presence.enter({ tab: 2 });
    await vi.waitFor(
      () => expect(byUser(presence.members()).alice).toMatchObject({ connections: 2, data: { tab: 2 } }),
      WAIT,
    );
    expect(presence.members()).toHaveLength(2);
    // The server has two metas under the key "alice".
    expect(server.presence('realtime:lobby').alice?.metas).toHaveLength(2);

    // A user is as present as their most present tab.
    aliceTab2.client.channel('lobby').presence.setStatus('away');
    await vi.waitFor(
      () =>
        expect(
          server
            .presence('realtime:lobby')
            .alice?.metas.map((meta) => meta.status)
            .sort(),
        ).toEqual(['active', 'away']),
      WAIT,
    );
    expect(byUser(presence.members()).alice).toMatchObject({ connections: 2, status: 'active' });
    await sleep(300);
    aliceTab1.client.channel('lobby').presence.setStatus('idle');
    await vi.waitFor(
      () => expect(byUser(presence.members()).alice).toMatchObject({ status: 'idle', data: { tab: 1 } }),
      WAIT,
    );

    // One tab leaves: alice stays with one connection; the last one leaves: alice is gone.
    aliceTab2.client.channel('lobby').presence.leave();
    await vi.waitFor(
      () => expect(byUser(presence.members()).alice).toMatchObject({ connections: 1, status: 'idle' }),
      WAIT,
    );
    aliceTab1.client.close();
    await vi.waitFor(() => expect(presence.members().map((member) => member.userId)).toEqual(['bob']), WAIT);
    // Everyone sees the same set, its own member included.
    await vi.waitFor(
      () => expect(bob.client.channel('lobby').presence.self()).toMatchObject({ userId: 'bob', data: { name: 'Bob' } }),
      WAIT,
    );
    expect([...watcher.errors, ...bob.errors, ...aliceTab2.errors]).toEqual([]);
  });

  it('coalesces a burst of 20 presence updates into a few track calls, the last data winning, under the server limit', async () => {
    const server = await startServer();
    const watcher = clientFor(server, { userId: 'watcher' });
    const alice = clientFor(server, { userId: 'alice' });
    const presence = watcher.client.channel('cursor').presence;
    presence.subscribe(() => {});
    await subscribed(watcher.client, 'cursor');
    const channel = alice.client.channel('cursor');
    const errors: RealtimeError[] = [];
    channel.onError((error) => errors.push(error));
    channel.presence.enter({ n: 0 });
    await vi.waitFor(() => expect(byUser(presence.members()).alice).toMatchObject({ data: { n: 0 } }), WAIT);

    for (let n = 1; n <= 20; n += 1) channel.presence.update({ n });
    await vi.waitFor(() => expect(byUser(presence.members()).alice).toMatchObject({ data: { n: 20 } }), WAIT);
    await sleep(600);
    // enter + one trailing call for the burst: far under Supabase's 5 calls per 30 s.
    expect(server.count('presence', { topic: 'realtime:cursor', subtype: 'track' })).toBe(2);

    // Another burst spends the window's budget for updates (one call of the window is kept for a leave)...
    for (let n = 21; n <= 25; n += 1) channel.presence.update({ n });
    await vi.waitFor(() => expect(byUser(presence.members()).alice).toMatchObject({ data: { n: 25 } }), WAIT);
    expect(server.count('presence', { topic: 'realtime:cursor', subtype: 'track' })).toBe(
      SUPABASE_PRESENCE_LIMIT.maxCalls - 1,
    );
    // ...so the next change waits for the window to pass instead of getting the channel closed.
    await sleep(300);
    channel.presence.update({ n: 26 });
    await sleep(500);
    expect(byUser(presence.members()).alice).toMatchObject({ data: { n: 25 } });
    expect(server.count('presence', { topic: 'realtime:cursor', subtype: 'track' })).toBe(
      SUPABASE_PRESENCE_LIMIT.maxCalls - 1,
    );
    // The kept call lets the leave through at once.
    channel.presence.leave();
    await vi.waitFor(() => expect(presence.members().map((member) => member.userId)).toEqual([]), WAIT);
    expect(server.count('presence', { topic: 'realtime:cursor', subtype: 'untrack' })).toBe(1);
    expect([...errors, ...alice.errors]).toEqual([]);
  });

  it('the test server enforces the presence limit like Supabase: a sixth track in the window closes the channel', async () => {
    const server = await startServer();
    const raw = supabaseFor(server).channel('limited', { config: { presence: { key: 'spammer' } } });
    const statuses: string[] = [];
    const system: unknown[] = [];
    raw.on('system', {}, (payload: unknown) => system.push(payload));
    await new Promise<void>((resolve) =>
      raw.subscribe((status) => {
        statuses.push(`${status}`);
        if (status === 'SUBSCRIBED') resolve();
      }),
    );
    for (let n = 1; n <= 5; n += 1) expect(await raw.track({ n })).toBe('ok');
    void raw.track({ n: 6 });
    await vi.waitFor(() => expect(statuses).toContain('CLOSED'), WAIT);
    expect(system).toEqual([
      { extension: 'system', status: 'error', message: 'Client presence rate limit exceeded', channel: 'limited' },
    ]);
  });

  it('refuses publishes over the message quota with rate_limited, then rejoins the channel the server closed', async () => {
    const server = await startServer({ maxBroadcastsPerSecond: 3 });
    const alice = clientFor(server, { userId: 'alice' });
    const bob = clientFor(server, { userId: 'bob' });
    const atBob = collect(bob.client, 'busy');
    const room = alice.client.channel('busy');
    const channelErrors: RealtimeError[] = [];
    room.onError((error) => channelErrors.push(error));
    collect(alice.client, 'busy');
    await subscribed(alice.client, 'busy');
    await subscribed(bob.client, 'busy');

    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => room.publish('tick', n)));
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    for (const result of results.slice(3)) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({ name: 'RealtimeError', code: 'rate_limited' });
    }
    await vi.waitFor(() => expect(channelErrors.map((error) => error.code)).toEqual(['rate_limited']), WAIT);
    expect(channelErrors[0]!.message).toContain('Too many messages per second');
    // The server closed the channel; the transport joins it again and publishing works once more.
    await vi.waitFor(() => expect(server.count('phx_join', { topic: 'realtime:busy' })).toBe(3), WAIT);
    await sleep(1_100);
    const later = await room.publish('tick', 6);
    await vi.waitFor(() => expect(atBob.map((message) => message.data)).toEqual([1, 2, 3, 6]), WAIT);
    expect(later.id).toBe(later.cid);
  });

  it('relays signals to the other connections with the sender as from, never back to the sender', async () => {
    const server = await startServer();
    const alice = clientFor(server, { userId: 'alice' });
    const bob = clientFor(server, { userId: 'bob' });
    const atAlice: unknown[] = [];
    const atBob: unknown[] = [];
    alice.client.channel('chat').onSignal('typing', (signal) => atAlice.push(signal));
    bob.client.channel('chat').onSignal('*', (signal) => atBob.push(signal));
    await subscribed(alice.client, 'chat');
    await subscribed(bob.client, 'chat');

    expect(alice.client.channel('chat').signal('typing', { on: true })).toBe(true);
    await vi.waitFor(
      () => expect(atBob).toEqual([{ channel: 'chat', event: 'typing', data: { on: true }, from: 'alice' }]),
      WAIT,
    );
    expect(alice.client.channel('chat').signal('nobody-listens-here-either', 1)).toBe(true);
    await sleep(100);
    expect(atAlice).toEqual([]);
    // Signals are not messages: nothing was numbered.
    expect(bob.client.channel('chat').getSnapshot().lastSeq).toBe(0);
  });

  it('reports a refused join as a channel error with the mapped code, and does not keep retrying', async () => {
    const server = await startServer({
      authorizeJoin: ({ topic }) =>
        topic === 'realtime:secret'
          ? 'Unauthorized: You do not have permissions to read from this Channel topic: secret'
          : null,
    });
    const { client } = clientFor(server, { userId: 'alice' });
    const errors: RealtimeError[] = [];
    const channel = client.channel('secret');
    channel.onError((error) => errors.push(error));
    channel.subscribe('*', () => {});
    await vi.waitFor(() => expect(errors).toHaveLength(1), WAIT);
    expect(errors[0]).toBeInstanceOf(RealtimeError);
    expect(errors[0]).toMatchObject({ code: 'forbidden' });
    expect(errors[0]!.message).toContain('You do not have permissions');
    await sleep(1_500);
    expect(server.count('phx_join', { topic: 'realtime:secret' })).toBe(1);
    expect(channel.getSnapshot().subscribed).toBe(false);
  });

  it('closes with a typed RealtimeError("unauthorized") when the API key is refused, without retrying', async () => {
    const server = await startServer();
    const supabase = supabaseFor(server, 'wrong-key');
    const transport = supabaseTransport(supabase, { userId: 'alice' });
    const client = createRealtimeClient({ transport });
    clients.push(client);
    collect(client, 'room');
    await vi.waitFor(() => expect(transport.getSnapshot().status).toBe('closed'), WAIT);
    const { error } = transport.getSnapshot();
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    await sleep(300);
    expect(transport.getSnapshot().status).toBe('closed');
    expect(server.received).toEqual([]);
  });

  it('goes reconnecting when the connection drops, resubscribes when it is back, and sends what was published meanwhile', async () => {
    const server = await startServer();
    const alice = clientFor(server, { userId: 'alice' });
    const bob = clientFor(server, { userId: 'bob' });
    const atAlice = collect(alice.client, 'room');
    const members = bob.client.channel('room').presence;
    members.subscribe(() => {});
    alice.client.channel('room').presence.enter({ here: true });
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    await vi.waitFor(() => expect(members.members().map((member) => member.userId)).toEqual(['alice']), WAIT);
    const statuses: string[] = [];
    alice.transport.subscribe(() => statuses.push(alice.transport.getSnapshot().status));

    server.setAvailable(false);
    server.dropConnections();
    await vi.waitFor(() => expect(alice.transport.getSnapshot().status).toBe('reconnecting'), WAIT);
    expect(alice.transport.getSnapshot().error).toMatchObject({ code: expect.stringMatching(/network|server_error/) });
    expect(alice.client.channel('room').getSnapshot().subscribed).toBe(false);
    const whileDown = alice.client.channel('room').publish('message', { text: 'sent while down' });
    await sleep(200);
    expect(alice.client.channel('room').getSnapshot().pending).toBe(1);

    server.setAvailable(true);
    await vi.waitFor(
      () => expect(alice.transport.getSnapshot()).toMatchObject({ status: 'open', error: null, attempt: 0 }),
      WAIT,
    );
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    const receipt = await whileDown;
    expect(statuses).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('open');
    // Rejoined once per channel; presence is back for the others.
    expect(server.count('phx_join', { topic: 'realtime:room' })).toBe(4);
    await vi.waitFor(() => expect(members.members().map((member) => member.userId)).toEqual(['alice']), WAIT);
    await vi.waitFor(() => expect(atAlice.map((message) => message.data)).toEqual([{ text: 'sent while down' }]), WAIT);
    expect(atAlice[0]).toMatchObject({ id: receipt.id, seq: receipt.seq });

    await bob.client.channel('room').publish('message', { text: 'after' });
    await vi.waitFor(
      () => expect(atAlice.map((message) => message.data)).toEqual([{ text: 'sent while down' }, { text: 'after' }]),
      WAIT,
    );
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('reconnect() drops the connection and opens a new session that rejoins every channel', async () => {
    const server = await startServer();
    const alice = clientFor(server, { userId: 'alice' });
    const bob = clientFor(server, { userId: 'bob' });
    const atBob = collect(bob.client, 'room');
    collect(alice.client, 'room');
    await subscribed(alice.client, 'room');
    await subscribed(bob.client, 'room');
    const welcomes = () => bob.frames.filter((frame) => frame.type === 'welcome').length;
    expect(welcomes()).toBe(1);

    bob.transport.reconnect();
    expect(bob.transport.getSnapshot().status).toBe('connecting');
    await vi.waitFor(() => expect(welcomes()).toBe(2), WAIT);
    await subscribed(bob.client, 'room');
    await alice.client.channel('room').publish('message', 'hello again');
    await vi.waitFor(() => expect(atBob.map((message) => message.data)).toEqual(['hello again']), WAIT);
    expect(bob.transport.getSnapshot()).toMatchObject({ status: 'open', error: null });
  });
});

/**
 * The presence contract's harness over this transport: every `client(userId)` is a new supabase-js connection
 * with `supabaseTransport({ userId })`, on one Phoenix test server with Supabase's default presence limit.
 */
async function supabasePresenceHarness(
  serverOptions: PhoenixTestServerOptions = {},
  transportOptions: SupabaseTransportOptions = {},
): Promise<PresenceHarness> {
  const server = await startPhoenixServer(serverOptions);
  const own: { client: RealtimeClient; supabase: SupabaseClient }[] = [];
  return {
    channel: 'presence-room',
    async client(userId, options = {}) {
      const supabase = createClient(server.url, server.apiKey, {
        realtime: {
          transport: WebSocket as unknown as WebSocketLikeConstructor,
          reconnectAfterMs: () => 50,
          timeout: 3_000,
        },
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      });
      const client = createRealtimeClient({
        ...options,
        transport: supabaseTransport(supabase, { ...transportOptions, userId }),
      });
      own.push({ client, supabase });
      return client;
    },
    async close() {
      for (const { client } of own) client.close();
      await Promise.all(own.splice(0).map(({ supabase }) => supabase.realtime.disconnect()));
      await server.close();
    },
  };
}

describePresenceContract('Supabase Realtime (supabase-js against the Phoenix test server)', () =>
  supabasePresenceHarness(),
);

describeMessagingContract(
  'Supabase Realtime (supabase-js against the Phoenix test server)',
  async (): Promise<MessagingHarness> => {
    const server = await startPhoenixServer();
    const own: { client: RealtimeClient; supabase: SupabaseClient }[] = [];
    let peers = 0;
    return {
      channel: (base) => base,
      // Supabase keeps no history: broadcasts sent while a connection was down never reach it.
      capabilities: { missedWhileDown: 'lost' },
      async peer() {
        const tag = `peer-${(peers += 1)}`;
        const supabase = createClient(server.url, server.apiKey, {
          realtime: {
            transport: WebSocket as unknown as WebSocketLikeConstructor,
            reconnectAfterMs: () => 50,
            timeout: 3_000,
            params: { peer: tag },
          },
          auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        });
        const client = createRealtimeClient({ transport: supabaseTransport(supabase, { userId: tag }) });
        own.push({ client, supabase });
        return {
          client,
          async drop() {
            const before = server.connections();
            server.setAvailable(false);
            server.dropConnections((params) => params.get('peer') === tag);
            await vi.waitFor(() => expect(server.connections()).toBe(before - 1), WAIT);
            return () => server.setAvailable(true);
          },
        };
      },
      async close() {
        for (const { client } of own) client.close();
        await Promise.all(own.splice(0).map(({ supabase }) => supabase.realtime.disconnect()));
        await server.close();
      },
    };
  },
);
