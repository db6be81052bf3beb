import type { PresenceMember, PresenceStatus } from '../../protocol/frames.js';
import { mostPresent } from '../../protocol/most-present.js';

/** One connection (tab, device) of a user on a presence channel, as a hosted adapter learned it. */
export interface ConnectionPresence {
  readonly data: unknown;
  readonly status: PresenceStatus;
  /** When this connection last said what it is, on any clock that only grows: the newest connection's data wins. */
  readonly at: number;
  /** Breaks ties of `at` (an arrival counter); among full ties the later connection in the list wins. */
  readonly order?: number;
}

/**
 * The member a user is across their connections: counted in `connections`, as present as their most present
 * connection (`mostPresent`: active beats idle beats away), with the data of the connection that spoke last.
 * Null when the user has no connection.
 */
export function mergeConnections(userId: string, connections: readonly ConnectionPresence[]): PresenceMember | null {
  if (connections.length === 0) return null;
  let newest = connections[0]!;
  for (const connection of connections) {
    if (connection.at > newest.at || (connection.at === newest.at && (connection.order ?? 0) >= (newest.order ?? 0)))
      newest = connection;
  }
  return Object.freeze({
    userId,
    data: newest.data,
    connections: connections.length,
    status: mostPresent(connections.map((connection) => connection.status)),
  });
}

/** Reads a status a peer sent: anything but `idle` or `away` (an older client sent none) is `active`. */
export function toPresenceStatus(value: unknown): PresenceStatus {
  return value === 'idle' || value === 'away' ? value : 'active';
}

/** Whether `value` is a presence status at all (a payload without one is not ours). */
export function isPresenceStatus(value: unknown): value is PresenceStatus {
  return value === 'active' || value === 'idle' || value === 'away';
}
