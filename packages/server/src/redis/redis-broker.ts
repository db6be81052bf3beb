import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  RealtimeError,
  createEpoch,
  readHistoryQuery,
  reportListenerError,
  toBrokerListener,
  type BrokerListener,
  type BrokerSubscription,
  type ChannelBroker,
  type ChannelHistory,
  type HistoryQuery,
  type HubMessage,
  type MessageDraft,
  type PublishOutcome,
} from '@realtime-kit/core';
import { checkPrefix, command, encodeName, isRecord, noop, openCommandConnection, quit, SUBSCRIBER_OPTIONS, unavailable, type Connection } from './connection.js';
import { createRedisCluster, type RedisCluster } from './redis-cluster.js';
import { historyScript, latestScript, publishScript, releaseScript } from './scripts.js';

/**
 * Options for {@link createRedisBroker}.
 * @example
 * const options: RedisBrokerOptions = { redis: 'redis://127.0.0.1:6379', logSize: 500, keyPrefix: 'chat', cidTtlSeconds: 3600 }
 */
export interface RedisBrokerOptions {
  /**
   * A connected ioredis client, or a Redis URL (`redis://host:6379/0`). From a URL the broker opens its own command
   * connection (and closes it in {@link RedisBroker.close}); a client passed in stays the caller's, is never closed by
   * the broker and keeps its own options (give it `enableOfflineQueue: false` and `maxRetriesPerRequest: 0` for the
   * same fail-fast behaviour). Either way the broker opens one more connection for pub/sub (`duplicate()`).
   */
  redis: Redis | string;
  /** Messages kept per channel for replay (`XADD … MAXLEN = logSize`). Default 1000. `0` keeps none but still numbers. */
  logSize?: number;
  /**
   * Prefix of every Redis key and pub/sub channel the broker uses. Default `'rk'`. Pub/sub ignores the database
   * number, so apps sharing one Redis server (even on different databases) need different prefixes.
   */
  keyPrefix?: string;
  /** How long a publish `cid` is remembered for deduplication, in seconds. Default 86400 (a day). */
  cidTtlSeconds?: number;
  /**
   * How long a channel's log is kept after it was last published to or read, in ms. Default
   * {@link DEFAULT_REDIS_RETENTION_MS} (a day); `0` keeps logs until Redis evicts them. An expired log starts over
   * under a new epoch: resuming clients are told (`reset`).
   */
  retentionMs?: number;
  /**
   * How often this instance proves it is alive (and checks the others), in ms. Default 5000. An instance that stops
   * (killed without goodbye) is noticed within four times this plus a second (21 s by default): its presence members leave.
   */
  heartbeatMs?: number;
  /** How long one `exclusive` task may hold a channel's lock before another instance may take it. Default 10 000 ms. */
  lockLeaseMs?: number;
  /** Clock for each message's `at`. Default `Date.now`. */
  now?: () => number;
  /** Id generator for message ids. Default `crypto.randomUUID`. */
  createId?: () => string;
}

/**
 * A live subscription of a {@link RedisBroker}: `ready` is always a promise (the confirmed Redis `SUBSCRIBE`).
 * @example
 * const subscription = broker.subscribe('room:1', (message) => console.log(message.seq, message.data))
 * await subscription.ready // messages published from now on arrive
 * subscription.close()
 */
export interface RedisBrokerSubscription extends BrokerSubscription {
  /** Resolves once Redis confirmed the `SUBSCRIBE`; rejects with `RealtimeError('unavailable')` when it could not. */
  readonly ready: Promise<void>;
}

/**
 * A {@link ChannelBroker} over Redis (see {@link createRedisBroker}): every method answers asynchronously.
 * @example
 * const broker: RedisBroker = createRedisBroker({ redis: 'redis://127.0.0.1:6379' })
 * const { seq, fresh } = await broker.publish('room:1', { event: 'chat', data: { text: 'hi' }, cid: 'c-1' })
 * const { messages, head } = await broker.history('room:1', seq - 1)
 * await broker.close()
 */
export interface RedisBroker extends ChannelBroker {
  publish(channel: string, draft: MessageDraft, options?: { fence?: string }): Promise<PublishOutcome>;
  history(channel: string, query: HistoryQuery): Promise<ChannelHistory>;
  subscribe(channel: string, listener: ((message: HubMessage, epoch: string) => void) | BrokerListener): RedisBrokerSubscription;
  latest(channel: string, event: string): Promise<HubMessage | undefined>;
  lookup(channel: string, cid: string): Promise<{ id: string; seq: number; epoch?: string } | undefined>;
  readonly cluster: RedisCluster;
  /**
   * Stops every delivery and quits the connections the broker opened (never a client passed in). Idempotent; later
   * calls of `publish`/`history` reject with `RealtimeError('closed')`.
   */
  close(): Promise<void>;
}

const DEFAULT_REDIS_LOG_SIZE = 1000;
const DEFAULT_KEY_PREFIX = 'rk';
const DEFAULT_CID_TTL_SECONDS = 86_400;
/** Default time a Redis channel log is kept after its last publish or read: a day. */
export const DEFAULT_REDIS_RETENTION_MS = 24 * 60 * 60 * 1000;
const DEFAULT_LOCK_LEASE_MS = 10_000;
/** How long `exclusive` tries to take a channel's lock before giving up (`unavailable`). */
const LOCK_WAIT_MS = 10_000;

/** Parses a stored message JSON into a frozen {@link HubMessage} with the memory broker's key order; `undefined` if malformed. */
function parseMessage(text: string): HubMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || raw.type !== 'message') return undefined;
  const { channel, id, seq, event, data, cid, at, from } = raw;
  if (typeof channel !== 'string' || typeof id !== 'string' || typeof seq !== 'number' || typeof event !== 'string' || typeof at !== 'number') {
    return undefined;
  }
  if (cid !== undefined && typeof cid !== 'string') return undefined;
  return Object.freeze({
    type: 'message',
    channel,
    id,
    seq,
    event,
    data,
    ...(cid === undefined ? {} : { cid }),
    at,
    ...(typeof from === 'string' ? { from } : {}),
  });
}

interface ChannelSubscription {
  readonly listeners: Set<BrokerListener>;
  /** The pending or confirmed `SUBSCRIBE`; `undefined` after it failed (the next local subscriber retries it). */
  ready: Promise<void> | undefined;
}

function positiveInteger(fn: string, name: string, value: number, allowZero = false): number {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${fn}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer (got ${String(value)}).`);
  }
  return value;
}

/**
 * A {@link ChannelBroker} over Redis, so that every server instance shares one message log per channel, one presence
 * set and one signal fan-out: the hub of each instance numbers, stores, replays and receives through the same Redis.
 *
 * - A publish is one Lua script, atomic on the Redis server: dedupe by `cid` (remembered for `cidTtlSeconds`), the next
 *   sequence number, `XADD` to the channel's stream (entry id `0-<seq>`, trimmed to exactly `logSize`) and `PUBLISH`.
 *   Each log has an epoch (`{prefix}:{channel}:epoch`); a log that starts over (Redis restarted without persistence,
 *   flushed, a key deleted, expired after `retentionMs`) gets a new one, so resuming clients are told, never skipped.
 * - `history` reads the stream with `XRANGE`/`XREVRANGE`, the head and the epoch in one Lua call.
 * - `exclusive` takes a per-channel lock (`SET NX PX`, a lease of `lockLeaseMs`) whose token fences the publishes of
 *   the task: a publish after the lease passed to another instance is refused, never interleaved.
 * - `subscribe` shares one Redis `SUBSCRIBE` per channel among all local listeners, on a dedicated connection.
 * - `cluster`: presence, occupancy and signals shared between instances, instance heartbeats, requests routed to the
 *   instance holding a session (see `createRedisCluster`).
 * - While Redis is unreachable, every command rejects at once with `RealtimeError('unavailable')`. A publish whose
 *   connection drops while it is in flight is rejected too, though Redis may have stored it: retry it with the same
 *   `cid` to stay exactly-once. Messages published while the pub/sub connection was down were missed live: the hub
 *   notices the hole in `seq` and refills it from `history`.
 *
 * @example
 * import { createChannelHub } from '@realtime-kit/core'
 * import { createRedisBroker } from '@realtime-kit/server/redis'
 *
 * const broker = createRedisBroker({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', logSize: 500 })
 * const hub = createChannelHub({ broker })
 * // on shutdown:
 * await broker.close()
 */
export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  const fn = 'createRedisBroker';
  if (!isRecord(options)) throw new RangeError(`${fn}: options with a redis client or URL are required.`);
  const logSize = positiveInteger(fn, 'logSize', options.logSize ?? DEFAULT_REDIS_LOG_SIZE, true);
  const cidTtlSeconds = positiveInteger(fn, 'cidTtlSeconds', options.cidTtlSeconds ?? DEFAULT_CID_TTL_SECONDS);
  const retentionMs = positiveInteger(fn, 'retentionMs', options.retentionMs ?? DEFAULT_REDIS_RETENTION_MS, true);
  const lockLeaseMs = positiveInteger(fn, 'lockLeaseMs', options.lockLeaseMs ?? DEFAULT_LOCK_LEASE_MS);
  const prefix = checkPrefix(fn, options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  if (options.now !== undefined && typeof options.now !== 'function') throw new RangeError(`${fn}: now must be a function.`);
  if (options.createId !== undefined && typeof options.createId !== 'function') throw new RangeError(`${fn}: createId must be a function.`);
  const now = options.now ?? Date.now;
  const createId = options.createId ?? randomUUID;

  const commands = openCommandConnection(fn, options.redis);
  const subscriber: Connection = {
    client: typeof options.redis === 'string' ? new Redis(options.redis, SUBSCRIBER_OPTIONS) : commands.client.duplicate(SUBSCRIBER_OPTIONS),
    owned: true,
  };
  subscriber.client.on('error', noop);

  /** Local subscriptions by pub/sub channel name. */
  const subscriptions = new Map<string, ChannelSubscription>();
  /** Pub/sub names whose `UNSUBSCRIBE` could not be sent (connection down): ioredis re-subscribes them on reconnect. */
  const stale = new Set<string>();
  /** Tasks waiting for (or holding) each channel's turn on this instance. */
  const turns = new Map<string, Promise<unknown>>();
  let closed: Promise<void> | undefined;

  const keys = (channel: string) => {
    const base = `${prefix}:{${encodeName(channel)}}`;
    return {
      seq: `${base}:seq`,
      log: `${base}:log`,
      epoch: `${base}:epoch`,
      pub: `${base}:pub`,
      lock: `${base}:lock`,
      presence: `${base}:presence`,
      cid: (cid: string) => `${base}:cid:${encodeName(cid)}`,
    };
  };

  const cluster = createRedisCluster({
    commands: commands.client,
    subscriber: subscriber.client,
    prefix,
    heartbeatMs: options.heartbeatMs,
    keys: (channel) => ({ presence: keys(channel).presence, pub: keys(channel).pub }),
  });

  function unsubscribe(pubName: string) {
    if (subscriber.client.status !== 'ready') {
      stale.add(pubName);
      return;
    }
    subscriber.client.unsubscribe(pubName).catch(() => {
      if (!subscriptions.has(pubName)) stale.add(pubName);
    });
  }

  subscriber.client.on('ready', () => {
    if (closed) return;
    for (const pubName of [...stale]) {
      stale.delete(pubName);
      if (!subscriptions.has(pubName)) unsubscribe(pubName);
    }
  });

  subscriber.client.on('message', (pubName: string, text: string) => {
    const entry = subscriptions.get(pubName);
    if (!entry || entry.listeners.size === 0) return;
    if (text.startsWith('m')) {
      const newline = text.indexOf('\n');
      const message = newline < 0 ? undefined : parseMessage(text.slice(newline + 1));
      if (!message) return;
      const epoch = text.slice(1, newline);
      for (const listener of [...entry.listeners]) {
        try {
          listener.message(message, epoch);
        } catch (thrown) {
          reportListenerError(thrown);
        }
      }
      return;
    }
    const event = cluster.parse(text);
    if (!event) return;
    for (const listener of [...entry.listeners]) {
      try {
        listener.cluster?.(event);
      } catch (thrown) {
        reportListenerError(thrown);
      }
    }
  });

  function ensureOpen(what: string) {
    if (closed) throw new RealtimeError('closed', `${what}: the Redis broker is closed.`);
  }

  function startSubscribe(pubName: string, entry: ChannelSubscription): Promise<void> {
    const ready = command(subscriber.client, `Could not subscribe to a channel`, async () => {
      await subscriber.client.subscribe(pubName);
    });
    ready.catch(() => {
      if (entry.ready === ready) entry.ready = undefined;
    });
    return ready;
  }

  async function lock(channel: string): Promise<string> {
    const key = keys(channel).lock;
    const token = randomUUID();
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt += 1) {
      const taken = await command(commands.client, `Could not take the turn of "${channel}"`, () => commands.client.set(key, token, 'PX', lockLeaseMs, 'NX'));
      if (taken === 'OK') return token;
      if (Date.now() > deadline) throw unavailable(`Could not take the turn of "${channel}"`, new Error(`another instance held it for ${LOCK_WAIT_MS} ms`));
      // Short, jittered waits: the holder is usually done within a round trip or two.
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + attempt * 3) * (0.5 + Math.random())));
    }
  }

  const broker: RedisBroker = {
    cluster,
    async publish(channel, draft, publishOptions = {}) {
      ensureOpen('Could not publish');
      const { event, data, cid, from } = draft;
      const id = createId();
      const at = now();
      const head = `{"type":"message","channel":${JSON.stringify(channel)},"id":${JSON.stringify(id)},"seq":`;
      const body = JSON.stringify({ event, data, ...(cid === undefined ? {} : { cid }), at, ...(from === undefined ? {} : { from }) });
      const tail = `,${body.slice(1)}`;
      const k = keys(channel);
      const fence = publishOptions.fence ?? '';
      const scriptKeys = [k.seq, k.log, k.epoch, ...(cid === undefined ? [] : [k.cid(cid)]), ...(fence === '' ? [] : [k.lock])];
      const reply = await command(commands.client, `Could not publish to "${channel}"`, () =>
        publishScript.run(commands.client, scriptKeys, [head, tail, logSize, k.pub, id, cidTtlSeconds, createEpoch(), retentionMs, fence, cid === undefined ? '0' : '1', event]),
      );
      if (!Array.isArray(reply) || reply.length === 0) {
        throw unavailable(`Could not publish to "${channel}"`, new Error('Unexpected reply from the publish script.'));
      }
      const [fresh, value, epochValue] = reply as [unknown, unknown, unknown];
      if (fresh === -1) throw unavailable(`Could not publish to "${channel}"`, new Error('the channel turn passed to another instance (the lease ran out)'));
      const text = String(value);
      const epoch = typeof epochValue === 'string' && epochValue !== '' ? { epoch: epochValue } : {};
      if (fresh === 1) return { id, seq: Number(text), fresh: true, ...epoch };
      const colon = text.indexOf(':');
      return { id: text.slice(colon + 1), seq: Number(text.slice(0, colon)), fresh: false, ...epoch };
    },

    async history(channel, query) {
      ensureOpen('Could not read history');
      const k = keys(channel);
      const { after, before, limit } = readHistoryQuery(query);
      let args: (string | number)[];
      if (after !== undefined) {
        // `after` at or past the largest safe integer (or NaN): the head only.
        args = !(after < Number.MAX_SAFE_INTEGER) || limit === 0 ? ['edge', '', ''] : ['after', after < 0 ? '-' : `(0-${Math.floor(after)}`, limit ?? ''];
      } else if (limit === 0) {
        args = ['edge', '', ''];
      } else {
        const bound = before === undefined || !(before < Number.MAX_SAFE_INTEGER) ? '+' : before <= 1 ? '' : `(0-${Math.floor(before)}`;
        args = bound === '' ? ['edge', '', ''] : ['before', bound, limit ?? ''];
      }
      const reply = await command(commands.client, `Could not read the history of "${channel}"`, () =>
        historyScript.run(commands.client, [k.seq, k.log, k.epoch], [...args, createEpoch(), retentionMs]),
      );
      if (!Array.isArray(reply) || reply.length < 2) {
        throw unavailable(`Could not read the history of "${channel}"`, new Error('Unexpected reply from the history script.'));
      }
      const [headText, epoch, ...texts] = reply as unknown[];
      const messages: HubMessage[] = [];
      for (const text of texts) {
        const message = typeof text === 'string' ? parseMessage(text) : undefined;
        if (message) messages.push(message);
      }
      if (args[0] === 'before') messages.reverse();
      return { messages, head: Number(headText), epoch: String(epoch) };
    },

    async latest(channel, event) {
      ensureOpen('Could not read the latest message');
      const reply = await command(commands.client, `Could not read the latest "${event}" of "${channel}"`, () =>
        latestScript.run(commands.client, [keys(channel).log], [event]),
      );
      return typeof reply === 'string' ? parseMessage(reply) : undefined;
    },

    async lookup(channel, cid) {
      ensureOpen('Could not look up a publish');
      const k = keys(channel);
      const [text, epoch] = await command(commands.client, `Could not look up a publish on "${channel}"`, () => commands.client.mget(k.cid(cid), k.epoch));
      if (text === null || text === undefined) return undefined;
      const colon = text.indexOf(':');
      return { id: text.slice(colon + 1), seq: Number(text.slice(0, colon)), ...(epoch ? { epoch } : {}) };
    },

    exclusive<T>(channel: string, task: (fence: string | undefined) => Promise<T>): Promise<T> {
      // One task per channel on this instance at a time (no lock contention among our own), the lock for the others.
      const previous = turns.get(channel) ?? Promise.resolve();
      const run = previous.then(async () => {
        ensureOpen('Could not run a channel turn');
        const token = await lock(channel);
        try {
          return await task(token);
        } finally {
          await releaseScript.run(commands.client, [keys(channel).lock], [token]).catch(noop);
        }
      });
      const tail = run.then(noop, noop);
      turns.set(channel, tail);
      void tail.then(() => {
        if (turns.get(channel) === tail) turns.delete(channel);
      });
      return run;
    },

    subscribe(channel, listener) {
      const pubName = keys(channel).pub;
      if (closed) {
        const ready = Promise.reject(new RealtimeError('closed', `Could not subscribe to "${channel}": the Redis broker is closed.`));
        ready.catch(noop);
        return { ready, close: noop };
      }
      let entry = subscriptions.get(pubName);
      if (!entry) {
        entry = { listeners: new Set(), ready: undefined };
        subscriptions.set(pubName, entry);
      }
      const current = entry;
      // A fresh object per subscription, so subscribing one listener twice is two subscriptions.
      const own: BrokerListener = { ...toBrokerListener(listener) };
      current.listeners.add(own);
      stale.delete(pubName);
      current.ready ??= startSubscribe(pubName, current);
      const ready = current.ready;
      let active = true;
      return {
        ready,
        close() {
          if (!active) return;
          active = false;
          current.listeners.delete(own);
          if (current.listeners.size > 0 || subscriptions.get(pubName) !== current) return;
          subscriptions.delete(pubName);
          if (!closed) unsubscribe(pubName);
        },
      };
    },

    close() {
      closed ??= (async () => {
        subscriptions.clear();
        await cluster.close();
        await Promise.all([quit(subscriber), quit(commands)]);
      })();
      return closed;
    },
  };
  return broker;
}
