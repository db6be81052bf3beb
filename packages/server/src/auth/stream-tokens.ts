import { base64url } from 'jose';
import type { KeyValueStore } from '../key-value/key-value-store.js';
import type { AuthenticatedUser } from './user.js';
import type { AuthFailure } from './jwt.js';

/** The user a stream token stands for, optionally limited to some channels. */
export interface StreamTokenUser extends AuthenticatedUser {
  /** The channels the stream may subscribe to. Absent: whatever the user may otherwise access. */
  readonly channels?: readonly string[];
}

/** The result of {@link StreamTokens.redeem}. */
export type StreamTokenOutcome = { readonly ok: true; readonly user: StreamTokenUser } | AuthFailure;

/** Options for {@link createStreamTokens}. */
export interface StreamTokensOptions {
  /** Where tokens live until redeemed: `createMemoryStore()` for one process, the Redis store for several. */
  store: KeyValueStore;
  /** How long a token may wait to be redeemed. Default 30 000 (connect right after fetching it). */
  ttlMs?: number;
  /** Prefix of the store keys. Default `'rk:st:'`. */
  keyPrefix?: string;
  /** The clock, in ms since epoch. Default `Date.now`. */
  now?: () => number;
}

/** See {@link createStreamTokens}. */
export interface StreamTokens {
  /** Creates a token for `user` (after you authenticated them some other way, e.g. a cookie or a JWT). */
  issue(user: StreamTokenUser): Promise<string>;
  /**
   * Exchanges a token for its user, once: a second redeem, or one after `ttlMs`, is refused with `unauthorized`.
   * Rejects when the store fails (answer 503 / `unavailable`).
   */
  redeem(token: string | null | undefined): Promise<StreamTokenOutcome>;
}

interface StoredToken {
  readonly user: StreamTokenUser;
  /** When the token itself expires (ms since epoch), checked on redeem besides the store's TTL. */
  readonly expiresAt: number;
}

const TOKEN_BYTES = 32;
/** 32 bytes in unpadded base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const USED_OR_EXPIRED = 'stream token already used or expired';

function refuse(code: 'unauthorized' | 'token_expired', message: string): AuthFailure {
  return { ok: false, error: { code, message } };
}

/**
 * Single-use, short-lived tokens for `EventSource`, which cannot send an `Authorization` header: an authenticated
 * request issues a token, and the stream URL carries it (`?token=…`). Each token is 32 random bytes (base64url),
 * stored with its user; `redeem` takes it out of the store atomically, so it works exactly once, on any instance
 * sharing the store.
 *
 * Because a token works once, **a reconnecting EventSource needs a fresh token**: the browser's built-in
 * reconnection would replay the old URL and be refused. Fetch a token before each connect, and on `error`
 * close the EventSource and connect again with a new one:
 *
 * ```ts
 * // server: issue after normal authentication, redeem in the stream route
 * const streamTokens = createStreamTokens({ store: createMemoryStore() })
 * export async function POST(request: Request) {           // /api/stream-token
 *   const outcome = await jwt.verify(bearerToken(request))
 *   if (!outcome.ok) return Response.json({ error: outcome.error }, { status: 401 })
 *   return Response.json({ token: await streamTokens.issue({ ...outcome.user, channels: ['chat:1'] }) })
 * }
 * export async function GET(request: Request) {            // /api/stream
 *   const outcome = await streamTokens.redeem(new URL(request.url).searchParams.get('token'))
 *   if (!outcome.ok) return Response.json({ error: outcome.error }, { status: 401 })
 *   // … open the event stream for outcome.user
 * }
 *
 * // client: a new token before every (re)connect
 * async function connect() {
 *   const { token } = await (await fetch('/api/stream-token', { method: 'POST', headers })).json()
 *   const source = new EventSource(`/api/stream?token=${encodeURIComponent(token)}`)
 *   source.onerror = () => { source.close(); setTimeout(connect, 1000) }
 * }
 * ```
 */
export function createStreamTokens(options: StreamTokensOptions): StreamTokens {
  const { store } = options;
  const ttlMs = options.ttlMs ?? 30_000;
  const keyPrefix = options.keyPrefix ?? 'rk:st:';
  const now = options.now ?? Date.now;
  if (!Number.isInteger(ttlMs) || ttlMs <= 0)
    throw new RangeError(`ttlMs must be a positive integer, got ${String(ttlMs)}`);

  return {
    async issue(user) {
      if (typeof user.userId !== 'string' || user.userId === '')
        throw new TypeError('issue() needs a user with a userId');
      const token = base64url.encode(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES)));
      const stored: StoredToken = { user: pickUser(user), expiresAt: now() + ttlMs };
      await store.put(keyPrefix + token, JSON.stringify(stored), ttlMs);
      return token;
    },

    async redeem(token) {
      if (token === null || token === undefined || token === '') return refuse('unauthorized', 'no token');
      if (!TOKEN_PATTERN.test(token)) return refuse('unauthorized', 'malformed stream token');
      const raw = await store.take(keyPrefix + token);
      if (raw === null) return refuse('unauthorized', USED_OR_EXPIRED);
      const stored = parseStored(raw);
      if (stored === null) return refuse('unauthorized', 'unreadable stream token');
      const at = now();
      if (stored.expiresAt <= at) return refuse('unauthorized', USED_OR_EXPIRED);
      if (stored.user.expiresAt !== undefined && stored.user.expiresAt <= at) {
        return refuse('token_expired', 'the credentials this stream token was issued for have expired');
      }
      return { ok: true, user: stored.user };
    },
  };
}

/** Keeps only the fields a stream token carries (not, say, every JWT claim). */
function pickUser(user: StreamTokenUser): StreamTokenUser {
  return {
    userId: user.userId,
    ...(user.expiresAt === undefined ? {} : { expiresAt: user.expiresAt }),
    ...(user.channels === undefined ? {} : { channels: [...user.channels] }),
  };
}

function parseStored(raw: string): StoredToken | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { user, expiresAt } = value as { user?: unknown; expiresAt?: unknown };
  if (typeof expiresAt !== 'number' || typeof user !== 'object' || user === null) return null;
  const {
    userId,
    expiresAt: userExpiresAt,
    channels,
  } = user as { userId?: unknown; expiresAt?: unknown; channels?: unknown };
  if (typeof userId !== 'string') return null;
  if (userExpiresAt !== undefined && typeof userExpiresAt !== 'number') return null;
  if (channels !== undefined && !(Array.isArray(channels) && channels.every((channel) => typeof channel === 'string')))
    return null;
  return { user: pickUser({ userId, expiresAt: userExpiresAt, channels }), expiresAt };
}
