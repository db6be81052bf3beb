import type { RealtimeError } from '../errors.js';
import type { OutboxEntry, OutboxStorage, PublishReceipt } from '../channel/types.js';

/** One publish waiting for its ack. */
export interface QueuedPublish {
  readonly entry: OutboxEntry;
  /** Sent on the current session and not acked yet. Cleared when the session ends, so it is sent again. */
  sent: boolean;
  /** When it was last sent (the client's clock), for the unanswered-publish watchdog. */
  sentAt?: number;
  /** Absent for entries loaded from storage (their promise belonged to the page before the reload). */
  settle: { resolve(receipt: PublishReceipt): void; reject(error: RealtimeError): void } | undefined;
  promise: Promise<PublishReceipt> | undefined;
}

/** The client's ordered outbox: memory is the source of truth for order; `storage` mirrors it when given. */
export interface OutboxQueue {
  readonly size: number;
  /** False until the storage's entries are loaded: nothing may be sent before them. */
  readonly ready: boolean;
  get(cid: string): QueuedPublish | undefined;
  /** Adds a publish at the end. */
  add(entry: OutboxEntry, settle: QueuedPublish['settle'], promise: QueuedPublish['promise']): QueuedPublish;
  /** Removes a settled publish (and from storage). */
  remove(cid: string): QueuedPublish | undefined;
  /** Un-acked publishes on `channel`. */
  pending(channel: string): number;
  /** Every queued publish, oldest first. */
  inOrder(): QueuedPublish[];
  /** The session ended: everything un-acked must be sent again. */
  markUnsent(): void;
  /** Forgets everything in memory (storage keeps it for the next client); returns what was queued. */
  clear(): QueuedPublish[];
  /** A `createdAt` that keeps the order: strictly increasing, so ties never reorder entries after a reload. */
  nextCreatedAt(now: number): number;
}

export interface OutboxQueueOptions {
  storage: OutboxStorage | undefined;
  /** Storage failed: the publish goes on from memory; the failure must still be reported. */
  onStorageError(error: unknown): void;
  /** The storage's entries were merged in (before anything published meanwhile). */
  onLoaded(channels: ReadonlySet<string>): void;
}

export function createOutboxQueue({ storage, onStorageError, onLoaded }: OutboxQueueOptions): OutboxQueue {
  let entries = new Map<string, QueuedPublish>();
  const counts = new Map<string, number>();
  let ready = storage === undefined;
  let lastCreatedAt = -Infinity;

  function count(channel: string, delta: number) {
    const next = (counts.get(channel) ?? 0) + delta;
    if (next === 0) counts.delete(channel);
    else counts.set(channel, next);
  }

  function persist(promise: Promise<void>) {
    promise.catch(onStorageError);
  }

  if (storage !== undefined) {
    storage.load().then(
      (loaded) => {
        const fresh = [...loaded]
          .filter((entry) => !entries.has(entry.cid))
          // Array#sort is stable: equal createdAt (another writer) keep the storage's order.
          .sort((a, b) => a.createdAt - b.createdAt);
        const merged = new Map<string, QueuedPublish>();
        const channels = new Set<string>();
        for (const entry of fresh) {
          merged.set(entry.cid, { entry, sent: false, settle: undefined, promise: undefined });
          count(entry.channel, 1);
          channels.add(entry.channel);
          lastCreatedAt = Math.max(lastCreatedAt, entry.createdAt);
        }
        for (const [cid, queued] of entries) merged.set(cid, queued);
        entries = merged;
        ready = true;
        onLoaded(channels);
      },
      (error: unknown) => {
        onStorageError(error);
        ready = true;
        onLoaded(new Set());
      },
    );
  }

  return {
    get size() {
      return entries.size;
    },
    get ready() {
      return ready;
    },
    get: (cid) => entries.get(cid),
    add(entry, settle, promise) {
      const queued: QueuedPublish = { entry, sent: false, settle, promise };
      entries.set(entry.cid, queued);
      count(entry.channel, 1);
      if (storage) persist(storage.put(entry));
      return queued;
    },
    remove(cid) {
      const queued = entries.get(cid);
      if (!queued) return undefined;
      entries.delete(cid);
      count(queued.entry.channel, -1);
      if (storage) persist(storage.delete(cid));
      return queued;
    },
    pending: (channel) => counts.get(channel) ?? 0,
    inOrder: () => [...entries.values()],
    markUnsent() {
      for (const queued of entries.values()) queued.sent = false;
    },
    clear() {
      const all = [...entries.values()];
      entries = new Map();
      counts.clear();
      return all;
    },
    nextCreatedAt(now) {
      lastCreatedAt = Math.max(now, lastCreatedAt + 1);
      return lastCreatedAt;
    },
  };
}
