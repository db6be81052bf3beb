import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActivityMonitor, type ActivityTarget } from './activity.js';

function fakeTarget() {
  const listeners = new Map<string, Set<() => void>>();
  const target: ActivityTarget & { visibilityState: string; fire(type: string): void; count(): number } = {
    visibilityState: 'visible',
    addEventListener(type, listener) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)?.add(listener);
    },
    removeEventListener(type, listener) {
      listeners.get(type)?.delete(listener);
    },
    fire(type) {
      for (const listener of listeners.get(type) ?? []) listener();
    },
    count: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
  };
  return target;
}

describe('createActivityMonitor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('is active with input, idle after idleMs without, away while hidden, and active again on return', () => {
    const win = fakeTarget();
    const doc = fakeTarget();
    const activity = createActivityMonitor({ idleMs: 1000, window: win, document: doc });
    const seen: string[] = [];
    const off = activity.subscribe(() => seen.push(activity.getSnapshot()));
    expect(activity.getSnapshot()).toBe('active');
    vi.advanceTimersByTime(600);
    win.fire('keydown');
    vi.advanceTimersByTime(600);
    expect(activity.getSnapshot()).toBe('active');
    vi.advanceTimersByTime(400);
    expect(activity.getSnapshot()).toBe('idle');
    win.fire('pointermove');
    expect(activity.getSnapshot()).toBe('active');
    doc.visibilityState = 'hidden';
    doc.fire('visibilitychange');
    expect(activity.getSnapshot()).toBe('away');
    doc.visibilityState = 'visible';
    doc.fire('visibilitychange');
    expect(activity.getSnapshot()).toBe('active');
    expect(seen).toEqual(['idle', 'active', 'away', 'active']);
    off();
    expect(win.count() + doc.count()).toBe(0);
  });

  it('reads the page state without listeners while unsubscribed, and rejects a bad idleMs', () => {
    const doc = fakeTarget();
    doc.visibilityState = 'hidden';
    expect(createActivityMonitor({ window: fakeTarget(), document: doc }).getSnapshot()).toBe('away');
    expect(() => createActivityMonitor({ idleMs: 0 })).toThrow(RangeError);
  });
});
