import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../key-value/memory-store.js';
import type { KeyValueStore } from '../key-value/key-value-store.js';
import { createStreamTokens } from './stream-tokens.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const clock = () => Date.now();
const setup = (ttlMs?: number) => {
  const store = createMemoryStore({ now: clock });
  return { store, tokens: createStreamTokens({ store, now: clock, ...(ttlMs === undefined ? {} : { ttlMs }) }) };
};

describe('createStreamTokens', () => {
  it('issues 32 random bytes as base64url and redeems them for the user and channels', async () => {
    const { tokens } = setup();
    const token = await tokens.issue({ userId: 'u1', expiresAt: Date.now() + 60_000, channels: ['chat:1', 'chat:2'] });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(await tokens.redeem(token)).toEqual({
      ok: true,
      user: { userId: 'u1', expiresAt: Date.now() + 60_000, channels: ['chat:1', 'chat:2'] },
    });
  });

  it('issues a different token every time', async () => {
    const { tokens } = setup();
    const issued = await Promise.all(Array.from({ length: 20 }, () => tokens.issue({ userId: 'u1' })));
    expect(new Set(issued).size).toBe(20);
  });

  it('stores only userId, expiresAt and channels', async () => {
    const { tokens } = setup();
    const user = { userId: 'u1', claims: { secret: 'x' } };
    const outcome = await tokens.redeem(await tokens.issue(user));
    expect(outcome).toEqual({ ok: true, user: { userId: 'u1' } });
  });

  it('stores the token under the key prefix with the ttl', async () => {
    const store: KeyValueStore = { put: vi.fn(async () => {}), take: vi.fn(async () => null), consume: vi.fn() };
    const tokens = createStreamTokens({ store, ttlMs: 5000, keyPrefix: 'app:', now: clock });
    const token = await tokens.issue({ userId: 'u1' });
    expect(store.put).toHaveBeenCalledWith(`app:${token}`, expect.any(String), 5000);
    const [, value] = vi.mocked(store.put).mock.calls[0] ?? [];
    expect(JSON.parse(value ?? '')).toEqual({ user: { userId: 'u1' }, expiresAt: Date.now() + 5000 });
  });

  it('works once: a second redeem is refused', async () => {
    const { tokens } = setup();
    const token = await tokens.issue({ userId: 'u1' });
    expect((await tokens.redeem(token)).ok).toBe(true);
    expect(await tokens.redeem(token)).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: 'stream token already used or expired' },
    });
  });

  it('lets only one of two concurrent redeems through', async () => {
    const { tokens } = setup();
    const token = await tokens.issue({ userId: 'u1' });
    const outcomes = await Promise.all([tokens.redeem(token), tokens.redeem(token)]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
  });

  it('refuses a token after its ttl', async () => {
    const { tokens } = setup(1000);
    const token = await tokens.issue({ userId: 'u1' });
    vi.advanceTimersByTime(1000);
    const outcome = await tokens.redeem(token);
    expect(outcome.ok === false && outcome.error).toEqual({
      code: 'unauthorized',
      message: expect.stringMatching(/already used or expired/),
    });
  });

  it('checks its own expiry even when the store keeps the value longer', async () => {
    const lax: KeyValueStore = (() => {
      const values = new Map<string, string>();
      return {
        put: async (key, value) => void values.set(key, value),
        take: async (key) => values.get(key) ?? null,
        consume: async () => ({ allowed: true, remaining: 0, retryAfterMs: 0 }),
      };
    })();
    const tokens = createStreamTokens({ store: lax, ttlMs: 1000, now: clock });
    const token = await tokens.issue({ userId: 'u1' });
    vi.advanceTimersByTime(1000);
    expect(await tokens.redeem(token)).toMatchObject({
      ok: false,
      error: { code: 'unauthorized', message: expect.stringMatching(/expired/) },
    });
  });

  it('refuses with token_expired when the user credentials ran out before redeem', async () => {
    const { tokens } = setup();
    const token = await tokens.issue({ userId: 'u1', expiresAt: Date.now() + 500 });
    vi.advanceTimersByTime(500);
    expect(await tokens.redeem(token)).toMatchObject({ ok: false, error: { code: 'token_expired' } });
  });

  it('refuses missing, malformed and unknown tokens without a store hit for malformed ones', async () => {
    const { store, tokens } = setup();
    const take = vi.spyOn(store, 'take');
    expect(await tokens.redeem(null)).toEqual({ ok: false, error: { code: 'unauthorized', message: 'no token' } });
    expect(await tokens.redeem(undefined)).toMatchObject({ ok: false, error: { message: 'no token' } });
    expect(await tokens.redeem('')).toMatchObject({ ok: false, error: { message: 'no token' } });
    expect(await tokens.redeem('short')).toMatchObject({
      ok: false,
      error: { code: 'unauthorized', message: 'malformed stream token' },
    });
    expect(await tokens.redeem('*'.repeat(43))).toMatchObject({
      ok: false,
      error: { message: 'malformed stream token' },
    });
    expect(take).not.toHaveBeenCalled();
    expect(await tokens.redeem('A'.repeat(43))).toMatchObject({
      ok: false,
      error: { message: /already used or expired/ },
    });
  });

  it('refuses a stored value it cannot read', async () => {
    const { store, tokens } = setup();
    const token = 'B'.repeat(43);
    for (const raw of [
      'not json',
      'null',
      '{"user":{"userId":1},"expiresAt":1}',
      '{"user":{"userId":"u","channels":[1]},"expiresAt":9e15}',
      '{"user":{"userId":"u","expiresAt":"x"},"expiresAt":9e15}',
      '{"user":null,"expiresAt":9e15}',
    ]) {
      await store.put(`rk:st:${token}`, raw, 1000);
      expect(await tokens.redeem(token)).toMatchObject({
        ok: false,
        error: { code: 'unauthorized', message: 'unreadable stream token' },
      });
    }
  });

  it('propagates store failures as rejections', async () => {
    const failing: KeyValueStore = {
      put: async () => Promise.reject(new Error('store down')),
      take: async () => Promise.reject(new Error('store down')),
      consume: async () => Promise.reject(new Error('store down')),
    };
    const tokens = createStreamTokens({ store: failing });
    await expect(tokens.issue({ userId: 'u1' })).rejects.toThrow('store down');
    await expect(tokens.redeem('C'.repeat(43))).rejects.toThrow('store down');
  });

  it('rejects a user without userId and a bad ttl', async () => {
    const { tokens } = setup();
    await expect(tokens.issue({ userId: '' })).rejects.toBeInstanceOf(TypeError);
    expect(() => createStreamTokens({ store: createMemoryStore(), ttlMs: 0 })).toThrow(RangeError);
    expect(() => createStreamTokens({ store: createMemoryStore(), ttlMs: 1.5 })).toThrow(RangeError);
  });
});
