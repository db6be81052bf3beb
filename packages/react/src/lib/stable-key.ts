const ids = new WeakMap<object, number>();
let nextId = 1;

/** A number naming an object by identity, for keys that must tell two fetch implementations apart. */
export function identityOf(value: object | undefined): number {
  if (value === undefined) return 0;
  let id = ids.get(value);
  if (id === undefined) {
    id = nextId++;
    ids.set(value, id);
  }
  return id;
}

/** JSON with sorted object keys, so `{a, b}` and `{b, a}` give the same key. Functions are left out. */
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
