/**
 * The ids a hosted adapter delivered lately, to drop a message that arrives twice (a publish re-sent after a drop,
 * an echo after the local copy, a history page overlapping live messages). Hosted services have no sequence
 * numbers the client could compare, so ids are all there is. Bounded: the oldest id is forgotten first.
 */
export interface SeenIds {
  has(id: string): boolean;
  /** Records `id`; false when it was already there (a repeat: drop the message). */
  remember(id: string): boolean;
  readonly size: number;
}

/** Creates a {@link SeenIds} remembering at most `limit` ids. */
export function createSeenIds(limit: number): SeenIds {
  if (!(limit >= 1)) throw new RangeError(`createSeenIds: limit must be >= 1 (got ${String(limit)}).`);
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    remember(id) {
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > limit) ids.delete(ids.values().next().value as string);
      return true;
    },
    get size() {
      return ids.size;
    },
  };
}
