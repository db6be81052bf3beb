import { refusalResponse } from '../http/refusal-response.js';
import type { BucketSpec, KeyValueStore } from '../key-value/key-value-store.js';

export { retryAfterSeconds } from '../http/refusal-response.js';

/** Which bucket refused: the connection's, the user's or the client IP's. */
export type LimitScope = 'connection' | 'user' | 'ip';

/** A refusal by {@link RateLimiter.check}. */
export interface LimitRefusal {
  readonly ok: false;
  readonly scope: LimitScope;
  /** The store key of the bucket that refused, e.g. `'rk:rl:user:u1'` (for logs). */
  readonly key: string;
  /** Milliseconds until the request would be allowed. */
  readonly retryAfterMs: number;
  readonly error: { readonly code: 'rate_limited'; readonly message: string };
}

/** The result of {@link RateLimiter.check}. */
export type LimitVerdict = { readonly ok: true } | LimitRefusal;

/** Who is acting: every given (non-empty) id is checked against its scope's bucket, if that scope is configured. */
export interface LimitSubject {
  readonly connectionId?: string | null | undefined;
  readonly userId?: string | null | undefined;
  readonly ip?: string | null | undefined;
}

/** Options for {@link createRateLimiter}. Configure at least one scope. */
export interface RateLimiterOptions {
  /** Where the buckets live: `createMemoryStore()` for one process, the Redis store for several. */
  store: KeyValueStore;
  /** A bucket per connection (one socket or stream). */
  perConnection?: BucketSpec;
  /** A bucket per user, shared by all of the user's connections (and instances, with a shared store). */
  perUser?: BucketSpec;
  /** A bucket per client IP (anonymous clients, connection floods). */
  perIp?: BucketSpec;
  /** Prefix of the store keys. Default `'rk:rl:'`. */
  keyPrefix?: string;
}

/** See {@link createRateLimiter}. */
export interface RateLimiter {
  /**
   * Takes `cost` tokens (default 1) from each configured bucket of `subject`, in the order connection, user, IP,
   * and refuses on the first that is short. Rejects when the store fails (answer 503 / `unavailable`) or when
   * `cost` exceeds a bucket's capacity (a `RangeError`).
   */
  check(subject: LimitSubject, cost?: number): Promise<LimitVerdict>;
}

const SCOPES: ReadonlyArray<{
  scope: LimitScope;
  option: 'perConnection' | 'perUser' | 'perIp';
  id: keyof LimitSubject;
}> = [
  { scope: 'connection', option: 'perConnection', id: 'connectionId' },
  { scope: 'user', option: 'perUser', id: 'userId' },
  { scope: 'ip', option: 'perIp', id: 'ip' },
];

function assertSpec(name: string, spec: BucketSpec): void {
  for (const field of ['capacity', 'refillPerSecond'] as const) {
    const value = spec[field];
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`${name}.${field} must be a positive finite number, got ${String(value)}`);
  }
}

/**
 * Token-bucket rate limits per connection, per user and per IP, kept in a {@link KeyValueStore} (so with a shared
 * store the per-user and per-IP limits hold across instances). A bucket of `capacity` tokens refills at
 * `refillPerSecond`: bursts up to `capacity`, sustained rate `refillPerSecond`.
 *
 * Scopes are checked in order and each one checked takes its tokens, so a request refused by the user bucket has
 * still spent its connection tokens: a client that keeps hammering drains its own buckets first.
 *
 * ```ts
 * const limiter = createRateLimiter({
 *   store: createMemoryStore(),
 *   perConnection: { capacity: 20, refillPerSecond: 10 },
 *   perUser: { capacity: 60, refillPerSecond: 20 },
 *   perIp: { capacity: 100, refillPerSecond: 50 },
 * })
 * const verdict = await limiter.check({ connectionId, userId: user.userId, ip })
 * if (!verdict.ok) return tooManyRequests(verdict)          // HTTP: 429 with Retry-After
 * // over a socket: send { type: 'error', error: verdict.error }
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store } = options;
  const keyPrefix = options.keyPrefix ?? 'rk:rl:';
  const configured = SCOPES.flatMap((entry) => {
    const spec = options[entry.option];
    if (spec === undefined) return [];
    assertSpec(entry.option, spec);
    return [{ ...entry, spec: { capacity: spec.capacity, refillPerSecond: spec.refillPerSecond } }];
  });
  if (configured.length === 0)
    throw new TypeError('createRateLimiter needs at least one of perConnection, perUser, perIp');

  return {
    async check(subject, cost = 1) {
      for (const { scope, id, spec } of configured) {
        const value = subject[id];
        if (value === undefined || value === null || value === '') continue;
        const key = `${keyPrefix}${scope}:${value}`;
        const result = await store.consume(key, spec, cost);
        if (!result.allowed) {
          return {
            ok: false,
            scope,
            key,
            retryAfterMs: result.retryAfterMs,
            error: {
              code: 'rate_limited',
              message: `rate limit exceeded for this ${scope}; retry in ${result.retryAfterMs} ms`,
            },
          };
        }
      }
      return { ok: true };
    },
  };
}

/**
 * A 429 response for a refusal: JSON `{ error: { code: 'rate_limited', message, retryAfterMs } }` with
 * `Retry-After` in seconds.
 *
 * ```ts
 * const verdict = await limiter.check({ ip })
 * if (!verdict.ok) return tooManyRequests(verdict)
 * ```
 */
export function tooManyRequests(verdict: LimitRefusal): Response {
  const { code, message } = verdict.error;
  return refusalResponse({
    code,
    message,
    retryAfterMs: verdict.retryAfterMs,
    fields: { retryAfterMs: verdict.retryAfterMs },
  });
}
