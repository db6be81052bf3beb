import type { ConnectionState } from '../connection/status.js';
import type { WritableEventLog } from './event-log.js';
import type { Inspectable } from './registry.js';
import type { ChaosControls, ChaosState, InspectedConnection, TimelineEntry } from './types.js';

/** What an inspector keeps per connection it lists. */
export interface InspectorEntry {
  readonly id: string;
  readonly target: Inspectable;
  readonly log: WritableEventLog;
  readonly timeline: TimelineEntry[];
  readonly chaos: ChaosControls;
  chaosState: ChaosState;
  /** Computed when asked for, dropped when anything changes. */
  snapshot: InspectedConnection | null;
  detach(): void;
}

/** What an entry's taps tell the inspector. */
export interface InspectorHooks {
  /** Something shown changed: the snapshot is dropped and listeners hear of it (once per microtask). */
  changed(entry: InspectorEntry): void;
  /** The connection state may have changed: a timeline entry when status or attempt did. */
  statusChanged(entry: InspectorEntry): void;
  now(): number;
}

export const NO_CHAOS: ChaosState = Object.freeze({ offline: false, delayMs: 0, dropping: 0 });

// Ids survive inspectors (a panel closed and opened again shows the same ids), never the target.
const ids = new WeakMap<Inspectable, string>();
let lastId = 0;

/** The id an inspector lists `target` under: `client-1`, `sse-2`, … */
export function inspectableId(target: Inspectable): string {
  let id = ids.get(target);
  if (id === undefined) {
    id = `${target.kind}-${++lastId}`;
    ids.set(target, id);
  }
  return id;
}

export function stateOf(target: Inspectable): ConnectionState {
  return target.kind === 'client' ? target.client.getSnapshot() : target.connection.getSnapshot();
}

export function errorOf(state: ConnectionState): TimelineEntry['error'] {
  return state.error ? Object.freeze({ code: state.error.code, message: state.error.message }) : null;
}
