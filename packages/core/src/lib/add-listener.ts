/**
 * Adds `listener` to `listeners` through a wrapper of its own, so the same function added twice is two entries and
 * each removal takes away only its own. Returns that removal (calling it again does nothing).
 */
export function addListener<T>(listeners: Set<(value: T) => void>, listener: (value: T) => void): () => void {
  const entry = (value: T) => listener(value);
  listeners.add(entry);
  return () => void listeners.delete(entry);
}
