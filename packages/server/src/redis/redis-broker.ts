import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  RealtimeError,
  reportListenerError,
  type BrokerSubscription,
  type ChannelBroker,
  type ChannelHistory,
  type HubMessage,
  type MessageDraft,
  type PublishOutcome,
} from '@realtime-kit/core';
import type { BucketResult, BucketSpec, KeyValueStore } from '../store/types.js';

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
  publish(channel: string, draft: MessageDraft): Promise<PublishOutcome>;
  history(channel: string, after: number): Promise<ChannelHistory>;
  subscribe(channel: string, listener: (message: HubMessage) => void): RedisBrokerSubscription;
  /**
   * Stops every delivery and quits the connections the broker opened (never a client passed in). Idempotent; later
   * calls of `publish`/`history` reject with `RealtimeError('closed')`.
   */
  close(): Promise<void>;
}

/**
 * Options for {@link createRedisStore}.
 * @example
 * const store = createRedisStore('redis://127.0.0.1:6379', { keyPrefix: 'chat' } satisfies RedisStoreOptions)
 */
export interface RedisStoreOptions {
  /** Prefix of every Redis key the store uses. Default `'rk'`. */
  keyPrefix?: string;
}

/**
 * A {@link KeyValueStore} over Redis (see {@link createRedisStore}), shared by every server instance using the same Redis.
 * @example
 * const store: RedisStore = createRedisStore('redis://127.0.0.1:6379')
 * await store.put('token:abc', 'user-1', 30_000)
 * await store.close()
 */
export interface RedisStore extends KeyValueStore {
  /** Quits the connection the store opened from a URL (never a client passed in). Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_REDIS_LOG_SIZE = 1000;
const DEFAULT_KEY_PREFIX = 'rk';
const DEFAULT_CID_TTL_SECONDS = 86_400;

/**
 * Options for every connection the kit opens itself: commands fail at once while Redis is unreachable instead of
 * waiting in an offline queue, and a command in flight when the connection drops is rejected, not silently re-sent.
 */
const FAIL_FAST = { enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false } as const;

/** The broker's pub/sub connection: fail fast too, and always re-subscribe after a reconnect. */
const SUBSCRIBER_OPTIONS = { ...FAIL_FAST, autoResubscribe: true } as const;

const PUBLISH_LUA = `
if #KEYS == 3 then
  local known = redis.call('GET', KEYS[3])
  if known then return {0, known} end
end
local seq = string.format('%d', (tonumber(redis.call('GET', KEYS[1])) or 0) + 1)
local json = ARGV[1] .. seq .. ARGV[2]
redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[3], '0-' .. seq, 'm', json)
redis.call('SET', KEYS[1], seq)
if #KEYS == 3 then
  redis.call('SET', KEYS[3], seq .. ':' .. ARGV[5], 'EX', ARGV[6])
end
redis.call('PUBLISH', ARGV[4], json)
return {1, seq}
`;

const HISTORY_LUA = `
local head = redis.call('GET', KEYS[1]) or '0'
if ARGV[1] == '' then return {head} end
local entries = redis.call('XRANGE', KEYS[2], ARGV[1], '+')
local out = {head}
for i = 1, #entries do
  local fields = entries[i][2]
  for j = 1, #fields, 2 do
    if fields[j] == 'm' then out[#out + 1] = fields[j + 1] end
  end
end
return out
`;

const BUCKET_LUA = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
  ts = now
end
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
elseif rate > 0 and cost <= capacity then
  retry = math.ceil((cost - tokens) * 1000 / rate)
else
  retry = -1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%d', ts))
if rate > 0 then
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
else
  redis.call('PERSIST', KEYS[1])
end
return {allowed, math.floor(tokens), retry}
`;

/** A Lua script run with `EVALSHA`, falling back to `EVAL` (which caches it) when Redis does not know it yet. */
class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const publishScript = new LuaScript(PUBLISH_LUA);
const historyScript = new LuaScript(HISTORY_LUA);
const bucketScript = new LuaScript(BUCKET_LUA);

function noop() {}

/**
 * Encodes a name for use inside a Redis key, injectively: everything but `[A-Za-z0-9._~-]` becomes `%xxxx` (its
 * UTF-16 code unit), so no name can close the `{…}` hash tag or forge another key's `:suffix`.
 */
function encodeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._~-]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function checkPrefix(fn: string, keyPrefix: unknown): string {
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0) {
    throw new RangeError(`${fn}: keyPrefix must be a non-empty string (got ${String(keyPrefix)}).`);
  }
  return keyPrefix;
}

interface Connection {
  readonly client: Redis;
  /** Whether the kit opened it (and so closes it). */
  readonly owned: boolean;
}

function openCommandConnection(fn: string, redis: Redis | string): Connection {
  if (typeof redis === 'string') {
    if (redis.length === 0) throw new RangeError(`${fn}: redis must be an ioredis client or a Redis URL (got an empty string).`);
    const client = new Redis(redis, FAIL_FAST);
    client.on('error', noop);
    return { client, owned: true };
  }
  if (!(redis instanceof Redis)) {
    throw new RangeError(`${fn}: redis must be an ioredis client or a Redis URL (got ${typeof redis}).`);
  }
  return { client: redis, owned: false };
}

const connecting = new WeakMap<Redis, Promise<void>>();

/**
 * Resolves once `client` can take a command. While its first connection attempt is under way this waits for it (an
 * attempt is bounded by ioredis' `connectTimeout`); while Redis is unreachable (`reconnecting`, `end`) it rejects at
 * once instead of queueing.
 */
async function whenReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') client.connect().catch(noop);
  if (client.status !== 'wait' && client.status !== 'connecting' && client.status !== 'connect') {
    throw new Error(`The Redis connection is ${client.status}.`);
  }
  // One wait per client, however many commands are waiting (no listener pile-up during a burst at startup).
  let waiting = connecting.get(client);
  if (!waiting) {
    waiting = new Promise<void>((resolve, reject) => {
      const onReady = () => {
        cleanup();
        resolve();
      };
      const onDown = () => {
        cleanup();
        reject(new Error('The Redis connection closed before it was ready.'));
      };
      const cleanup = () => {
        connecting.delete(client);
        client.off('ready', onReady);
        client.off('close', onDown);
        client.off('end', onDown);
      };
      client.on('ready', onReady);
      client.on('close', onDown);
      client.on('end', onDown);
    });
    connecting.set(client, waiting);
  }
  await waiting;
}

function unavailable(what: string, cause: unknown): RealtimeError {
  if (cause instanceof RealtimeError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RealtimeError('unavailable', `${what}: Redis is unavailable (${reason}). Retry shortly.`, { cause, retryable: true });
}

async function command<T>(client: Redis, what: string, run: () => Promise<T>): Promise<T> {
  try {
    await whenReady(client);
    return await run();
  } catch (error) {
    throw unavailable(what, error);
  }
}

async function quit(connection: Connection): Promise<void> {
  if (!connection.owned) return;
  const { client } = connection;
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a stored message JSON into a frozen {@link HubMessage} with the memory broker's key order; `undefined` if malformed. */
function parseMessage(text: string): HubMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || raw.type !== 'message') return undefined;
  const { channel, id, seq, event, data, cid, at } = raw;
  if (typeof channel !== 'string' || typeof id !== 'string' || typeof seq !== 'number' || typeof event !== 'string' || typeof at !== 'number') {
    return undefined;
  }
  if (cid !== undefined && typeof cid !== 'string') return undefined;
  return Object.freeze({ type: 'message', channel, id, seq, event, data, ...(cid === undefined ? {} : { cid }), at });
}

interface ChannelSubscription {
  readonly listeners: Set<(message: HubMessage) => void>;
  /** The pending or confirmed `SUBSCRIBE`; `undefined` after it failed (the next local subscriber retries it). */
  ready: Promise<void> | undefined;
}

/**
 * A {@link ChannelBroker} over Redis, so that every server instance shares one message log per channel: the hub of
 * each instance numbers, stores, replays and receives channel messages through the same Redis.
 *
 * - A publish is one Lua script, atomic on the Redis server: dedupe by `cid` (remembered for `cidTtlSeconds`),
 *   the next sequence number (`{prefix}:{channel}:seq`), `XADD` to the channel's stream (`{prefix}:{channel}:log`,
 *   entry id `0-<seq>`, trimmed to exactly `logSize`) and `PUBLISH` of the message JSON. Keys carry the channel as a
 *   hash tag, so one channel's keys live on one Redis Cluster slot. `data` must be JSON-serializable.
 * - `history` reads the stream with `XRANGE` and the head in one Lua call.
 * - `subscribe` shares one Redis `SUBSCRIBE` per channel among all local listeners, on a dedicated connection.
 * - While Redis is unreachable, `publish` and `history` reject at once with `RealtimeError('unavailable')` (cause: the
 *   Redis error), and a new subscription's `ready` rejects the same way. A publish whose connection drops while it is in
 *   flight is rejected too, though Redis may have stored it: retry it with the same `cid` to stay exactly-once.
 * - When the pub/sub connection comes back, ioredis re-subscribes; messages published while it was down were missed
 *   live and are not delivered later. The hub notices the hole in `seq` and refills it from `history` (what the log
 *   still holds; the rest becomes a `gap`). A Redis that lost its data (restarted without persistence) numbers from 1
 *   again.
 *
 * @example
 * import { Redis } from 'ioredis'
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
  const logSize = options.logSize ?? DEFAULT_REDIS_LOG_SIZE;
  if (!Number.isSafeInteger(logSize) || logSize < 0) {
    throw new RangeError(`${fn}: logSize must be a non-negative integer (got ${String(logSize)}).`);
  }
  const cidTtlSeconds = options.cidTtlSeconds ?? DEFAULT_CID_TTL_SECONDS;
  if (!Number.isSafeInteger(cidTtlSeconds) || cidTtlSeconds <= 0) {
    throw new RangeError(`${fn}: cidTtlSeconds must be a positive integer (got ${String(cidTtlSeconds)}).`);
  }
  const prefix = checkPrefix(fn, options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  if (options.now !== undefined && typeof options.now !== 'function') throw new RangeError(`${fn}: now must be a function.`);
  if (options.createId !== undefined && typeof options.createId !== 'function') throw new RangeError(`${fn}: createId must be a function.`);
  const now = options.now ?? Date.now;
  const createId = options.createId ?? randomUUID;

  const commands = openCommandConnection(fn, options.redis);
  const subscriber: Connection = {
    client:
      typeof options.redis === 'string'
        ? new Redis(options.redis, SUBSCRIBER_OPTIONS)
        : commands.client.duplicate(SUBSCRIBER_OPTIONS),
    owned: true,
  };
  subscriber.client.on('error', noop);

  /** Local subscriptions by pub/sub channel name. */
  const subscriptions = new Map<string, ChannelSubscription>();
  /** Pub/sub names whose `UNSUBSCRIBE` could not be sent (connection down): ioredis re-subscribes them on reconnect. */
  const stale = new Set<string>();
  let closed: Promise<void> | undefined;

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
    const message = parseMessage(text);
    if (!message) return;
    for (const listener of [...entry.listeners]) {
      try {
        listener(message);
      } catch (thrown) {
        reportListenerError(thrown);
      }
    }
  });

  const keys = (channel: string) => {
    const base = `${prefix}:{${encodeName(channel)}}`;
    return { seq: `${base}:seq`, log: `${base}:log`, pub: `${base}:pub`, cid: (cid: string) => `${base}:cid:${encodeName(cid)}` };
  };

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

  return {
    async publish(channel, draft) {
      ensureOpen('Could not publish');
      const { event, data, cid } = draft;
      const id = createId();
      const at = now();
      const head = `{"type":"message","channel":${JSON.stringify(channel)},"id":${JSON.stringify(id)},"seq":`;
      const body = JSON.stringify({ event, data, ...(cid === undefined ? {} : { cid }), at });
      const tail = `,${body.slice(1)}`;
      const k = keys(channel);
      const scriptKeys = cid === undefined ? [k.seq, k.log] : [k.seq, k.log, k.cid(cid)];
      const reply = await command(commands.client, `Could not publish to "${channel}"`, () =>
        publishScript.run(commands.client, scriptKeys, [head, tail, logSize, k.pub, id, cidTtlSeconds]),
      );
      if (!Array.isArray(reply) || reply.length !== 2) {
        throw unavailable(`Could not publish to "${channel}"`, new Error('Unexpected reply from the publish script.'));
      }
      const [fresh, value] = reply as [unknown, unknown];
      const text = String(value);
      if (fresh === 1) return { id, seq: Number(text), fresh: true };
      const colon = text.indexOf(':');
      return { id: text.slice(colon + 1), seq: Number(text.slice(0, colon)), fresh: false };
    },

    async history(channel, after) {
      ensureOpen('Could not read history');
      const k = keys(channel);
      // `after` at or past the largest safe integer (the hub's "live edge", or NaN): the head only, no stream id.
      const start = !(after < Number.MAX_SAFE_INTEGER) ? '' : after < 0 ? '-' : `(0-${Math.floor(after)}`;
      const reply = await command(commands.client, `Could not read the history of "${channel}"`, () =>
        historyScript.run(commands.client, [k.seq, k.log], [start]),
      );
      if (!Array.isArray(reply) || reply.length === 0) {
        throw unavailable(`Could not read the history of "${channel}"`, new Error('Unexpected reply from the history script.'));
      }
      const [headText, ...texts] = reply as unknown[];
      const messages: HubMessage[] = [];
      for (const text of texts) {
        const message = typeof text === 'string' ? parseMessage(text) : undefined;
        if (message) messages.push(message);
      }
      return { messages, head: Number(headText) };
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
      // A fresh function per subscription, so subscribing one listener twice is two subscriptions.
      const own = (message: HubMessage) => listener(message);
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
        await Promise.all([quit(subscriber), quit(commands)]);
      })();
      return closed;
    },
  };
}

function checkTtl(ttlMs: number): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`RedisStore.put: ttlMs must be a positive number of milliseconds (got ${String(ttlMs)}).`);
  }
  return Math.max(1, Math.ceil(ttlMs));
}

function checkBucket(bucket: BucketSpec, cost: number) {
  const { capacity, refillPerSecond } = bucket;
  if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity <= 0) {
    throw new RangeError(`RedisStore.consume: capacity must be a positive number (got ${String(capacity)}).`);
  }
  if (typeof refillPerSecond !== 'number' || !Number.isFinite(refillPerSecond) || refillPerSecond < 0) {
    throw new RangeError(`RedisStore.consume: refillPerSecond must be a non-negative number (got ${String(refillPerSecond)}).`);
  }
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
    throw new RangeError(`RedisStore.consume: cost must be a non-negative number (got ${String(cost)}).`);
  }
}

/**
 * A {@link KeyValueStore} over Redis, so single-use tokens and rate limits hold across every server instance:
 * `put` is `SET … PX`, `take` is `GETDEL` (Redis ≥ 6.2), and `consume` is a token bucket in one Lua script (tokens and
 * last refill in a hash that expires once the bucket would be full again), timed by the Redis server's `TIME` so
 * instances with skewed clocks agree. A bucket that can never hold `cost` tokens (no refill, or `cost > capacity`)
 * answers `retryAfterMs: Infinity`. While Redis is unreachable every method rejects at once with
 * `RealtimeError('unavailable')` (cause: the Redis error); bad arguments reject with a `RangeError`.
 *
 * @example
 * import { createRedisStore } from '@realtime-kit/server/redis'
 *
 * const store = createRedisStore('redis://127.0.0.1:6379', { keyPrefix: 'chat' })
 * await store.put('token:abc', 'user-1', 30_000)
 * const user = await store.take('token:abc') // 'user-1' once, then null
 * const { allowed, retryAfterMs } = await store.consume('publish:user-1', { capacity: 10, refillPerSecond: 2 })
 */
export function createRedisStore(redis: Redis | string, options: RedisStoreOptions = {}): RedisStore {
  const fn = 'createRedisStore';
  if (!isRecord(options)) throw new RangeError(`${fn}: options must be an object.`);
  const prefix = checkPrefix(fn, options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const connection = openCommandConnection(fn, redis);
  const { client } = connection;
  let closed: Promise<void> | undefined;

  function ensureOpen(what: string) {
    if (closed) throw new RealtimeError('closed', `${what}: the Redis store is closed.`);
  }

  return {
    async put(key, value, ttlMs) {
      const px = checkTtl(ttlMs);
      ensureOpen('Could not store a value');
      await command(client, 'Could not store a value', () => client.set(`${prefix}:kv:${key}`, value, 'PX', px));
    },

    async take(key) {
      ensureOpen('Could not take a value');
      return await command(client, 'Could not take a value', () => client.getdel(`${prefix}:kv:${key}`));
    },

    async consume(key, bucket, cost = 1): Promise<BucketResult> {
      checkBucket(bucket, cost);
      ensureOpen('Could not check a rate limit');
      const reply = await command(client, 'Could not check a rate limit', () =>
        bucketScript.run(client, [`${prefix}:tb:${key}`], [String(bucket.capacity), String(bucket.refillPerSecond), String(cost)]),
      );
      if (!Array.isArray(reply) || reply.length !== 3) {
        throw unavailable('Could not check a rate limit', new Error('Unexpected reply from the token bucket script.'));
      }
      const [allowed, remaining, retry] = (reply as unknown[]).map(Number) as [number, number, number];
      return { allowed: allowed === 1, remaining, retryAfterMs: allowed === 1 ? 0 : retry < 0 ? Number.POSITIVE_INFINITY : Math.max(1, retry) };
    },

    close() {
      closed ??= quit(connection);
      return closed;
    },
  };
}
