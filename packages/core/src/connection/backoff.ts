/** Options for {@link backoff}. All durations in milliseconds. */
export interface BackoffOptions {
  /** Delay cap for the first retry, before jitter. Default {@link DEFAULT_BACKOFF}.minMs. */
  minMs?: number;
  /** Upper bound of any delay. */
  maxMs?: number;
  /** Growth per attempt. */
  factor?: number;
  /** Random source in [0, 1); inject a fixed one in tests. */
  random?: () => number;
}

/** The defaults: 500 ms, doubling, capped at 30 s — fast first retry, no thundering herd at the cap. */
export const DEFAULT_BACKOFF = Object.freeze({ minMs: 500, maxMs: 30_000, factor: 2 });

/**
 * Delay before retry number `attempt` (1 for the first retry): exponential growth with full jitter,
 * `random() * min(maxMs, minMs * factor^(attempt - 1))`. Pure: same inputs, same output.
 * Full jitter spreads reconnecting clients evenly, so a server restart is not met by a synchronized wave.
 */
export function backoff(attempt: number, options: BackoffOptions = {}): number {
  const minMs = options.minMs ?? DEFAULT_BACKOFF.minMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const factor = options.factor ?? DEFAULT_BACKOFF.factor;
  const random = options.random ?? Math.random;
  if (!(minMs >= 0) || !(maxMs >= minMs) || !(factor >= 1)) {
    throw new RangeError(`backoff: need 0 <= minMs <= maxMs and factor >= 1 (got ${minMs}, ${maxMs}, ${factor})`);
  }
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = Math.min(maxMs, minMs * factor ** (n - 1));
  return Math.floor(random() * ceiling);
}
