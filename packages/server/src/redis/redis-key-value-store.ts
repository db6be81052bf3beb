import type { Redis } from 'ioredis';
import { RealtimeError } from '@realtime-kit/core';
import type { BucketResult, BucketSpec, KeyValueStore } from '../key-value/key-value-store.js';
import { checkPrefix, command, isRecord, LuaScript, openCommandConnection, quit, unavailable } from './connection.js';

const DEFAULT_KEY_PREFIX = 'rk';

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

const bucketScript = new LuaScript(BUCKET_LUA);

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
    throw new RangeError(
      `RedisStore.consume: refillPerSecond must be a non-negative number (got ${String(refillPerSecond)}).`,
    );
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
        bucketScript.run(
          client,
          [`${prefix}:tb:${key}`],
          [String(bucket.capacity), String(bucket.refillPerSecond), String(cost)],
        ),
      );
      if (!Array.isArray(reply) || reply.length !== 3) {
        throw unavailable('Could not check a rate limit', new Error('Unexpected reply from the token bucket script.'));
      }
      const [allowed, remaining, retry] = (reply as unknown[]).map(Number) as [number, number, number];
      return {
        allowed: allowed === 1,
        remaining,
        retryAfterMs: allowed === 1 ? 0 : retry < 0 ? Number.POSITIVE_INFINITY : Math.max(1, retry),
      };
    },

    close() {
      closed ??= quit(connection);
      return closed;
    },
  };
}
