// shareAcrossTabs in Node: "tabs" are transports in one process, talking over Node's real BroadcastChannel, with a
// small in-memory Web Locks stand-in (the browser test in tests/e2e runs the real thing in Chromium).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../../channel/client.js';
import type { ChannelMessage, RealtimeClient } from '../../channel/types.js';
import { createTestTransport, type TestTransport } from '../../testing/create-test-transport.js';
import { shareAcrossTabs, type SharedTransport, type TabLocks } from './share-across-tabs.js';

const WAIT = { timeout: 3000, interval: 5 };

/** Web Locks, exclusive mode only: one holder per name, waiters granted in order, `signal` withdraws a waiter. */
function createLocks(): TabLocks & { release(name: string): void; names(): string[] } {
  const held = new Map<string, string>();
  const queues = new Map<string, { id: string; grant: () => void }[]>();
  let ids = 0;
  function next(name: string) {
    if (held.has(name)) return;
    const waiter = queues.get(name)?.shift();
    if (waiter) waiter.grant();
  }
  return {
    request(name, options, callback) {
      const id = `lock${++ids}`;
      return new Promise((resolve, reject) => {
        const entry = {
          id,
          grant() {
            held.set(name, id);
            options.signal?.removeEventListener('abort', onAbort);
            void callback().finally(() => {
              held.delete(name);
              resolve(undefined);
              next(name);
            });
          },
        };
        const onAbort = () => {
          const queue = queues.get(name) ?? [];
          const index = queue.indexOf(entry);
          if (index >= 0) queue.splice(index, 1);
          reject(new DOMException('aborted', 'AbortError'));
        };
        if (options.signal?.aborted) return onAbort();
        options.signal?.addEventListener('abort', onAbort);
        queues.set(name, [...(queues.get(name) ?? []), entry]);
        next(name);
      });
    },
    async query() {
      return { held: [...held.keys()].map((name) => ({ name })) };
    },
    names: () => [...held.keys()],
    /** As when a tab's process dies: its locks go without its callback settling. */
    release(name) {
      held.delete(name);
      next(name);
    },
  };
}

function createLifecycle() {
  const listeners = new Map<string, Set<() => void>>();
  return {
    addEventListener: (type: string, listener: () => void) =>
      void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(listener),
    removeEventListener: (type: string, listener: () => void) => void listeners.get(type)?.delete(listener),
    dispatch: (type: string) => listeners.get(type)?.forEach((listener) => listener()),
  };
}

interface Tab {
  transport: SharedTransport;
  client: RealtimeClient;
  lifecycle: ReturnType<typeof createLifecycle>;
  received: ChannelMessage[];
  /** The tab's process dies: it says nothing more (no bye) and its locks go. */
  crash(): Promise<void>;
}

const open: Tab[] = [];
afterEach(() => {
  for (const tab of open.splice(0)) tab.client.close();
});

function browser(kit: TestTransport, userId = 'ada') {
  const locks = createLocks();
  function tab(channel = 'room'): Tab {
    const lifecycle = createLifecycle();
    let mute = () => {};
    const before = new Set(locks.names());
    const transport = shareAcrossTabs(() => kit.createTransport({ userId }), {
      key: 'app',
      locks,
      lifecycle,
      tabCheckMs: 50,
      createChannel(name) {
        const channel = new BroadcastChannel(name);
        mute = () => void (channel.postMessage = () => {});
        return channel as never;
      },
    });
    const client = createRealtimeClient({ transport });
    const received: ChannelMessage[] = [];
    client.channel(channel).subscribe('*', (message) => received.push(message));
    const opened: Tab = {
      transport,
      client,
      lifecycle,
      received,
      async crash() {
        mute();
        const own = locks.names().filter((name) => name.includes(':tab:') && !before.has(name));
        for (const name of own) locks.release(name);
        client.close();
      },
    };
    open.push(opened);
    return opened;
  }
  return { tab, locks };
}

const seqs = (tab: Tab) => tab.received.map((message) => message.seq);
const leaders = (tabs: Tab[]) => tabs.filter((tab) => tab.transport.leader);

describe('shareAcrossTabs', () => {
  it('opens one connection for every tab; each tab gets every message once and publishes through the leader', async () => {
    const kit = createTestTransport();
    const { tab } = browser(kit);
    const tabs = [tab(), tab(), tab()];
    await vi.waitFor(
      () => expect(tabs.every((t) => t.client.channel('room').getSnapshot().subscribed)).toBe(true),
      WAIT,
    );
    expect(kit.server.hub.sessions).toBe(1);
    expect(leaders(tabs)).toHaveLength(1);
    kit.server.publish('room', 'm', 1);
    const receipt = await tabs[2]!.client.channel('room').publish('m', 2);
    expect(receipt.seq).toBe(2);
    await vi.waitFor(
      () =>
        expect(tabs.map(seqs)).toEqual([
          [1, 2],
          [1, 2],
          [1, 2],
        ]),
      WAIT,
    );
    expect(tabs.every((t) => t.client.getSnapshot().status === 'open')).toBe(true);
    expect(tabs.every((t) => t.client.userId === 'ada')).toBe(true);
  });

  it('keeps each tab’s own subscriptions, and unsubscribes a channel only when no tab needs it', async () => {
    const kit = createTestTransport();
    const { tab } = browser(kit);
    const a = tab('a');
    const b = tab('b');
    await vi.waitFor(
      () =>
        expect(a.client.channel('a').getSnapshot().subscribed && b.client.channel('b').getSnapshot().subscribed).toBe(
          true,
        ),
      WAIT,
    );
    kit.server.publish('a', 'm', 'for a');
    kit.server.publish('b', 'm', 'for b');
    await vi.waitFor(
      () => expect([a.received.map((m) => m.data), b.received.map((m) => m.data)]).toEqual([['for a'], ['for b']]),
      WAIT,
    );
    const c = tab('a');
    await vi.waitFor(() => expect(c.client.channel('a').getSnapshot().subscribed).toBe(true), WAIT);
    c.client.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    kit.server.publish('a', 'm', 'still for a');
    await vi.waitFor(() => expect(a.received.map((m) => m.data)).toEqual(['for a', 'still for a']), WAIT);
  });

  it('counts the user once in presence, with the most present status of their tabs, until the last tab leaves', async () => {
    const kit = createTestTransport();
    const { tab } = browser(kit);
    const tabs = [tab(), tab(), tab()];
    for (const [i, t] of tabs.entries()) {
      t.client.channel('room').presence.enter({ tab: i });
      t.client.channel('room').presence.setStatus(i === 1 ? 'active' : 'away');
    }
    await vi.waitFor(
      () => expect(kit.server.presence('room')).toMatchObject([{ userId: 'ada', connections: 1, status: 'active' }]),
      WAIT,
    );
    tabs[1]!.client.channel('room').presence.leave();
    await vi.waitFor(
      () => expect(kit.server.presence('room')).toMatchObject([{ userId: 'ada', status: 'away' }]),
      WAIT,
    );
    tabs[0]!.client.channel('room').presence.leave();
    tabs[2]!.client.channel('room').presence.leave();
    await vi.waitFor(() => expect(kit.server.presence('room')).toEqual([]), WAIT);
  });

  it('hands the connection to another tab when the leader closes; everyone resumes with no gap and no duplicate', async () => {
    const kit = createTestTransport();
    const { tab } = browser(kit);
    const tabs = [tab(), tab(), tab()];
    await vi.waitFor(
      () => expect(tabs.every((t) => t.client.channel('room').getSnapshot().subscribed)).toBe(true),
      WAIT,
    );
    kit.server.publish('room', 'm', 1);
    const leader = leaders(tabs)[0]!;
    leader.lifecycle.dispatch('pagehide');
    leader.client.close();
    // Published while nobody holds the connection.
    kit.server.publish('room', 'm', 2);
    const rest = tabs.filter((t) => t !== leader);
    await vi.waitFor(() => expect(leaders(rest)).toHaveLength(1), WAIT);
    await vi.waitFor(
      () => expect(rest.every((t) => t.client.channel('room').getSnapshot().subscribed)).toBe(true),
      WAIT,
    );
    kit.server.publish('room', 'm', 3);
    await vi.waitFor(
      () =>
        expect(rest.map(seqs)).toEqual([
          [1, 2, 3],
          [1, 2, 3],
        ]),
      WAIT,
    );
    expect(kit.server.hub.sessions).toBe(1);
  });

  it('a frozen leader hands over at once and follows the new leader when it resumes', async () => {
    const kit = createTestTransport();
    const { tab } = browser(kit);
    const tabs = [tab(), tab()];
    await vi.waitFor(
      () => expect(tabs.every((t) => t.client.channel('room').getSnapshot().subscribed)).toBe(true),
      WAIT,
    );
    const first = leaders(tabs)[0]!;
    const other = tabs.find((t) => t !== first)!;
    first.lifecycle.dispatch('freeze');
    await vi.waitFor(() => expect(other.transport.leader).toBe(true), WAIT);
    first.lifecycle.dispatch('resume');
    kit.server.publish('room', 'm', 1);
    await vi.waitFor(() => expect(tabs.map(seqs)).toEqual([[1], [1]]), WAIT);
    expect(first.transport.leader).toBe(false);
    expect(kit.server.hub.sessions).toBe(1);
  });

  it('forgets a tab that vanished without a word (its lock is gone): its subscriptions and presence go', async () => {
    const kit = createTestTransport();
    const { tab } = browser(kit);
    const leader = tab();
    await vi.waitFor(() => expect(leader.transport.leader).toBe(true), WAIT);
    const ghost = tab('ghost-room');
    ghost.client.channel('room').presence.enter({ name: 'ghost' });
    await vi.waitFor(() => expect(kit.server.presence('room')).toHaveLength(1), WAIT);
    await vi.waitFor(() => expect(ghost.client.channel('ghost-room').getSnapshot().subscribed).toBe(true), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 120));
    // Alive: the periodic check keeps it.
    expect(kit.server.presence('room')).toHaveLength(1);
    await ghost.crash();
    await vi.waitFor(() => expect(kit.server.presence('room')).toEqual([]), WAIT);
    const session = [...kit.server.hub.presence('room')];
    expect(session).toEqual([]);
  });

  it('shows a signal from one tab to the user’s other tabs, as separate connections would', async () => {
    const kit = createTestTransport();
    const { tab } = browser(kit);
    const tabs = [tab(), tab()];
    await vi.waitFor(
      () => expect(tabs.every((t) => t.client.channel('room').getSnapshot().subscribed)).toBe(true),
      WAIT,
    );
    const heard: string[] = [];
    tabs[1]!.client.channel('room').onSignal('cursor', (signal) => heard.push(`${signal.from}:${String(signal.data)}`));
    const sender = tabs[0]!;
    expect(sender.client.channel('room').signal('cursor', 'x')).toBe(true);
    await vi.waitFor(() => expect(heard).toEqual(['ada:x']), WAIT);
  });
});
