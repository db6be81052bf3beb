import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../errors.js';
import type { ServerFrame } from './frames.js';
import { createChannelHub } from './hub.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createChannelHub: a frame whose handling never returns', () => {
  it('closes the session after frameTimeoutMs and reports `timeout`; other sessions and later ones go on', async () => {
    const errors: unknown[] = [];
    const hub = createChannelHub({
      frameTimeoutMs: 2000,
      // A rule that hangs for one channel (a stuck database call, a lock nobody releases).
      authorize: (_session, channel) => (channel === 'stuck' ? new Promise<boolean>(() => {}) : true),
      onError: (error) => errors.push(error),
    });
    const frames: ServerFrame[] = [];
    const close = vi.fn();
    const stuck = hub.connect({ send: (frame) => frames.push(frame), close });
    const handled = stuck.receive({ type: 'publish', channel: 'stuck', event: 'm', data: 1, cid: 'c1' });
    const behind = stuck.receive({ type: 'publish', channel: 'fine', event: 'm', data: 2, cid: 'c2' });
    await vi.advanceTimersByTimeAsync(1999);
    expect(close).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(close).toHaveBeenCalledTimes(1);
    // The session's chain settles: the carrier's pump is not held for ever either.
    await expect(handled).resolves.toBeUndefined();
    await behind;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RealtimeError);
    expect(errors[0]).toMatchObject({ code: 'timeout' });
    expect(String((errors[0] as Error).message)).toContain('"publish" frame on "stuck"');
    // Nothing after the stuck frame was carried out on the closed session.
    expect(frames.filter((frame) => frame.type === 'ack')).toEqual([]);

    const other: ServerFrame[] = [];
    const next = hub.connect({ send: (frame) => other.push(frame) });
    await next.receive({ type: 'publish', channel: 'fine', event: 'm', data: 2, cid: 'c2' });
    expect(other.map((frame) => frame.type)).toEqual(['welcome', 'ack']);
  });

  it('leaves a slow frame that answers in time alone', async () => {
    const errors: unknown[] = [];
    const hub = createChannelHub({
      frameTimeoutMs: 2000,
      authorize: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1500)),
      onError: (error) => errors.push(error),
    });
    const frames: ServerFrame[] = [];
    const close = vi.fn();
    const session = hub.connect({ send: (frame) => frames.push(frame), close });
    const handled = session.receive({ type: 'publish', channel: 'room', event: 'm', data: 1, cid: 'c1' });
    await vi.advanceTimersByTimeAsync(1500);
    await handled;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(frames.map((frame) => frame.type)).toEqual(['welcome', 'ack']);
    expect(close).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
  });

  it('refuses a frameTimeoutMs that is not a positive number', () => {
    expect(() => createChannelHub({ frameTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createChannelHub({ frameTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});
