import { describe, expect, it } from 'vitest';
import { backoff, DEFAULT_BACKOFF } from './backoff.js';

const top = () => 0.999_999;

describe('backoff', () => {
  it('uses documented defaults: 500 ms first ceiling, doubling, 30 s cap', () => {
    expect(DEFAULT_BACKOFF).toEqual({ minMs: 500, maxMs: 30_000, factor: 2 });
    expect(backoff(1, { random: top })).toBe(499);
    expect(backoff(2, { random: top })).toBe(999);
    expect(backoff(3, { random: top })).toBe(1999);
    expect(backoff(50, { random: top })).toBe(29_999);
  });

  it('stays within [0, min(maxMs, minMs * factor^(n-1))) for any random value', () => {
    const options = { minMs: 100, maxMs: 5000, factor: 3 };
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(5000, 100 * 3 ** (attempt - 1));
      for (const r of [0, 0.1, 0.5, 0.9, 0.999_999]) {
        const delay = backoff(attempt, { ...options, random: () => r });
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('grows monotonically with the attempt for a fixed random, until the cap', () => {
    const delays = Array.from({ length: 10 }, (_, i) => backoff(i + 1, { minMs: 10, maxMs: 1000, random: () => 0.5 }));
    expect(delays).toEqual([5, 10, 20, 40, 80, 160, 320, 500, 500, 500]);
  });

  it('is full jitter: the delay is random() times the ceiling', () => {
    expect(backoff(3, { minMs: 100, random: () => 0 })).toBe(0);
    expect(backoff(3, { minMs: 100, random: () => 0.25 })).toBe(100);
    expect(backoff(3, { minMs: 100, random: () => 0.75 })).toBe(300);
  });

  it('is pure: same inputs, same output', () => {
    const options = { minMs: 50, maxMs: 900, factor: 1.5, random: () => 0.42 };
    expect(backoff(4, options)).toBe(backoff(4, options));
  });

  it('treats attempts below 1 and fractional attempts as the first/floor attempt', () => {
    const options = { minMs: 100, random: top };
    expect(backoff(0, options)).toBe(backoff(1, options));
    expect(backoff(-5, options)).toBe(backoff(1, options));
    expect(backoff(2.9, options)).toBe(backoff(2, options));
  });

  it('with factor 1 the ceiling stays at minMs', () => {
    expect(backoff(10, { minMs: 200, maxMs: 10_000, factor: 1, random: top })).toBe(199);
  });

  it('allows minMs 0 (always retry at once)', () => {
    expect(backoff(7, { minMs: 0, maxMs: 0, random: top })).toBe(0);
  });

  it('rejects impossible options with a RangeError', () => {
    expect(() => backoff(1, { minMs: -1 })).toThrow(RangeError);
    expect(() => backoff(1, { minMs: 100, maxMs: 50 })).toThrow(RangeError);
    expect(() => backoff(1, { factor: 0.5 })).toThrow(RangeError);
    expect(() => backoff(1, { minMs: Number.NaN })).toThrow(RangeError);
  });
});
