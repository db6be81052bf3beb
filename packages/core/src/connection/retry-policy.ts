import { assertNever } from '../lib/assert-never.js';
import type { AttemptVerdict } from './reconnect-engine.js';

/** How long a session must last for the retries granted at once to start over (see {@link createRetryPolicy}). */
export const STABLE_SESSION_MS = 10_000;

/**
 * Whether and when the reconnect engine tries again after a failed attempt: the wait in ms, or null to stop.
 * `failures` counts this failure too; `sessionMs` is how long the failed attempt had been open (0 if it never
 * opened); `reauthenticated` says the failure before already asked for fresh credentials and none were accepted since.
 */
export type RetryPolicy = (
  given: AttemptVerdict,
  failures: number,
  sessionMs: number,
  reauthenticated: boolean,
) => number | null;

/**
 * A {@link RetryPolicy}: the verdict's own delay (a server's `Retry-After`), else `retryDelay(failures)`; fresh
 * credentials asked for at once, and a second refusal in a row stops, since asking again would loop.
 *
 * Retries granted at once (fresh credentials, a session the server forgot) whose next session did not last
 * {@link STABLE_SESSION_MS}: from the second, they wait a backoff, so a server that refuses every new session the
 * same way (a POST reaching an instance without the session, over and over) meets a backoff, not a hot loop. The
 * engine makes a new policy when it starts and when the server accepts credentials, so the count starts over then.
 */
export function createRetryPolicy(retryDelay: (failures: number) => number): RetryPolicy {
  /** Retries granted at once since the policy was made, or since the last session that lasted. */
  let hurried = 0;

  function atOnce(): number {
    hurried += 1;
    return hurried === 1 ? 0 : retryDelay(hurried - 1);
  }

  return (given, failures, sessionMs, reauthenticated) => {
    if (sessionMs >= STABLE_SESSION_MS) hurried = 0;
    switch (given.action) {
      case 'stop':
        return null;
      case 'reauthenticate':
        // Fresh credentials were refused as well: asking again would loop.
        return reauthenticated ? null : atOnce();
      case 'retry':
        return given.delayMs === 0 ? atOnce() : (given.delayMs ?? retryDelay(failures));
      default:
        return assertNever(given);
    }
  };
}
