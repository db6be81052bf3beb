import type { ClientFrame, PresenceStatus, ServerFrame } from '../../protocol/frames.js';
import { mostPresent } from '../../protocol/most-present.js';
import type { CrossTabContext } from './cross-tab-context.js';

interface TabPresence {
  data: unknown;
  status: PresenceStatus;
}

/** The leader's side of sharing: every tab's frames on the one connection, their subscriptions and presence merged. */
export interface LeaderRelay {
  /** A frame from a tab (this one included), sent on the shared connection. */
  relay(from: string, frame: ClientFrame): boolean;
  /** A tab went away: its subscriptions and presence go with it. */
  dropTab(id: string): void;
  /** Drops the tabs that vanished without a `bye` (a crash): their lock is gone. */
  checkTabs(): Promise<void>;
  /** A session ended: every tab subscribes and enters again on the next one. */
  resetSession(): void;
}

export function createLeaderRelay(context: CrossTabContext): LeaderRelay {
  /** Which tabs subscribed each channel on the current session. */
  const subscribers = new Map<string, Set<string>>();
  /** Each tab's presence per channel, and what the server was last told. */
  const presence = new Map<string, Map<string, TabPresence>>();
  const announced = new Map<string, TabPresence>();

  function relay(from: string, frame: ClientFrame): boolean {
    const transport = context.inner!;
    switch (frame.type) {
      case 'ping':
        // Liveness is the leader's own business.
        return from === context.tabId ? transport.send(frame) : true;
      case 'subscribe': {
        const tabs = subscribers.get(frame.channel) ?? new Set();
        subscribers.set(frame.channel, tabs);
        tabs.add(from);
        // Sent even when subscribed already: the tab needs its replay and `subscribed` (others drop duplicates by seq).
        return transport.send(frame);
      }
      case 'unsubscribe': {
        const tabs = subscribers.get(frame.channel);
        tabs?.delete(from);
        if (tabs && tabs.size > 0) return true;
        subscribers.delete(frame.channel);
        return transport.send(frame);
      }
      case 'presence':
        return updatePresence(frame.channel, from, frame);
      case 'signal': {
        const sent = transport.send(frame);
        const sender = context.welcome?.userId ?? context.welcome?.connectionId;
        if (sent && sender !== undefined) {
          const echo: ServerFrame = {
            type: 'signal',
            channel: frame.channel,
            event: frame.event,
            data: frame.data,
            from: sender,
          };
          context.post({ t: 'frame', frame: echo, except: from });
          if (from !== context.tabId) context.emitFrame(echo);
        }
        return sent;
      }
      default:
        return transport.send(frame);
    }
  }

  function updatePresence(name: string, from: string, frame: Extract<ClientFrame, { type: 'presence' }>): boolean {
    const tabs = presence.get(name) ?? new Map<string, TabPresence>();
    presence.set(name, tabs);
    const previous = tabs.get(from);
    if (frame.action === 'leave') tabs.delete(from);
    else {
      const data = frame.action === 'enter' || 'data' in frame ? frame.data : previous?.data;
      tabs.set(from, { data, status: frame.status ?? previous?.status ?? 'active' });
    }
    return announce(name, tabs.get(from));
  }

  /** Tells the server the user's merged presence on `name`: entered while any tab is; `latest` sets the data. */
  function announce(name: string, latest: TabPresence | undefined): boolean {
    const transport = context.inner!;
    const tabs = presence.get(name);
    const before = announced.get(name);
    if (!tabs || tabs.size === 0) {
      presence.delete(name);
      if (!before) return true;
      announced.delete(name);
      return transport.send({ type: 'presence', channel: name, action: 'leave' });
    }
    const data = (latest ?? before ?? [...tabs.values()].at(-1)!).data;
    const status = mostPresent([...tabs.values()].map((tab) => tab.status));
    if (before && before.data === data && before.status === status) return true;
    const sent = transport.send({ type: 'presence', channel: name, action: before ? 'update' : 'enter', data, status });
    if (sent) announced.set(name, { data, status });
    return sent;
  }

  function dropTab(id: string) {
    const transport = context.inner;
    if (transport === null) return;
    for (const [name, tabs] of subscribers) {
      if (!tabs.delete(id) || tabs.size > 0) continue;
      subscribers.delete(name);
      transport.send({ type: 'unsubscribe', channel: name });
    }
    for (const [name, tabs] of presence) if (tabs.delete(id)) announce(name, undefined);
  }

  return {
    relay,
    dropTab,
    async checkTabs() {
      const { locks, name, tabId } = context;
      if (!locks.query || context.inner === null) return;
      const known = new Set<string>();
      for (const tabs of subscribers.values()) for (const id of tabs) known.add(id);
      for (const tabs of presence.values()) for (const id of tabs.keys()) known.add(id);
      known.delete(tabId);
      if (known.size === 0) return;
      const held = new Set(((await locks.query()).held ?? []).map((lock) => lock.name));
      for (const id of known) if (!held.has(`${name}:tab:${id}`)) dropTab(id);
    },
    resetSession() {
      subscribers.clear();
      presence.clear();
      announced.clear();
    },
  };
}
