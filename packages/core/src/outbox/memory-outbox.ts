import type { OutboxEntry, OutboxStorage } from '../channel/types.js';

/** An {@link OutboxStorage} you can inspect, kept in memory. */
export interface MemoryOutbox extends OutboxStorage {
  /** The stored entries, in insertion order. */
  readonly entries: readonly OutboxEntry[];
}

/**
 * An outbox kept in memory, outside any client: hand the same one to a new client to simulate a page reload
 * in tests (the client's own default outbox lives and dies with the client). For real persistence across
 * reloads use `indexedDBOutbox`.
 * @example
 * const outbox = memoryOutbox()
 * createRealtimeClient({ transport, outbox }).channel('room').publish('message', { text: 'hi' })
 * // later, "after a reload": the entry is loaded and sent
 * createRealtimeClient({ transport, outbox })
 */
export function memoryOutbox(): MemoryOutbox {
  const entries = new Map<string, OutboxEntry>();
  return {
    get entries() {
      return [...entries.values()];
    },
    load: () => Promise.resolve([...entries.values()]),
    put(entry) {
      entries.set(entry.cid, entry);
      return Promise.resolve();
    },
    delete(cid) {
      entries.delete(cid);
      return Promise.resolve();
    },
  };
}
