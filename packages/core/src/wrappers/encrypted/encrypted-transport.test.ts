import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../../channel/client.js';
import type { Transport } from '../../channel/transport.js';
import type { ChannelMessage, ChannelSignal, RealtimeClient } from '../../channel/types.js';
import { toBase64 } from '../../crypto/base64.js';
import { isEncryptedEnvelope, openData, sealData } from '../../crypto/envelope.js';
import { RealtimeError, isRealtimeError } from '../../errors.js';
import type { ClientFrame } from '../../protocol/frames.js';
import { createTestTransport, type TestTransport } from '../../testing/create-test-transport.js';
import { encryptedTransport, type EncryptedTransportOptions } from './encrypted-transport.js';

// WebCrypto settles on Node's thread pool, outside fake timers: these tests wait with `vi.waitFor` over the
// in-memory test server instead.
const WAIT = { timeout: 5_000, interval: 2 };

const KEY = toBase64(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
const WRONG_KEY = toBase64(Uint8Array.from({ length: 32 }, (_, i) => 200 - i));
const ROOM = 'private-encrypted-room';

const clients: RealtimeClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

/** Resolves by hand: a key endpoint that answers when the test says so. */
function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A client over `encryptedTransport(kit.createTransport())`, recording what it sends, receives and reports. */
function join(kit: TestTransport, options: EncryptedTransportOptions, userId?: string) {
  const inner = kit.createTransport({ userId });
  const sent: ClientFrame[] = [];
  const send = inner.send;
  inner.send = (frame) => {
    const ok = send(frame);
    if (ok) sent.push(frame);
    return ok;
  };
  const transport = encryptedTransport(inner, options);
  const client = createRealtimeClient({ transport });
  clients.push(client);
  const errors: RealtimeError[] = [];
  client.onError((error) => errors.push(error));
  return { client, transport, inner, sent, errors };
}

function collect(client: RealtimeClient, channel: string, log: string[] = []) {
  const received: ChannelMessage[] = [];
  const errors: RealtimeError[] = [];
  const room = client.channel(channel);
  room.subscribe('*', (message) => {
    received.push(message);
    log.push(`${channel}#${message.seq}`);
  });
  room.onError((error) => errors.push(error));
  return { received, errors, data: () => received.map((message) => message.data) };
}

async function subscribed(client: RealtimeClient, channel: string) {
  await vi.waitFor(() => expect(client.channel(channel).getSnapshot().subscribed).toBe(true), WAIT);
}

describe('encryptedTransport', () => {
  it('lets clients with the key exchange plaintext while the server relays and stores ciphertext only', async () => {
    const kit = createTestTransport();
    const alice = join(kit, { key: () => KEY }, 'alice');
    const bob = join(kit, { key: () => KEY }, 'bob');
    const atAlice = collect(alice.client, ROOM);
    const atBob = collect(bob.client, ROOM);
    await subscribed(alice.client, ROOM);
    await subscribed(bob.client, ROOM);

    const receipt = await alice.client.channel(ROOM).publish('message', { text: 'only we can read this' });
    expect(receipt.seq).toBe(1);
    await bob.client.channel(ROOM).publish('message', { text: 'agreed' });
    await vi.waitFor(
      () => expect(atAlice.data()).toEqual([{ text: 'only we can read this' }, { text: 'agreed' }]),
      WAIT,
    );
    await vi.waitFor(() => expect(atBob.data()).toEqual([{ text: 'only we can read this' }, { text: 'agreed' }]), WAIT);

    const stored = kit.server.messages(ROOM);
    expect(stored).toHaveLength(2);
    for (const message of stored) {
      expect(isEncryptedEnvelope(message.data)).toBe(true);
      expect(JSON.stringify(message.data)).not.toMatch(/read this|agreed/);
    }
    // What went over the wire is the same ciphertext, and it opens with the channel key.
    const published = alice.sent.find((frame) => frame.type === 'publish');
    expect(published && isEncryptedEnvelope(published.data)).toBe(true);
    expect(await openData(KEY, ROOM, 'message', stored[0]!.data)).toEqual({ text: 'only we can read this' });
    expect(atAlice.errors).toEqual([]);
    expect(atBob.errors).toEqual([]);
  });

  it('seals signals and presence data too', async () => {
    const kit = createTestTransport();
    const alice = join(kit, { key: () => KEY }, 'alice');
    const bob = join(kit, { key: () => KEY }, 'bob');
    const signals: ChannelSignal[] = [];
    bob.client.channel(ROOM).onSignal('typing', (signal) => signals.push(signal));
    collect(alice.client, ROOM);
    await subscribed(bob.client, ROOM);
    await subscribed(alice.client, ROOM);

    alice.client.channel(ROOM).presence.enter({ name: 'Alice' });
    await vi.waitFor(
      () =>
        expect(bob.client.channel(ROOM).presence.members()).toEqual([
          expect.objectContaining({ userId: 'alice', data: { name: 'Alice' } }),
        ]),
      WAIT,
    );
    const [member] = kit.server.presence(ROOM);
    expect(isEncryptedEnvelope(member?.data)).toBe(true);
    alice.client.channel(ROOM).presence.update({ name: 'Alice B.' });
    await vi.waitFor(
      () => expect(bob.client.channel(ROOM).presence.members()[0]?.data).toEqual({ name: 'Alice B.' }),
      WAIT,
    );

    expect(alice.client.channel(ROOM).signal('typing', { typing: true })).toBe(true);
    await vi.waitFor(
      () =>
        expect(signals).toEqual([expect.objectContaining({ event: 'typing', data: { typing: true }, from: 'alice' })]),
      WAIT,
    );
    const signal = alice.sent.find((frame) => frame.type === 'signal');
    expect(signal && isEncryptedEnvelope(signal.data)).toBe(true);
    expect(
      alice.sent
        .filter((frame) => frame.type === 'presence')
        .every((frame) => frame.type === 'presence' && isEncryptedEnvelope(frame.data)),
    ).toBe(true);
  });

  it('never delivers what it cannot open: decryption_failed on the channel, and later messages still arrive', async () => {
    const kit = createTestTransport();
    const alice = join(kit, { key: () => KEY }, 'alice');
    const mallory = join(kit, { key: () => WRONG_KEY }, 'mallory');
    const atAlice = collect(alice.client, ROOM);
    const atMallory = collect(mallory.client, ROOM);
    await subscribed(alice.client, ROOM);
    await subscribed(mallory.client, ROOM);

    await alice.client.channel(ROOM).publish('message', { text: 'secret' });
    await vi.waitFor(() => expect(atMallory.errors).toHaveLength(1), WAIT);
    expect(atMallory.received).toEqual([]);
    expect(atMallory.errors[0]).toMatchObject({ code: 'decryption_failed' });
    expect(isRealtimeError(atMallory.errors[0])).toBe(true);
    // The channel moved past it.
    expect(mallory.client.channel(ROOM).getSnapshot().lastSeq).toBe(1);

    // Tampered, plaintext, moved from another event: none is delivered to Alice either.
    const sealed = await sealData(KEY, ROOM, 'message', { text: 'tamper me' });
    kit.server.publish(ROOM, 'message', {
      ...sealed,
      ct: `${sealed.ct.startsWith('A') ? 'B' : 'A'}${sealed.ct.slice(1)}`,
    });
    kit.server.publish(ROOM, 'message', { text: 'plaintext' });
    kit.server.publish(ROOM, 'edit', sealed);
    // Then one Mallory can read (sealed with her key), and one Alice can.
    kit.server.publish(ROOM, 'message', await sealData(WRONG_KEY, ROOM, 'message', { text: 'for mallory' }));
    kit.server.publish(ROOM, 'message', await sealData(KEY, ROOM, 'message', { text: 'for alice' }));

    await vi.waitFor(() => expect(atAlice.data()).toEqual([{ text: 'secret' }, { text: 'for alice' }]), WAIT);
    expect(atAlice.errors.map((error) => error.code)).toEqual([
      'decryption_failed',
      'decryption_failed',
      'decryption_failed',
      'decryption_failed',
    ]);
    await vi.waitFor(() => expect(atMallory.data()).toEqual([{ text: 'for mallory' }]), WAIT);
    expect(atMallory.received.map((message) => message.seq)).toEqual([5]);
    expect(alice.client.channel(ROOM).getSnapshot().lastSeq).toBe(6);
    await vi.waitFor(() => expect(mallory.client.channel(ROOM).getSnapshot().lastSeq).toBe(6), WAIT);
  });

  it('drops a signal it cannot open and reports it; leaves out a presence member it cannot read', async () => {
    const kit = createTestTransport();
    const alice = join(kit, { key: () => KEY }, 'alice');
    const mallory = join(kit, { key: () => WRONG_KEY }, 'mallory');
    const signals: ChannelSignal[] = [];
    const atMallory = collect(mallory.client, ROOM);
    mallory.client.channel(ROOM).onSignal('*', (signal) => signals.push(signal));
    collect(alice.client, ROOM);
    await subscribed(alice.client, ROOM);
    await subscribed(mallory.client, ROOM);

    alice.client.channel(ROOM).signal('typing', { typing: true });
    await vi.waitFor(() => expect(atMallory.errors.map((error) => error.code)).toEqual(['decryption_failed']), WAIT);
    alice.client.channel(ROOM).presence.enter({ name: 'Alice' });
    await vi.waitFor(() => expect(atMallory.errors).toHaveLength(2), WAIT);
    expect(atMallory.errors[1]).toMatchObject({
      code: 'decryption_failed',
      message: expect.stringContaining('presence member'),
    });
    expect(kit.server.presence(ROOM)).toHaveLength(1);
    expect(mallory.client.channel(ROOM).presence.members()).toEqual([]);
    expect(signals).toEqual([]);
  });

  it('fetches the key again once when a message does not open (rotation), and uses the new one', async () => {
    const kit = createTestTransport();
    let current = KEY;
    const key = vi.fn(() => current);
    const bob = join(kit, { key }, 'bob');
    const atBob = collect(bob.client, ROOM);
    await subscribed(bob.client, ROOM);

    kit.server.publish(ROOM, 'message', await sealData(KEY, ROOM, 'message', 1));
    await vi.waitFor(() => expect(atBob.data()).toEqual([1]), WAIT);
    expect(key).toHaveBeenCalledTimes(1);

    current = WRONG_KEY; // the channel's key was rotated
    kit.server.publish(ROOM, 'message', await sealData(WRONG_KEY, ROOM, 'message', 2));
    await vi.waitFor(() => expect(atBob.data()).toEqual([1, 2]), WAIT);
    expect(key).toHaveBeenCalledTimes(2);
    expect(atBob.errors).toEqual([]);

    // A message the fresh key cannot open is not worth another fetch: it fails at once.
    kit.server.publish(ROOM, 'message', await sealData(KEY, ROOM, 'message', 3));
    await vi.waitFor(() => expect(atBob.errors.map((error) => error.code)).toEqual(['decryption_failed']), WAIT);
    expect(key).toHaveBeenCalledTimes(3);
    expect(atBob.data()).toEqual([1, 2]);
  });

  it('keeps every incoming frame in order behind a slow key fetch (a subscribed never overtakes its replay)', async () => {
    const kit = createTestTransport();
    const keyGate = gate<string>();
    const key = vi.fn(() => keyGate.promise);
    const bob = join(kit, { key }, 'bob');
    const log: string[] = [];
    collect(bob.client, ROOM, log);
    collect(bob.client, 'plain', log);
    await subscribed(bob.client, ROOM);
    await subscribed(bob.client, 'plain');

    kit.server.publish(ROOM, 'message', await sealData(KEY, ROOM, 'message', 'e1'));
    kit.server.publish('plain', 'message', 'p1');
    kit.server.publish(ROOM, 'message', await sealData(KEY, ROOM, 'message', 'e2'));
    kit.server.publish('plain', 'message', 'p2');
    await vi.waitFor(() => expect(key).toHaveBeenCalledTimes(1), WAIT);
    // Give the frames time to arrive: nothing may be delivered while the first one waits for its key.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual([]);

    // A resume: while away, two messages; on return their replay comes before `subscribed`.
    kit.chaos.disconnect();
    await vi.waitFor(() => expect(bob.client.getSnapshot().status).not.toBe('open'), WAIT);
    kit.server.publish(ROOM, 'message', await sealData(KEY, ROOM, 'message', 'e3'));
    kit.server.publish(ROOM, 'message', await sealData(KEY, ROOM, 'message', 'e4'));
    kit.chaos.reconnect();
    await vi.waitFor(() => expect(bob.client.getSnapshot().status).toBe('open'), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bob.client.channel(ROOM).getSnapshot().subscribed).toBe(false);
    expect(log).toEqual([]);

    keyGate.open(KEY);
    await vi.waitFor(
      () => expect(bob.client.channel(ROOM).getSnapshot()).toMatchObject({ subscribed: true, lastSeq: 4 }),
      WAIT,
    );
    await vi.waitFor(() => expect(log).toContain('plain#2'), WAIT);
    // The first session's frames were dropped with it and replayed on resume: each message once, in order.
    expect(log.filter((entry) => entry.startsWith(ROOM))).toEqual([`${ROOM}#1`, `${ROOM}#2`, `${ROOM}#3`, `${ROOM}#4`]);
    expect(log.filter((entry) => entry.startsWith('plain'))).toEqual(['plain#1', 'plain#2']);
  });

  it('sends every frame in order behind a slow seal, and re-sends on the next session what the last one dropped', async () => {
    const kit = createTestTransport();
    const keyGate = gate<string>();
    const alice = join(kit, { key: () => keyGate.promise }, 'alice');
    alice.client.connect();
    await vi.waitFor(() => expect(alice.client.getSnapshot().status).toBe('open'), WAIT);

    const first = alice.client.channel(ROOM).publish('message', 'sealed first');
    const second = alice.client.channel('plain').publish('message', 'plain second');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The plain publish waits behind the sealed one.
    expect(alice.sent).toEqual([]);
    expect(kit.server.messages('plain')).toEqual([]);

    // The session ends while the seal is pending: its frames are dropped, the client re-sends them on the next one.
    kit.chaos.disconnect();
    await vi.waitFor(() => expect(alice.client.getSnapshot().status).not.toBe('open'), WAIT);
    keyGate.open(KEY);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alice.sent).toEqual([]);
    kit.chaos.reconnect();

    await expect(first).resolves.toMatchObject({ seq: 1 });
    await expect(second).resolves.toMatchObject({ seq: 1 });
    expect(alice.sent.map((frame) => frame.type === 'publish' && frame.channel)).toEqual([ROOM, 'plain']);
    expect(kit.server.messages(ROOM)).toHaveLength(1);
    expect(await openData(KEY, ROOM, 'message', kit.server.messages(ROOM)[0]!.data)).toBe('sealed first');
    expect(kit.server.messages('plain')[0]?.data).toBe('plain second');
  });

  it('fails frames whose key never comes with timeout, so the frames behind them go on', async () => {
    const kit = createTestTransport();
    const alice = join(kit, { key: () => new Promise<string>(() => {}), keyTimeoutMs: 50 }, 'alice');
    alice.client.connect();
    await vi.waitFor(() => expect(alice.client.getSnapshot().status).toBe('open'), WAIT);
    const stuck = alice.client.channel(ROOM).publish('message', 'never sealed');
    const behind = alice.client.channel('plain').publish('message', 'goes through');
    await expect(stuck).rejects.toMatchObject({ code: 'timeout' });
    await expect(behind).resolves.toMatchObject({ seq: 1 });
    expect(kit.server.messages(ROOM)).toEqual([]);
  });

  it('leaves other channels alone: no key is asked for and the server sees plaintext', async () => {
    const kit = createTestTransport();
    const key = vi.fn(() => KEY);
    const alice = join(kit, { key }, 'alice');
    const atAlice = collect(alice.client, 'room:1');
    await subscribed(alice.client, 'room:1');
    await alice.client.channel('room:1').publish('message', { text: 'public' });
    alice.client.channel('private-room').presence.enter({ name: 'Alice' });
    await vi.waitFor(() => expect(atAlice.data()).toEqual([{ text: 'public' }]), WAIT);
    expect(kit.server.messages('room:1')[0]?.data).toEqual({ text: 'public' });
    await vi.waitFor(() => expect(kit.server.presence('private-room')[0]?.data).toEqual({ name: 'Alice' }), WAIT);
    expect(key).not.toHaveBeenCalled();
    expect(alice.transport.kind).toBe('memory');
  });

  it('rejects a publish whose key is refused with a typed error, and stores nothing', async () => {
    const kit = createTestTransport();
    const refused = new RealtimeError('forbidden', 'You may not read this room.');
    const alice = join(kit, { key: () => Promise.reject(refused) }, 'alice');
    const atAlice = collect(alice.client, ROOM);
    await subscribed(alice.client, ROOM);

    await expect(alice.client.channel(ROOM).publish('message', 'x')).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('You may not read this room.'),
    });
    expect(kit.server.messages(ROOM)).toEqual([]);
    expect(alice.client.channel(ROOM).getSnapshot().pending).toBe(0);

    alice.client.channel(ROOM).signal('typing', true);
    await vi.waitFor(() => expect(atAlice.errors.map((error) => error.code)).toEqual(['forbidden']), WAIT);
    kit.server.publish(ROOM, 'message', await sealData(KEY, ROOM, 'message', 'unreadable without the key'));
    await vi.waitFor(() => expect(atAlice.errors.map((error) => error.code)).toEqual(['forbidden', 'forbidden']), WAIT);
    expect(atAlice.received).toEqual([]);
  });

  it('refuses data JSON cannot carry at once, as invalid_payload', async () => {
    const kit = createTestTransport();
    const alice = join(kit, { key: () => KEY }, 'alice');
    alice.client.connect();
    await vi.waitFor(() => expect(alice.client.getSnapshot().status).toBe('open'), WAIT);
    await expect(alice.client.channel(ROOM).publish('message', { n: 1n })).rejects.toMatchObject({
      code: 'invalid_payload',
    });
    expect(kit.server.messages(ROOM)).toEqual([]);
  });

  describe('authEndpoint', () => {
    function keyEndpoint(answer: (channel: string) => Response) {
      const requests: { url: string; init: RequestInit; body: unknown }[] = [];
      const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
        const body: unknown = JSON.parse(String(init.body));
        requests.push({ url: String(input), init, body });
        return answer((body as { channel: string }).channel);
      });
      return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
    }

    it('POSTs { channel } with same-origin credentials and the headers, once per channel', async () => {
      const kit = createTestTransport();
      const endpoint = keyEndpoint(() => Response.json({ key: KEY }));
      let token = 0;
      const alice = join(
        kit,
        {
          authEndpoint: 'https://app.test/api/realtime/keys',
          fetch: endpoint.fetch,
          headers: () => ({ authorization: `Bearer t${++token}` }),
        },
        'alice',
      );
      const atAlice = collect(alice.client, ROOM);
      await subscribed(alice.client, ROOM);
      await Promise.all([
        alice.client.channel(ROOM).publish('message', 1),
        alice.client.channel(ROOM).publish('message', 2),
      ]);
      await vi.waitFor(() => expect(atAlice.data()).toEqual([1, 2]), WAIT);

      expect(endpoint.requests).toHaveLength(1);
      const [request] = endpoint.requests;
      expect(request).toMatchObject({
        url: 'https://app.test/api/realtime/keys',
        body: { channel: ROOM },
        init: { method: 'POST', credentials: 'same-origin' },
      });
      const headers = new Headers(request!.init.headers);
      expect(headers.get('authorization')).toBe('Bearer t1');
      expect(headers.get('content-type')).toBe('application/json');
    });

    it('turns 401 and 403 into unauthorized and forbidden, keeping the endpoint’s message', async () => {
      const kit = createTestTransport();
      const endpoint = keyEndpoint((channel) =>
        channel.endsWith('a')
          ? Response.json({ error: { code: 'unauthorized', message: 'Sign in first.' } }, { status: 401 })
          : Response.json({ error: { code: 'forbidden', message: 'Not a member.' } }, { status: 403 }),
      );
      const alice = join(kit, { authEndpoint: 'https://app.test/keys', fetch: endpoint.fetch }, 'alice');
      alice.client.connect();
      await vi.waitFor(() => expect(alice.client.getSnapshot().status).toBe('open'), WAIT);
      await expect(alice.client.channel('private-encrypted-a').publish('m', 1)).rejects.toMatchObject({
        code: 'unauthorized',
        message: expect.stringContaining('Sign in first.'),
      });
      await expect(alice.client.channel('private-encrypted-b').publish('m', 1)).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('Not a member.'),
      });
      // A refusal is remembered for a while: the next publish does not ask again at once.
      await expect(alice.client.channel('private-encrypted-b').publish('m', 2)).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect(endpoint.requests).toHaveLength(2);
    });

    it('refuses an answer without a usable key as bad_data', async () => {
      const kit = createTestTransport();
      const endpoint = keyEndpoint(() => Response.json({ key: toBase64(new Uint8Array(16)) }));
      const alice = join(kit, { authEndpoint: 'https://app.test/keys', fetch: endpoint.fetch }, 'alice');
      alice.client.connect();
      await vi.waitFor(() => expect(alice.client.getSnapshot().status).toBe('open'), WAIT);
      await expect(alice.client.channel(ROOM).publish('m', 1)).rejects.toMatchObject({ code: 'bad_data' });
    });
  });

  it('needs exactly one of key and authEndpoint', () => {
    const inner = createTestTransport().transport as Transport;
    expect(() => encryptedTransport(inner, {})).toThrow(TypeError);
    expect(() => encryptedTransport(inner, { key: () => KEY, authEndpoint: '/keys' })).toThrow(TypeError);
    expect(() => encryptedTransport(inner, { key: () => KEY, keyTimeoutMs: 0 })).toThrow(RangeError);
  });
});
