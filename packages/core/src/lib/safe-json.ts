/** `JSON.stringify` that never throws (a cycle, a BigInt): then the value's `String()`. `undefined` is `'undefined'`. */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}

/** A short text for an error's `raw`: a string as it is, anything else as JSON; at most 1 KiB. */
export function safeText(value: unknown): string {
  try {
    return (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))).slice(0, 1024);
  } catch {
    return String(value).slice(0, 1024);
  }
}
