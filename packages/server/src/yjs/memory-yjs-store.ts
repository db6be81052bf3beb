import { mergeYjsStates, type YjsStore } from './yjs-store.js';

/** The documents of a {@link memoryYjsStore}, readable for tests and diagnostics. */
export interface MemoryYjsStore extends YjsStore {
  /** The saved state of `channel`, if any. */
  get(channel: string): Uint8Array | undefined;
  /** Channels with a saved document. */
  readonly size: number;
}

/**
 * Documents in this process's memory (the keeper's default): they outlive everyone leaving a channel, not a restart.
 * Saves merge, like every {@link YjsStore}. For one process, tests and development; use `redisYjsStore` to survive
 * restarts and share documents between instances.
 */
export function memoryYjsStore(): MemoryYjsStore {
  const states = new Map<string, Uint8Array>();
  return {
    onLoad: (channel) => states.get(channel),
    onSave(channel, state) {
      const stored = states.get(channel);
      states.set(channel, stored ? mergeYjsStates([stored, state]) : state);
    },
    get: (channel) => states.get(channel),
    get size() {
      return states.size;
    },
  };
}
