import { randomId } from '../lib/random-id.js';
import { reportListenerError } from '../lib/report-listener-error.js';
import {
  readHistoryQuery,
  toBrokerListener,
  type BrokerListener,
  type ChannelBroker,
  type ChannelHistory,
  type HistoryQuery,
  type HubMessage,
  type MessageDraft,
  type PublishOutcome,
} from './broker.js';

/** Options for {@link createMemoryBroker}. */
export interface MemoryBrokerOptions {
  /** Messages kept per channel for replay (a ring: the oldest go first). Default {@link DEFAULT_LOG_SIZE}. `0` keeps none. */
  logSize?: number;
  /**
   * Publish `cid`s remembered per channel for deduplication (oldest forgotten first). Default
   * `max(logSize, 1000)`: a retry of a publish older than that would be stored again.
   */
  dedupeSize?: number;
  /**
   * How long the log of a channel nobody subscribes to is kept after its last publish, in ms. Default
   * {@link DEFAULT_RETENTION_MS} (a day); `Infinity` keeps logs for the life of the process. A dropped log starts
   * over with a new epoch, so clients resuming it are told (`reset`), never silently skipped.
   */
  retentionMs?: number;
  /**
   * Most channel logs kept at once: past it, the least recently used log nobody subscribes to is dropped (as if
   * expired). Default {@link DEFAULT_MAX_LOGS}. Bounds memory against clients publishing to ever new channel names.
   */
  maxLogs?: number;
  /**
   * Most bytes of message data (as the hub measures it) kept across all logs: past it, least recently used logs
   * nobody subscribes to are dropped. Default {@link DEFAULT_MAX_LOG_BYTES} (256 MiB).
   */
  maxBytes?: number;
  /**
   * The epoch of a log being created. Default a random one, so a log that starts over (a new process, a dropped
   * log) is never mistaken for the old one. Give your own only when you rebuild logs from durable storage with the
   * same numbers (the same log, so the same epoch) — and a new one whenever that storage starts over.
   */
  epoch?: (channel: string) => string;
  /** Clock for each message's `at` and for retention. Default `Date.now`. */
  now?: () => number;
  /** Id generator for message ids. Default a random UUID. */
  createId?: () => string;
}

/** The in-process broker: everything is synchronous, so a publish is delivered before `publish` returns. */
export interface MemoryBroker extends ChannelBroker {
  publish(channel: string, draft: MessageDraft): PublishOutcome;
  history(channel: string, query: HistoryQuery): ChannelHistory;
  latest(channel: string, event: string): HubMessage | undefined;
  lookup(channel: string, cid: string): { readonly id: string; readonly seq: number; readonly epoch: string } | undefined;
  /** The messages a channel still holds for replay, oldest first. */
  messages(channel: string): readonly HubMessage[];
  /** A channel's newest sequence number (0 before the first message). */
  head(channel: string): number;
  /** Channel logs held now (for memory checks). */
  readonly logs: number;
  /** Forgets every stored message and `cid`, keeping each log's count and epoch (resuming clients get a `gap`). */
  clear(): void;
  /** Every log starts over, as in a new process: numbering from 1 again, under a new epoch (resuming clients get `reset`). */
  restart(): void;
}

/** Default number of messages each channel keeps for replay. */
export const DEFAULT_LOG_SIZE = 1000;
/** Default time the memory broker keeps the log of a channel nobody subscribes to after its last publish: a day. */
export const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Default most channel logs the memory broker keeps at once. */
export const DEFAULT_MAX_LOGS = 100_000;
/** Default most bytes of message data the memory broker keeps across its logs: 256 MiB. */
export const DEFAULT_MAX_LOG_BYTES = 256 * 1024 * 1024;
/** What a message costs beyond its data (the frame's other fields, the object, the ring slot). */
const MESSAGE_OVERHEAD_BYTES = 160;
const MIN_DEDUPE_SIZE = 1000;
/** Logs dropped per publish at most while sweeping expired ones (the rest go with later publishes). */
const SWEEP_BATCH = 16;

interface ChannelLog {
  readonly epoch: string;
  head: number;
  /** The newest messages, oldest first from `start` (grown as needed up to logSize, then a ring). */
  readonly ring: HubMessage[];
  /** The size of each message in `ring`, at the same index. */
  readonly sizes: number[];
  bytes: number;
  start: number;
  readonly cids: Map<string, { id: string; seq: number }>;
  lastUsed: number;
}

/** A random epoch id: short, as it travels in every resume point. */
export function createEpoch(): string {
  return randomId().replace(/-/g, '').slice(0, 12);
}

/**
 * The default broker: a log per channel and direct delivery, for one server process (and the test kit). A log is
 * created when a channel is first read or published to, grows as messages come (up to `logSize`), and is dropped
 * `retentionMs` after its last use without subscribers, or when `maxLogs` or `maxBytes` is reached (least recently
 * used first).
 * @example
 * const broker = createMemoryBroker({ logSize: 500 })
 * const hub = createChannelHub({ broker })
 */
export function createMemoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  const logSize = options.logSize ?? DEFAULT_LOG_SIZE;
  if (!Number.isInteger(logSize) || logSize < 0) {
    throw new RangeError(`createMemoryBroker: logSize must be a non-negative integer (got ${String(logSize)}).`);
  }
  const dedupeSize = options.dedupeSize ?? Math.max(logSize, MIN_DEDUPE_SIZE);
  if (!Number.isInteger(dedupeSize) || dedupeSize < 0) {
    throw new RangeError(`createMemoryBroker: dedupeSize must be a non-negative integer (got ${String(dedupeSize)}).`);
  }
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  if (!(retentionMs > 0)) throw new RangeError(`createMemoryBroker: retentionMs must be > 0 (got ${String(retentionMs)}).`);
  const maxLogs = options.maxLogs ?? DEFAULT_MAX_LOGS;
  if (!Number.isInteger(maxLogs) || maxLogs < 1) throw new RangeError(`createMemoryBroker: maxLogs must be a positive integer (got ${String(maxLogs)}).`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
  if (!(maxBytes > 0)) throw new RangeError(`createMemoryBroker: maxBytes must be > 0 (got ${String(maxBytes)}).`);
  const now = options.now ?? Date.now;
  let totalBytes = 0;
  const createId = options.createId ?? randomId;
  const epochFor = options.epoch ?? createEpoch;
  /** Logs in order of last use (a publish moves its log to the end), so expired ones are found at the front. */
  const logs = new Map<string, ChannelLog>();
  const listeners = new Map<string, Set<BrokerListener>>();
  const queues = new Map<string, Promise<unknown>>();

  function stored(log: ChannelLog | undefined): HubMessage[] {
    if (!log) return [];
    return log.start === 0 ? log.ring.slice() : [...log.ring.slice(log.start), ...log.ring.slice(0, log.start)];
  }

  function append(log: ChannelLog, message: HubMessage, size: number) {
    if (logSize === 0) return;
    if (log.ring.length < logSize) {
      log.ring.push(message);
      log.sizes.push(size);
    } else {
      log.bytes -= log.sizes[log.start]!;
      totalBytes -= log.sizes[log.start]!;
      log.ring[log.start] = message;
      log.sizes[log.start] = size;
      log.start = (log.start + 1) % logSize;
    }
    log.bytes += size;
    totalBytes += size;
  }

  function drop(name: string, log: ChannelLog) {
    logs.delete(name);
    totalBytes -= log.bytes;
  }

  function remember(log: ChannelLog, cid: string, result: { id: string; seq: number }) {
    if (dedupeSize === 0) return;
    log.cids.set(cid, result);
    if (log.cids.size > dedupeSize) {
      const oldest = log.cids.keys().next();
      if (!oldest.done) log.cids.delete(oldest.value);
    }
  }

  /** Moves `name`'s log to the back of the use order, creating it; drops expired and surplus logs from the front. */
  function use(name: string): ChannelLog {
    const time = now();
    let log = logs.get(name);
    if (log) logs.delete(name);
    else log = { epoch: epochFor(name), head: 0, ring: [], sizes: [], bytes: 0, start: 0, cids: new Map(), lastUsed: time };
    log.lastUsed = time;
    logs.set(name, log);
    sweep(time);
    return log;
  }

  function sweep(time: number) {
    // Bounded work per call: a publish never pays for more than a batch (plus what is over `maxLogs`).
    let budget = SWEEP_BATCH + Math.max(0, logs.size - maxLogs);
    for (const [name, log] of logs) {
      const full = logs.size > maxLogs || totalBytes > maxBytes;
      if (budget <= 0 && !full) return;
      if (budget < -logs.size) return;
      budget -= 1;
      if (!full && time - log.lastUsed < retentionMs) return;
      if (listeners.has(name)) {
        // A subscribed log is in use: it stays, and its retention starts again when the last subscriber leaves.
        logs.delete(name);
        log.lastUsed = time;
        logs.set(name, log);
      } else {
        drop(name, log);
      }
    }
  }

  function latest(channel: string, event: string): HubMessage | undefined {
    const messages = stored(logs.get(channel));
    for (let i = messages.length - 1; i >= 0; i -= 1) if (messages[i]!.event === event) return messages[i];
    return undefined;
  }

  return {
    publish(channel, { event, data, cid, from, size }) {
      const log = use(channel);
      if (cid !== undefined) {
        const known = log.cids.get(cid);
        if (known) return { ...known, fresh: false, epoch: log.epoch };
      }
      log.head += 1;
      const message: HubMessage = Object.freeze({
        type: 'message',
        channel,
        id: createId(),
        seq: log.head,
        event,
        data,
        ...(cid === undefined ? {} : { cid }),
        at: now(),
        ...(from === undefined ? {} : { from }),
      });
      append(log, message, (size ?? 0) + MESSAGE_OVERHEAD_BYTES);
      const result = { id: message.id, seq: message.seq };
      if (cid !== undefined) remember(log, cid, result);
      const subscribed = listeners.get(channel);
      if (subscribed) {
        for (const listener of [...subscribed]) {
          try {
            listener.message(message, log.epoch);
          } catch (error) {
            reportListenerError(error);
          }
        }
      }
      return { ...result, fresh: true, epoch: log.epoch };
    },
    history(channel, query) {
      // Reading gives the channel a log (and an epoch) too: a client that saw an empty channel must learn if that
      // log is later lost (bounded by maxLogs and retention like any log).
      const log = use(channel);
      const { head, epoch } = log;
      const { after, before, limit } = readHistoryQuery(query);
      const all = stored(log);
      let messages: HubMessage[];
      if (after !== undefined) {
        messages = all.filter((message) => message.seq > after);
        if (limit !== undefined) messages = messages.slice(0, Math.max(0, limit));
      } else {
        messages = before === undefined ? all : all.filter((message) => message.seq < before);
        if (limit !== undefined) messages = limit <= 0 ? [] : messages.slice(-limit);
      }
      return { messages, head, epoch };
    },
    subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      // A fresh object per subscription, so subscribing one listener twice is two subscriptions.
      const entry = { ...toBrokerListener(listener) };
      set.add(entry);
      const current = set;
      return {
        ready: undefined,
        close() {
          current.delete(entry);
          if (current.size === 0 && listeners.get(channel) === current) {
            listeners.delete(channel);
            const log = logs.get(channel);
            if (log) {
              // Unused from now: to the back of the use order, so expired logs stay at the front.
              logs.delete(channel);
              log.lastUsed = now();
              logs.set(channel, log);
            }
          }
        },
      };
    },
    latest,
    lookup(channel, cid) {
      const log = logs.get(channel);
      const known = log?.cids.get(cid);
      return known && log ? { ...known, epoch: log.epoch } : undefined;
    },
    exclusive<T>(channel: string, task: (fence: string | undefined) => Promise<T>): Promise<T> {
      const previous = queues.get(channel) ?? Promise.resolve();
      const run = previous.then(
        () => task(undefined),
        () => task(undefined),
      );
      const tail = run.then(
        () => undefined,
        () => undefined,
      );
      queues.set(channel, tail);
      void tail.then(() => {
        if (queues.get(channel) === tail) queues.delete(channel);
      });
      return run;
    },
    messages: (channel) => stored(logs.get(channel)),
    head: (channel) => logs.get(channel)?.head ?? 0,
    get logs() {
      return logs.size;
    },
    clear() {
      for (const log of logs.values()) {
        log.ring.length = 0;
        log.sizes.length = 0;
        log.bytes = 0;
        log.start = 0;
        log.cids.clear();
      }
      totalBytes = 0;
    },
    restart() {
      logs.clear();
      totalBytes = 0;
    },
  };
}
