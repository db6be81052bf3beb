import { randomId } from '../lib/random-id.js';
import type { HubMessage, MessageState } from './broker.js';
import type { MemoryBrokerOptions } from './memory-broker.js';

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

/** One channel's log in memory. */
export interface ChannelLog {
  readonly epoch: string;
  head: number;
  /** The newest messages, oldest first from `start` (grown as needed up to logSize, then a ring). */
  readonly ring: HubMessage[];
  /** The size of each message in `ring`, at the same index. */
  readonly sizes: number[];
  bytes: number;
  start: number;
  readonly cids: Map<string, { id: string; seq: number }>;
  /** States of edited, deleted or reacted-to messages, by id (see `MessageStates`). */
  readonly states: Map<string, MessageState>;
  lastUsed: number;
}

/** The channel logs of a memory broker, within its bounds (messages per log, cids, retention, count, bytes). */
export interface MemoryLogs {
  /** The log of `name`, created when missing, now the most recently used; expired and surplus logs go. */
  use(name: string): ChannelLog;
  get(name: string): ChannelLog | undefined;
  /** Stores a message with its data's size, dropping the oldest when the log is full. */
  append(log: ChannelLog, message: HubMessage, dataSize: number): void;
  /** Drops the kept messages with `seq <= throughSeq`. */
  trim(log: ChannelLog, throughSeq: number): void;
  /** Sets the state of message `id`, forgetting states of messages no longer in the log. */
  setState(log: ChannelLog, id: string, state: MessageState): void;
  /** Remembers what `cid` was stored as, forgetting the oldest past `dedupeSize`. */
  remember(log: ChannelLog, cid: string, result: { id: string; seq: number }): void;
  /** The log of `name` is no longer subscribed: its retention starts now. */
  unused(name: string): void;
  /** Forgets every message and cid, keeping each log's count and epoch. */
  clear(): void;
  /** Drops every log. */
  restart(): void;
  readonly size: number;
}

/** A random epoch id: short, as it travels in every resume point. */
export function createEpoch(): string {
  return randomId().replace(/-/g, '').slice(0, 12);
}

/** The kept messages of `log`, oldest first. */
export function storedMessages(log: ChannelLog | undefined): HubMessage[] {
  if (!log) return [];
  return log.start === 0 ? log.ring.slice() : [...log.ring.slice(log.start), ...log.ring.slice(0, log.start)];
}

/** Logs bounded by `options` (validated here); a log `subscribed` reports in use is never dropped. */
export function createMemoryLogs(options: MemoryBrokerOptions, subscribed: (name: string) => boolean): MemoryLogs {
  const logSize = options.logSize ?? DEFAULT_LOG_SIZE;
  if (!Number.isInteger(logSize) || logSize < 0) {
    throw new RangeError(`createMemoryBroker: logSize must be a non-negative integer (got ${String(logSize)}).`);
  }
  const dedupeSize = options.dedupeSize ?? Math.max(logSize, MIN_DEDUPE_SIZE);
  if (!Number.isInteger(dedupeSize) || dedupeSize < 0) {
    throw new RangeError(`createMemoryBroker: dedupeSize must be a non-negative integer (got ${String(dedupeSize)}).`);
  }
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  if (!(retentionMs > 0))
    throw new RangeError(`createMemoryBroker: retentionMs must be > 0 (got ${String(retentionMs)}).`);
  const maxLogs = options.maxLogs ?? DEFAULT_MAX_LOGS;
  if (!Number.isInteger(maxLogs) || maxLogs < 1)
    throw new RangeError(`createMemoryBroker: maxLogs must be a positive integer (got ${String(maxLogs)}).`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
  if (!(maxBytes > 0)) throw new RangeError(`createMemoryBroker: maxBytes must be > 0 (got ${String(maxBytes)}).`);
  const now = options.now ?? Date.now;
  const epochFor = options.epoch ?? createEpoch;
  let totalBytes = 0;
  /** Logs in order of last use (a publish moves its log to the end), so expired ones are found at the front. */
  const logs = new Map<string, ChannelLog>();

  /** Moves `log` to the back of the use order, as used at `time`. */
  function touch(name: string, log: ChannelLog, time: number) {
    logs.delete(name);
    log.lastUsed = time;
    logs.set(name, log);
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
      if (subscribed(name)) {
        // A subscribed log is in use: it stays, and its retention starts again when the last subscriber leaves.
        touch(name, log, time);
      } else {
        logs.delete(name);
        totalBytes -= log.bytes;
      }
    }
  }

  return {
    use(name) {
      const time = now();
      const log = logs.get(name) ?? {
        epoch: epochFor(name),
        head: 0,
        ring: [],
        sizes: [],
        bytes: 0,
        start: 0,
        cids: new Map(),
        states: new Map(),
        lastUsed: time,
      };
      touch(name, log, time);
      sweep(time);
      return log;
    },
    get: (name) => logs.get(name),
    append(log, message, dataSize) {
      if (logSize === 0) return;
      const size = dataSize + MESSAGE_OVERHEAD_BYTES;
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
    },
    trim(log, throughSeq) {
      const kept = storedMessages(log);
      const firstKept = kept.findIndex((message) => message.seq > throughSeq);
      const dropped = firstKept === -1 ? kept.length : firstKept;
      if (dropped === 0) return;
      const sizes =
        log.start === 0 ? log.sizes.slice() : [...log.sizes.slice(log.start), ...log.sizes.slice(0, log.start)];
      const droppedBytes = sizes.slice(0, dropped).reduce((sum, size) => sum + size, 0);
      log.ring.splice(0, log.ring.length, ...kept.slice(dropped));
      log.sizes.splice(0, log.sizes.length, ...sizes.slice(dropped));
      log.start = 0;
      log.bytes -= droppedBytes;
      totalBytes -= droppedBytes;
    },
    setState(log, id, state) {
      log.states.set(id, state);
      if (log.states.size <= logSize) return;
      const oldestKept = log.head - log.ring.length + 1;
      for (const [key, kept] of log.states) if (kept.seq < oldestKept) log.states.delete(key);
    },
    remember(log, cid, result) {
      if (dedupeSize === 0) return;
      log.cids.set(cid, result);
      if (log.cids.size > dedupeSize) {
        const oldest = log.cids.keys().next();
        if (!oldest.done) log.cids.delete(oldest.value);
      }
    },
    unused(name) {
      const log = logs.get(name);
      // Unused from now: to the back of the use order, so expired logs stay at the front.
      if (log) touch(name, log, now());
    },
    clear() {
      for (const log of logs.values()) {
        log.ring.length = 0;
        log.sizes.length = 0;
        log.bytes = 0;
        log.start = 0;
        log.cids.clear();
        log.states.clear();
      }
      totalBytes = 0;
    },
    restart() {
      logs.clear();
      totalBytes = 0;
    },
    get size() {
      return logs.size;
    },
  };
}
