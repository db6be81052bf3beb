import { describe, expect, it } from 'vitest';
import { createSeenIds } from './seen-ids.js';

describe('createSeenIds', () => {
  it('remembers an id once: a repeat is reported', () => {
    const seen = createSeenIds(10);
    expect(seen.remember('a')).toBe(true);
    expect(seen.remember('a')).toBe(false);
    expect(seen.has('a')).toBe(true);
    expect(seen.has('b')).toBe(false);
  });

  it('forgets the oldest id beyond its limit', () => {
    const seen = createSeenIds(2);
    for (const id of ['a', 'b', 'c']) seen.remember(id);
    expect(seen.size).toBe(2);
    expect(seen.has('a')).toBe(false);
    expect(seen.remember('b')).toBe(false);
    expect(seen.remember('a')).toBe(true);
  });

  it('refuses a limit below 1', () => {
    expect(() => createSeenIds(0)).toThrow(RangeError);
  });
});
