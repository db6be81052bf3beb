import type { Transport } from '../../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../../connection/status.js';
import { randomId } from '../../lib/random-id.js';
import type { ServerFrame } from '../../protocol/frames.js';
import { createStore } from '../../store.js';
import { createTransportListeners } from '../../transports/transport-events.js';
import type { CrossTabContext } from './cross-tab-context.js';
import { createLeaderRelay } from './leader-relay.js';
import { createLeadership } from './leadership.js';
import { pageLifecycle, type PageLifecycle } from './page-lifecycle.js';
import { receiveTabMessage } from './receive-tab-message.js';
import type { TabMessage } from './tab-wire.js';

/** The parts of `navigator.locks` used (injectable for tests and other runtimes). */
export interface TabLocks {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
  query?(): Promise<{ held?: { name?: string }[] }>;
}

/** The parts of a `BroadcastChannel` used. */
export interface TabChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** Options for {@link shareAcrossTabs}. */
export interface ShareAcrossTabsOptions {
  /**
   * Tabs with the same key share one connection. Default `${kind}:${url}` of the transport (each tab's
   * factory must then make the same one); give a key when the transport has no `url`.
   */
  key?: string;
  /** Default `navigator.locks`. Without Web Locks or `BroadcastChannel`, every tab keeps its own connection. */
  locks?: TabLocks;
  /** Default `(name) => new BroadcastChannel(name)`. */
  createChannel?: (name: string) => TabChannel;
  /** Where `pagehide`, `freeze` and `resume` are heard. Default the page's `window` and `document`. */
  lifecycle?: PageLifecycle | null;
  /** How often the leader checks that the tabs it serves are still there (their presence and subscriptions go with them). Default 5 000. */
  tabCheckMs?: number;
}

/** A {@link Transport} shared by every tab of the browser profile: see {@link shareAcrossTabs}. */
export interface SharedTransport extends Transport {
  /** Whether this tab holds the real connection. */
  readonly leader: boolean;
}

const DEFAULT_TAB_CHECK_MS = 5000;

/**
 * One real connection for every tab of the browser profile (opt-in: wrap the transport). Tabs elect a leader with
 * Web Locks; the leader holds the connection and relays over `BroadcastChannel`: followers get the same frames and
 * send through it. When the leader tab closes or is frozen, another tab takes over within moments and every client
 * resumes from its last seq — no gap, no duplicate. Browsers allow 6 connections per origin over HTTP/1.1, so a
 * user with seven tabs of an SSE app would stall without this.
 *
 * ```ts
 * import { shareAcrossTabs } from '@realtime-kit/core/cross-tab'
 * const client = createRealtimeClient({ transport: shareAcrossTabs(() => websocketTransport({ url: '/realtime' })) })
 * ```
 *
 * Each tab keeps its own subscriptions (the leader subscribes the union, and unsubscribes a channel when no tab
 * needs it) and its own presence: the server sees one connection, so a user is one member, entered while any tab
 * is, with the most present status of its tabs. Signals a tab sends reach the user's other tabs too, as they would
 * with separate connections.
 */
export function shareAcrossTabs(factory: () => Transport, options: ShareAcrossTabsOptions = {}): SharedTransport {
  const spare = factory();
  const key = options.key ?? (spare.url === undefined ? undefined : `${spare.kind}:${spare.url}`);
  if (key === undefined)
    throw new TypeError('shareAcrossTabs: this transport has no url; pass options.key (the same in every tab).');
  const locks =
    options.locks ?? (typeof navigator === 'undefined' ? undefined : (navigator as { locks?: TabLocks }).locks);
  const createChannel =
    options.createChannel ??
    (typeof BroadcastChannel === 'undefined'
      ? undefined
      : (name: string) => new BroadcastChannel(name) as unknown as TabChannel);
  // Nothing to share with: a plain transport.
  if (!locks || !createChannel) return Object.assign(spare, { leader: true });
  const lifecycle = options.lifecycle === undefined ? pageLifecycle() : options.lifecycle;

  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  let channel: TabChannel | null = null;
  const context: CrossTabContext = {
    name: `realtime-kit:${key}`,
    tabId: randomId(),
    locks,
    state: createStore<ConnectionState>(INITIAL_CONNECTION_STATE),
    emitFrame,
    post: (message) => channel?.postMessage(message),
    inner: null,
    welcome: null,
    closed: false,
  };
  const { name, tabId, state } = context;
  const relay = createLeaderRelay(context);
  const leadership = createLeadership(context, relay, {
    factory,
    spare,
    tabCheckMs: options.tabCheckMs ?? DEFAULT_TAB_CHECK_MS,
  });
  const tabLock = new AbortController();
  let started = false;
  let frozen = false;

  /** This tab goes away (its page is hidden for good, or the transport closes): it hands over or says bye. */
  function leave() {
    if (context.inner) leadership.stepDown();
    else context.post({ t: 'bye', from: tabId });
  }

  function onFreeze() {
    frozen = true;
    // A frozen leader would hold every tab's connection hostage: hand it over now.
    if (context.inner) leadership.stepDown();
  }

  function onResume() {
    if (!frozen) return;
    frozen = false;
    if (started && !context.closed) leadership.stand();
  }

  function join() {
    channel = createChannel!(name);
    channel.onmessage = (event) => receiveTabMessage(context, relay, event.data as TabMessage);
    // A lock per tab, held while the tab lives: the leader sees which tabs are gone (see LeaderRelay.checkTabs).
    void locks!
      .request(`${name}:tab:${tabId}`, { signal: tabLock.signal }, () => new Promise<void>(() => {}))
      .catch(() => {});
    leadership.stand();
    lifecycle?.addEventListener('pagehide', leave);
    lifecycle?.addEventListener('freeze', onFreeze);
    lifecycle?.addEventListener('resume', onResume);
  }

  return {
    kind: spare.kind,
    url: spare.url,
    get leader() {
      return context.inner !== null;
    },
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    connect() {
      if (started || context.closed) return;
      started = true;
      join();
    },
    close() {
      if (context.closed) return;
      if (started) leave();
      context.closed = true;
      leadership.withdraw();
      tabLock.abort();
      lifecycle?.removeEventListener('pagehide', leave);
      lifecycle?.removeEventListener('freeze', onFreeze);
      lifecycle?.removeEventListener('resume', onResume);
      channel?.close();
      channel = null;
      state.set((previous) =>
        Object.freeze({ ...previous, status: 'closed' as const, retryInMs: null, retryAt: null }),
      );
    },
    reconnect() {
      context.inner?.reconnect();
    },
    send(frame) {
      if (context.closed || state.getSnapshot().status !== 'open') return false;
      if (context.inner) return relay.relay(tabId, frame);
      context.post({ t: 'send', from: tabId, frame });
      return true;
    },
    onFrame: addFrameListener,
  };
}
