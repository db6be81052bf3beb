import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../key-value/memory-store.js';
import type { KeyValueStore } from '../key-value/key-value-store.js';
import { createRateLimiter, retryAfterSeconds, tooManyRequests, type LimitRefusal } from './rate-limit.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const memory = () => createMemoryStore({ now: () => Date.now() });

describe('createRateLimiter', () => {
  it('allows within the bucket and refuses past it with the wait', async () => {
    const limiter = createRateLimiter({ store: memory(), perConnection: { capacity: 2, refillPerSecond: 1 } });
    expect(await limiter.check({ connectionId: 'c1' })).toEqual({ ok: true });
    expect(await limiter.check({ connectionId: 'c1' })).toEqual({ ok: true });
    expect(await limiter.check({ connectionId: 'c1' })).toEqual({
      ok: false,
      scope: 'connection',
      key: 'rk:rl:connection:c1',
      retryAfterMs: 1000,
      error: { code: 'rate_limited', message: 'rate limit exceeded for this connection; retry in 1000 ms' },
    });
    vi.advanceTimersByTime(400);
    expect(await limiter.check({ connectionId: 'c1' })).toMatchObject({ ok: false, retryAfterMs: 600 });
    vi.advanceTimersByTime(600);
    expect(await limiter.check({ connectionId: 'c1' })).toEqual({ ok: true });
  });

  it('shares the user bucket across connections', async () => {
    const limiter = createRateLimiter({
      store: memory(),
      perConnection: { capacity: 10, refillPerSecond: 1 },
      perUser: { capacity: 3, refillPerSecond: 1 },
    });
    await limiter.check({ connectionId: 'a', userId: 'u1' }, 2);
    expect(await limiter.check({ connectionId: 'b', userId: 'u1' })).toEqual({ ok: true });
    expect(await limiter.check({ connectionId: 'c', userId: 'u1' })).toMatchObject({
      ok: false,
      scope: 'user',
      key: 'rk:rl:user:u1',
    });
    expect(await limiter.check({ connectionId: 'c', userId: 'u2' })).toEqual({ ok: true });
  });

  it('refuses on the IP bucket with a custom prefix', async () => {
    const limiter = createRateLimiter({
      store: memory(),
      perIp: { capacity: 1, refillPerSecond: 0.5 },
      keyPrefix: 'app:',
    });
    await limiter.check({ ip: '203.0.113.9' });
    expect(await limiter.check({ ip: '203.0.113.9' })).toMatchObject({
      ok: false,
      scope: 'ip',
      key: 'app:ip:203.0.113.9',
      retryAfterMs: 2000,
    });
  });

  it('checks in order connection, user, ip and stops at the first refusal', async () => {
    const store = memory();
    const consume = vi.spyOn(store, 'consume');
    const limiter = createRateLimiter({
      store,
      perConnection: { capacity: 1, refillPerSecond: 1 },
      perUser: { capacity: 5, refillPerSecond: 1 },
      perIp: { capacity: 5, refillPerSecond: 1 },
    });
    await limiter.check({ connectionId: 'c', userId: 'u', ip: 'i' });
    expect(consume.mock.calls.map(([key]) => key)).toEqual(['rk:rl:connection:c', 'rk:rl:user:u', 'rk:rl:ip:i']);
    consume.mockClear();
    expect(await limiter.check({ connectionId: 'c', userId: 'u', ip: 'i' })).toMatchObject({
      ok: false,
      scope: 'connection',
    });
    expect(consume).toHaveBeenCalledTimes(1);
  });

  it('skips scopes without an id and ids without a configured scope', async () => {
    const store = memory();
    const consume = vi.spyOn(store, 'consume');
    const limiter = createRateLimiter({ store, perUser: { capacity: 1, refillPerSecond: 1 } });
    expect(await limiter.check({})).toEqual({ ok: true });
    expect(await limiter.check({ userId: null, ip: '1.2.3.4', connectionId: 'c' })).toEqual({ ok: true });
    expect(await limiter.check({ userId: '' })).toEqual({ ok: true });
    expect(consume).not.toHaveBeenCalled();
  });

  it('passes the cost and propagates a cost above capacity', async () => {
    const limiter = createRateLimiter({ store: memory(), perUser: { capacity: 5, refillPerSecond: 1 } });
    expect(await limiter.check({ userId: 'u' }, 5)).toEqual({ ok: true });
    expect(await limiter.check({ userId: 'u' }, 1)).toMatchObject({ ok: false, retryAfterMs: 1000 });
    await expect(limiter.check({ userId: 'u' }, 6)).rejects.toBeInstanceOf(RangeError);
  });

  it('propagates store failures', async () => {
    const down = new Error('store down');
    const store: KeyValueStore = {
      put: async () => {},
      take: async () => null,
      consume: async () => Promise.reject(down),
    };
    const limiter = createRateLimiter({ store, perIp: { capacity: 1, refillPerSecond: 1 } });
    await expect(limiter.check({ ip: 'i' })).rejects.toBe(down);
  });

  it('refuses a configuration without scopes or with bad buckets', () => {
    const store = memory();
    expect(() => createRateLimiter({ store })).toThrow(TypeError);
    expect(() => createRateLimiter({ store, perUser: { capacity: 0, refillPerSecond: 1 } })).toThrow(RangeError);
    expect(() => createRateLimiter({ store, perIp: { capacity: 1, refillPerSecond: Number.NaN } })).toThrow(
      /perIp.refillPerSecond/,
    );
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds, at least 1', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(59_500)).toBe(60);
    expect(retryAfterSeconds(-5)).toBe(1);
    expect(retryAfterSeconds(Number.NaN)).toBe(1);
  });
});

describe('tooManyRequests', () => {
  it('builds a 429 JSON response with Retry-After', async () => {
    const verdict: LimitRefusal = {
      ok: false,
      scope: 'user',
      key: 'rk:rl:user:u',
      retryAfterMs: 1500,
      error: { code: 'rate_limited', message: 'rate limit exceeded for this user; retry in 1500 ms' },
    };
    const response = tooManyRequests(verdict);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: 'rate limit exceeded for this user; retry in 1500 ms',
        retryAfterMs: 1500,
      },
    });
  });
});
