import { encodeEvent, type EventStream } from '@realtime-kit/server';

/** The `count` event's data. */
export interface CounterSnapshot {
  /** Clients connected to /api/demo/counter right now. */
  viewers: number;
  /** A running total that ticks up while anyone watches ("events processed"). */
  total: number;
}

interface Hub {
  clients: Set<EventStream>;
  total: number;
  ticks: number;
  timer: ReturnType<typeof setInterval> | undefined;
}

const TICK_MS = 1_000;
/** How much the total grows per tick: varied, but deterministic (no Math.random in a server demo). */
const INCREMENTS = [3, 1, 4, 1, 5, 9, 2, 6];

// One hub per server process. On globalThis, because route handlers and pages are separate bundles
// that would each get their own copy of a module-level variable.
const globalHub = globalThis as typeof globalThis & { __realtimeKitCounterHub?: Hub };
const hub: Hub = (globalHub.__realtimeKitCounterHub ??= {
  clients: new Set(),
  total: 12_480,
  ticks: 0,
  timer: undefined,
});

/** What a page can render on the server, so the counter starts at the right number. */
export function counterSnapshot(): CounterSnapshot {
  return { viewers: hub.clients.size, total: hub.total };
}

/** Adds a client: it gets the current count at once and every change after; it is removed when it goes away. */
export function joinCounter(stream: EventStream) {
  hub.clients.add(stream);
  stream.onClose(() => {
    hub.clients.delete(stream);
    if (hub.clients.size === 0 && hub.timer !== undefined) {
      clearInterval(hub.timer);
      hub.timer = undefined;
    }
    broadcast();
  });
  hub.timer ??= setInterval(() => {
    hub.total += INCREMENTS[hub.ticks++ % INCREMENTS.length]!;
    broadcast();
  }, TICK_MS);
  broadcast();
}

function broadcast() {
  if (hub.clients.size === 0) return;
  // Encoded once, written to every client: N clients cost one JSON.stringify.
  const frame = encodeEvent({ event: 'count', data: counterSnapshot() satisfies CounterSnapshot });
  for (const client of hub.clients) client.send(frame);
}
