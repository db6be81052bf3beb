import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from './memory-store.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const store = (options: Parameters<typeof createMemoryStore>[0] = {}) =>
  createMemoryStore({ now: () => Date.now(), ...options });

describe('createMemoryStore put/take', () => {
  it('returns a value once, then null', async () => {
    const s = store();
    await s.put('k', 'v', 1000);
    expect(await s.take('k')).toBe('v');
    expect(await s.take('k')).toBeNull();
    expect(await s.take('never-put')).toBeNull();
  });

  it('replaces a value put twice', async () => {
    const s = store();
    await s.put('k', 'a', 1000);
    await s.put('k', 'b', 1000);
    expect(await s.take('k')).toBe('b');
  });

  it('expires a value exactly ttlMs after it was put', async () => {
    const s = store();
    await s.put('k', 'v', 1000);
    vi.advanceTimersByTime(999);
    await s.put('k2', 'v2', 1000);
    expect(await s.take('k')).toBe('v');
    vi.advanceTimersByTime(1000);
    expect(await s.take('k2')).toBeNull();
  });

  it('gives only one of two concurrent takes the value', async () => {
    const s = store();
    await s.put('k', 'v', 1000);
    const results = await Promise.all([s.take('k'), s.take('k')]);
    expect(results.filter((value) => value === 'v')).toHaveLength(1);
    expect(results).toContain(null);
  });

  it('rejects a ttl that is not a positive number', async () => {
    const s = store();
    await expect(s.put('k', 'v', 0)).rejects.toBeInstanceOf(RangeError);
    await expect(s.put('k', 'v', -5)).rejects.toBeInstanceOf(RangeError);
    await expect(s.put('k', 'v', Number.NaN)).rejects.toBeInstanceOf(RangeError);
    await expect(s.put('k', 'v', Number.POSITIVE_INFINITY)).rejects.toBeInstanceOf(RangeError);
  });

  it('sweeps expired values that are never read again', async () => {
    const s = store({ sweepIntervalMs: 10_000 });
    for (let i = 0; i < 50; i += 1) await s.put(`k${i}`, 'v', 1000);
    expect(s.size.values).toBe(50);
    vi.advanceTimersByTime(10_000);
    await s.put('fresh', 'v', 1000); // any operation past the interval sweeps
    expect(s.size.values).toBe(1);
  });

  it('sweep() drops expired values on demand', async () => {
    const s = store();
    await s.put('a', 'v', 100);
    await s.put('b', 'v', 10_000);
    vi.advanceTimersByTime(100);
    s.sweep();
    expect(s.size.values).toBe(1);
    expect(await s.take('b')).toBe('v');
  });

  it('caps the number of values, evicting the oldest', async () => {
    const s = store({ maxValues: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await s.put(key, key, 60_000);
    expect(s.size.values).toBe(3);
    expect(await s.take('a')).toBeNull();
    expect(await s.take('d')).toBe('d');
  });

  it('evicts expired values before live ones when over the cap', async () => {
    const s = store({ maxValues: 2 });
    await s.put('live', 'v', 60_000);
    await s.put('short', 'v', 10);
    vi.advanceTimersByTime(10);
    await s.put('new', 'v', 60_000);
    expect(await s.take('live')).toBe('v');
    expect(await s.take('new')).toBe('v');
  });

  it('clear() forgets everything', async () => {
    const s = store();
    await s.put('k', 'v', 1000);
    await s.consume('b', { capacity: 2, refillPerSecond: 1 });
    s.clear();
    expect(s.size).toEqual({ values: 0, buckets: 0 });
  });

  it('rejects bad options', () => {
    expect(() => createMemoryStore({ sweepIntervalMs: 0 })).toThrow(RangeError);
    expect(() => createMemoryStore({ maxValues: 1.5 })).toThrow(RangeError);
    expect(() => createMemoryStore({ maxBuckets: -1 })).toThrow(RangeError);
  });

  it('defaults to Date.now', async () => {
    const s = createMemoryStore();
    await s.put('k', 'v', 1000);
    vi.advanceTimersByTime(1000);
    expect(await s.take('k')).toBeNull();
  });
});

describe('createMemoryStore consume (token bucket)', () => {
  const spec = { capacity: 3, refillPerSecond: 1 };

  it('allows up to capacity, then refuses with the exact wait', async () => {
    const s = store();
    expect(await s.consume('b', spec)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    expect(await s.consume('b', spec)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(await s.consume('b', spec)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    expect(await s.consume('b', spec)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1000 });
    vi.advanceTimersByTime(250);
    expect(await s.consume('b', spec)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 750 });
    vi.advanceTimersByTime(749);
    expect(await s.consume('b', spec)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1 });
    vi.advanceTimersByTime(1);
    expect(await s.consume('b', spec)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
  });

  it('refills continuously and never above capacity', async () => {
    const s = store();
    await s.consume('b', spec, 3);
    vi.advanceTimersByTime(1500);
    // 1.5 tokens are back: taking 1 leaves 0.5, reported floored as 0
    expect(await s.consume('b', spec)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    vi.advanceTimersByTime(60_000);
    expect(await s.consume('b', spec)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
  });

  it('computes waits exactly for fast refill rates and larger costs', async () => {
    const s = store();
    const fast = { capacity: 10, refillPerSecond: 3 };
    await s.consume('b', fast, 10);
    // 5 tokens at 3/s = 1666.67 ms → 1667
    expect(await s.consume('b', fast, 5)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1667 });
    vi.advanceTimersByTime(1666);
    expect((await s.consume('b', fast, 5)).allowed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await s.consume('b', fast, 5)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
  });

  it('handles fractional rates without floating-point drift', async () => {
    const s = store();
    const slow = { capacity: 1, refillPerSecond: 0.1 };
    await s.consume('b', slow);
    expect((await s.consume('b', slow)).retryAfterMs).toBe(10_000);
    vi.advanceTimersByTime(10_000);
    expect((await s.consume('b', slow)).allowed).toBe(true);
  });

  it('keeps separate buckets per key', async () => {
    const s = store();
    await s.consume('a', spec, 3);
    expect((await s.consume('a', spec)).allowed).toBe(false);
    expect((await s.consume('b', spec)).allowed).toBe(true);
  });

  it('allows a cost of 0 and reports the remaining tokens', async () => {
    const s = store();
    expect(await s.consume('b', spec, 0)).toEqual({ allowed: true, remaining: 3, retryAfterMs: 0 });
  });

  it('rejects a cost above capacity, negative costs and bad specs with RangeError', async () => {
    const s = store();
    await expect(s.consume('b', spec, 4)).rejects.toThrow(/exceeds the bucket capacity/);
    await expect(s.consume('b', spec, -1)).rejects.toBeInstanceOf(RangeError);
    await expect(s.consume('b', spec, Number.NaN)).rejects.toBeInstanceOf(RangeError);
    await expect(s.consume('b', { capacity: 0, refillPerSecond: 1 })).rejects.toBeInstanceOf(RangeError);
    await expect(s.consume('b', { capacity: 1, refillPerSecond: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(s.consume('b', { capacity: Number.POSITIVE_INFINITY, refillPerSecond: 1 })).rejects.toBeInstanceOf(
      RangeError,
    );
  });

  it('forgets buckets that have refilled to full', async () => {
    const s = store({ sweepIntervalMs: 5000 });
    await s.consume('idle', spec, 3);
    await s.consume('busy', { capacity: 100, refillPerSecond: 1 }, 100);
    expect(s.size.buckets).toBe(2);
    vi.advanceTimersByTime(5000); // idle is full after 3 s; busy still needs 95 s
    await s.consume('other', spec);
    expect(s.size.buckets).toBe(2); // busy + other
    s.sweep();
    expect(s.size.buckets).toBe(2);
    vi.advanceTimersByTime(95_000);
    s.sweep();
    expect(s.size.buckets).toBe(0);
  });

  it('a forgotten bucket behaves exactly like a full one', async () => {
    const s = store();
    await s.consume('b', spec, 3);
    vi.advanceTimersByTime(3000);
    s.sweep();
    expect(s.size.buckets).toBe(0);
    expect(await s.consume('b', spec)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
  });

  it('caps the number of buckets, evicting the least recently used', async () => {
    const s = store({ maxBuckets: 2 });
    await s.consume('a', spec, 3);
    await s.consume('b', spec, 3);
    await s.consume('a', spec, 0); // a is now the most recently used
    await s.consume('c', spec, 3);
    expect(s.size.buckets).toBe(2);
    expect((await s.consume('a', spec)).allowed).toBe(false); // kept, still empty
    expect((await s.consume('b', spec)).allowed).toBe(true); // evicted, so full again
  });

  it('keeps the state of the bucket being consumed when the cap forces a sweep', async () => {
    const s = store({ maxBuckets: 1 });
    await s.consume('a', spec);
    await s.consume('b', spec); // over the cap: a is evicted, b keeps its consumed token
    expect(await s.consume('b', spec)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
  });

  it('applies a changed spec at once', async () => {
    const s = store();
    await s.consume('b', { capacity: 10, refillPerSecond: 1 }, 2);
    expect(await s.consume('b', { capacity: 3, refillPerSecond: 1 }, 0)).toEqual({
      allowed: true,
      remaining: 3,
      retryAfterMs: 0,
    });
  });

  it('serialises concurrent consumes on one bucket', async () => {
    const s = store();
    const results = await Promise.all(Array.from({ length: 5 }, () => s.consume('b', spec)));
    expect(results.filter((result) => result.allowed)).toHaveLength(3);
  });
});
