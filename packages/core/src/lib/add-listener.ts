/**
 * Adds `listener` to `listeners` through a wrapper of its own, so adding the same function twice needs two removals
 * (as a store's `subscribe`). Returns the removal; calling it again does nothing.
 */
export function addListener<T>(listeners: Set<(value: T) => void>, listener: (value: T) => void): () => void {
  const entry = (value: T) => listener(value);
  listeners.add(entry);
  return () => {
    listeners.delete(entry);
  };
}
