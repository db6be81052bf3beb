import type { AuthenticatedUser } from './user.js';

/** Why a connection or request was refused before it reached the hub. */
export type AuthRefusalCode = 'unauthorized' | 'token_expired' | 'forbidden';

/**
 * What an endpoint's `authenticate` may answer, the same for every endpoint: the user; null (or undefined) for
 * `unauthorized`; a typed refusal such as a JWT verifier's `{ ok: false, error: { code: 'token_expired' } }`; or a
 * verifier's `{ ok: true, user }` as it comes.
 */
export type AuthenticationResult =
  | AuthenticatedUser
  | null
  | undefined
  | { readonly ok: false; readonly error: { readonly code: AuthRefusalCode; readonly message: string } }
  | { readonly ok: true; readonly user: AuthenticatedUser };

/** An `authenticate` answer, read one way by every endpoint. */
export type AuthVerdict =
  | { readonly ok: true; readonly user: AuthenticatedUser }
  | { readonly ok: false; readonly code: AuthRefusalCode; readonly message: string };

/**
 * Reads an {@link AuthenticationResult}: null is `unauthorized` (with `refusal` as the message), and a user whose
 * `expiresAt` has already passed is `token_expired`, whatever shape the answer came in.
 */
export function readAuthResult(result: AuthenticationResult, refusal: string, now = Date.now()): AuthVerdict {
  if (result === null || result === undefined) return { ok: false, code: 'unauthorized', message: refusal };
  if ('ok' in result && result.ok === false)
    return { ok: false, code: result.error.code, message: result.error.message };
  const user = 'ok' in result ? result.user : result;
  if (user.expiresAt !== undefined && user.expiresAt <= now) {
    return { ok: false, code: 'token_expired', message: 'The token has expired: get a fresh one and reconnect.' };
  }
  return { ok: true, user };
}
