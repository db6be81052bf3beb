// One presence / typing / read-receipt suite, run over every transport (ours over WebSocket, SSE + POST and the
// in-memory test transport; Socket.io; Pusher, Supabase and Ably against their local stand-ins). Real timers and real
// servers: every transport must behave the same way where a user can see it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReadReceipts } from '../src/channel/read-receipts.js';
import { createTypingIndicator } from '../src/channel/typing.js';
import type { Channel, RealtimeClient, RealtimeClientOptions } from '../src/channel/types.js';

export interface PresenceHarness {
  /** A presence-capable channel name valid on this transport (e.g. 'presence-room' on Pusher). */
  readonly channel: string;
  /** A new RealtimeClient over a NEW connection of `userId` (the same userId twice = two tabs of one user). Pass `options` to createRealtimeClient. */
  client(userId: string, options?: Partial<RealtimeClientOptions>): Promise<RealtimeClient>;
  close(): Promise<void>;
}

export interface PresenceContractOptions {
  /** How long the suite waits for something to arrive. Default 5000 ms. */
  timeoutMs?: number;
}

/** The grace period the suite runs with: long enough for a local reconnect, short enough for a quick suite. */
const GRACE_MS = 1500;
const TYPING = { timeoutMs: 800, throttleMs: 100 } as const;

const ids = (channel: Channel) =>
  channel.presence
    .getSnapshot()
    .map((member) => member.userId)
    .sort();

export function describePresenceContract(
  name: string,
  setup: () => Promise<PresenceHarness>,
  options: PresenceContractOptions = {},
): void {
  const WAIT = { timeout: options.timeoutMs ?? 5000, interval: 10 };

  describe(`presence contract over ${name}`, () => {
    let harness: PresenceHarness;
    const clients: RealtimeClient[] = [];

    beforeEach(async () => {
      harness = await setup();
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await harness.close();
    });

    async function join(userId: string, data?: unknown, clientOptions: Partial<RealtimeClientOptions> = {}) {
      const client = await harness.client(userId, { presenceGraceMs: GRACE_MS, ...clientOptions });
      clients.push(client);
      const room = client.channel(harness.channel);
      room.presence.subscribe(() => {});
      room.presence.enter(data);
      await vi.waitFor(() => expect(room.getSnapshot().subscribed).toBe(true), WAIT);
      return { client, room };
    }

    it('lists everyone who entered, with their data, once each, including yourself', async () => {
      const alice = await join('alice', { name: 'Alice' });
      const bob = await join('bob', { name: 'Bob' });
      await vi.waitFor(() => expect(ids(alice.room)).toEqual(['alice', 'bob']), WAIT);
      await vi.waitFor(() => expect(ids(bob.room)).toEqual(['alice', 'bob']), WAIT);
      await vi.waitFor(() => {
        expect(alice.room.presence.getSnapshot().find((member) => member.userId === 'bob')).toMatchObject({
          data: { name: 'Bob' },
          status: 'active',
        });
        expect(bob.room.presence.getSnapshot().find((member) => member.userId === 'alice')).toMatchObject({
          data: { name: 'Alice' },
        });
        expect(alice.room.presence.self()).toMatchObject({ userId: 'alice', data: { name: 'Alice' } });
      }, WAIT);
      alice.room.presence.update({ name: 'Alice L.' });
      await vi.waitFor(
        () =>
          expect(bob.room.presence.getSnapshot().find((member) => member.userId === 'alice')?.data).toEqual({
            name: 'Alice L.',
          }),
        WAIT,
      );
    });

    it('removes a member who leaves, after the grace period', async () => {
      const alice = await join('alice');
      const bob = await join('bob');
      await vi.waitFor(() => expect(ids(alice.room)).toEqual(['alice', 'bob']), WAIT);
      const leftAt = Date.now();
      bob.room.presence.leave();
      await vi.waitFor(() => expect(ids(alice.room)).toEqual(['alice']), { ...WAIT, timeout: WAIT.timeout + GRACE_MS });
      expect(Date.now() - leftAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    });

    it('counts two tabs of one user as one member, present until the last tab leaves', async () => {
      const bob = await join('bob');
      const tab1 = await join('alice', { name: 'Alice' });
      const tab2 = await join('alice', { name: 'Alice' });
      await vi.waitFor(() => expect(ids(bob.room)).toEqual(['alice', 'bob']), WAIT);
      tab2.room.presence.leave();
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 300));
      expect(ids(bob.room)).toEqual(['alice', 'bob']);
      expect(ids(tab1.room)).toEqual(['alice', 'bob']);
      tab1.room.presence.leave();
      await vi.waitFor(() => expect(ids(bob.room)).toEqual(['bob']), { ...WAIT, timeout: WAIT.timeout + GRACE_MS });
    });

    it('never shows a member leave and come back when their connection drops and reconnects within the grace period', async () => {
      const bob = await join('bob');
      const alice = await join('alice', { name: 'Alice' });
      await vi.waitFor(() => expect(ids(bob.room)).toEqual(['alice', 'bob']), WAIT);
      const views: string[][] = [];
      const off = bob.room.presence.subscribe(() => views.push(ids(bob.room)));
      alice.client.transport.reconnect();
      await vi.waitFor(() => expect(alice.client.getSnapshot().status).toBe('open'), WAIT);
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 300));
      off();
      expect(views.filter((view) => !view.includes('alice'))).toEqual([]);
      expect(ids(bob.room)).toEqual(['alice', 'bob']);
      expect(bob.room.presence.getSnapshot().find((member) => member.userId === 'alice')?.data).toEqual({
        name: 'Alice',
      });
    });

    it('tells the others when a member goes idle or away, and back', async () => {
      const alice = await join('alice');
      const bob = await join('bob');
      const aliceSeenByBob = () => bob.room.presence.getSnapshot().find((member) => member.userId === 'alice');
      await vi.waitFor(() => expect(aliceSeenByBob()?.status).toBe('active'), WAIT);
      alice.room.presence.setStatus('away');
      await vi.waitFor(() => expect(aliceSeenByBob()?.status).toBe('away'), WAIT);
      alice.room.presence.setStatus('idle');
      await vi.waitFor(() => expect(aliceSeenByBob()?.status).toBe('idle'), WAIT);
      alice.room.presence.setStatus('active');
      await vi.waitFor(() => expect(aliceSeenByBob()?.status).toBe('active'), WAIT);
    });

    it('shows a user with several tabs as present as their most present tab', async () => {
      const bob = await join('bob');
      const tab1 = await join('alice', { name: 'Alice' });
      const tab2 = await join('alice', { name: 'Alice' });
      const alice = () => bob.room.presence.getSnapshot().find((member) => member.userId === 'alice');
      await vi.waitFor(() => expect(alice()).toMatchObject({ connections: 2, status: 'active' }), WAIT);
      tab1.room.presence.setStatus('away');
      tab2.room.presence.setStatus('idle');
      // away and idle: idle is the more present (an inverted ranking shows away).
      await vi.waitFor(() => expect(alice()).toMatchObject({ connections: 2, status: 'idle' }), WAIT);
      tab1.room.presence.setStatus('active');
      await vi.waitFor(() => expect(alice()).toMatchObject({ connections: 2, status: 'active' }), WAIT);
    });

    it('shows who is typing (never yourself), clears on stop and expires when the typist goes quiet', async () => {
      const alice = await join('alice');
      const bob = await join('bob');
      const aliceTyping = createTypingIndicator(alice.room, TYPING);
      const bobSees = createTypingIndicator(bob.room, TYPING);
      const offs = [aliceTyping.subscribe(() => {}), bobSees.subscribe(() => {})];
      await vi.waitFor(() => expect(ids(bob.room)).toEqual(['alice', 'bob']), WAIT);

      aliceTyping.keystroke();
      await vi.waitFor(() => expect(bobSees.getSnapshot()).toEqual(['alice']), WAIT);
      expect(aliceTyping.getSnapshot()).toEqual([]);
      aliceTyping.stop();
      await vi.waitFor(() => expect(bobSees.getSnapshot()).toEqual([]), WAIT);

      aliceTyping.keystroke();
      await vi.waitFor(() => expect(bobSees.getSnapshot()).toEqual(['alice']), WAIT);
      const quietSince = Date.now();
      await vi.waitFor(() => expect(bobSees.getSnapshot()).toEqual([]), {
        ...WAIT,
        timeout: WAIT.timeout + TYPING.timeoutMs,
      });
      expect(Date.now() - quietSince).toBeGreaterThanOrEqual(TYPING.timeoutMs - 300);
      for (const off of offs) off();
    });

    it('delivers read receipts, and a newcomer learns the receipts of those already there', async () => {
      const alice = await join('alice');
      const bob = await join('bob');
      const aliceReceipts = createReadReceipts(alice.room);
      const bobReceipts = createReadReceipts(bob.room);
      const offs = [aliceReceipts.subscribe(() => {}), bobReceipts.subscribe(() => {})];
      await vi.waitFor(() => expect(ids(bob.room)).toEqual(['alice', 'bob']), WAIT);

      aliceReceipts.markRead('m-1');
      await vi.waitFor(() => expect(bobReceipts.getSnapshot().get('alice')).toBe('m-1'), WAIT);
      aliceReceipts.markRead('m-2');
      await vi.waitFor(() => expect(bobReceipts.getSnapshot().get('alice')).toBe('m-2'), WAIT);
      expect(aliceReceipts.lastRead()).toBe('m-2');

      const carol = await join('carol');
      const carolReceipts = createReadReceipts(carol.room);
      offs.push(carolReceipts.subscribe(() => {}));
      await vi.waitFor(() => expect(carolReceipts.getSnapshot().get('alice')).toBe('m-2'), WAIT);
      for (const off of offs) off();
    });
  });
}
