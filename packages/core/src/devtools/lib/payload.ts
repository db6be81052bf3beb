/** The size the event log shows: characters of text or JSON, bytes of binary; 0 when it cannot be encoded. */
export function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  const bytes = binarySize(value);
  if (bytes !== null) return bytes;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

function binarySize(value: unknown): number | null {
  if (typeof ArrayBuffer !== 'undefined' && (value instanceof ArrayBuffer || ArrayBuffer.isView(value)))
    return value.byteLength;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value.size;
  return null;
}

/**
 * A copy of `value` that `JSON.stringify` cannot fail on: binary becomes `{ binary: bytes }`, bigints strings,
 * functions and symbols are left out, and an object met again on the same path becomes `"[Circular]"`.
 */
export function toJSONSafe(value: unknown, ancestors: object[] = []): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  const bytes = binarySize(value);
  if (bytes !== null) return { binary: bytes };
  if (ancestors.includes(value)) return '[Circular]';
  if (value instanceof Date) return value.toISOString();
  const path = [...ancestors, value];
  if (Array.isArray(value)) return value.map((item) => toJSONSafe(item, path) ?? null);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safe = toJSONSafe(item, path);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}
