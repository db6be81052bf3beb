import { describe, expect, it } from 'vitest';
import type { PresenceMember } from '../../protocol/frames.js';
import { diffMembers, sameMember } from './diff-members.js';

const member = (
  userId: string,
  data: unknown,
  connections = 1,
  status: PresenceMember['status'] = 'active',
): PresenceMember => ({ userId, data, connections, status });
const byUser = (...members: PresenceMember[]) => new Map(members.map((m) => [m.userId, m]));

describe('diffMembers', () => {
  it('says who left, who entered and who changed, in that order; nothing for an unchanged member', () => {
    const previous = byUser(member('ada', { n: 1 }), member('bob', 'b'), member('cy', 'c'));
    const next = byUser(member('ada', { n: 1 }), member('cy', 'c', 2), member('dee', 'd'));
    expect(diffMembers('room', previous, next)).toEqual([
      { type: 'presence', channel: 'room', action: 'leave', member: member('bob', 'b') },
      { type: 'presence', channel: 'room', action: 'update', member: member('cy', 'c', 2) },
      { type: 'presence', channel: 'room', action: 'enter', member: member('dee', 'd') },
    ]);
    expect(diffMembers('room', next, next)).toEqual([]);
  });
});

describe('sameMember', () => {
  it('compares connections, status and data by value', () => {
    expect(sameMember(member('ada', { a: [1] }), member('ada', { a: [1] }))).toBe(true);
    expect(sameMember(member('ada', { a: 1 }), member('ada', { a: 2 }))).toBe(false);
    expect(sameMember(member('ada', 1, 1), member('ada', 1, 2))).toBe(false);
    expect(sameMember(member('ada', 1, 1, 'idle'), member('ada', 1, 1, 'away'))).toBe(false);
  });

  it('does not throw on data JSON cannot encode', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(sameMember(member('ada', cyclic), member('ada', cyclic))).toBe(true);
    expect(() => sameMember(member('ada', cyclic), member('ada', { other: true }))).not.toThrow();
  });
});
