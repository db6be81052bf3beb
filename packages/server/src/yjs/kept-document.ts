import type { ChannelBroker, FrameError, HubMessage } from '@realtime-kit/core';
import { fromBase64, toBase64, YJS_EVENTS } from '@realtime-kit/core/yjs';
import * as Y from 'yjs';
import type { YjsStore } from './yjs-store.js';

/** What every kept document shares: the broker, the store and the settings of its keeper. */
export interface KeptDocumentHost extends YjsStore {
  readonly broker: ChannelBroker;
  readonly saveDebounceMs: number;
  readonly maxDocumentBytes: number;
  readonly compactAfterUpdates: number;
  readonly onError: (error: unknown) => void;
}

/** What the keeper answers a `yjs-sync-request` with (the peers' answer, marked as the keeper's). */
export interface KeeperSyncAnswer {
  readonly rid: string;
  readonly update: string;
  readonly sv: string;
  /** The answer comes from the server's keeper: a client sends it everything it lacks, its own edits included. */
  readonly keeper: true;
}

/** The server's copy of one channel's document. */
export interface KeptDocument {
  readonly doc: Y.Doc;
  /** Settles once the stored state and the kept log are in the doc; rejects when loading failed. */
  readonly ready: Promise<void>;
  /** The answer to a sync request (`{ rid, sv }`), or null for a malformed one. */
  answer(request: unknown): KeeperSyncAnswer | null;
  /** Why `update` may not be stored (the size limit), or undefined. */
  refusal(update: Uint8Array): FrameError | undefined;
  /** When it was last used (a request, a publish or an applied update), in ms. */
  readonly lastUsed: number;
  /** Saves now what is not saved yet (and compacts when due). */
  flush(): Promise<void>;
  /** Stops following the channel, after a last save. */
  close(): Promise<void>;
}

/**
 * The keeper's copy of `channel`'s document: it follows the channel's stored `yjs-update`s (through the broker, from
 * any instance), loads on creation (the store's state, then every update the log still keeps, so nothing stored but
 * not yet saved before a crash is lost), and saves `saveDebounceMs` after the first unsaved change. Every
 * `compactAfterUpdates` updates a save also trims the channel's log through the last update it holds (see `compact`).
 */
export function createKeptDocument(channel: string, host: KeptDocumentHost, now: () => number): KeptDocument {
  const { broker } = host;
  const doc = new Y.Doc();
  /** An upper bound of the encoded document's size: exact after each measure, plus the updates applied since. */
  let sizeBound = 0;
  let lastUsed = now();
  let unsaved = false;
  let updatesSinceCompaction = 0;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Saves run one at a time, in order. */
  let saving: Promise<void> = Promise.resolve();
  let closed = false;
  let loaded = false;

  const apply = (data: unknown) => {
    const update = typeof data === 'string' ? fromBase64(data) : null;
    if (!update) return false;
    try {
      Y.applyUpdate(doc, update);
    } catch (error) {
      host.onError(error);
      return false;
    }
    sizeBound += update.length;
    return true;
  };

  const onMessage = (message: HubMessage) => {
    if (message.event !== YJS_EVENTS.update || message.action !== undefined || closed) return;
    if (!apply(message.data)) return;
    lastUsed = now();
    unsaved = true;
    updatesSinceCompaction += 1;
    saveTimer ??= setTimeout(() => {
      saveTimer = undefined;
      void save().catch(host.onError);
    }, host.saveDebounceMs);
  };
  const subscription = broker.subscribe(channel, onMessage);

  /** The updates the log keeps (after `after`), applied; the seq of the newest message read. */
  async function readLog(after = 0): Promise<number> {
    const history = await broker.history(channel, { after });
    for (const message of history.messages)
      if (message.event === YJS_EVENTS.update && !message.action) apply(message.data);
    return history.messages.at(-1)?.seq ?? after;
  }

  const ready = (async () => {
    await subscription.ready;
    const stored = await host.onLoad(channel);
    if (stored) Y.applyUpdate(doc, stored);
    await readLog();
    sizeBound = Y.encodeStateAsUpdate(doc).length;
    loaded = true;
  })();

  /**
   * Compaction: the log's updates are read again (the broker may have skipped some while its connection was down),
   * the doc holding all of them is saved, and only then is the log trimmed through the newest one read. A client
   * resuming from before gets a `gap` and syncs from the keeper instead of replaying every keystroke.
   */
  async function saveAndCompact(): Promise<void> {
    const trim = broker.trim?.bind(broker);
    const compact = trim !== undefined && updatesSinceCompaction >= host.compactAfterUpdates;
    const through = compact ? await readLog() : 0;
    unsaved = false;
    const counted = updatesSinceCompaction;
    try {
      await host.onSave(channel, Y.encodeStateAsUpdate(doc));
    } catch (error) {
      unsaved = true;
      throw error;
    }
    if (!compact) return;
    await trim(channel, through);
    updatesSinceCompaction = Math.max(0, updatesSinceCompaction - counted);
  }

  function save(): Promise<void> {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    saving = saving.catch(() => undefined).then(() => (unsaved ? saveAndCompact() : undefined));
    return saving;
  }

  return {
    doc,
    ready,
    get lastUsed() {
      return lastUsed;
    },
    answer(request) {
      lastUsed = now();
      const { rid, sv } = (request ?? {}) as { rid?: unknown; sv?: unknown };
      const vector = typeof sv === 'string' ? fromBase64(sv) : null;
      if (typeof rid !== 'string' || !vector) return null;
      try {
        const update = Y.encodeStateAsUpdate(doc, vector);
        return { rid, update: toBase64(update), sv: toBase64(Y.encodeStateVector(doc)), keeper: true };
      } catch {
        return null;
      }
    },
    refusal(update) {
      lastUsed = now();
      const limit = host.maxDocumentBytes;
      if (sizeBound + update.length <= limit) return undefined;
      // Near the limit: measure what the document would really be with this update (deletions may shrink it).
      const state = Y.encodeStateAsUpdate(doc);
      sizeBound = state.length;
      if (Y.mergeUpdates([state, update]).length <= limit) return undefined;
      return {
        code: 'message_too_large',
        message: `The document of "${channel}" would grow past its limit of ${limit} bytes (maxDocumentBytes): this edit was not stored. Remove content first, or raise the limit on the server.`,
      };
    },
    flush: save,
    async close() {
      if (closed) return;
      closed = true;
      subscription.close();
      // Updates stored from now on are in the log: the next load (here or on another instance) replays them. A
      // document that never loaded is not saved (it lacks the stored state; merging it in would be harmless but useless).
      if (loaded) await save().catch(host.onError);
      doc.destroy();
    },
  };
}
