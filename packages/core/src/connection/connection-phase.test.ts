import { describe, expect, it } from 'vitest';
import { CONNECTION_STATUSES } from './status.js';
import { toConnectionStatus, type ConnectionPhase } from './connection-phase.js';

describe('toConnectionStatus', () => {
  it('maps every internal phase onto a public status', () => {
    const table: [ConnectionPhase, number, string][] = [
      ['idle', 0, 'idle'],
      ['connecting', 0, 'connecting'],
      ['connecting', 2, 'reconnecting'],
      ['backoff', 1, 'reconnecting'],
      ['open', 0, 'open'],
      ['offline', 3, 'offline'],
      ['closed', 0, 'closed'],
    ];
    for (const [phase, attempt, status] of table) expect(toConnectionStatus(phase, attempt)).toBe(status);
    const reached = new Set(table.map(([phase, attempt]) => toConnectionStatus(phase, attempt)));
    expect([...reached].sort()).toEqual([...CONNECTION_STATUSES].sort());
  });

  it('throws on a phase that is not in the union', () => {
    expect(() => toConnectionStatus('bogus' as ConnectionPhase, 0)).toThrow(/Unexpected/);
  });
});
