/**
 * realtime-kit devtools: inspect every connection of the page (status timeline, channels and resume cursors,
 * outbox, presence, frames in and out) and inject faults by hand. Connections only list themselves until an
 * inspector is created; `inspector.close()` removes every tap.
 * @packageDocumentation
 */
export { createInspector, DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIMELINE } from './create-inspector.js';
export type {
  ChaosAction,
  ChaosControls,
  ChaosState,
  EventLog,
  EventLogSnapshot,
  InspectedChannel,
  InspectedConnection,
  InspectedEvent,
  InspectedKind,
  Inspector,
  InspectorOptions,
  TimelineEntry,
} from './types.js';
export { listInspectables, watchInspectables } from './registry.js';
export type {
  ClientTap,
  Inspectable,
  InspectableClient,
  InspectableSSE,
  InspectableWebSocket,
  InspectableWatcher,
} from './registry.js';
