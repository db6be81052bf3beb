import { describe, expect, it } from 'vitest';
import { toConnectionStatus } from '../connection/machine.js';
import { CONNECTION_STATUSES } from '../connection/status.js';
import { toConnectionPhase, type WebSocketPhase } from './websocket-phase.js';

describe('toConnectionPhase', () => {
  it('maps every WebSocket phase onto a shared phase, reaching every public status', () => {
    const table: [WebSocketPhase, number, string][] = [
      ['idle', 0, 'idle'],
      ['authenticating', 0, 'connecting'],
      ['authenticating', 1, 'reconnecting'],
      ['connecting', 0, 'connecting'],
      ['connecting', 2, 'reconnecting'],
      ['open', 0, 'open'],
      ['awaiting-pong', 0, 'open'],
      ['backoff', 1, 'reconnecting'],
      ['offline', 1, 'offline'],
      ['closed', 0, 'closed'],
    ];
    for (const [phase, attempt, status] of table) {
      expect(toConnectionStatus(toConnectionPhase(phase), attempt)).toBe(status);
    }
    const reached = new Set(table.map(([phase, attempt]) => toConnectionStatus(toConnectionPhase(phase), attempt)));
    expect([...reached].sort()).toEqual([...CONNECTION_STATUSES].sort());
  });

  it('throws on a phase that is not in the union', () => {
    expect(() => toConnectionPhase('bogus' as WebSocketPhase)).toThrow(/Unexpected/);
  });
});
