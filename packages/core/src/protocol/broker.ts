import { randomId } from '../lib/random-id.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import type { ServerFrame } from './frames.js';

/** A stored channel message, exactly as it is sent to subscribers. */
export type HubMessage = Extract<ServerFrame, { type: 'message' }>;

/** A value, or a promise of it: memory brokers answer synchronously, networked ones (Redis) asynchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** What a publish asks the broker to store. */
export interface MessageDraft {
  readonly event: string;
  readonly data: unknown;
  /** The publisher's idempotency key: a second publish with a `cid` already stored on the channel stores nothing. */
  readonly cid?: string;
}

/** The outcome of {@link ChannelBroker.publish}. */
export interface PublishOutcome {
  /** The stored message (for a repeated `cid`: the first one, which may no longer be in the log). */
  readonly id: string;
  readonly seq: number;
  /** False when the `cid` was already stored: nothing was stored or delivered this time. */
  readonly fresh: boolean;
}

/** The outcome of {@link ChannelBroker.history}. */
export interface ChannelHistory {
  /** Every message still kept with `seq > after`, oldest first. A first seq above `after + 1` means a gap. */
  readonly messages: readonly HubMessage[];
  /** The channel's newest sequence number (0 before its first message). */
  readonly head: number;
}

/** A live subscription of one process to one channel. */
export interface BrokerSubscription {
  /** Settles once messages published from now on are certain to arrive (a Redis SUBSCRIBE has been confirmed). */
  readonly ready: MaybePromise<void>;
  close(): void;
}

/**
 * Where channel messages live and how they reach every server instance: the event log (numbering, dedupe by
 * `cid`, replay) and the fan-out, as one interface, because storing and fanning out must be one step for every
 * instance to see one order. `createMemoryBroker` serves one process; `createRedisBroker` in
 * `@realtime-kit/server/redis` serves many (Redis Streams + pub/sub).
 *
 * Contract, which the hub relies on:
 * - `publish` numbers a channel's messages 1, 2, 3, … without holes and never reuses a number; it resolves only once
 *   the message is stored, and rejects when it could not be (then nothing is delivered);
 * - every subscriber of the channel, in every process, gets each stored message once, in `seq` order (a
 *   networked broker may skip messages while its connection is down: the hub refills holes from `history`);
 * - `history(channel, after)` returns the kept messages with `seq > after` and the newest seq.
 */
export interface ChannelBroker {
  publish(channel: string, draft: MessageDraft): MaybePromise<PublishOutcome>;
  history(channel: string, after: number): MaybePromise<ChannelHistory>;
  subscribe(channel: string, listener: (message: HubMessage) => void): BrokerSubscription;
}

/** Options for {@link createMemoryBroker}. */
export interface MemoryBrokerOptions {
  /** Messages kept per channel for replay (a ring: the oldest go first). Default {@link DEFAULT_LOG_SIZE}. `0` keeps none. */
  logSize?: number;
  /**
   * Publish `cid`s remembered per channel for deduplication (oldest forgotten first). Default
   * `max(logSize, 1000)`: a retry of a publish older than that would be stored again.
   */
  dedupeSize?: number;
  /** Clock for each message's `at`. Default `Date.now`. */
  now?: () => number;
  /** Id generator for message ids. Default a random UUID. */
  createId?: () => string;
}

/** The in-process broker: everything is synchronous, so a publish is delivered before `publish` returns. */
export interface MemoryBroker extends ChannelBroker {
  publish(channel: string, draft: MessageDraft): PublishOutcome;
  history(channel: string, after: number): ChannelHistory;
  /** The messages a channel still holds for replay, oldest first. */
  messages(channel: string): readonly HubMessage[];
  /** A channel's newest sequence number (0 before the first message). */
  head(channel: string): number;
  /** Forgets every stored message and `cid` (a lost log). Sequence numbers are not reused. */
  clear(): void;
}

/** Default number of messages each channel keeps for replay. */
export const DEFAULT_LOG_SIZE = 1000;
const MIN_DEDUPE_SIZE = 1000;

interface ChannelLog {
  readonly name: string;
  head: number;
  /** Ring buffer of the newest messages: `ring[(start + i) % capacity]` for i < length. */
  readonly ring: (HubMessage | undefined)[];
  start: number;
  length: number;
  readonly cids: Map<string, { id: string; seq: number }>;
  readonly listeners: Set<(message: HubMessage) => void>;
}

/**
 * The default broker: a ring buffer per channel and direct delivery, for one server process (and the test kit).
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
  const now = options.now ?? Date.now;
  const createId = options.createId ?? randomId;
  const channels = new Map<string, ChannelLog>();

  function channelLog(name: string): ChannelLog {
    let log = channels.get(name);
    if (!log) {
      log = { name, head: 0, ring: new Array<HubMessage | undefined>(logSize), start: 0, length: 0, cids: new Map(), listeners: new Set() };
      channels.set(name, log);
    }
    return log;
  }

  function stored(log: ChannelLog | undefined): HubMessage[] {
    const out: HubMessage[] = [];
    if (!log) return out;
    for (let i = 0; i < log.length; i += 1) out.push(log.ring[(log.start + i) % logSize] as HubMessage);
    return out;
  }

  function append(log: ChannelLog, message: HubMessage) {
    if (logSize === 0) return;
    if (log.length < logSize) {
      log.ring[(log.start + log.length) % logSize] = message;
      log.length += 1;
    } else {
      log.ring[log.start] = message;
      log.start = (log.start + 1) % logSize;
    }
  }

  function remember(log: ChannelLog, cid: string, result: { id: string; seq: number }) {
    if (dedupeSize === 0) return;
    log.cids.set(cid, result);
    if (log.cids.size > dedupeSize) {
      const oldest = log.cids.keys().next();
      if (!oldest.done) log.cids.delete(oldest.value);
    }
  }

  return {
    publish(channel, { event, data, cid }) {
      const log = channelLog(channel);
      if (cid !== undefined) {
        const known = log.cids.get(cid);
        if (known) return { ...known, fresh: false };
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
      });
      append(log, message);
      const result = { id: message.id, seq: message.seq };
      if (cid !== undefined) remember(log, cid, result);
      emitToListeners(log.listeners, message);
      return { ...result, fresh: true };
    },
    history(channel, after) {
      const log = channels.get(channel);
      return { messages: stored(log).filter((message) => message.seq > after), head: log?.head ?? 0 };
    },
    subscribe(channel, listener) {
      const log = channelLog(channel);
      // A fresh function per subscription, so subscribing one listener twice is two subscriptions.
      const entry = (message: HubMessage) => listener(message);
      log.listeners.add(entry);
      return { ready: undefined, close: () => void log.listeners.delete(entry) };
    },
    messages: (channel) => stored(channels.get(channel)),
    head: (channel) => channels.get(channel)?.head ?? 0,
    clear() {
      for (const log of channels.values()) {
        log.ring.fill(undefined);
        log.start = 0;
        log.length = 0;
        log.cids.clear();
      }
    },
  };
}
