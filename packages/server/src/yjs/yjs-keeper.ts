import type { ChannelBroker, ChannelHub, ClientFrame, FrameError, HubSessionInfo } from '@realtime-kit/core';
import { fromBase64, YJS_EVENTS } from '@realtime-kit/core/yjs';
import { createKeptDocument, type KeptDocument, type KeptDocumentHost } from './kept-document.js';
import { memoryYjsStore } from './memory-yjs-store.js';
import type { YjsStore } from './yjs-store.js';

/** Default wait between a document's first unsaved change and its save. */
export const DEFAULT_SAVE_DEBOUNCE_MS = 2_000;
/** Default largest document, encoded: 8 MiB. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;
/** Default number of updates after which a save also trims the channel's log. */
export const DEFAULT_COMPACT_AFTER_UPDATES = 500;
/** Default time a document nobody here used stays loaded. */
export const DEFAULT_IDLE_MS = 5 * 60_000;

/** Options of {@link keepYjsDocuments}; `onLoad`/`onSave` come from a store (`...redisYjsStore(redis)`) or your own. */
export interface YjsKeeperOptions extends Partial<YjsStore> {
  /** The channels whose documents are kept: a name prefix, a pattern, or a predicate. */
  readonly channels: string | RegExp | ((channel: string) => boolean);
  /** Wait after a document's first unsaved change before saving it (later changes join that save). Default 2 000. */
  readonly saveDebounceMs?: number;
  /** Largest document (its encoded state): an update that would grow it past this is refused. Default 8 MiB. */
  readonly maxDocumentBytes?: number;
  /**
   * After this many updates, a save also trims the channel's log through the updates it holds (so resuming clients
   * get a `gap` and one sync instead of every keystroke). Other events on the channel are trimmed with them: keep
   * them on another channel. `Infinity` never trims. Default {@link DEFAULT_COMPACT_AFTER_UPDATES}.
   */
  readonly compactAfterUpdates?: number;
  /** A document nobody here used (no request, publish or update) for this long is saved and unloaded. Default 5 min. */
  readonly idleMs?: number;
  /** A failed load or save, a malformed stored update. Default `console.error`. */
  readonly onError?: (error: unknown) => void;
  /** Clock for `idleMs`. Default `Date.now`. */
  readonly now?: () => number;
}

/** A running keeper: see {@link keepYjsDocuments}. */
export interface YjsKeeper {
  /** The kept document of `channel`, loaded on first use (undefined for channels the keeper does not keep). */
  document(channel: string): Promise<KeptDocument['doc'] | undefined>;
  /** Saves every document with unsaved changes now. */
  flush(): Promise<void>;
  /** Stops keeping: saves what is pending and stops following channels. Call it before closing `realtime`. */
  close(): Promise<void>;
}

/**
 * Keeps the Yjs documents of some channels on the server (the protocol of `bindYjsToChannel` in
 * `@realtime-kit/core/yjs`): the keeper is a peer that is always present. It loads a document with `onLoad` on first
 * use, applies every stored `yjs-update` (published on any instance), saves with `onSave` (debounced, and on `close`),
 * answers every `yjs-sync-request` of this instance's clients with what they lack — so a newcomer gets the whole
 * document when nobody else is here, after everyone left, after a restart — refuses updates that would grow a
 * document past `maxDocumentBytes` (`message_too_large`, nothing stored), and compacts the log.
 *
 * Run one on every instance. Each keeps its own copy of the documents its clients use (every instance applies every
 * update: Yjs merges are idempotent and commutative), and saves merge (see {@link YjsStore}), so no instance saves
 * stale state over newer. Without `onLoad`/`onSave`, documents live in this process's memory (`memoryYjsStore`).
 * @example
 * const realtime = await createRealtime()
 * const keeper = keepYjsDocuments(realtime, { channels: 'doc:', ...redisYjsStore(new Redis(process.env.REDIS_URL)) })
 * gracefulShutdown({ server, close: [endpoint, keeper, realtime] })
 */
export function keepYjsDocuments(
  realtime: { readonly hub: ChannelHub<ChannelBroker> },
  options: YjsKeeperOptions,
): YjsKeeper {
  const { hub } = realtime;
  const keeps = channelMatcher(options.channels);
  const fallback = options.onLoad && options.onSave ? undefined : memoryYjsStore();
  const now = options.now ?? Date.now;
  const idleMs = positive('idleMs', options.idleMs ?? DEFAULT_IDLE_MS);
  const host: KeptDocumentHost = {
    broker: hub.broker,
    onLoad: options.onLoad ?? fallback!.onLoad,
    onSave: options.onSave ?? fallback!.onSave,
    saveDebounceMs: positive('saveDebounceMs', options.saveDebounceMs ?? DEFAULT_SAVE_DEBOUNCE_MS, true),
    maxDocumentBytes: positive('maxDocumentBytes', options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES),
    compactAfterUpdates: positive('compactAfterUpdates', options.compactAfterUpdates ?? DEFAULT_COMPACT_AFTER_UPDATES),
    onError: options.onError ?? ((error: unknown) => console.error('[realtime-kit] Yjs keeper:', error)),
  };
  const documents = new Map<string, KeptDocument>();
  let closed = false;

  /** The kept document of `channel`, loaded; one that failed to load is forgotten, so the next use tries again. */
  async function open(channel: string): Promise<KeptDocument> {
    let kept = documents.get(channel);
    if (!kept) {
      kept = createKeptDocument(channel, host, now);
      documents.set(channel, kept);
      const created = kept;
      created.ready.catch(() => {
        if (documents.get(channel) === created) documents.delete(channel);
        void created.close();
      });
    }
    await kept.ready;
    return kept;
  }

  async function answer(session: HubSessionInfo, channel: string, request: unknown) {
    const kept = await open(channel);
    const reply = kept.answer(request);
    if (reply && !closed) hub.signal(channel, YJS_EVENTS.sync, reply, { to: session.id });
  }

  async function admitUpdate(channel: string, data: unknown): Promise<FrameError | undefined> {
    const update = typeof data === 'string' ? fromBase64(data) : null;
    if (!update) return { code: 'invalid_payload', message: 'A yjs-update must be a base64 Yjs update.' };
    let kept: KeptDocument;
    try {
      kept = await open(channel);
    } catch (error) {
      host.onError(error);
      return {
        code: 'unavailable',
        message: `The document of "${channel}" could not be loaded: nothing was stored. Retry.`,
      };
    }
    return kept.refusal(update);
  }

  const removeAdmission = hub.addAdmission((session, frame: Exclude<ClientFrame, { type: 'ping' }>) => {
    if (closed || !keeps(frame.channel)) return undefined;
    if (frame.type === 'signal' && frame.event === YJS_EVENTS.syncRequest) {
      // Answered beside the frame, not before it: the request is relayed to the peers at once.
      answer(session, frame.channel, frame.data).catch(host.onError);
      return undefined;
    }
    if (frame.type === 'publish' && frame.event === YJS_EVENTS.update && frame.action === undefined)
      return admitUpdate(frame.channel, frame.data);
    return undefined;
  });

  const sweep = setInterval(
    () => {
      const time = now();
      for (const [channel, kept] of documents) {
        if (time - kept.lastUsed < idleMs) continue;
        documents.delete(channel);
        void kept.close();
      }
    },
    Math.min(idleMs, 60_000),
  );
  sweep.unref?.();

  let closing: Promise<void> | undefined;
  return {
    async document(channel) {
      if (!keeps(channel)) return undefined;
      return (await open(channel)).doc;
    },
    async flush() {
      await Promise.all([...documents.values()].map((kept) => kept.flush()));
    },
    close() {
      closing ??= (async () => {
        closed = true;
        removeAdmission();
        clearInterval(sweep);
        const all = [...documents.values()];
        documents.clear();
        await Promise.all(
          all.map((kept) =>
            kept.ready.then(
              () => kept.close(),
              () => undefined,
            ),
          ),
        );
      })();
      return closing;
    },
  };
}

function channelMatcher(channels: YjsKeeperOptions['channels']): (channel: string) => boolean {
  if (typeof channels === 'function') return channels;
  if (typeof channels === 'string') return (channel) => channel.startsWith(channels);
  if (channels instanceof RegExp) return (channel) => new RegExp(channels.source, channels.flags).test(channel);
  throw new TypeError('keepYjsDocuments: `channels` must be a name prefix, a RegExp or a predicate.');
}

function positive(name: string, value: number, zeroAllowed = false): number {
  if (!(value > 0 || (zeroAllowed && value === 0)) || Number.isNaN(value))
    throw new RangeError(`keepYjsDocuments: ${name} must be a positive number (got ${String(value)}).`);
  return value;
}
