/** Compile-time exhaustiveness for `switch` over unions; throws if a value slips through at run time. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
