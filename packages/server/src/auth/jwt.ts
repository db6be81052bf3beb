import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { CryptoKey, JWK, JWTPayload, JWTVerifyGetKey, JWTVerifyOptions, KeyObject } from 'jose';
import type { AuthenticatedUser } from './user.js';

/** Why a credential was refused: a missing/invalid one (`unauthorized`) or one that has run out (`token_expired`). */
export interface AuthError {
  readonly code: 'unauthorized' | 'token_expired';
  readonly message: string;
}

/** A refused credential. */
export interface AuthFailure {
  readonly ok: false;
  readonly error: AuthError;
}

/** A user whose JWT checked out, with every claim of the token. */
export interface VerifiedUser extends AuthenticatedUser {
  readonly claims: JWTPayload;
}

/**
 * The result of {@link JwtVerifier.verify}: never a rejection for a bad token, only for a server-side failure
 * (the JWKS endpoint unreachable), which the caller maps to 503 / `unavailable`.
 */
export type AuthOutcome = { readonly ok: true; readonly user: VerifiedUser } | AuthFailure;

/**
 * The shortest HMAC secret {@link createJwtVerifier} accepts, in bytes: the output size of SHA-256, the least
 * RFC 7518 §3.2 allows for HS256 (a short secret can be brute-forced offline from any one token).
 */
export const MIN_JWT_SECRET_BYTES = 32;

/** Default of {@link JwtVerifierOptions.maxTokenAgeMs}: 24 hours. */
export const DEFAULT_MAX_TOKEN_AGE_MS = 24 * 60 * 60 * 1000;

/** Options for {@link createJwtVerifier}. Give exactly one of `secret`, `publicKey`, `jwksUrl`. */
export interface JwtVerifierOptions {
  /**
   * Shared secret for HMAC tokens (HS256 unless `algorithms` says otherwise), at least {@link MIN_JWT_SECRET_BYTES}
   * (32) bytes. A string is UTF-8 encoded. Make one with `openssl rand -base64 32`.
   */
  secret?: string | Uint8Array;
  /** A public key (or a JWK) for asymmetric tokens. Requires `algorithms`. */
  publicKey?: CryptoKey | KeyObject | JWK;
  /** A JWKS endpoint (e.g. `https://issuer/.well-known/jwks.json`), fetched and cached by jose. */
  jwksUrl?: string | URL;
  /** Required `iss` value(s). */
  issuer?: string | readonly string[];
  /** Required `aud` value(s). */
  audience?: string | readonly string[];
  /** Accepted `alg` values. Default `['HS256']` with `secret`; required with `publicKey`. */
  algorithms?: readonly string[];
  /** The claim holding the user id. Default `'sub'`. */
  userIdClaim?: string;
  /** Leeway for `exp`/`nbf`/`iat` checks, in seconds. Default 0. */
  clockToleranceSeconds?: number;
  /**
   * The longest a token is honoured after it was issued, in milliseconds, whatever its `exp` says. A token with
   * `iat` is refused `token_expired` once `iat + maxTokenAgeMs` has passed, and its `expiresAt` is never later than
   * that (endpoints close the connection then, and the client reconnects with a fresh token). A token with `exp` but
   * no `iat` lives until its `exp`. A token with neither (one that would never expire) is refused `unauthorized`:
   * issue tokens with `exp` (and `iat`). An `iat` in the future (beyond the clock tolerance) is refused
   * `unauthorized`. `false` turns the bound off: tokens without `exp` are then accepted and never expire.
   * Default {@link DEFAULT_MAX_TOKEN_AGE_MS} (24 h).
   */
  maxTokenAgeMs?: number | false;
}

/** See {@link createJwtVerifier}. */
export interface JwtVerifier {
  /** Checks a token: never rejects for a bad token (see {@link AuthOutcome}). */
  verify(token: string | null | undefined): Promise<AuthOutcome>;
}

/**
 * Failures of the key source itself rather than of the token (the JWKS endpoint timed out, answered non-200,
 * or sent something that is not a key set; jose throws its generic error only there): they reject so the caller
 * answers 503.
 */
function isServerSide(error: unknown): boolean {
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof errors.JOSEError && error.code === errors.JOSEError.code)
  );
}

function refuse(code: AuthError['code'], message: string): AuthFailure {
  return { ok: false, error: { code, message } };
}

/**
 * Verifies JWTs with jose: the signature (HMAC secret, public key or remote JWKS), `exp`/`nbf`, and optionally
 * `iss`/`aud`. The user id is read from `userIdClaim` and `expiresAt` from `exp` (so an endpoint can close the
 * connection when the token runs out).
 *
 * Refusals are values, not exceptions: no token → `unauthorized` "no token"; an expired one (past `exp`, or issued
 * more than `maxTokenAgeMs` ago) → `token_expired`; a bad signature, wrong claim, malformed token, missing user id
 * or a token with neither `exp` nor `iat` → `unauthorized` with the reason (the key never appears in a message).
 * Only a failing JWKS endpoint rejects.
 *
 * @throws {TypeError} unless exactly one key source is given, or when the secret is empty.
 * @throws {RangeError} when the secret is shorter than {@link MIN_JWT_SECRET_BYTES} (32) bytes, or a number option is out of range.
 *
 * ```ts
 * const jwt = createJwtVerifier({ secret: process.env.JWT_SECRET!, issuer: 'https://auth.example.com' })
 * const endpoint = createWebSocketEndpoint({
 *   server,
 *   authenticate: async (token) => {
 *     const outcome = await jwt.verify(token)
 *     return outcome.ok ? outcome.user : null
 *   },
 * })
 * ```
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const sources = [options.secret, options.publicKey, options.jwksUrl].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    throw new TypeError(`createJwtVerifier needs exactly one of secret, publicKey, jwksUrl (got ${sources.length})`);
  }
  const userIdClaim = options.userIdClaim ?? 'sub';
  if (userIdClaim === '') throw new TypeError('userIdClaim must not be empty');
  const clockTolerance = options.clockToleranceSeconds ?? 0;
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0) {
    throw new RangeError(`clockToleranceSeconds must be a finite number ≥ 0, got ${String(clockTolerance)}`);
  }
  const maxTokenAgeMs = options.maxTokenAgeMs ?? DEFAULT_MAX_TOKEN_AGE_MS;
  if (
    maxTokenAgeMs !== false &&
    (typeof maxTokenAgeMs !== 'number' || !Number.isFinite(maxTokenAgeMs) || maxTokenAgeMs <= 0)
  ) {
    throw new RangeError(
      `maxTokenAgeMs must be a positive, finite number of milliseconds (or false), got ${String(maxTokenAgeMs)}`,
    );
  }

  let key: Uint8Array | CryptoKey | KeyObject | JWK | JWTVerifyGetKey;
  let algorithms = options.algorithms;
  if (options.secret !== undefined) {
    key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (key.byteLength === 0) throw new TypeError('secret must not be empty');
    if (key.byteLength < MIN_JWT_SECRET_BYTES) {
      throw new RangeError(
        `secret must be at least ${MIN_JWT_SECRET_BYTES} bytes, got ${key.byteLength}: a short HMAC secret can be guessed offline from any token. Make one with \`openssl rand -base64 32\`.`,
      );
    }
    algorithms ??= ['HS256'];
  } else if (options.publicKey !== undefined) {
    if (algorithms === undefined || algorithms.length === 0) {
      throw new TypeError('publicKey needs algorithms (e.g. ["RS256"] or ["ES256"])');
    }
    key = options.publicKey;
  } else {
    key = createRemoteJWKSet(new URL(options.jwksUrl as string | URL));
  }

  const verifyOptions: JWTVerifyOptions = { clockTolerance };
  if (algorithms !== undefined) verifyOptions.algorithms = [...algorithms];
  if (options.issuer !== undefined)
    verifyOptions.issuer = typeof options.issuer === 'string' ? options.issuer : [...options.issuer];
  if (options.audience !== undefined) {
    verifyOptions.audience = typeof options.audience === 'string' ? options.audience : [...options.audience];
  }

  return {
    async verify(token) {
      if (token === null || token === undefined || token === '') return refuse('unauthorized', 'no token');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, verifyOptions));
      } catch (error) {
        if (error instanceof errors.JWTExpired) return refuse('token_expired', 'token expired');
        if (isServerSide(error)) throw error;
        if (error instanceof errors.JOSEError) return refuse('unauthorized', describeJoseError(error));
        throw error;
      }
      const userId = payload[userIdClaim];
      if (typeof userId !== 'string' || userId === '') {
        return refuse('unauthorized', `invalid token: no "${userIdClaim}" claim with the user id`);
      }
      let expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
      if (maxTokenAgeMs !== false) {
        const now = Date.now();
        const toleranceMs = clockTolerance * 1000;
        if (typeof payload.iat === 'number') {
          const issuedAt = payload.iat * 1000;
          if (issuedAt > now + toleranceMs) return refuse('unauthorized', 'invalid token: "iat" is in the future');
          const end = issuedAt + maxTokenAgeMs;
          if (now >= end + toleranceMs)
            return refuse('token_expired', `token expired: issued more than ${maxTokenAgeMs} ms ago (maxTokenAgeMs)`);
          expiresAt = Math.min(expiresAt ?? end, end);
        } else if (expiresAt === undefined) {
          return refuse(
            'unauthorized',
            'invalid token: it has neither "exp" nor "iat", so it would never expire; issue tokens with an "exp"',
          );
        }
      }
      const user: VerifiedUser =
        expiresAt === undefined ? { userId, claims: payload } : { userId, expiresAt, claims: payload };
      return { ok: true, user };
    },
  };
}

/** A short, key-free reason for a jose refusal. */
function describeJoseError(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'invalid token: signature verification failed';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'invalid token: signing algorithm not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'invalid token: no matching key in the JWKS';
  if (error instanceof errors.JWTClaimValidationFailed) return `invalid token: ${error.message}`;
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return `invalid token: malformed (${error.message})`;
  return `invalid token: ${error.message}`;
}

/** Anything with request headers: a Fetch `Request`, or Node's `IncomingMessage`. */
export type HeaderCarrier =
  | { readonly headers: Headers }
  | { readonly headers: Readonly<Record<string, string | readonly string[] | undefined>> };

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Reads the token of an `Authorization: Bearer …` header, or null when there is none (or it is another scheme).
 * Works with a Fetch `Request` and with Node's `IncomingMessage`.
 *
 * ```ts
 * export async function GET(request: Request) {
 *   const outcome = await jwt.verify(bearerToken(request))
 *   if (!outcome.ok) return Response.json({ error: outcome.error }, { status: 401 })
 * }
 * ```
 */
export function bearerToken(request: HeaderCarrier): string | null {
  const { headers } = request;
  let value: string | readonly string[] | null | undefined;
  if (isFetchHeaders(headers)) {
    value = headers.get('authorization');
  } else {
    value = headers.authorization ?? headers.Authorization;
  }
  if (typeof value !== 'string') value = value?.[0];
  if (value === undefined || value === null) return null;
  const match = BEARER.exec(value.trim());
  return match?.[1] ?? null;
}

function isFetchHeaders(headers: HeaderCarrier['headers']): headers is Headers {
  return typeof (headers as { get?: unknown }).get === 'function';
}
