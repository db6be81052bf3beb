import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import type { InspectorEntry, InspectorHooks } from './inspector-entry.js';
import { sizeOf } from './lib/payload.js';
import type { ClientTap, InspectableClient } from './registry.js';
import type { ChaosState } from './types.js';

/**
 * The tap and chaos of one channel client: frames in and out are logged, and chaos drops, delays or holds back the
 * frames the client receives, or shows it offline. `attach` installs the tap; `detach` heals and removes it.
 */
export function tapClient(
  target: InspectableClient,
  self: () => InspectorEntry,
  hooks: InspectorHooks,
): Pick<InspectorEntry, 'chaos' | 'detach'> & { attach(): void } {
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
        if (!(ms >= 0 && Number.isFinite(ms)))
          throw new RangeError(`Inspector chaos.delay(ms): ms must be a finite number >= 0 (got ${String(ms)}).`);
        setChaos({ delayMs: ms });
      },
      drop(count = 1) {
        if (!(Number.isInteger(count) && count >= 0))
          throw new RangeError(`Inspector chaos.drop(count): count must be an integer >= 0 (got ${String(count)}).`);
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
