export {
  DEFAULT_COMPACT_AFTER_UPDATES,
  DEFAULT_IDLE_MS,
  DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_SAVE_DEBOUNCE_MS,
  keepYjsDocuments,
} from './yjs-keeper.js';
export type { YjsKeeper, YjsKeeperOptions } from './yjs-keeper.js';
export { memoryYjsStore } from './memory-yjs-store.js';
export type { MemoryYjsStore } from './memory-yjs-store.js';
export { redisYjsStore } from './redis-yjs-store.js';
export type { RedisYjsStoreOptions } from './redis-yjs-store.js';
export { mergeYjsStates } from './yjs-store.js';
export type { YjsStore } from './yjs-store.js';
export type { KeeperSyncAnswer } from './kept-document.js';
