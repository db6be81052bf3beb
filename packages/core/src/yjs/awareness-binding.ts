/**
 * Yjs awareness (who is here, their caret and selection, name and colour) over a realtime-kit channel: the
 * `Awareness` object of `y-protocols/awareness` that editor bindings (y-prosemirror / `@tiptap/y-tiptap` carets,
 * y-codemirror, y-monaco) read, kept in step with everyone on the channel.
 *
 * Awareness is ephemeral, so it travels as **signals** (never stored, never replayed), one event:
 * - `yjs-awareness` — `{ update, query? }`: a y-protocols awareness update (base64) with the sender's own state.
 *   Sent when the local state changes (at most once per `throttleMs`, the last state always goes out), as a
 *   heartbeat every `timeoutMs / 2`, and on every (re)subscription with `query: true`: whoever receives a query
 *   answers with their own state, so a newcomer (or a client back from offline) sees everyone at once.
 *
 * Every send advances the sender's awareness clock, so receivers that dropped a state (a timeout, a leave) take it
 * again. Remote states go away when their user leaves the channel's presence, when they fall silent for `timeoutMs`,
 * when their client says goodbye (`destroy()` sends a removal), and all at once while this client is offline (they
 * would be stale; the query on resubscribe brings the current ones back).
 */
import {
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
  type Awareness,
} from 'y-protocols/awareness';
import type { Channel, ChannelSignal } from '../channel/types.js';
import { reportListenerError } from '../lib/report-listener-error.js';
import { fromBase64, toBase64 } from './base64.js';

/** The signal event awareness travels on. */
export const YJS_AWARENESS_EVENT = 'yjs-awareness';

/** The part of a channel the awareness binding uses: any transport's channel, or a test double. */
export type AwarenessChannel = Pick<Channel, 'signal' | 'onSignal' | 'getSnapshot' | 'presence'> & {
  subscribe: Channel['subscribe'];
};

export interface AwarenessChannelOptions {
  /** Send local changes at most this often (a caret moving while typing). Default 100 ms. */
  throttleMs?: number;
  /**
   * Drop a remote state not heard from for this long (checked every `timeoutMs / 2`, so it goes within 1.5 ×
   * `timeoutMs`); this client re-sends its own every `timeoutMs / 2`.
   * Default 30 000 ms, y-protocols' own `outdatedTimeout` (its internal check drops states after that anyway).
   */
  timeoutMs?: number;
  /** A malformed awareness update from a peer. Default: reported like a listener error (`reportError`). */
  onError?: (error: unknown) => void;
}

/** An awareness bound to a channel. */
export interface AwarenessChannelBinding {
  readonly awareness: Awareness;
  /**
   * Stops sending and listening: tells the others this client is gone and drops the remote states. The awareness
   * itself is left as it is (destroy it, or its doc, yourself).
   */
  destroy(): void;
}

interface AwarenessSignal {
  update: string;
  query?: boolean;
}

/** The origin of states applied or removed by the binding (the awareness `change` events carry it). */
const BINDING_ORIGIN = Symbol('yjs-awareness:channel');

/**
 * Keeps `awareness` in step with everyone on `channel` (see the protocol at the top of this file).
 * @example
 * const doc = new Y.Doc()
 * const awareness = new Awareness(doc)
 * const channel = client.channel('doc:42')
 * const docBinding = bindYjsToChannel(doc, channel)
 * const awarenessBinding = bindAwarenessToChannel(awareness, channel)
 * // Tiptap: CollaborationCaret.configure({ provider: { awareness }, user: { name, color } })
 */
export function bindAwarenessToChannel(
  awareness: Awareness,
  channel: AwarenessChannel,
  options: AwarenessChannelOptions = {},
): AwarenessChannelBinding {
  const throttleMs = options.throttleMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const onError = options.onError ?? reportListenerError;
  const sender = createThrottledSender(awareness, channel, throttleMs);
  const owners = createStateOwners(awareness);
  let destroyed = false;

  // Our own state changed (`setLocalState`, or a removal such as y-websocket's on page unload): tell the others.
  const onLocalChange = (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    if (origin === BINDING_ORIGIN) return;
    const { added, updated, removed } = changes;
    if ([...added, ...updated, ...removed].includes(awareness.clientID)) sender.schedule();
  };
  awareness.on('change', onLocalChange);

  const offSignal = channel.onSignal<unknown>(YJS_AWARENESS_EVENT, (signal: ChannelSignal<unknown>) => {
    const data = signal.data as Partial<AwarenessSignal> | null;
    const update = typeof data?.update === 'string' ? fromBase64(data.update) : null;
    if (!update) return;
    try {
      owners.apply(signal.from, update);
    } catch (error) {
      onError(error);
      return;
    }
    // A newcomer asks: answer with our state (throttled, so a burst of newcomers costs one answer).
    if (data?.query === true) sender.schedule();
  });

  // Every (re)subscription announces us and asks for everyone; going offline drops states that would go stale.
  let wasSubscribed = false;
  const onChannelState = () => {
    const subscribed = channel.getSnapshot().subscribed;
    if (subscribed === wasSubscribed) return;
    wasSubscribed = subscribed;
    if (subscribed) sender.sendNow(true);
    else owners.removeAll();
  };
  const offState = channel.subscribe(onChannelState);
  onChannelState();

  const offPresence = channel.presence.subscribe(() => owners.removeAbsent(channel.presence.members()));

  // Heartbeat and silence sweep share one timer: half the timeout, so a live peer is never dropped.
  const heartbeat = setInterval(() => {
    if (channel.getSnapshot().subscribed) sender.sendNow(false);
    owners.removeSilent(timeoutMs);
  }, timeoutMs / 2);

  return {
    awareness,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      clearInterval(heartbeat);
      awareness.off('change', onLocalChange);
      offSignal();
      offState();
      offPresence();
      sender.sendGoodbye();
      sender.destroy();
      owners.removeAll();
    },
  };
}

/** Sends this client's own state: at once if the last send was `throttleMs` ago, else once when that has passed. */
function createThrottledSender(awareness: Awareness, channel: AwarenessChannel, throttleMs: number) {
  let lastSentAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function sendNow(query: boolean) {
    clearTimeout(timer);
    timer = undefined;
    // Advance our clock: a peer that dropped our state (timeout, leave) only takes it back at a newer clock.
    const state = awareness.getLocalState();
    if (state !== null) awareness.setLocalState(state);
    const update = encodeAwarenessUpdate(awareness, [awareness.clientID]);
    const signal: AwarenessSignal = query ? { update: toBase64(update), query } : { update: toBase64(update) };
    // Not connected: nothing goes out; the announcement on resubscribe carries the latest state.
    channel.signal(YJS_AWARENESS_EVENT, signal);
    lastSentAt = Date.now();
  }

  return {
    sendNow,
    schedule() {
      if (timer !== undefined) return;
      const wait = lastSentAt + throttleMs - Date.now();
      if (wait <= 0) sendNow(false);
      else timer = setTimeout(() => sendNow(false), wait);
    },
    /** Our state as removed, at the current clock (receivers drop it), leaving the local awareness untouched. */
    sendGoodbye() {
      if (!awareness.meta.has(awareness.clientID)) return;
      const update = encodeAwarenessUpdate(awareness, [awareness.clientID], new Map());
      channel.signal(YJS_AWARENESS_EVENT, { update: toBase64(update) } satisfies AwarenessSignal);
    },
    destroy() {
      clearTimeout(timer);
    },
  };
}

/** Remote states and the user each came from, so a user leaving presence takes their states along. */
function createStateOwners(awareness: Awareness) {
  const clientsByUser = new Map<string, Set<number>>();
  /** Users seen in presence: only they can be seen leaving it (others may not use presence; the timeout covers them). */
  const seenPresent = new Set<string>();

  const remove = (clients: number[]) => {
    const remote = clients.filter((client) => client !== awareness.clientID);
    if (remote.length > 0) removeAwarenessStates(awareness, remote, BINDING_ORIGIN);
  };

  return {
    apply(from: string, update: Uint8Array) {
      const touched: number[] = [];
      const collect = (changes: { added: number[]; updated: number[] }, origin: unknown) => {
        if (origin === BINDING_ORIGIN) touched.push(...changes.added, ...changes.updated);
      };
      awareness.on('update', collect);
      try {
        applyAwarenessUpdate(awareness, update, BINDING_ORIGIN);
      } finally {
        awareness.off('update', collect);
      }
      if (touched.length === 0) return;
      const clients = clientsByUser.get(from) ?? new Set<number>();
      for (const client of touched) if (client !== awareness.clientID) clients.add(client);
      clientsByUser.set(from, clients);
    },
    removeAbsent(members: readonly { userId: string }[]) {
      const present = new Set(members.map((member) => member.userId));
      for (const userId of present) seenPresent.add(userId);
      for (const [userId, clients] of clientsByUser) {
        if (present.has(userId) || !seenPresent.has(userId)) continue;
        seenPresent.delete(userId);
        clientsByUser.delete(userId);
        remove([...clients]);
      }
    },
    removeSilent(timeoutMs: number) {
      const now = Date.now();
      const silent: number[] = [];
      awareness.meta.forEach((meta, client) => {
        if (now - meta.lastUpdated >= timeoutMs && awareness.states.has(client)) silent.push(client);
      });
      remove(silent);
    },
    removeAll() {
      clientsByUser.clear();
      remove([...awareness.getStates().keys()]);
    },
  };
}
