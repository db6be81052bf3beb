import { timeOrderedId } from '../lib/time-ordered-id.js';
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
  type MessageStates,
  type PublishOutcome,
} from './broker.js';
import { createChannelTurns } from './channel-turns.js';
import {
  createMemoryLogs,
  DEFAULT_LOG_SIZE,
  DEFAULT_MAX_LOG_BYTES,
  DEFAULT_MAX_LOGS,
  DEFAULT_RETENTION_MS,
  storedMessages,
} from './memory-logs.js';

export { createEpoch } from './memory-logs.js';
export { DEFAULT_LOG_SIZE, DEFAULT_MAX_LOG_BYTES, DEFAULT_MAX_LOGS, DEFAULT_RETENTION_MS };

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
  /** Id generator for message ids. Default `timeOrderedId`: a random UUID v7 carrying the message's `at`. */
  createId?: () => string;
}

/** The in-process broker: everything is synchronous, so a publish is delivered before `publish` returns. */
export interface MemoryBroker extends ChannelBroker {
  readonly states: MessageStates;
  publish(channel: string, draft: MessageDraft): PublishOutcome;
  history(channel: string, query: HistoryQuery): ChannelHistory;
  latest(channel: string, event: string): HubMessage | undefined;
  lookup(
    channel: string,
    cid: string,
  ): { readonly id: string; readonly seq: number; readonly epoch: string } | undefined;
  trim(channel: string, throughSeq: number): void;
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
  const now = options.now ?? Date.now;
  // By default a message's id carries its `at` (a UUID v7), so the compact encoding sends the two as one.
  const createId: (at: number) => string = options.createId ?? timeOrderedId;
  const listeners = new Map<string, Set<BrokerListener>>();
  const logs = createMemoryLogs(options, (channel) => listeners.has(channel));
  const inTurn = createChannelTurns();

  function deliver(message: HubMessage, epoch: string) {
    const subscribed = listeners.get(message.channel);
    if (!subscribed) return;
    for (const listener of [...subscribed]) {
      try {
        listener.message(message, epoch);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  return {
    publish(channel, { event, data, cid, from, size, action, target, version }) {
      const log = logs.use(channel);
      if (cid !== undefined) {
        const known = log.cids.get(cid);
        if (known) return { ...known, fresh: false, epoch: log.epoch };
      }
      log.head += 1;
      const at = now();
      const message: HubMessage = Object.freeze({
        type: 'message',
        channel,
        id: createId(at),
        seq: log.head,
        event,
        data,
        ...(cid === undefined ? {} : { cid }),
        at,
        ...(from === undefined ? {} : { from }),
        ...(action === undefined ? {} : { action }),
        ...(target === undefined ? {} : { target }),
        ...(version === undefined ? {} : { version }),
      });
      logs.append(log, message, size ?? 0);
      const result = { id: message.id, seq: message.seq };
      if (cid !== undefined) logs.remember(log, cid, result);
      deliver(message, log.epoch);
      return { ...result, fresh: true, epoch: log.epoch };
    },
    history(channel, query) {
      // Reading gives the channel a log (and an epoch) too: a client that saw an empty channel must learn if that
      // log is later lost (bounded by maxLogs and retention like any log).
      const log = logs.use(channel);
      const { head, epoch } = log;
      const { after, before, limit } = readHistoryQuery(query);
      const all = storedMessages(log);
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
            logs.unused(channel);
          }
        },
      };
    },
    latest(channel, event) {
      const messages = storedMessages(logs.get(channel));
      for (let i = messages.length - 1; i >= 0; i -= 1) if (messages[i]!.event === event) return messages[i];
      return undefined;
    },
    lookup(channel, cid) {
      const log = logs.get(channel);
      const known = log?.cids.get(cid);
      return known && log ? { ...known, epoch: log.epoch } : undefined;
    },
    trim(channel, throughSeq) {
      const log = logs.get(channel);
      if (log) logs.trim(log, throughSeq);
    },
    exclusive: (channel, task) => inTurn(channel, () => task(undefined)),
    states: {
      find: (channel, id) => storedMessages(logs.get(channel)).find((message) => message.id === id),
      get(channel, ids) {
        const log = logs.get(channel);
        return ids.map((id) => log?.states.get(id));
      },
      set(channel, id, state) {
        logs.setState(logs.use(channel), id, state);
      },
    },
    messages: (channel) => storedMessages(logs.get(channel)),
    head: (channel) => logs.get(channel)?.head ?? 0,
    get logs() {
      return logs.size;
    },
    clear: logs.clear,
    restart: logs.restart,
  };
}
