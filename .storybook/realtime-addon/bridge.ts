import { createInspector, type EventLog, type Inspector } from '@realtime-kit/core/devtools';

import { EVENTS, type DevtoolsCommand, type DevtoolsSnapshot } from './constants';

/** The part of Storybook's channel the bridge uses. */
export interface BridgeChannel {
  on(event: string, listener: (...args: never[]) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
}

/** How often, at most, snapshots cross to the manager. */
export const SNAPSHOT_INTERVAL_MS = 150;

/** Events sent with each snapshot (the newest): enough to read, small enough for postMessage at frame rates. */
export const SNAPSHOT_EVENTS = 200;

/**
 * The preview side of the Realtime addon. It does nothing until the manager's panel attaches: then it creates an
 * inspector in the story iframe, sends throttled snapshots, and runs the panel's commands. Detaching closes the
 * inspector, so stories run untapped whenever the panel is not shown (and always under the Vitest addon).
 * Returns the function that stops listening.
 */
export function connectDevtoolsBridge(channel: BridgeChannel): () => void {
  let inspector: Inspector | null = null;
  let offConnections: (() => void) | undefined;
  let selected: string | null = null;
  let log: EventLog | null = null;
  let offLog: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function send() {
    timer = undefined;
    if (!inspector) return;
    const connections = inspector.getSnapshot();
    if (selected !== null && !connections.some((connection) => connection.id === selected)) select(null);
    const logSnapshot = log?.getSnapshot() ?? null;
    const snapshot: DevtoolsSnapshot = {
      connections,
      selected,
      log: logSnapshot && { ...logSnapshot, events: logSnapshot.events.slice(-SNAPSHOT_EVENTS) },
    };
    // Payloads cross postMessage: plain JSON only (the inspector's own export is JSON-safe).
    channel.emit(EVENTS.SNAPSHOT, JSON.parse(JSON.stringify(snapshot, jsonSafe)) as DevtoolsSnapshot);
  }

  function schedule() {
    timer ??= setTimeout(send, SNAPSHOT_INTERVAL_MS);
  }

  function select(id: string | null) {
    offLog?.();
    offLog = undefined;
    log = null;
    selected = null;
    if (id === null || !inspector) return;
    if (!inspector.getSnapshot().some((connection) => connection.id === id)) return;
    selected = id;
    log = inspector.events(id);
    offLog = log.subscribe(schedule);
  }

  const attach = () => {
    if (!inspector) {
      inspector = createInspector();
      offConnections = inspector.subscribe(schedule);
    }
    schedule();
  };

  const detach = () => {
    clearTimeout(timer);
    timer = undefined;
    select(null);
    offConnections?.();
    inspector?.close();
    inspector = null;
  };

  const onSelect = (id: string | null) => {
    select(id);
    schedule();
  };

  const onCommand = (command: DevtoolsCommand) => {
    if (!inspector || !inspector.getSnapshot().some((connection) => connection.id === command.id)) return;
    const chaos = inspector.chaos(command.id);
    const events = inspector.events(command.id);
    switch (command.action) {
      case 'pause':
      case 'resume':
      case 'clear':
        events[command.action]();
        break;
      case 'delay':
        chaos.delay(command.ms);
        break;
      case 'drop':
        chaos.drop(command.count);
        break;
      default:
        chaos[command.action]();
    }
    schedule();
  };

  channel.on(EVENTS.ATTACH, attach);
  channel.on(EVENTS.DETACH, detach);
  channel.on(EVENTS.SELECT, onSelect);
  channel.on(EVENTS.COMMAND, onCommand);
  return () => {
    channel.off(EVENTS.ATTACH, attach);
    channel.off(EVENTS.DETACH, detach);
    channel.off(EVENTS.SELECT, onSelect);
    channel.off(EVENTS.COMMAND, onCommand);
    detach();
  };
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return { binary: value.byteLength };
  return value;
}
