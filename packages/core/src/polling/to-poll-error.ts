import { RealtimeError } from '../errors.js';

/**
 * What a fetcher's rejection becomes: a {@link RealtimeError} as it is; a `SyntaxError` (a body that is not JSON)
 * `bad_data`; anything else (a `fetch` that could not reach the server, …) `network`. Every one is retried.
 */
export function toPollError(thrown: unknown): RealtimeError {
  if (thrown instanceof RealtimeError) return thrown;
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  if (thrown instanceof SyntaxError) {
    return new RealtimeError(
      'bad_data',
      `The poll's response could not be parsed (${detail}): it is retried with backoff.`,
      {
        cause: thrown,
        retryable: true,
      },
    );
  }
  return new RealtimeError('network', `The poll failed (${detail}): it is retried with backoff.`, {
    cause: thrown,
    retryable: true,
  });
}
