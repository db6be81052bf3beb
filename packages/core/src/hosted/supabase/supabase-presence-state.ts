import type { PresenceMember } from '../../protocol/frames.js';
import { isPresenceStatus, mergeConnections } from '../shared/merge-connections.js';
import type { Meta } from './supabase-context.js';

/**
 * Applies a `presence_diff` (or, as its joins, a `presence_state`): `{ joins, leaves }`, each key → `{ metas }`.
 * Metas are identified by `phx_ref`; an update arrives as the new meta joining and the old one leaving.
 */
export function applyPresenceDiff(state: Map<string, Map<string, Meta>>, diff: unknown): void {
  const { joins, leaves } = (typeof diff === 'object' && diff !== null ? diff : {}) as {
    joins?: unknown;
    leaves?: unknown;
  };
  for (const [key, metas] of metaEntries(joins)) {
    let entry = state.get(key);
    if (!entry) state.set(key, (entry = new Map()));
    for (const meta of metas) entry.set(String(meta.phx_ref), { ...meta });
  }
  for (const [key, metas] of metaEntries(leaves)) {
    const entry = state.get(key);
    if (!entry) continue;
    for (const meta of metas) entry.delete(String(meta.phx_ref));
    if (entry.size === 0) state.delete(key);
  }
}

function metaEntries(value: unknown): [string, Meta[]][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: [string, Meta[]][] = [];
  for (const [key, presence] of Object.entries(value as Record<string, unknown>)) {
    const metas = (presence as { metas?: unknown } | null)?.metas;
    if (Array.isArray(metas))
      out.push([key, metas.filter((meta): meta is Meta => typeof meta === 'object' && meta !== null)]);
  }
  return out;
}

/**
 * One member per presence key: its metas are its connections (tabs), merged as every hosted adapter merges them
 * (the most present status, the newest data by the `at` each track carries).
 */
export function membersOf(state: ReadonlyMap<string, ReadonlyMap<string, Meta>>): Map<string, PresenceMember> {
  const members = new Map<string, PresenceMember>();
  for (const [key, entry] of state) {
    const connections = [...entry.values()].map((meta) => ({
      data: dataOf(meta),
      status: isPresenceStatus(meta.status) ? meta.status : ('active' as const),
      at: typeof meta.at === 'number' ? meta.at : 0,
    }));
    const member = mergeConnections(key, connections);
    if (member !== null) members.set(key, member);
  }
  return members;
}

/** Our metas carry `{ rk, data, status, at }`; another client's track payload is the data itself. */
function dataOf(meta: Meta): unknown {
  if (meta.rk === 1) return meta.data ?? null;
  const { phx_ref: _ref, phx_ref_prev: _previous, ...rest } = meta;
  return rest;
}
