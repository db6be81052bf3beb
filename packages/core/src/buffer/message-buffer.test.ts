import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMessageBuffer } from './message-buffer.js';
import { scheduleEvery } from './schedule.js';

afterEach(() => vi.useRealTimers());

describe('createMessageBuffer', () => {
  it('batches pushes into one snapshot per flush and keeps every message', async () => {
    vi.useFakeTimers();
    const buffer = createMessageBuffer<number>({ throttle: 16 });
    const listener = vi.fn();
    buffer.subscribe(listener);
    for (let i = 0; i < 10_000; i++) buffer.push(i);
    expect(listener).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(16);
    expect(listener).toHaveBeenCalledTimes(1);
    const snapshot = buffer.getSnapshot();
    expect(snapshot.total).toBe(10_000);
    expect(snapshot.latest).toBe(9_999);
    expect(snapshot.messages).toHaveLength(1000);
    expect(snapshot.messages[0]).toBe(9_000);
  });

  it('delivers each push at once with throttle: false', () => {
    const buffer = createMessageBuffer<string>({ throttle: false });
    const seen: string[][] = [];
    buffer.subscribe(() => seen.push([...buffer.getSnapshot().messages]));
    buffer.push('a');
    buffer.push('b');
    expect(seen).toEqual([['a'], ['a', 'b']]);
  });

  it('keeps the newest maxMessages and counts trimmed ones in total', async () => {
    vi.useFakeTimers();
    const buffer = createMessageBuffer<number>({ maxMessages: 3, throttle: scheduleEvery(10) });
    for (let i = 1; i <= 5; i++) buffer.push(i);
    await vi.advanceTimersByTimeAsync(10);
    buffer.push(6);
    await vi.advanceTimersByTimeAsync(10);
    expect(buffer.getSnapshot()).toEqual({ messages: [4, 5, 6], latest: 6, total: 6 });
  });

  it('flush() delivers now; clear() drops pending and delivered messages; dispose() leaves no timer', async () => {
    vi.useFakeTimers();
    const buffer = createMessageBuffer<number>({ throttle: 1000 });
    buffer.push(1);
    buffer.flush();
    expect(buffer.getSnapshot().messages).toEqual([1]);
    buffer.push(2);
    buffer.clear();
    await vi.advanceTimersByTimeAsync(1000);
    expect(buffer.getSnapshot()).toEqual({ messages: [], latest: undefined, total: 0 });
    buffer.push(3);
    expect(vi.getTimerCount()).toBe(1);
    buffer.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the snapshot reference when nothing changed', () => {
    const buffer = createMessageBuffer<number>({ throttle: false });
    const before = buffer.getSnapshot();
    buffer.flush();
    expect(buffer.getSnapshot()).toBe(before);
  });
});
