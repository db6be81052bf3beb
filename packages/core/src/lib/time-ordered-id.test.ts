import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './time-ordered-id.js';

describe('timeOrderedId', () => {
  it('is a UUID v7 whose first 48 bits are the time', () => {
    const id = timeOrderedId(1_765_000_000_123);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(1_765_000_000_123);
  });

  it('is random beyond the time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => timeOrderedId(5)));
    expect(ids.size).toBe(100);
  });
});
