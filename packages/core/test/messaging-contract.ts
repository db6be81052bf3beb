// One messaging / resume suite, run over every transport: ours over WebSocket, SSE + POST and long polling, Socket.io,
// and the hosted adapters with their SDKs against the local stand-ins (Pusher, Supabase; Ably at its SDK boundary).
// Real timers and real servers. What a transport cannot promise (a hosted service without history cannot replay) is
// a declared capability, and the suite tests what it promises instead: it never skips.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelMessage, RealtimeClient } from '../src/channel/types.js';
import type { ServerFrame } from '../src/protocol/frames.js';

export interface MessagingPeer {
  readonly client: RealtimeClient;
  /**
   * Cuts this peer's connection as a network failure would, and keeps the peer from connecting again until the
   * returned `restore` is called (the others stay connected). Resolves once the server has let go of the connection.
   */
  drop(): Promise<() => void>;
}

export interface MessagingCapabilities {
  /**
   * What a subscriber gets, after it reconnected, of the messages published while its connection was down:
   * - `'replayed'`: every one, once, in order, before the ones published later (the server, or the service's own
   *   recovery and history, resumes the channel);
   * - `'lost'`: none (the service keeps no history, and the transport resumes at the live edge). Nothing published
   *   before the drop or after the resubscription is lost or delivered twice.
   */
  readonly missedWhileDown: 'replayed' | 'lost';
}

export interface MessagingHarness {
  /** A channel name clients may publish on, made from `base` (Pusher: `private-<base>`). */
  channel(base: string): string;
  readonly capabilities: MessagingCapabilities;
  /** A peer on a new connection. */
  peer(): Promise<MessagingPeer>;
  close(): Promise<void>;
}

export interface MessagingContractOptions {
  /** How long the suite waits for something to arrive. Default 10 000 ms. */
  timeoutMs?: number;
}

/** How long the suite watches for something that must not arrive. */
const QUIET_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const data = (messages: readonly ChannelMessage[]) => messages.map((message) => message.data);

/** The steps every test takes; `offs` collects what the test's cleanup undoes. */
function contractSteps(WAIT: { timeout: number; interval: number }, offs: (() => void)[]) {
  /** Collects what `peer` delivers on `channel` (subscribing it), once the subscription is confirmed. */
  async function listen(peer: MessagingPeer, channel: string) {
    const messages: ChannelMessage[] = [];
    const off = peer.client.channel(channel).subscribe('*', (message) => messages.push(message));
    offs.push(off);
    await subscribed(peer, channel);
    return { messages, off };
  }

  async function subscribed(peer: MessagingPeer, channel: string) {
    await vi.waitFor(() => expect(peer.client.channel(channel).getSnapshot().subscribed).toBe(true), WAIT);
  }

  /** Drops `peer` and waits until its client knows (no session); `restore` lets it connect again. */
  async function dropped(peer: MessagingPeer) {
    const restore = await peer.drop();
    await vi.waitFor(() => expect(peer.client.getSnapshot().status).not.toBe('open'), WAIT);
    return restore;
  }

  return { listen, subscribed, dropped };
}

export function describeMessagingContract(
  name: string,
  setup: () => Promise<MessagingHarness>,
  options: MessagingContractOptions = {},
): void {
  const WAIT = { timeout: options.timeoutMs ?? 10_000, interval: 10 };

  describe(`messaging contract over ${name}`, () => {
    let harness: MessagingHarness;
    const offs: (() => void)[] = [];

    beforeEach(async () => {
      harness = await setup();
    });
    afterEach(async () => {
      for (const off of offs.splice(0)) off();
      await harness.close();
    });

    const { listen, subscribed, dropped } = contractSteps(WAIT, offs);

    it('delivers each channel in publish order, once, numbered 1, 2, 3', async () => {
      const alice = await harness.peer();
      const bob = await harness.peer();
      const [a, b] = [harness.channel('order-a'), harness.channel('order-b')];
      const atA = await listen(bob, a);
      const atB = await listen(bob, b);
      const publishes = [1, 2, 3].flatMap((n) => [
        alice.client.channel(a).publish('n', `a${n}`),
        alice.client.channel(b).publish('n', `b${n}`),
      ]);
      await Promise.all(publishes);
      await vi.waitFor(() => expect(atA.messages.length + atB.messages.length).toBe(6), WAIT);
      await sleep(QUIET_MS);
      expect(data(atA.messages)).toEqual(['a1', 'a2', 'a3']);
      expect(data(atB.messages)).toEqual(['b1', 'b2', 'b3']);
      expect(atA.messages.map((message) => message.seq)).toEqual([1, 2, 3]);
      expect(atB.messages.map((message) => message.seq)).toEqual([1, 2, 3]);
      expect(new Set([...atA.messages, ...atB.messages].map((message) => message.id)).size).toBe(6);
      expect(atA.messages.every((message) => message.channel === a && message.event === 'n')).toBe(true);
    });

    it('acks every publish with its cid and the id every subscriber sees; the publisher gets its own message once', async () => {
      const alice = await harness.peer();
      const bob = await harness.peer();
      const room = harness.channel('acks');
      const own = await listen(alice, room);
      const other = await listen(bob, room);
      const receipts = [];
      for (const n of [1, 2, 3])
        receipts.push(await alice.client.channel(room).publish('chat', { n }, { cid: `acks-${n}` }));
      expect(receipts.map((receipt) => receipt.cid)).toEqual(['acks-1', 'acks-2', 'acks-3']);
      await vi.waitFor(() => expect(other.messages).toHaveLength(3), WAIT);
      await vi.waitFor(() => expect(own.messages).toHaveLength(3), WAIT);
      await sleep(QUIET_MS);
      expect(other.messages.map((message) => [message.id, message.cid, message.data])).toEqual(
        receipts.map((receipt, i) => [receipt.id, receipt.cid, { n: i + 1 }]),
      );
      // The publisher's own copy: once each, and where its receipt says.
      expect(own.messages.map((message) => [message.id, message.cid, message.seq])).toEqual(
        receipts.map((receipt) => [receipt.id, receipt.cid, receipt.seq]),
      );
      expect(receipts.map((receipt) => receipt.seq)).toEqual(
        [...receipts.map((receipt) => receipt.seq)].sort((x, y) => x - y),
      );
      expect(alice.client.channel(room).getSnapshot().pending).toBe(0);
    });

    it('a dropped connection loses nothing and repeats nothing; what was published meanwhile is as the transport declares', async () => {
      const alice = await harness.peer();
      const bob = await harness.peer();
      const room = harness.channel('resume');
      const got = await listen(bob, room);
      await alice.client.channel(room).publish('n', 1);
      await vi.waitFor(() => expect(data(got.messages)).toEqual([1]), WAIT);

      const restore = await dropped(bob);
      for (const n of [2, 3, 4]) await alice.client.channel(room).publish('n', n);
      restore();
      await vi.waitFor(() => expect(bob.client.getSnapshot().status).toBe('open'), WAIT);
      await subscribed(bob, room);
      await alice.client.channel(room).publish('n', 5);
      await vi.waitFor(() => expect(data(got.messages)).toContain(5), WAIT);
      await sleep(QUIET_MS);

      const seqs = got.messages.map((message) => message.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(got.messages.map((message) => message.id)).size).toBe(got.messages.length);
      if (harness.capabilities.missedWhileDown === 'replayed') {
        expect(data(got.messages)).toEqual([1, 2, 3, 4, 5]);
        expect(seqs).toEqual([1, 2, 3, 4, 5]);
      } else {
        expect(data(got.messages)).toEqual([1, 5]);
      }
    });

    it('publishes made while disconnected wait in the outbox and go out once, in order, after the reconnect', async () => {
      const alice = await harness.peer();
      const bob = await harness.peer();
      const room = harness.channel('outbox');
      const got = await listen(bob, room);
      await listen(alice, room);

      const restore = await dropped(alice);
      const pending = [1, 2, 3].map((n) => alice.client.channel(room).publish('n', n));
      expect(alice.client.channel(room).getSnapshot().pending).toBe(3);
      await sleep(QUIET_MS);
      expect(got.messages).toEqual([]);
      restore();
      const receipts = await Promise.all(pending);
      expect(new Set(receipts.map((receipt) => receipt.cid)).size).toBe(3);
      await vi.waitFor(() => expect(data(got.messages)).toEqual([1, 2, 3]), WAIT);
      await sleep(QUIET_MS);
      expect(data(got.messages)).toEqual([1, 2, 3]);
      expect(got.messages.map((message) => message.cid)).toEqual(receipts.map((receipt) => receipt.cid));
      expect(alice.client.channel(room).getSnapshot().pending).toBe(0);
    });

    it('unsubscribing stops delivery on the connection; a new subscription starts at the live edge', async () => {
      const alice = await harness.peer();
      const bob = await harness.peer();
      const carol = await harness.peer();
      const room = harness.channel('leave');
      const atBob = await listen(bob, room);
      const atCarol = await listen(carol, room);
      await alice.client.channel(room).publish('n', 1);
      await vi.waitFor(() => expect(data(atBob.messages)).toEqual([1]), WAIT);

      atBob.off();
      await vi.waitFor(() => expect(bob.client.channel(room).getSnapshot().subscribed).toBe(false), WAIT);
      // A round trip on bob's connection after the unsubscribe: the server has handled it once this is confirmed.
      await listen(bob, harness.channel('leave-barrier'));
      const seenByTransport: ServerFrame[] = [];
      offs.push(
        bob.client.transport.onFrame(
          (frame) => frame.type === 'message' && frame.channel === room && seenByTransport.push(frame),
        ),
      );
      await alice.client.channel(room).publish('n', 2);
      await vi.waitFor(() => expect(data(atCarol.messages)).toEqual([1, 2]), WAIT);
      await sleep(QUIET_MS);
      expect(data(atBob.messages)).toEqual([1]);
      expect(seenByTransport).toEqual([]);

      const again = await listen(bob, room);
      await alice.client.channel(room).publish('n', 3);
      await vi.waitFor(() => expect(data(again.messages)).toEqual([3]), WAIT);
      await sleep(QUIET_MS);
      expect(data(again.messages)).toEqual([3]);
    });
  });
}
