import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../store.js';
import { createConnectionCache, UNUSED_ENTRY_TTL_MS, type CacheableConnection } from './connection-cache.js';

/** A connection that records its lifecycle: `connect` moves it to 'open', `dispose` to 'disposed'. */
function fakeConnection(name = 'c') {
  const store = createStore<string>('idle');
  const calls = { connect: 0, dispose: 0 };
  const connection: CacheableConnection<string> & { name: string; calls: typeof calls; set(value: string): void } = {
    name,
    calls,
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    set: store.set,
    connect() {
      calls.connect += 1;
      store.set('open');
    },
    dispose() {
      calls.dispose += 1;
      store.set('disposed');
    },
  };
  return connection;
}

type Fake = ReturnType<typeof fakeConnection>;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createConnectionCache', () => {
  it('gives one entry per key, created once and connecting nothing until subscribed', () => {
    const cache = createConnectionCache<Fake>();
    const create = vi.fn(() => fakeConnection());
    const entry = cache.get('a', create);
    expect(cache.get('a', create)).toBe(entry);
    expect(create).toHaveBeenCalledTimes(1);
    expect(cache.get('b', () => fakeConnection('b')).resource.name).toBe('b');
    expect(entry.resource.calls.connect).toBe(0);
    expect(entry.getSnapshot()).toBe('idle');
    expect(cache.size).toBe(2);
  });

  it('connects with the first subscriber only and shares the snapshot with every subscriber', () => {
    const cache = createConnectionCache<Fake>();
    const entry = cache.get('a', () => fakeConnection());
    const first = vi.fn();
    const second = vi.fn();
    entry.subscribe(first);
    entry.subscribe(second);
    expect(entry.resource.calls.connect).toBe(1);
    expect(entry.subscribers).toBe(2);
    // The first listener was subscribed before connecting: it saw the transition.
    expect(first).toHaveBeenCalledTimes(1);
    entry.resource.set('reconnecting');
    expect(first).toHaveBeenCalledTimes(2);
    expect(second).toHaveBeenCalledTimes(1);
    expect(entry.getSnapshot()).toBe('reconnecting');
  });

  it('is disposed one tick after the last subscriber leaves, and the key then makes a new entry', async () => {
    const cache = createConnectionCache<Fake>();
    const entry = cache.get('a', () => fakeConnection());
    const offFirst = entry.subscribe(() => {});
    const offSecond = entry.subscribe(() => {});
    offFirst();
    await vi.advanceTimersByTimeAsync(0);
    expect(entry.resource.calls.dispose).toBe(0);
    offSecond();
    expect(entry.resource.calls.dispose).toBe(0);
    expect(cache.size).toBe(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(entry.resource.calls.dispose).toBe(1);
    expect(cache.size).toBe(0);
    expect(cache.get('a', () => fakeConnection())).not.toBe(entry);
  });

  it('keeps the connection through an unsubscribe and resubscribe in the same tick (StrictMode)', async () => {
    const cache = createConnectionCache<Fake>();
    const entry = cache.get('a', () => fakeConnection());
    const off = entry.subscribe(() => {});
    off();
    const offAgain = entry.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(UNUSED_ENTRY_TTL_MS * 2);
    expect(entry.resource.calls.dispose).toBe(0);
    expect(entry.getSnapshot()).toBe('open');
    expect(cache.getAll()).toEqual([entry]);
    offAgain();
    await vi.advanceTimersByTimeAsync(0);
    expect(entry.resource.calls.dispose).toBe(1);
  });

  it('counts a repeated unsubscribe once', async () => {
    const cache = createConnectionCache<Fake>();
    const entry = cache.get('a', () => fakeConnection());
    const off = entry.subscribe(() => {});
    entry.subscribe(() => {});
    off();
    off();
    expect(entry.subscribers).toBe(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(entry.resource.calls.dispose).toBe(0);
  });

  it('disposes an entry that never got a subscriber after the unused-entry timeout (a render that never committed)', async () => {
    const cache = createConnectionCache<Fake>();
    const entry = cache.get('a', () => fakeConnection());
    await vi.advanceTimersByTimeAsync(UNUSED_ENTRY_TTL_MS - 1);
    expect(entry.resource.calls.dispose).toBe(0);
    expect(cache.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(entry.resource.calls.dispose).toBe(1);
    expect(entry.resource.calls.connect).toBe(0);
    expect(cache.size).toBe(0);
  });

  it('cancels the unused-entry timeout with the first subscriber', async () => {
    const cache = createConnectionCache<Fake>();
    const unused = cache.get('unused', () => fakeConnection());
    const used = cache.get('used', () => fakeConnection());
    await vi.advanceTimersByTimeAsync(10);
    used.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(UNUSED_ENTRY_TTL_MS);
    expect(unused.resource.calls.dispose).toBe(1);
    expect(used.resource.calls.dispose).toBe(0);
    expect(cache.getAll().map((entry) => entry.key)).toEqual(['used']);
  });

  it('lists its entries oldest first with their subscriber counts, for tests and devtools', () => {
    const cache = createConnectionCache<Fake>();
    const a = cache.get('a', () => fakeConnection('a'));
    const b = cache.get('b', () => fakeConnection('b'));
    b.subscribe(() => {});
    b.subscribe(() => {});
    expect(cache.getAll().map((entry) => [entry.key, entry.resource.name, entry.subscribers])).toEqual([
      ['a', 'a', 0],
      ['b', 'b', 2],
    ]);
    expect(cache.getAll()[0]).toBe(a);
  });

  it('leaves a newer entry under the same key alone when an older one is disposed late', async () => {
    const cache = createConnectionCache<Fake>();
    const old = cache.get('a', () => fakeConnection('old'));
    const off = old.subscribe(() => {});
    off();
    await vi.advanceTimersByTimeAsync(0);
    const fresh = cache.get('a', () => fakeConnection('fresh'));
    // A component that still held the old entry (rendered before its disposal) subscribes and leaves again.
    old.subscribe(() => {})();
    await vi.advanceTimersByTimeAsync(0);
    expect(old.resource.calls.dispose).toBe(2);
    expect(cache.get('a', () => fakeConnection('other'))).toBe(fresh);
  });
});
