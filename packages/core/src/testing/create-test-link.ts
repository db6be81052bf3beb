import { createFaultPipeline } from './test-link/fault-pipeline.js';

/**
 * The wire between memory transports and their hub, with fault injection on the server→client direction.
 * One link can carry many transports (tabs, users); faults count frames across all of them, in send order.
 */
export interface TestLink {
  /** Drops the next `count` (default 1) server→client frames, as a lossy relay would. */
  drop(count?: number): void;
  /** Delivers each of the next `count` (default 1) server→client frames twice. */
  duplicate(count?: number): void;
  /**
   * Delivers the next `count` (default 2) server→client frames in reverse order. A batch that is not full by the
   * next timer tick is released then (reversed), so a quiet channel is never stuck.
   */
  reorder(count?: number): void;
  /**
   * Delivers every later server→client frame `ms` later (0 turns the delay off). Order is kept: a frame never
   * overtakes an earlier, still delayed one.
   */
  delay(ms: number): void;
  /** Clears drop, duplicate, reorder and delay (frames already held are still delivered). */
  heal(): void;
  /** Cuts every connection on the link (frames in flight are lost); connects fail until {@link TestLink.reconnect}. */
  disconnect(): void;
  /** Lets connections through again; waiting transports reconnect. */
  reconnect(): void;
  /** As {@link TestLink.disconnect}, but transports report `offline` rather than `reconnecting`. */
  offline(): void;
  /** Ends {@link TestLink.offline}; waiting transports reconnect. */
  online(): void;
  /** Whether connections can be made (neither disconnected nor offline). */
  readonly connected: boolean;
  /** Whether the link is offline. */
  readonly isOffline: boolean;
}

/** What a memory transport needs from its link; not public. */
interface LinkEndpoint {
  /** Connectivity changed (`connected` / `isOffline`). */
  linkChanged(): void;
}

export interface LinkInternals {
  attach(endpoint: LinkEndpoint): () => void;
  /** Carries one server→client frame (as its JSON text) through the faults, then calls `receive` (maybe twice, or never). */
  deliver(text: string, receive: (text: string) => void): void;
}

const internalsOf = new WeakMap<TestLink, LinkInternals>();

/** The link's internals, for memory transports. */
export function linkInternals(link: TestLink): LinkInternals {
  const internals = internalsOf.get(link);
  if (!internals) throw new TypeError('createMemoryTransport: `link` must come from createTestLink().');
  return internals;
}

/**
 * Creates a {@link TestLink}: a perfect wire until you inject faults.
 * @example
 * const link = createTestLink()
 * const transport = createMemoryTransport(hub, { link })
 * link.reorder(3) // the next three frames arrive last-first
 */
export function createTestLink(): TestLink {
  const endpoints = new Set<LinkEndpoint>();
  const faults = createFaultPipeline();
  let down = false;
  let offline = false;

  function changed() {
    for (const endpoint of [...endpoints]) endpoint.linkChanged();
  }

  function count(value: number | undefined, fallback: number, name: string): number {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`chaos.${name}: count must be a non-negative integer (got ${String(n)}).`);
    return n;
  }

  const link: TestLink = {
    drop(n) {
      faults.drop(count(n, 1, 'drop'));
    },
    duplicate(n) {
      faults.duplicate(count(n, 1, 'duplicate'));
    },
    reorder(n) {
      faults.reorder(count(n, 2, 'reorder'));
    },
    delay(ms) {
      if (!(ms >= 0) || !Number.isFinite(ms))
        throw new RangeError(`chaos.delay: ms must be a finite number >= 0 (got ${String(ms)}).`);
      faults.delay(ms);
    },
    heal: faults.heal,
    disconnect() {
      if (down) return;
      down = true;
      faults.loseInFlight();
      changed();
    },
    reconnect() {
      if (!down) return;
      down = false;
      changed();
    },
    offline() {
      if (offline) return;
      offline = true;
      faults.loseInFlight();
      changed();
    },
    online() {
      if (!offline) return;
      offline = false;
      changed();
    },
    get connected() {
      return !down && !offline;
    },
    get isOffline() {
      return offline;
    },
  };

  internalsOf.set(link, {
    attach(endpoint) {
      endpoints.add(endpoint);
      return () => void endpoints.delete(endpoint);
    },
    deliver(text, receive) {
      if (link.connected) faults.carry(() => receive(text));
    },
  });
  return link;
}
