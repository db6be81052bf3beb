import { describe, expect, it } from 'vitest';
import type { PresenceStatus } from '../../protocol/frames.js';
import { isPresenceStatus, mergeConnections, toPresenceStatus } from './merge-connections.js';

const STATUSES: PresenceStatus[] = ['active', 'idle', 'away'];

/** Every list of 1 to 3 statuses, in every order. */
function statusLists(): PresenceStatus[][] {
  let lists: PresenceStatus[][] = [[]];
  const all: PresenceStatus[][] = [];
  for (let size = 1; size <= 3; size += 1) {
    lists = lists.flatMap((list) => STATUSES.map((status) => [...list, status]));
    all.push(...lists);
  }
  return all;
}

describe('mergeConnections', () => {
  it('is as present as the most present connection, whatever the order: active beats idle beats away', () => {
    for (const statuses of statusLists()) {
      const expected = statuses.includes('active') ? 'active' : statuses.includes('idle') ? 'idle' : 'away';
      const member = mergeConnections(
        'ada',
        statuses.map((status, i) => ({ data: i, status, at: i })),
      );
      expect([statuses, member?.status]).toEqual([statuses, expected]);
    }
  });

  it('an away tab never hides an active one (the ranking must not be inverted)', () => {
    expect(
      mergeConnections('ada', [
        { data: 1, status: 'active', at: 1 },
        { data: 2, status: 'away', at: 2 },
      ])?.status,
    ).toBe('active');
    expect(
      mergeConnections('ada', [
        { data: 1, status: 'away', at: 2 },
        { data: 2, status: 'idle', at: 1 },
      ])?.status,
    ).toBe('idle');
  });

  it('counts the connections and takes the data of the one that spoke last (by `at`, then `order`, then position)', () => {
    expect(
      mergeConnections('ada', [
        { data: 'old', status: 'active', at: 1 },
        { data: 'new', status: 'away', at: 5 },
        { data: 'middle', status: 'idle', at: 3 },
      ]),
    ).toEqual({ userId: 'ada', data: 'new', connections: 3, status: 'active' });
    expect(
      mergeConnections('ada', [
        { data: 'second', status: 'active', at: 5, order: 2 },
        { data: 'first', status: 'active', at: 5, order: 1 },
      ])?.data,
    ).toBe('second');
    expect(
      mergeConnections('ada', [
        { data: 'a', status: 'active', at: 0 },
        { data: 'b', status: 'active', at: 0 },
      ])?.data,
    ).toBe('b');
  });

  it('is null without connections, and frozen otherwise', () => {
    expect(mergeConnections('ada', [])).toBeNull();
    expect(Object.isFrozen(mergeConnections('ada', [{ data: null, status: 'active', at: 0 }]))).toBe(true);
  });
});

describe('presence status values', () => {
  it('reads anything but idle or away as active, and tells statuses from other values', () => {
    expect(['idle', 'away', 'active', undefined, 'busy', 3].map(toPresenceStatus)).toEqual([
      'idle',
      'away',
      'active',
      'active',
      'active',
      'active',
    ]);
    expect(['idle', 'away', 'active', undefined, 'busy'].map(isPresenceStatus)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
