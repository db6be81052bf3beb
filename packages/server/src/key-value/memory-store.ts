import type { BucketResult, BucketSpec, KeyValueStore } from './key-value-store.js';

/** Options for {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock, in ms since epoch. Default `Date.now`; inject one in tests. */
  now?: () => number;
  /**
   * How often (at most) an operation also sweeps the whole store, dropping expired values and buckets that have
   * refilled to full. The sweep is lazy: it runs inside `put`/`take`/`consume`, so there is no timer to clean up.
   * Default 30 000.
   */
  sweepIntervalMs?: number;
  /**
   * Most values (`put`) held at once. Past it, expired values are swept and then the oldest are evicted.
   * Default 100 000.
   */
  maxValues?: number;
  /**
   * Most token buckets held at once. Past it, full buckets are forgotten and then the least recently used are
   * evicted (an evicted bucket starts again full, so keep this well above the number of live keys).
   * Default 100 000.
   */
  maxBuckets?: number;
}

/** A {@link KeyValueStore} held in this process's memory: see {@link createMemoryStore}. */
export interface MemoryStore extends KeyValueStore {
  /** How many values and buckets are held right now (expired entries not yet swept included). */
  readonly size: { readonly values: number; readonly buckets: number };
  /** Drops expired values and full buckets now (operations also do this every `sweepIntervalMs`). */
  sweep(): void;
  /** Forgets everything. */
  clear(): void;
}

interface StoredValue {
  readonly value: string;
  readonly expiresAt: number;
}

interface Bucket {
  /** Tokens × 1000, so that integer rates and clocks stay exact. */
  milliTokens: number;
  updatedAt: number;
  capacity: number;
  refillPerSecond: number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 30_000;
const DEFAULT_MAX_ENTRIES = 100_000;
/** Absorbs floating-point noise before rounding up a wait (a wait is never rounded up by a whole ms for 1e-9). */
const EPSILON = 1e-9;

function assertPositive(name: string, value: number, integer = false): void {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a positive ${integer ? 'integer' : 'finite number'}, got ${String(value)}`);
  }
}

/** Validates a bucket spec and a cost: bad ones are programming errors, so they reject with a `RangeError`. */
function assertBucketArguments(bucket: BucketSpec, cost: number): void {
  assertPositive('bucket.capacity', bucket.capacity);
  assertPositive('bucket.refillPerSecond', bucket.refillPerSecond);
  if (!Number.isFinite(cost) || cost < 0) {
    throw new RangeError(`cost must be a finite number ≥ 0, got ${String(cost)}`);
  }
  if (cost > bucket.capacity) {
    throw new RangeError(`cost ${cost} exceeds the bucket capacity ${bucket.capacity}: it could never be allowed`);
  }
}

/**
 * A {@link KeyValueStore} for one process: values with a TTL and token buckets, held in two `Map`s.
 * For several server instances use the Redis store, which shares the state.
 *
 * - `put`/`take`: a value expires `ttlMs` after it was put; `take` returns and deletes it (trivially atomic here).
 * - `consume`: a token bucket of `capacity` tokens refilled continuously at `refillPerSecond`. A `cost` above
 *   `capacity` rejects with a `RangeError`. When refused, `retryAfterMs` is exactly the wait (rounded up to the ms)
 *   until `cost` tokens are back; `remaining` is the whole tokens left.
 * - Memory stays bounded: expired values and buckets idle long enough to be full again are swept lazily every
 *   `sweepIntervalMs`, and `maxValues`/`maxBuckets` cap the maps.
 *
 * ```ts
 * const store = createMemoryStore()
 * await store.put('rk:st:abc', JSON.stringify({ userId: 'u1' }), 30_000)
 * await store.take('rk:st:abc') // '{"userId":"u1"}', then null
 * const { allowed, retryAfterMs } = await store.consume('rk:rl:user:u1', { capacity: 10, refillPerSecond: 1 })
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const now = options.now ?? Date.now;
  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const maxValues = options.maxValues ?? DEFAULT_MAX_ENTRIES;
  const maxBuckets = options.maxBuckets ?? DEFAULT_MAX_ENTRIES;
  assertPositive('sweepIntervalMs', sweepIntervalMs);
  assertPositive('maxValues', maxValues, true);
  assertPositive('maxBuckets', maxBuckets, true);

  const values = new Map<string, StoredValue>();
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  /** Brings a bucket's tokens up to `at` (never above capacity). */
  function refill(bucket: Bucket, at: number): void {
    const elapsed = Math.max(0, at - bucket.updatedAt);
    bucket.milliTokens = Math.min(bucket.capacity * 1000, bucket.milliTokens + elapsed * bucket.refillPerSecond);
    bucket.updatedAt = Math.max(bucket.updatedAt, at);
  }

  function isFull(bucket: Bucket, at: number): boolean {
    refill(bucket, at);
    return bucket.milliTokens >= bucket.capacity * 1000;
  }

  function sweepAt(at: number): void {
    lastSweep = at;
    for (const [key, entry] of values) {
      if (entry.expiresAt <= at) values.delete(key);
    }
    for (const [key, bucket] of buckets) {
      if (isFull(bucket, at)) buckets.delete(key);
    }
  }

  function maybeSweep(at: number): void {
    if (at - lastSweep >= sweepIntervalMs || at < lastSweep) sweepAt(at);
  }

  /** Evicts the first (oldest / least recently used) entries of `map` until it holds `max`. */
  function evict<V>(map: Map<string, V>, max: number): void {
    for (const key of map.keys()) {
      if (map.size <= max) return;
      map.delete(key);
    }
  }

  return {
    get size() {
      return { values: values.size, buckets: buckets.size };
    },

    sweep() {
      sweepAt(now());
    },

    clear() {
      values.clear();
      buckets.clear();
    },

    async put(key: string, value: string, ttlMs: number): Promise<void> {
      assertPositive('ttlMs', ttlMs);
      const at = now();
      maybeSweep(at);
      // Delete first so a replaced key moves to the end of the insertion order (eviction drops the oldest).
      values.delete(key);
      values.set(key, { value, expiresAt: at + ttlMs });
      if (values.size > maxValues) {
        sweepAt(at);
        evict(values, maxValues);
      }
    },

    async take(key: string): Promise<string | null> {
      const at = now();
      maybeSweep(at);
      const entry = values.get(key);
      if (entry === undefined) return null;
      values.delete(key);
      return entry.expiresAt > at ? entry.value : null;
    },

    async consume(key: string, spec: BucketSpec, cost = 1): Promise<BucketResult> {
      assertBucketArguments(spec, cost);
      const at = now();
      maybeSweep(at);
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = {
          milliTokens: spec.capacity * 1000,
          updatedAt: at,
          capacity: spec.capacity,
          refillPerSecond: spec.refillPerSecond,
        };
      } else {
        // The spec of this call wins (a changed configuration applies at once).
        bucket.capacity = spec.capacity;
        bucket.refillPerSecond = spec.refillPerSecond;
        refill(bucket, at);
        buckets.delete(key); // re-inserted below: Map order doubles as least-recently-used order
      }

      const needed = cost * 1000;
      let result: BucketResult;
      if (bucket.milliTokens + EPSILON >= needed) {
        bucket.milliTokens = Math.max(0, bucket.milliTokens - needed);
        result = { allowed: true, remaining: Math.floor(bucket.milliTokens / 1000 + EPSILON), retryAfterMs: 0 };
      } else {
        const retryAfterMs = Math.max(1, Math.ceil((needed - bucket.milliTokens) / bucket.refillPerSecond - EPSILON));
        result = { allowed: false, remaining: Math.floor(bucket.milliTokens / 1000 + EPSILON), retryAfterMs };
      }

      buckets.set(key, bucket);
      if (buckets.size > maxBuckets) {
        sweepAt(at);
        evict(buckets, maxBuckets);
      }
      return result;
    },
  };
}
