import type { PresenceStatus } from './frames.js';

const STATUS_RANK: Record<PresenceStatus, number> = { active: 0, idle: 1, away: 2 };

/**
 * A user with several connections (tabs, devices) is as present as their most present one: active beats idle beats
 * away. No connections at all counts as `active` (the member is about to be gone anyway).
 */
export function mostPresent(statuses: Iterable<PresenceStatus | undefined>): PresenceStatus {
  let best: PresenceStatus | null = null;
  for (const status of statuses) {
    const value = status ?? 'active';
    if (best === null || STATUS_RANK[value] < STATUS_RANK[best]) best = value;
  }
  return best ?? 'active';
}
