const ids = new WeakMap<object, number>();
let nextId = 1;

/**
 * A number naming an object by identity (0 for undefined), for cache keys that must tell two `fetch`
 * implementations or network sources apart without holding on to them.
 */
export function identityOf(value: object | undefined): number {
  if (value === undefined) return 0;
  let id = ids.get(value);
  if (id === undefined) {
    id = nextId++;
    ids.set(value, id);
  }
  return id;
}

/**
 * JSON with sorted object keys, so `{ a, b }` and `{ b, a }` make the same cache key. Functions are left out;
 * `Headers` become a sorted object.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'function') return undefined;
    if (v instanceof Headers) return Object.fromEntries([...v.entries()].sort());
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return v;
  });
}
