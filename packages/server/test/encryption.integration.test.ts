// End-to-end encrypted channels over real servers on 127.0.0.1: a WebSocket endpoint with createRealtime's rules,
// and a Node http server serving createChannelKeyHandler. Clients are encryptedTransport(websocketTransport) over
// `ws`; the server stores and relays ciphertext only, and refuses plaintext on an encrypted channel.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  applyMessage,
  createMemoryBroker,
  createRealtimeClient,
  isRealtimeError,
  type ChannelMessage,
  type RealtimeError,
} from '@realtime-kit/core';
import { encryptedTransport, isEncryptedEnvelope, openData } from '@realtime-kit/core/encryption';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import {
  createChannelKeyHandler,
  createRealtime,
  deriveChannelKey,
  sealForChannel,
  type ServerEvent,
} from '../src/index.js';
import { serveFetch } from './fetch-bridge.js';
import { cleanup, FAST_BACKOFF, onCleanup, startEndpoint, WAIT } from './ws-helpers.js';

afterEach(cleanup);

const MASTER = randomBytes(32).toString('base64');
const ROOM = 'private-encrypted-team';

/** The realtime endpoint, the key endpoint and the broker (to inspect what the server stores). */
async function servers() {
  const broker = createMemoryBroker();
  const events: ServerEvent[] = [];
  const realtime = await createRealtime({
    redis: false,
    broker,
    rateLimit: false,
    // Anyone signed in may subscribe: the key endpoint decides who can read.
    authorizeChannel: ({ userId }) => userId !== undefined,
    // Would refuse every envelope: schemas are skipped on encrypted channels (they cannot read ciphertext).
    schemas: { message: z.object({ text: z.string() }) },
    onEvent: (event) => events.push(event),
  });
  onCleanup(() => realtime.close());
  const { url } = await startEndpoint({
    realtime,
    authenticate: (token) => (token ? { userId: token } : null),
    onError: () => {},
  });

  const keys = createChannelKeyHandler({
    masterKey: MASTER,
    authenticate: (request) => {
      const userId = /^Bearer (\w+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
      return userId ? { userId } : null;
    },
    authorizeChannel: ({ userId }) => userId === 'ann' || userId === 'bob',
  });
  const keyRequests: string[] = [];
  const keyServer = createServer((req, res) => {
    keyRequests.push(String(req.headers.authorization));
    void serveFetch(req, res, keys);
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', () => resolve()));
  onCleanup(() => {
    keyServer.closeAllConnections();
    return new Promise<void>((resolve) => keyServer.close(() => resolve()));
  });
  const keyUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/api/realtime/keys`;
  return { url, keyUrl, realtime, broker, events, keyRequests };
}

/** A client of `userId` over encryptedTransport(websocketTransport), fetching keys from `keyUrl` as that user. */
function join(url: string, keyUrl: string, userId: string, encrypted = true) {
  const socket = websocketTransport({ url, WebSocket, auth: () => userId, backoff: FAST_BACKOFF, heartbeat: false });
  const transport = encrypted
    ? encryptedTransport(socket, { authEndpoint: keyUrl, headers: () => ({ authorization: `Bearer ${userId}` }) })
    : socket;
  const client = createRealtimeClient({ transport });
  onCleanup(() => client.close());
  const received: ChannelMessage[] = [];
  const errors: RealtimeError[] = [];
  const room = client.channel(ROOM);
  onCleanup(room.subscribe('*', (message) => received.push(message)));
  onCleanup(room.onError((error) => errors.push(error)));
  return { client, room, received, errors, data: () => received.map((message) => message.data) };
}

async function subscribed(...members: { room: { getSnapshot(): { subscribed: boolean } } }[]) {
  for (const member of members) await vi.waitFor(() => expect(member.room.getSnapshot().subscribed).toBe(true), WAIT);
}

describe('encrypted channels over a WebSocket endpoint and a key endpoint', () => {
  it('members exchange plaintext; the server stores ciphertext only; a Server Action publishes with sealForChannel', async () => {
    const { url, keyUrl, realtime, broker, keyRequests } = await servers();
    const ann = join(url, keyUrl, 'ann');
    const bob = join(url, keyUrl, 'bob');
    await subscribed(ann, bob);

    await ann.room.publish('message', { text: 'only the team can read this' });
    await bob.room.publish('message', { text: 'indeed' });
    await realtime.publish(ROOM, 'message', await sealForChannel(MASTER, ROOM, 'message', { text: 'from the server' }));

    const expected = [{ text: 'only the team can read this' }, { text: 'indeed' }, { text: 'from the server' }];
    await vi.waitFor(() => expect(ann.data()).toEqual(expected), WAIT);
    await vi.waitFor(() => expect(bob.data()).toEqual(expected), WAIT);
    expect(ann.errors).toEqual([]);
    expect(bob.errors).toEqual([]);

    const stored = broker.messages(ROOM);
    expect(stored).toHaveLength(3);
    for (const message of stored) {
      expect(isEncryptedEnvelope(message.data)).toBe(true);
      expect(JSON.stringify(message.data)).not.toMatch(/team|indeed|server/);
    }
    // The stored ciphertext opens with the channel key the endpoint hands out, and with nothing else.
    const key = await deriveChannelKey(MASTER, ROOM);
    expect(await openData(key, ROOM, 'message', stored[0]!.data)).toEqual(expected[0]);
    await expect(
      openData(await deriveChannelKey(MASTER, `${ROOM}-2`), ROOM, 'message', stored[0]!.data),
    ).rejects.toMatchObject({ code: 'decryption_failed' });
    // One key request per client (cached after that), each with the client's credentials.
    expect(keyRequests.sort()).toEqual(['Bearer ann', 'Bearer bob']);
  });

  it('edits stay sealed; deletions and reactions travel unsealed; members fold them; the server never holds the text', async () => {
    const { url, keyUrl, broker } = await servers();
    const ann = join(url, keyUrl, 'ann');
    const bob = join(url, keyUrl, 'bob');
    await subscribed(ann, bob);
    const first = await ann.room.publish('message', { text: 'secret plan' });
    const second = await ann.room.publish('message', { text: 'to be deleted' });
    await ann.room.edit(first.id, { text: 'secret plan, revised' });
    await bob.room.react(first.id, '👍');
    await ann.room.remove(second.id);
    const fold = (received: ChannelMessage[]) => received.reduce<readonly ChannelMessage[]>(applyMessage, []);
    await vi.waitFor(
      () =>
        expect(fold(bob.received).map(({ data, deleted, reactions }) => ({ data, deleted, reactions }))).toEqual([
          {
            data: { text: 'secret plan, revised' },
            deleted: undefined,
            reactions: { '👍': { count: 1, users: ['bob'], clipped: false } },
          },
          { data: null, deleted: true, reactions: undefined },
        ]),
      WAIT,
    );
    expect(bob.errors).toEqual([]);
    expect(JSON.stringify(broker.messages(ROOM))).not.toMatch(/secret|deleted|revised/);
    // A late member's replay opens too: the folded original carries the sealed edit.
    const cat = join(url, keyUrl, 'ann');
    const late = cat.client.channel(ROOM, { rewind: 10 });
    const replay: ChannelMessage[] = [];
    onCleanup(late.subscribe('message', (message) => replay.push(message)));
    await vi.waitFor(() => expect(fold(replay)[0]?.data).toEqual({ text: 'secret plan, revised' }), WAIT);
    expect(cat.errors).toEqual([]);
  });

  it('seals presence data: members see it, the server holds envelopes', async () => {
    const { url, keyUrl, realtime } = await servers();
    const ann = join(url, keyUrl, 'ann');
    const bob = join(url, keyUrl, 'bob');
    await subscribed(ann, bob);
    ann.room.presence.enter({ name: 'Ann' });
    await vi.waitFor(
      () =>
        expect(bob.room.presence.members()).toEqual([
          expect.objectContaining({ userId: 'ann', data: { name: 'Ann' } }),
        ]),
      WAIT,
    );
    const members = realtime.hub.presence(ROOM);
    expect(members).toHaveLength(1);
    expect(isEncryptedEnvelope(members[0]!.data)).toBe(true);
  });

  it('refuses plaintext on an encrypted channel (invalid_payload), while schemas still apply elsewhere', async () => {
    const { url, keyUrl, broker, events, realtime } = await servers();
    const forgetful = join(url, keyUrl, 'ann', false);
    await subscribed(forgetful);

    const refused = await forgetful.room
      .publish('message', { text: 'oops, plaintext' })
      .catch((error: unknown) => error);
    expect(isRealtimeError(refused, 'invalid_payload')).toBe(true);
    expect((refused as RealtimeError).message).toMatch(/sealed payloads only/);
    forgetful.room.presence.enter({ name: 'Ann' });
    await vi.waitFor(() => expect(forgetful.errors.map((error) => error.code)).toEqual(['invalid_payload']), WAIT);
    expect(broker.messages(ROOM)).toEqual([]);
    expect(
      events.filter((event) => event.type === 'refused').map((event) => event.type === 'refused' && event.code),
    ).toEqual(['invalid_payload', 'invalid_payload']);

    // A server-side publish of plaintext is refused too: seal it with sealForChannel.
    await expect(realtime.publish(ROOM, 'message', { text: 'server plaintext' })).rejects.toMatchObject({
      code: 'invalid_payload',
    });

    // The schema is not skipped on other channels.
    await expect(forgetful.client.channel('room:1').publish('message', { text: 42 })).rejects.toMatchObject({
      code: 'invalid_payload',
    });
    await expect(forgetful.client.channel('room:1').publish('message', { text: 'fine' })).resolves.toMatchObject({
      seq: 1,
    });
  });

  it('a user the key endpoint refuses can neither publish nor read: typed errors, nothing delivered', async () => {
    const { url, keyUrl, broker } = await servers();
    const ann = join(url, keyUrl, 'ann');
    const mallory = join(url, keyUrl, 'mallory');
    await subscribed(ann, mallory);

    await expect(mallory.room.publish('message', { text: 'let me in' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('mallory'),
    });
    expect(broker.messages(ROOM)).toEqual([]);

    await ann.room.publish('message', { text: 'secret' });
    await vi.waitFor(() => expect(mallory.errors.map((error) => error.code)).toEqual(['forbidden']), WAIT);
    expect(mallory.received).toEqual([]);
    await vi.waitFor(() => expect(mallory.room.getSnapshot().lastSeq).toBe(1), WAIT);
    expect(ann.data()).toEqual([{ text: 'secret' }]);
  });
});
