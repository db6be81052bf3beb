/** Ids and channel events shared by the manager panel and the preview bridge of the Realtime addon. */
// Types only, so the manager bundle carries none of the core.
import type { EventLogSnapshot, InspectedConnection } from '@realtime-kit/core/devtools';

export const ADDON_ID = 'realtime-kit/devtools';
export const PANEL_ID = `${ADDON_ID}/panel`;

export const EVENTS = {
  /** manager → preview: the panel is visible; start inspecting (payload: none). */
  ATTACH: `${ADDON_ID}/attach`,
  /** manager → preview: the panel is hidden; close the inspector (every tap removed). */
  DETACH: `${ADDON_ID}/detach`,
  /** manager → preview: show this connection's event log (payload: `string | null`). */
  SELECT: `${ADDON_ID}/select`,
  /** manager → preview: run a command on a connection (payload: {@link DevtoolsCommand}). */
  COMMAND: `${ADDON_ID}/command`,
  /** preview → manager: the latest state (payload: {@link DevtoolsSnapshot}). */
  SNAPSHOT: `${ADDON_ID}/snapshot`,
} as const;

/** What the panel can ask of a connection: its chaos controls, and its event log's pause, resume and clear. */
export type DevtoolsCommand =
  | { id: string; action: 'disconnect' | 'offline' | 'online' | 'heal' | 'pause' | 'resume' | 'clear' }
  | { id: string; action: 'delay'; ms: number }
  | { id: string; action: 'drop'; count: number };

/** What the preview sends: every connection, and the selected one's log. */
export interface DevtoolsSnapshot {
  connections: readonly InspectedConnection[];
  selected: string | null;
  log: EventLogSnapshot | null;
}
