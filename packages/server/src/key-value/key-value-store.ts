/** The outcome of one {@link KeyValueStore.consume} call on a token bucket. */
export interface BucketResult {
  /** Whether the tokens were taken (the action may go ahead). */
  readonly allowed: boolean;
  /** Whole tokens left after this call. */
  readonly remaining: number;
  /** When refused: milliseconds until enough tokens have refilled. 0 when allowed. */
  readonly retryAfterMs: number;
}

/** A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`. */
export interface BucketSpec {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/**
 * The small shared state the server kit needs besides messages: single-use stream tokens and rate-limit buckets.
 * `createMemoryStore()` serves one process; `createRedisStore()` (`@realtime-kit/server/redis`) every instance.
 * Every method may reject when the backing store is down; callers turn that into a typed `unavailable` refusal.
 */
export interface KeyValueStore {
  /** Stores `value` under `key` for `ttlMs` milliseconds (replacing any value). */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  /** Reads and deletes `key` in one atomic step: of two concurrent `take`s of one key, only one gets the value. */
  take(key: string): Promise<string | null>;
  /** Takes `cost` tokens from the bucket `key` if it holds that many (atomically across instances). */
  consume(key: string, bucket: BucketSpec, cost?: number): Promise<BucketResult>;
}
