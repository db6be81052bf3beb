import type { ContributionMember } from './broker.js';
import type { PresenceMember, PresenceStatus } from './frames.js';
import type { ChannelPresenceHost } from './hub-presence.js';
import { mostPresent } from './most-present.js';

/** One user's local connections on the channel, each with its own status, and the newest data. */
interface LocalMember {
  data: unknown;
  at: number;
  readonly sessions: Map<object, PresenceStatus>;
}

/** What another instance contributes to the channel, as far as its announcements (or a snapshot) told. */
export interface RemoteContribution {
  readonly generation: string;
  version: number;
  subscribers: number;
  readonly members: Map<string, ContributionMember>;
}

/** What the parts of one channel's presence share: the hub's side, this instance's members, the others'. */
export interface PresenceState {
  readonly host: ChannelPresenceHost;
  /** Members by key, from this instance's sessions. */
  readonly local: Map<string, LocalMember>;
  /** Contributions by instance id, from the other instances. */
  readonly remote: Map<string, RemoteContribution>;
}

/** The local member `key` as this instance contributes it, or null when no local session holds it. */
export function localEntry({ local }: PresenceState, key: string): ContributionMember | null {
  const member = local.get(key);
  if (!member) return null;
  return {
    key,
    data: member.data,
    connections: member.sessions.size,
    status: mostPresent(member.sessions.values()),
    at: member.at,
  };
}

/** The merged member `key` (connections summed, the most present status, the newest data), or null when nobody holds it. */
function mergedMember({ local, remote }: PresenceState, key: string): PresenceMember | null {
  const own = local.get(key);
  let connections = own?.sessions.size ?? 0;
  let data = own?.data;
  let at = own ? own.at : -Infinity;
  const statuses: PresenceStatus[] = own ? [...own.sessions.values()] : [];
  for (const contribution of remote.values()) {
    const entry = contribution.members.get(key);
    if (!entry) continue;
    connections += entry.connections;
    statuses.push(entry.status);
    if (entry.at > at) {
      at = entry.at;
      data = entry.data;
    }
  }
  if (connections === 0) return null;
  return { userId: key, data, connections, status: mostPresent(statuses) };
}

/** Every member key held here or by another instance. */
export function memberKeys({ local, remote }: PresenceState): Set<string> {
  const all = new Set(local.keys());
  for (const contribution of remote.values()) for (const key of contribution.members.keys()) all.add(key);
  return all;
}

/** The merged members. */
export function mergedMembers(state: PresenceState): PresenceMember[] {
  if (state.remote.size === 0) return [...state.local.keys()].map((key) => mergedMember(state, key)!);
  const out: PresenceMember[] = [];
  for (const key of memberKeys(state)) {
    const member = mergedMember(state, key);
    if (member) out.push(member);
  }
  return out;
}

/** The merged member count. */
export function mergedSize(state: PresenceState): number {
  if (state.remote.size === 0) return state.local.size;
  let count = 0;
  for (const key of memberKeys(state)) if (mergedMember(state, key)) count += 1;
  return count;
}

/** Cluster-wide subscribers of the channel. */
export function subscriberCount({ host, remote }: PresenceState): number {
  let count = host.localSubscribers();
  for (const contribution of remote.values()) count += contribution.subscribers;
  return count;
}

/**
 * Runs `change`, then broadcasts what it did to the members in `affected` (enter, update or leave, as the merged view
 * saw them before and after): subscribers see one change per member, whichever instance caused it.
 */
export function changing(state: PresenceState, affected: Iterable<string>, change: () => void) {
  const { host } = state;
  const before = new Map<string, PresenceMember | null>();
  for (const key of affected) before.set(key, mergedMember(state, key));
  change();
  let counted = false;
  for (const [key, previous] of before) {
    const next = mergedMember(state, key);
    if (previous === null && next === null) continue;
    if (previous !== null && next !== null && same(previous, next)) continue;
    const action = previous === null ? 'enter' : next === null ? 'leave' : 'update';
    host.broadcast({
      type: 'presence',
      channel: host.channel,
      action,
      member: next ?? { ...previous!, connections: 0 },
    });
    if (action !== 'update') counted = true;
  }
  if (counted) host.occupancyChanged();
}

function same(a: PresenceMember, b: PresenceMember): boolean {
  return a.connections === b.connections && a.status === b.status && Object.is(a.data, b.data);
}
