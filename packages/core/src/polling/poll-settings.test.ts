import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLL_INTERVAL_MS,
  mergePollSettings,
  pollIntervalMs,
  pollRetryDelay,
  pollsBlocked,
} from './poll-settings.js';

const online = { isOnline: () => true, subscribe: () => () => {} };
const offline = { ...online, isOnline: () => false };

describe('poll settings', () => {
  it('merges over the previous settings and keeps them when the new ones are invalid', () => {
    const settings = mergePollSettings({ intervalMs: 1000 }, { hasMore: () => false });
    expect(pollIntervalMs(settings)).toBe(1000);
    expect(pollIntervalMs({})).toBe(DEFAULT_POLL_INTERVAL_MS);
    expect(() => mergePollSettings(settings, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => mergePollSettings(settings, { intervalMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => mergePollSettings(settings, { backoff: { minMs: 10, maxMs: 5 } })).toThrow(RangeError);
    expect(pollIntervalMs(settings)).toBe(1000);
  });

  it('retries after the interval plus a backoff whose floor is the interval, or the plain interval without backoff', () => {
    const settings = { intervalMs: 1000, backoff: { random: () => 0.5 } };
    expect(pollRetryDelay(settings, 1)).toBe(1000 + 500);
    expect(pollRetryDelay(settings, 2)).toBe(1000 + 1000);
    expect(pollRetryDelay({ intervalMs: 1000, backoff: false }, 5)).toBe(1000);
  });

  it('blocks polls offline, and while hidden unless pauseWhenHidden is false', () => {
    const hidden = () => true;
    expect(pollsBlocked(offline, {})).toBe(true);
    expect(pollsBlocked(online, { isHidden: hidden })).toBe(true);
    expect(pollsBlocked(online, { isHidden: hidden, pauseWhenHidden: false })).toBe(false);
    expect(pollsBlocked(online, { isHidden: () => false })).toBe(false);
  });
});
