import type { Transport } from '../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import { randomId } from '../lib/random-id.js';
import type { ClientFrame, PresenceStatus, ServerFrame } from '../protocol/frames.js';
import { mostPresent } from '../protocol/most-present.js';
import { createStore } from '../store.js';
import { createTransportListeners } from '../transports/transport-events.js';

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
  lifecycle?: { addEventListener(type: string, listener: () => void): void; removeEventListener(type: string, listener: () => void): void } | null;
  /** How often the leader checks that the tabs it serves are still there (their presence and subscriptions go with them). Default 5 000. */
  tabCheckMs?: number;
}

/** A {@link Transport} shared by every tab of the browser profile: see {@link shareAcrossTabs}. */
export interface SharedTransport extends Transport {
  /** Whether this tab holds the real connection. */
  readonly leader: boolean;
}

type Message =
  /** A tab asks the leader for the state (and `welcome`) it missed. */
  | { t: 'hello'; from: string }
  /** A tab goes away: its subscriptions and presence go with it. */
  | { t: 'bye'; from: string }
  /** A client frame for the leader to send. */
  | { t: 'send'; from: string; frame: ClientFrame }
  /** The leader's connection state; `to` when it answers one tab's hello. */
  | { t: 'state'; state: WireState; to?: string }
  /** A server frame for every tab (but `except`), or for `to`. */
  | { t: 'frame'; frame: ServerFrame; to?: string; except?: string }
  /** The leader gave up the connection: a new one is coming. */
  | { t: 'resign' };

type WireState = Omit<ConnectionState, 'error'> & { error: { code: RealtimeErrorCode; message: string; retryable: boolean; status?: number } | null };

interface TabPresence {
  data: unknown;
  status: PresenceStatus;
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
  let spare: Transport | null = factory();
  const key = options.key ?? (spare.url === undefined ? undefined : `${spare.kind}:${spare.url}`);
  if (key === undefined) throw new TypeError('shareAcrossTabs: this transport has no url; pass options.key (the same in every tab).');
  const locks = options.locks ?? (typeof navigator === 'undefined' ? undefined : (navigator as { locks?: TabLocks }).locks);
  const createChannel = options.createChannel ?? (typeof BroadcastChannel === 'undefined' ? undefined : (name: string) => new BroadcastChannel(name) as unknown as TabChannel);
  // Nothing to share with: a plain transport.
  if (!locks || !createChannel) return Object.assign(spare, { leader: true });
  const lifecycle = options.lifecycle === undefined ? defaultLifecycle() : options.lifecycle;
  const tabCheckMs = options.tabCheckMs ?? DEFAULT_TAB_CHECK_MS;

  const name = `realtime-kit:${key}`;
  const tabId = randomId();
  const kind = spare.kind;
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  const state = createStore<ConnectionState>(INITIAL_CONNECTION_STATE);
  let channel: TabChannel | null = null;
  let started = false;
  let closed = false;
  let frozen = false;
  let candidacy: AbortController | null = null;
  const tabLock = new AbortController();

  // ---- leader state --------------------------------------------------------------------------------------
  let inner: Transport | null = null;
  let offInner: (() => void)[] = [];
  let resign: (() => void) | null = null;
  let welcome: Extract<ServerFrame, { type: 'welcome' }> | null = null;
  /** Which tabs subscribed each channel on the current session. */
  const subscribers = new Map<string, Set<string>>();
  /** Each tab's presence per channel, and what the server was last told. */
  const presence = new Map<string, Map<string, TabPresence>>();
  const announced = new Map<string, TabPresence>();
  let tabCheck: ReturnType<typeof setInterval> | undefined;

  function post(message: Message) {
    channel?.postMessage(message);
  }

  function onMessage(message: Message) {
    if (closed) return;
    switch (message.t) {
      case 'state':
        if (inner === null && (message.to === undefined || message.to === tabId)) state.set(fromWire(message.state));
        return;
      case 'frame':
        if (inner === null && message.except !== tabId && (message.to === undefined || message.to === tabId)) emitFrame(message.frame);
        return;
      case 'resign':
        if (inner === null && state.getSnapshot().status === 'open') state.set((previous) => Object.freeze({ ...previous, status: 'reconnecting' as const }));
        return;
      case 'hello':
        if (inner === null) return;
        // The newcomer learns who it is before it sees `open` (and subscribes).
        if (welcome && inner.getSnapshot().status === 'open') post({ t: 'frame', frame: welcome, to: message.from });
        post({ t: 'state', state: toWire(inner.getSnapshot()), to: message.from });
        return;
      case 'send':
        if (inner !== null) relay(message.from, message.frame);
        return;
      case 'bye':
        if (inner !== null) dropTab(message.from);
        return;
    }
  }

  function join() {
    channel = createChannel!(name);
    channel.onmessage = (event) => onMessage(event.data as Message);
    // A lock per tab, held while the tab lives: the leader sees which tabs are gone (see checkTabs).
    void locks!.request(`${name}:tab:${tabId}`, { signal: tabLock.signal }, () => new Promise<void>(() => {})).catch(() => {});
    stand();
    lifecycle?.addEventListener('pagehide', onPageHide);
    lifecycle?.addEventListener('freeze', onFreeze);
    lifecycle?.addEventListener('resume', onResume);
  }

  /** Queue for leadership; until granted, follow whoever leads. */
  function stand() {
    if (closed || candidacy) return;
    state.set(Object.freeze({ ...INITIAL_CONNECTION_STATE, status: 'connecting' as const }));
    const controller = new AbortController();
    candidacy = controller;
    post({ t: 'hello', from: tabId });
    locks!
      .request(name, { signal: controller.signal }, () =>
        new Promise<void>((resolve) => {
          if (closed || candidacy !== controller) return resolve();
          resign = resolve;
          lead();
        }),
      )
      .catch(() => {});
  }

  function lead() {
    const transport = spare ?? factory();
    spare = null;
    inner = transport;
    welcome = null;
    resetSession();
    offInner = [
      transport.subscribe(() => {
        const current = transport.getSnapshot();
        if (current.status !== 'open') resetSession();
        post({ t: 'state', state: toWire(current) });
        state.set(current);
      }),
      transport.onFrame((frame) => {
        if (frame.type === 'welcome') welcome = frame;
        post({ t: 'frame', frame });
        emitFrame(frame);
      }),
    ];
    state.set(transport.getSnapshot());
    transport.connect();
    tabCheck = setInterval(checkTabs, tabCheckMs);
  }

  /** Gives up the connection (this tab closes, is frozen, or the transport is closed); another tab takes over. */
  function stepDown() {
    clearInterval(tabCheck);
    tabCheck = undefined;
    if (inner) {
      for (const off of offInner.splice(0)) off();
      inner.close();
      inner = null;
      post({ t: 'resign' });
    }
    candidacy?.abort();
    candidacy = null;
    resign?.();
    resign = null;
  }

  /** A session ended: every tab subscribes and enters again on the next one. */
  function resetSession() {
    subscribers.clear();
    presence.clear();
    announced.clear();
  }

  /** A frame from a tab (this one included), sent on the shared connection. */
  function relay(from: string, frame: ClientFrame): boolean {
    const transport = inner!;
    switch (frame.type) {
      case 'ping':
        // Liveness is the leader's own business.
        return from === tabId ? transport.send(frame) : true;
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
        const sender = welcome?.userId ?? welcome?.connectionId;
        if (sent && sender !== undefined) {
          const echo: ServerFrame = { type: 'signal', channel: frame.channel, event: frame.event, data: frame.data, from: sender };
          post({ t: 'frame', frame: echo, except: from });
          if (from !== tabId) emitFrame(echo);
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
    const transport = inner!;
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
    if (inner === null) return;
    for (const [name, tabs] of subscribers) {
      if (!tabs.delete(id) || tabs.size > 0) continue;
      subscribers.delete(name);
      inner.send({ type: 'unsubscribe', channel: name });
    }
    for (const [name, tabs] of presence) if (tabs.delete(id)) announce(name, undefined);
  }

  /** Tabs that vanished without a `bye` (a crash): their lock is gone. */
  async function checkTabs() {
    if (!locks?.query || inner === null) return;
    const known = new Set<string>();
    for (const tabs of subscribers.values()) for (const id of tabs) known.add(id);
    for (const tabs of presence.values()) for (const id of tabs.keys()) known.add(id);
    known.delete(tabId);
    if (known.size === 0) return;
    const held = new Set(((await locks.query()).held ?? []).map((lock) => lock.name));
    for (const id of known) if (!held.has(`${name}:tab:${id}`)) dropTab(id);
  }

  function onPageHide() {
    if (inner) stepDown();
    else post({ t: 'bye', from: tabId });
  }

  function onFreeze() {
    frozen = true;
    // A frozen leader would hold every tab's connection hostage: hand it over now.
    if (inner) stepDown();
  }

  function onResume() {
    if (!frozen) return;
    frozen = false;
    if (started && !closed) stand();
  }

  return {
    kind,
    url: spare.url,
    get leader() {
      return inner !== null;
    },
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    connect() {
      if (started || closed) return;
      started = true;
      join();
    },
    close() {
      if (closed) return;
      if (started) {
        if (inner) stepDown();
        else post({ t: 'bye', from: tabId });
      }
      closed = true;
      candidacy?.abort();
      tabLock.abort();
      lifecycle?.removeEventListener('pagehide', onPageHide);
      lifecycle?.removeEventListener('freeze', onFreeze);
      lifecycle?.removeEventListener('resume', onResume);
      channel?.close();
      channel = null;
      spare?.close();
      state.set((previous) => Object.freeze({ ...previous, status: 'closed' as const, retryInMs: null, retryAt: null }));
    },
    reconnect() {
      if (inner) inner.reconnect();
    },
    send(frame) {
      if (closed || state.getSnapshot().status !== 'open') return false;
      if (inner) return relay(tabId, frame);
      post({ t: 'send', from: tabId, frame });
      return true;
    },
    onFrame: addFrameListener,
  };
}

function toWire(state: ConnectionState): WireState {
  const { error } = state;
  return {
    ...state,
    error: error === null ? null : { code: error.code, message: error.message, retryable: error.retryable, ...(error.status === undefined ? {} : { status: error.status }) },
  };
}

function fromWire(state: WireState): ConnectionState {
  const { error } = state;
  return Object.freeze({
    ...state,
    error: error === null ? null : new RealtimeError(error.code, error.message, { retryable: error.retryable, status: error.status }),
  });
}

function defaultLifecycle(): ShareAcrossTabsOptions['lifecycle'] {
  if (typeof window === 'undefined' || typeof document === 'undefined') return null;
  // `pagehide` is the window's; `freeze` and `resume` are the document's.
  return {
    addEventListener(type, listener) {
      (type === 'pagehide' ? window : document).addEventListener(type, listener);
    },
    removeEventListener(type, listener) {
      (type === 'pagehide' ? window : document).removeEventListener(type, listener);
    },
  };
}
