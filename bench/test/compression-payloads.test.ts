import { describe, expect, it } from 'vitest';
import { payload } from '../suites/compression.js';

// The compression suite's rows are labelled "150 B chat line", "2 KB JSON snapshot", "20 KB JSON document": the
// payloads must stay those sizes, and differ from message to message (identical messages would flatter the peer's
// context takeover, which compresses a repeat to almost nothing).
const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('compression suite payloads', () => {
  it.each([
    ['chat', 120, 180],
    ['snapshot', 1800, 2200],
    ['document', 18_000, 22_000],
  ] as const)('%s messages are %i–%i bytes of JSON', (kind, min, max) => {
    for (let n = 0; n < 20; n++) {
      expect(size(payload(kind, n))).toBeGreaterThanOrEqual(min);
      expect(size(payload(kind, n))).toBeLessThanOrEqual(max);
    }
  });

  it('are deterministic per message number, and different from one message to the next', () => {
    for (const kind of ['chat', 'snapshot', 'document'] as const) {
      expect(payload(kind, 3)).toEqual(payload(kind, 3));
      const distinct = new Set(Array.from({ length: 50 }, (_, n) => JSON.stringify(payload(kind, n))));
      expect(distinct.size).toBe(50);
    }
  });
});
