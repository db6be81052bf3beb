import * as Y from 'yjs';

/** A value, or a promise of it. */
type MaybePromise<T> = T | Promise<T>;

/**
 * Where the Yjs keeper keeps documents between uses and across restarts: spread one into `keepYjsDocuments`'
 * options (`{ channels, ...redisYjsStore(redis) }`), or write `onLoad`/`onSave` for your own database.
 *
 * `onSave` must **merge**: with several instances each keeper saves its own copy of the document, and a copy can lag
 * (an update in flight to it). Store the union of what was saved (`mergeYjsStates([stored, state])`), never just
 * the last write, and no instance can save older state over newer. Both stores here do.
 */
export interface YjsStore {
  /** The saved state of `channel`'s document (a Yjs update), or undefined for a new document. */
  onLoad(channel: string): MaybePromise<Uint8Array | undefined>;
  /** Saves `state` (the whole document as one Yjs update), merged with what is stored. */
  onSave(channel: string, state: Uint8Array): MaybePromise<void>;
}

/**
 * The union of Yjs states (or updates) as one compact update: applied to one document, so content deleted in any
 * of them is garbage-collected, and merging the same state twice changes nothing.
 */
export function mergeYjsStates(states: readonly Uint8Array[]): Uint8Array {
  if (states.length === 1) return states[0]!;
  const doc = new Y.Doc();
  try {
    for (const state of states) Y.applyUpdate(doc, state);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}
