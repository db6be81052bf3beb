import { emitToListeners } from '../lib/report-listener-error.js';
import type { EventLog, EventLogSnapshot, InspectedEvent } from './types.js';

/** An event before the log numbers and timestamps it. */
type EventDraft = Omit<InspectedEvent, 'seq' | 'at'>;

/** The inspector's side of an {@link EventLog}. */
export interface WritableEventLog extends EventLog {
  record(draft: EventDraft): void;
}

/**
 * A bounded log of events, newest last. The snapshot is copied lazily and listeners hear of changes at most once
 * per microtask, so a burst of frames costs one render.
 */
export function createEventLog(options: { maxEvents: number; now: () => number }): WritableEventLog {
  const { maxEvents, now } = options;
  const events: InspectedEvent[] = [];
  const listeners = new Set<() => void>();
  let seq = 0;
  let paused = false;
  let discarded = 0;
  let snapshot: EventLogSnapshot | null = null;
  let scheduled = false;

  function changed() {
    snapshot = null;
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      emitToListeners(listeners, undefined);
    });
  }

  return {
    record(draft) {
      seq += 1;
      if (paused) {
        discarded += 1;
        return changed();
      }
      const event: InspectedEvent = { seq, at: now(), ...draft };
      if (event.event === undefined) delete (event as { event?: string }).event;
      if (event.channel === undefined) delete (event as { channel?: string }).channel;
      if (event.fault === undefined) delete (event as { fault?: string }).fault;
      events.push(Object.freeze(event));
      if (events.length > maxEvents) {
        events.shift();
        discarded += 1;
      }
      changed();
    },
    getSnapshot() {
      if (snapshot === null) {
        snapshot = Object.freeze({ events: Object.freeze([...events]), paused, discarded });
      }
      return snapshot;
    },
    subscribe(listener) {
      const entry = () => listener();
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    pause() {
      if (paused) return;
      paused = true;
      changed();
    },
    resume() {
      if (!paused) return;
      paused = false;
      changed();
    },
    clear() {
      events.length = 0;
      discarded = 0;
      changed();
    },
  };
}
