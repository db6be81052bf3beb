import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from './store.js';

afterEach(() => vi.unstubAllGlobals());

describe('createStore', () => {
  it('returns the same snapshot reference until it changes', () => {
    const store = createStore({ n: 1 });
    const first = store.getSnapshot();
    expect(store.getSnapshot()).toBe(first);
    store.set({ n: 2 });
    expect(store.getSnapshot()).not.toBe(first);
    expect(store.getSnapshot()).toEqual({ n: 2 });
  });

  it('does not notify when the next value is Object.is-equal', () => {
    const value = { n: 1 };
    const store = createStore(value);
    const listener = vi.fn();
    store.subscribe(listener);
    store.set(value);
    store.set((previous) => previous);
    expect(listener).not.toHaveBeenCalled();
    const nan = createStore(Number.NaN);
    const nanListener = vi.fn();
    nan.subscribe(nanListener);
    nan.set(Number.NaN);
    expect(nanListener).not.toHaveBeenCalled();
    store.set({ n: 1 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('derives from the previous value with an updater', () => {
    const store = createStore(1);
    store.set((n) => n + 1);
    expect(store.getSnapshot()).toBe(2);
  });

  it('calls listeners in subscription order, after the snapshot changed', () => {
    const store = createStore(0);
    const calls: string[] = [];
    store.subscribe(() => calls.push(`a${store.getSnapshot()}`));
    store.subscribe(() => calls.push(`b${store.getSnapshot()}`));
    store.set(1);
    expect(calls).toEqual(['a1', 'b1']);
  });

  it('runs onFirstSubscribe once for the first listener and onLastUnsubscribe once for the last', () => {
    const onFirstSubscribe = vi.fn();
    const onLastUnsubscribe = vi.fn();
    const store = createStore(0, { onFirstSubscribe, onLastUnsubscribe });
    const offA = store.subscribe(() => {});
    const offB = store.subscribe(() => {});
    expect(onFirstSubscribe).toHaveBeenCalledTimes(1);
    expect(store.size).toBe(2);
    offA();
    expect(onLastUnsubscribe).not.toHaveBeenCalled();
    offB();
    expect(onLastUnsubscribe).toHaveBeenCalledTimes(1);
    expect(store.size).toBe(0);
    store.subscribe(() => {});
    expect(onFirstSubscribe).toHaveBeenCalledTimes(2);
  });

  it('makes a second unsubscribe a no-op (no double onLastUnsubscribe, no removal of others)', () => {
    const onLastUnsubscribe = vi.fn();
    const store = createStore(0, { onLastUnsubscribe });
    const listener = vi.fn();
    const off = store.subscribe(() => {});
    store.subscribe(listener);
    off();
    off();
    expect(store.size).toBe(1);
    expect(onLastUnsubscribe).not.toHaveBeenCalled();
    store.set(1);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('counts the same function subscribed twice as two subscriptions', () => {
    const store = createStore(0);
    const listener = vi.fn();
    const off1 = store.subscribe(listener);
    store.subscribe(listener);
    store.set(1);
    expect(listener).toHaveBeenCalledTimes(2);
    off1();
    store.set(2);
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('lets a listener unsubscribe another during notification without skipping the current round', () => {
    const store = createStore(0);
    const second = vi.fn();
    let offSecond = () => {};
    store.subscribe(() => offSecond());
    offSecond = store.subscribe(second);
    store.set(1);
    expect(second).toHaveBeenCalledTimes(1);
    store.set(2);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('reports a throwing listener and still notifies the others', () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    const store = createStore(0);
    const boom = new Error('listener bug');
    const after = vi.fn();
    store.subscribe(() => {
      throw boom;
    });
    store.subscribe(after);
    expect(() => store.set(1)).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    expect(reportError).toHaveBeenCalledWith(boom);
  });
});
