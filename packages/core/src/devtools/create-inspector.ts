import type { Channel } from '../channel/types.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { createEventLog, type WritableEventLog } from './event-log.js';
import { watchInspectables, type ClientTap, type Inspectable, type InspectableClient } from './registry.js';
import { sizeOf, toJSONSafe } from './lib/payload.js';
import type {
  ChaosAction,
  ChaosControls,
  ChaosState,
  EventLog,
  InspectedChannel,
  InspectedConnection,
  Inspector,
  InspectorOptions,
  TimelineEntry,
} from './types.js';

/** Default of {@link InspectorOptions.maxEvents}. */
export const DEFAULT_MAX_EVENTS = 500;
/** Default of {@link InspectorOptions.maxTimeline}. */
export const DEFAULT_MAX_TIMELINE = 50;

const ALL_CHAOS: readonly ChaosAction[] = Object.freeze(['disconnect', 'offline', 'online', 'delay', 'drop', 'heal']);
const RAW_CHAOS: readonly ChaosAction[] = Object.freeze(['disconnect']);

// Ids survive inspectors (a panel closed and opened again shows the same ids), never the target.
const ids = new WeakMap<Inspectable, string>();
let lastId = 0;
function idOf(target: Inspectable): string {
  let id = ids.get(target);
  if (id === undefined) {
    id = `${target.kind}-${++lastId}`;
    ids.set(target, id);
  }
  return id;
}

interface Entry {
  readonly id: string;
  readonly target: Inspectable;
  readonly log: WritableEventLog;
  readonly timeline: TimelineEntry[];
  readonly chaos: ChaosControls;
  chaosState: ChaosState;
  snapshot: InspectedConnection | null;
  detach(): void;
}

/**
 * Starts inspecting every realtime-kit connection of this page: channel clients (`createRealtimeClient`, so every
 * `RealtimeProvider`) and raw SSE / WebSocket connections (`useSSE`, `useWebSocket`). Until this is called the
 * connections only list themselves in a Set; the inspector taps their frames and status while it exists, and
 * `close()` removes every tap, so a closed devtools panel costs nothing.
 *
 * Snapshots are computed lazily and listeners are notified at most once per microtask, however many frames flow.
 * @example
 * import { createInspector } from '@realtime-kit/core/devtools'
 * const inspector = createInspector({ maxEvents: 200 })
 * const off = inspector.subscribe(() => console.table(inspector.getSnapshot()))
 * const [first] = inspector.getSnapshot()
 * inspector.chaos(first.id).drop(2) // the client notices the hole and resyncs
 * inspector.events(first.id).getSnapshot().events // frames in and out, newest last
 * off(); inspector.close()
 */
export function createInspector(options: InspectorOptions = {}): Inspector {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const maxTimeline = options.maxTimeline ?? DEFAULT_MAX_TIMELINE;
  if (!(Number.isInteger(maxEvents) && maxEvents > 0)) throw new RangeError(`createInspector: maxEvents must be a positive integer (got ${String(maxEvents)}).`);
  if (!(Number.isInteger(maxTimeline) && maxTimeline > 0)) throw new RangeError(`createInspector: maxTimeline must be a positive integer (got ${String(maxTimeline)}).`);
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const listeners = new Set<() => void>();
  let list: readonly InspectedConnection[] = Object.freeze([]);
  let dirty = true;
  let scheduled = false;
  let closed = false;

  function changed(entry?: Entry) {
    if (entry) entry.snapshot = null;
    dirty = true;
    if (scheduled || closed) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (!closed) emitToListeners(listeners, undefined);
    });
  }

  function statusChanged(entry: Entry) {
    const state = stateOf(entry.target);
    const last = entry.timeline.at(-1);
    if (!last || last.status !== state.status || last.attempt !== state.attempt) {
      entry.timeline.push(Object.freeze({ at: now(), status: state.status, attempt: state.attempt, error: errorOf(state) }));
      if (entry.timeline.length > maxTimeline) entry.timeline.splice(0, entry.timeline.length - maxTimeline);
    }
    changed(entry);
  }

  function add(target: Inspectable) {
    const id = idOf(target);
    if (entries.has(id)) return;
    const log = createEventLog({ maxEvents, now });
    let entry!: Entry;
    const base = { id, target, log, timeline: [] as TimelineEntry[], snapshot: null, chaosState: NO_CHAOS };
    let attach: (() => void) | undefined;
    if (target.kind === 'client') {
      const tapped = attachClient(target, () => entry, { changed, statusChanged, now });
      attach = tapped.attach;
      entry = { ...base, chaos: tapped.chaos, detach: tapped.detach };
    } else {
      const { connection } = target;
      const offState = connection.subscribe(() => statusChanged(entry));
      const offEvents =
        target.kind === 'sse'
          ? target.connection.on('*', (message) =>
              log.record({ direction: 'in', type: 'message', event: message.event, size: sizeOf(message.data), payload: message.data }),
            )
          : target.connection.on('message', (data) =>
              log.record({ direction: 'in', type: 'message', size: sizeOf(data), payload: readRaw(data) }),
            );
      const unsupported = (action: ChaosAction) => () => {
        throw new TypeError(`Inspector: ${id} is a raw ${target.kind} connection; it supports disconnect() only, not ${action}().`);
      };
      entry = {
        ...base,
        chaos: {
          disconnect: () => connection.reconnect(),
          offline: unsupported('offline'),
          online: unsupported('online'),
          delay: unsupported('delay'),
          drop: unsupported('drop'),
          heal: unsupported('heal'),
        },
        detach() {
          offState();
          offEvents();
        },
      };
    }
    entries.set(id, entry);
    attach?.();
    statusChanged(entry);
  }

  function remove(target: Inspectable) {
    const entry = entries.get(idOf(target));
    if (!entry || entry.target !== target) return;
    entries.delete(entry.id);
    entry.detach();
    changed();
  }

  function snapshotOf(entry: Entry): InspectedConnection {
    if (entry.snapshot) return entry.snapshot;
    const { target } = entry;
    const state = stateOf(target);
    let channels: readonly InspectedChannel[] = NO_CHANNELS;
    let outbox = 0;
    let url: string | null;
    let transport: string;
    if (target.kind === 'client') {
      const client = target.client;
      // A transport that switches (fallbackTransport) names the one in use: "fallback (sse)".
      transport = state.transport ? `${client.transport.kind} (${state.transport})` : client.transport.kind;
      const maybeUrl = (client.transport as { url?: unknown }).url;
      url = typeof maybeUrl === 'string' ? maybeUrl : null;
      channels = Object.freeze(target.channels().map((channel) => channelOf(entry, channel)));
      outbox = target.outbox();
    } else {
      transport = target.kind;
      url = target.connection.url;
    }
    entry.snapshot = Object.freeze({
      id: entry.id,
      kind: target.kind,
      transport,
      url,
      status: state.status,
      attempt: state.attempt,
      retryAt: state.retryAt,
      error: errorOf(state),
      lastEventId: state.lastEventId,
      timeline: Object.freeze([...entry.timeline]),
      channels,
      outbox,
      chaos: entry.chaosState,
      supports: target.kind === 'client' ? ALL_CHAOS : RAW_CHAOS,
    });
    return entry.snapshot;
  }

  const watchedChannels = new Map<Channel, () => void>();
  function channelOf(entry: Entry, channel: Channel): InspectedChannel {
    // A channel's state store has no side effects (unlike its events or presence, which subscribe on the server).
    if (!watchedChannels.has(channel)) watchedChannels.set(channel, channel.subscribe(() => changed(entry)));
    const { subscribed, lastSeq, pending } = channel.getSnapshot();
    return Object.freeze({ name: channel.name, subscribed, lastSeq, pending, members: channel.presence.members() });
  }

  function entryOf(id: string): Entry {
    const entry = entries.get(id);
    if (!entry) throw new RangeError(`Inspector: no connection "${id}" is listed (it closed, or the inspector was closed).`);
    return entry;
  }

  const stopWatching = watchInspectables((target, live) => (live ? add(target) : remove(target)));

  return {
    subscribe(listener) {
      const entry = () => listener();
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    getSnapshot() {
      if (dirty) {
        list = Object.freeze([...entries.values()].map(snapshotOf));
        dirty = false;
      }
      return list;
    },
    events: (id): EventLog => entryOf(id).log,
    chaos: (id) => entryOf(id).chaos,
    exportJSON(id) {
      const entry = entryOf(id);
      const document = { exportedAt: new Date(now()).toISOString(), connection: snapshotOf(entry), events: entry.log.getSnapshot().events };
      return JSON.stringify(toJSONSafe(document), null, 2);
    },
    close() {
      if (closed) return;
      closed = true;
      stopWatching();
      for (const off of watchedChannels.values()) off();
      watchedChannels.clear();
      for (const entry of entries.values()) entry.detach();
      entries.clear();
      listeners.clear();
    },
  };
}

const NO_CHAOS: ChaosState = Object.freeze({ offline: false, delayMs: 0, dropping: 0 });
const NO_CHANNELS: readonly InspectedChannel[] = Object.freeze([]);

function stateOf(target: Inspectable): ConnectionState {
  return target.kind === 'client' ? target.client.getSnapshot() : target.connection.getSnapshot();
}

function errorOf(state: ConnectionState): TimelineEntry['error'] {
  return state.error ? Object.freeze({ code: state.error.code, message: state.error.message }) : null;
}

/** A WebSocket message as the log shows it: JSON text parsed, binary as its size. */
function readRaw(data: unknown): unknown {
  if (typeof data !== 'string') return toJSONSafe(data);
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

interface ClientHooks {
  changed(entry: Entry): void;
  statusChanged(entry: Entry): void;
  now(): number;
}

/** The tap and chaos of one client. */
function attachClient(
  target: InspectableClient,
  self: () => Entry,
  hooks: ClientHooks,
): Pick<Entry, 'chaos' | 'detach'> & { attach(): void } {
  const { client } = target;
  /** Frames held by `delay`, in arrival order; each has a timer that releases the oldest. */
  const held: ServerFrame[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let lastDue = 0;
  let deliver: ((frame: ServerFrame) => void) | null = null;
  let offlineState: ConnectionState | null = null;
  /** The transport was idle when `offline()` ran: `online()` must not start it. */
  let idleBeforeOffline = false;

  const chaos = (): ChaosState => self().chaosState;
  const setChaos = (next: Partial<ChaosState>) => {
    const entry = self();
    entry.chaosState = Object.freeze({ ...entry.chaosState, ...next });
    hooks.changed(entry);
  };
  const record = (direction: 'in' | 'out', frame: ServerFrame | ClientFrame, fault?: 'dropped' | 'delayed') => {
    const { type } = frame;
    const event = 'event' in frame && typeof frame.event === 'string' ? frame.event : undefined;
    const channel = 'channel' in frame && typeof frame.channel === 'string' ? frame.channel : undefined;
    self().log.record({ direction, type, event, channel, size: sizeOf(frame), payload: frame, fault });
  };

  function release(count: number) {
    for (const frame of held.splice(0, count)) if (!chaos().offline) deliver?.(frame);
    hooks.changed(self());
  }

  function hold(frame: ServerFrame) {
    const due = Math.max(hooks.now() + chaos().delayMs, lastDue);
    lastDue = due;
    held.push(frame);
    const timer = setTimeout(() => {
      timers.delete(timer);
      release(1);
    }, due - hooks.now());
    timers.add(timer);
  }

  const tap: ClientTap = {
    get state() {
      return offlineState;
    },
    status: () => hooks.statusChanged(self()),
    receive(frame, next) {
      deliver = next;
      const { offline, dropping, delayMs } = chaos();
      if (offline) return record('in', frame, 'dropped');
      if (dropping > 0 && frame.type === 'message') {
        record('in', frame, 'dropped');
        return setChaos({ dropping: dropping - 1 });
      }
      if (delayMs > 0 || held.length > 0) {
        record('in', frame, 'delayed');
        return hold(frame);
      }
      record('in', frame);
      next(frame);
      hooks.changed(self());
    },
    send(frame, next) {
      if (chaos().offline) return false;
      const sent = next(frame);
      if (sent) {
        record('out', frame);
        hooks.changed(self());
      }
      return sent;
    },
  };

  function heal() {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    lastDue = 0;
    setChaos({ delayMs: 0, dropping: 0 });
    release(held.length);
  }

  function online() {
    if (!chaos().offline) return;
    setChaos({ offline: false });
    // Reconnect while the client still shows offline, so the session it sees next is a fresh one that resumes.
    if (!idleBeforeOffline && !client.closed) client.transport.reconnect();
    offlineState = null;
    target.inspect(tap);
    hooks.statusChanged(self());
  }

  return {
    attach: () => target.inspect(tap),
    chaos: {
      disconnect() {
        if (client.transport.getSnapshot().status !== 'idle') client.transport.reconnect();
      },
      offline() {
        if (chaos().offline) return;
        const { attempt, status } = client.transport.getSnapshot();
        idleBeforeOffline = status === 'idle';
        offlineState = Object.freeze({ ...INITIAL_CONNECTION_STATE, status: 'offline', attempt });
        setChaos({ offline: true });
        target.inspect(tap);
        hooks.statusChanged(self());
      },
      online,
      delay(ms) {
        if (!(ms >= 0 && Number.isFinite(ms))) throw new RangeError(`Inspector chaos.delay(ms): ms must be a finite number >= 0 (got ${String(ms)}).`);
        setChaos({ delayMs: ms });
      },
      drop(count = 1) {
        if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`Inspector chaos.drop(count): count must be an integer >= 0 (got ${String(count)}).`);
        setChaos({ dropping: chaos().dropping + count });
      },
      heal,
    },
    detach() {
      heal();
      online();
      target.inspect(null);
    },
  };
}
