// Awareness over channel signals: real clients on the in-memory hub for who-sees-whom, a recording channel double
// with fake timers for the throttle, the heartbeat and the silence timeout.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createRealtimeClient } from '../channel/client.js';
import type { ChannelSignal, ChannelState, RealtimeClient } from '../channel/types.js';
import { createChannelHub, type ChannelHub } from '../protocol/hub.js';
import { createStore } from '../store.js';
import { createMemoryTransport } from '../testing/create-memory-transport.js';
import { createTestLink, type TestLink } from '../testing/create-test-link.js';
import {
  bindAwarenessToChannel,
  YJS_AWARENESS_EVENT,
  type AwarenessChannel,
  type AwarenessChannelBinding,
} from './awareness-binding.js';
import { toBase64 } from './base64.js';

const WAIT = { timeout: 3000, interval: 5 };
const DOC = 'doc:1';
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  vi.useRealTimers();
});

interface Peer {
  id: string;
  client: RealtimeClient;
  link: TestLink;
  awareness: Awareness;
  binding: AwarenessChannelBinding;
}

/** A user on its own wire, in presence, with an awareness carrying their name. */
function joinPeer(hub: ChannelHub, id: string): Peer {
  const link = createTestLink();
  const client = createRealtimeClient({
    transport: createMemoryTransport(hub, { userId: id, link }),
    presenceGraceMs: 0,
  });
  const channel = client.channel(DOC);
  channel.presence.enter({ name: id });
  const awareness = new Awareness(new Y.Doc());
  awareness.setLocalStateField('user', { name: id });
  const binding = bindAwarenessToChannel(awareness, channel, { throttleMs: 10 });
  cleanups.push(() => {
    binding.destroy();
    awareness.destroy();
    client.close();
  });
  return { id, client, link, awareness, binding };
}

/** The names a peer sees for everyone else. */
const namesSeenBy = (peer: Peer) =>
  [...peer.awareness.getStates()]
    .filter(([client]) => client !== peer.awareness.clientID)
    .map(([, state]) => (state as { user?: { name?: string } }).user?.name)
    .sort();

describe('bindAwarenessToChannel over the hub', () => {
  it('shows each client the others’ states, including those who were there before it came', async () => {
    const hub = createChannelHub();
    const ada = joinPeer(hub, 'ada');
    const grace = joinPeer(hub, 'grace');
    await expect.poll(() => namesSeenBy(ada), WAIT).toEqual(['grace']);
    await expect.poll(() => namesSeenBy(grace), WAIT).toEqual(['ada']);

    // A late joiner hears nobody change anything: its query on subscribe makes them answer.
    const linus = joinPeer(hub, 'linus');
    await expect.poll(() => namesSeenBy(linus), WAIT).toEqual(['ada', 'grace']);

    ada.awareness.setLocalStateField('cursor', { anchor: 1, head: 4 });
    await expect
      .poll(() => (linus.awareness.getStates().get(ada.awareness.clientID) as { cursor?: unknown })?.cursor, WAIT)
      .toEqual({ anchor: 1, head: 4 });
  });

  it('removes the state of a user who leaves presence, and of a client that says goodbye', async () => {
    const hub = createChannelHub();
    const ada = joinPeer(hub, 'ada');
    const grace = joinPeer(hub, 'grace');
    const linus = joinPeer(hub, 'linus');
    await expect.poll(() => namesSeenBy(ada), WAIT).toEqual(['grace', 'linus']);

    grace.client.channel(DOC).presence.leave();
    await expect.poll(() => namesSeenBy(ada), WAIT).toEqual(['linus']);

    linus.binding.destroy();
    await expect.poll(() => namesSeenBy(ada), WAIT).toEqual([]);
  });

  it('drops remote states while offline and gets them back, with what changed meanwhile, on reconnect', async () => {
    const hub = createChannelHub();
    const ada = joinPeer(hub, 'ada');
    const grace = joinPeer(hub, 'grace');
    await expect.poll(() => namesSeenBy(ada), WAIT).toEqual(['grace']);

    ada.link.offline();
    await expect.poll(() => namesSeenBy(ada), WAIT).toEqual([]);
    ada.awareness.setLocalStateField('user', { name: 'ada (renamed offline)' });
    grace.awareness.setLocalStateField('user', { name: 'grace (renamed)' });

    ada.link.online();
    await expect.poll(() => namesSeenBy(ada), WAIT).toEqual(['grace (renamed)']);
    await expect.poll(() => namesSeenBy(grace), WAIT).toEqual(['ada (renamed offline)']);
  });
});

/** A channel double that records signals and lets the test deliver them. */
function recordingChannel() {
  const state = createStore<ChannelState>({ subscribed: true, lastSeq: 0, pending: 0 });
  const members = createStore<readonly { userId: string }[]>([]);
  const sent: { event: string; data: { update: string; query?: boolean } }[] = [];
  const handlers = new Set<(signal: ChannelSignal<unknown>) => void>();
  const channel = {
    signal(event: string, data?: unknown) {
      if (!state.getSnapshot().subscribed) return false;
      sent.push({ event, data: data as { update: string; query?: boolean } });
      return true;
    },
    onSignal(event: string, handler: (signal: ChannelSignal<unknown>) => void) {
      expect(event).toBe(YJS_AWARENESS_EVENT);
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    getSnapshot: state.getSnapshot,
    subscribe: state.subscribe,
    presence: { subscribe: members.subscribe, members: members.getSnapshot },
  } as unknown as AwarenessChannel;
  const deliver = (from: string, data: unknown) => {
    for (const handler of [...handlers]) handler({ channel: DOC, event: YJS_AWARENESS_EVENT, data, from });
  };
  return { channel, sent, deliver, state, members };
}

describe('bindAwarenessToChannel timing', () => {
  it('sends the first change at once, then at most one per throttle window, always ending on the latest state', async () => {
    vi.useFakeTimers();
    const { channel, sent } = recordingChannel();
    const awareness = new Awareness(new Y.Doc());
    const binding = bindAwarenessToChannel(awareness, channel, { throttleMs: 100 });
    cleanups.push(() => {
      binding.destroy();
      awareness.destroy();
    });
    // The announcement on subscribe asks everyone for their state.
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data.query).toBe(true);

    await vi.advanceTimersByTimeAsync(200);
    for (let head = 0; head < 20; head++) {
      awareness.setLocalStateField('cursor', { head });
      await vi.advanceTimersByTimeAsync(10);
    }
    // 200 ms of changes every 10 ms: the leading one, then one per 100 ms window.
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(100);

    const receiver = new Awareness(new Y.Doc());
    const last = sent.at(-1)!.data.update;
    const { applyAwarenessUpdate } = await import('y-protocols/awareness');
    applyAwarenessUpdate(receiver, Uint8Array.from(Buffer.from(last, 'base64')), 'test');
    expect((receiver.getStates().get(awareness.clientID) as { cursor: { head: number } }).cursor.head).toBe(19);
    receiver.destroy();
  });

  it('answers a query, re-sends its state as a heartbeat, and drops a peer silent for the timeout', async () => {
    vi.useFakeTimers();
    const { channel, sent, deliver } = recordingChannel();
    const awareness = new Awareness(new Y.Doc());
    const binding = bindAwarenessToChannel(awareness, channel, { throttleMs: 100, timeoutMs: 10_000 });
    const peer = new Awareness(new Y.Doc());
    peer.setLocalStateField('user', { name: 'grace' });
    cleanups.push(() => {
      binding.destroy();
      awareness.destroy();
      peer.destroy();
    });
    await vi.advanceTimersByTimeAsync(200);
    const before = sent.length;

    deliver('grace', { update: toBase64(encodeAwarenessUpdate(peer, [peer.clientID])), query: true });
    expect(awareness.getStates().has(peer.clientID)).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent.length).toBe(before + 1);

    // Half the timeout after binding: a heartbeat. Grace silent for the timeout: gone at the next sweep after it.
    await vi.advanceTimersByTimeAsync(4_700);
    expect(sent.length).toBe(before + 2);
    expect(awareness.getStates().has(peer.clientID)).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(awareness.getStates().has(peer.clientID)).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent.length).toBe(before + 4);
    expect(awareness.getStates().has(peer.clientID)).toBe(false);
  });

  it('ignores malformed updates, reporting what fails to decode', () => {
    const { channel, deliver } = recordingChannel();
    const errors: unknown[] = [];
    const awareness = new Awareness(new Y.Doc());
    const binding = bindAwarenessToChannel(awareness, channel, { onError: (error) => errors.push(error) });
    cleanups.push(() => {
      binding.destroy();
      awareness.destroy();
    });
    deliver('mallory', null);
    deliver('mallory', { update: 42 });
    expect(errors).toEqual([]);
    deliver('mallory', { update: toBase64(Uint8Array.of(5, 1)) });
    expect(errors).toHaveLength(1);
    expect([...awareness.getStates().keys()]).toEqual([awareness.clientID]);
  });
});
