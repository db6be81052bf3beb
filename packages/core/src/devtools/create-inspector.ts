import type { Channel } from '../channel/types.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import { snapshotConnection } from './connection-snapshot.js';
import { createEventLog } from './event-log.js';
import { NO_CHAOS, errorOf, inspectableId, stateOf, type InspectorEntry } from './inspector-entry.js';
import { toJSONSafe } from './lib/payload.js';
import { watchInspectables, type Inspectable } from './registry.js';
import { tapClient } from './tap-client.js';
import { tapRawConnection } from './tap-raw-connection.js';
import type {
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
  if (!(Number.isInteger(maxEvents) && maxEvents > 0))
    throw new RangeError(`createInspector: maxEvents must be a positive integer (got ${String(maxEvents)}).`);
  if (!(Number.isInteger(maxTimeline) && maxTimeline > 0))
    throw new RangeError(`createInspector: maxTimeline must be a positive integer (got ${String(maxTimeline)}).`);
  const now = options.now ?? Date.now;
  const entries = new Map<string, InspectorEntry>();
  const listeners = new Set<() => void>();
  const watchedChannels = new Map<Channel, () => void>();
  let list: readonly InspectedConnection[] = Object.freeze([]);
  let dirty = true;
  let scheduled = false;
  let closed = false;

  function changed(entry?: InspectorEntry) {
    if (entry) entry.snapshot = null;
    dirty = true;
    if (scheduled || closed) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (!closed) emitToListeners(listeners, undefined);
    });
  }

  function statusChanged(entry: InspectorEntry) {
    const state = stateOf(entry.target);
    const last = entry.timeline.at(-1);
    if (!last || last.status !== state.status || last.attempt !== state.attempt) {
      entry.timeline.push(
        Object.freeze({ at: now(), status: state.status, attempt: state.attempt, error: errorOf(state) }),
      );
      if (entry.timeline.length > maxTimeline) entry.timeline.splice(0, entry.timeline.length - maxTimeline);
    }
    changed(entry);
  }

  function add(target: Inspectable) {
    const id = inspectableId(target);
    if (entries.has(id)) return;
    const log = createEventLog({ maxEvents, now });
    let entry!: InspectorEntry;
    const base = { id, target, log, timeline: [] as TimelineEntry[], snapshot: null, chaosState: NO_CHAOS };
    let attach: (() => void) | undefined;
    if (target.kind === 'client') {
      const tapped = tapClient(target, () => entry, { changed, statusChanged, now });
      attach = tapped.attach;
      entry = { ...base, chaos: tapped.chaos, detach: tapped.detach };
    } else {
      entry = { ...base, ...tapRawConnection(target, id, log, () => statusChanged(entry)) };
    }
    entries.set(id, entry);
    attach?.();
    statusChanged(entry);
  }

  function remove(target: Inspectable) {
    const entry = entries.get(inspectableId(target));
    if (!entry || entry.target !== target) return;
    entries.delete(entry.id);
    entry.detach();
    changed();
  }

  function snapshotOf(entry: InspectorEntry): InspectedConnection {
    entry.snapshot ??= snapshotConnection(entry, (channel) => channelOf(entry, channel));
    return entry.snapshot;
  }

  function channelOf(entry: InspectorEntry, channel: Channel): InspectedChannel {
    // A channel's state store has no side effects (unlike its events or presence, which subscribe on the server).
    if (!watchedChannels.has(channel))
      watchedChannels.set(
        channel,
        channel.subscribe(() => changed(entry)),
      );
    const { subscribed, lastSeq, pending } = channel.getSnapshot();
    return Object.freeze({ name: channel.name, subscribed, lastSeq, pending, members: channel.presence.members() });
  }

  function entryOf(id: string): InspectorEntry {
    const entry = entries.get(id);
    if (!entry)
      throw new RangeError(`Inspector: no connection "${id}" is listed (it closed, or the inspector was closed).`);
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
      const document = {
        exportedAt: new Date(now()).toISOString(),
        connection: snapshotOf(entry),
        events: entry.log.getSnapshot().events,
      };
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
