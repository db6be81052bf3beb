/**
 * Whether every field of `next` holds the same value (`===`) in `previous`. Stores build their next snapshot and
 * keep the old one when nothing changed, so subscribers see a new object only for a real change.
 */
export function sameFields<T extends object>(previous: T, next: T): boolean {
  for (const key in next) if (previous[key] !== next[key]) return false;
  return true;
}
