import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bearerToken,
  createJwtVerifier,
  DEFAULT_MAX_TOKEN_AGE_MS,
  MIN_JWT_SECRET_BYTES,
  type AuthOutcome,
} from './jwt.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const secretKey = new TextEncoder().encode(SECRET);

async function hs256(
  payload: JWTPayload,
  options: { secret?: Uint8Array; alg?: string; expiresIn?: string | number } = {},
) {
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  return jwt.sign(options.secret ?? secretKey);
}

function expectRefused(outcome: AuthOutcome, code: 'unauthorized' | 'token_expired', message: RegExp) {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.error.code).toBe(code);
  expect(outcome.error.message).toMatch(message);
  expect(outcome.error.message).not.toContain(SECRET);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createJwtVerifier with a shared secret', () => {
  const jwt = createJwtVerifier({ secret: SECRET, audience: 'realtime', issuer: 'https://auth.example.com' });
  const claims = { sub: 'user-1', aud: 'realtime', iss: 'https://auth.example.com', role: 'admin' };

  it('accepts a valid token and returns the user, its expiry and claims', async () => {
    const token = await hs256(claims, { expiresIn: '10m' });
    const outcome = await jwt.verify(token);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.user.userId).toBe('user-1');
    expect(outcome.user.claims.role).toBe('admin');
    expect(outcome.user.expiresAt).toBe((outcome.user.claims.exp as number) * 1000);
  });

  it('leaves expiresAt out for a token without exp when maxTokenAgeMs is false', async () => {
    const unbounded = createJwtVerifier({
      secret: SECRET,
      audience: 'realtime',
      issuer: 'https://auth.example.com',
      maxTokenAgeMs: false,
    });
    const outcome = await unbounded.verify(await hs256(claims));
    expect(outcome.ok && outcome.user.expiresAt).toBeUndefined();
    expect(outcome.ok && 'expiresAt' in outcome.user).toBe(false);
  });

  it('refuses a missing token with "no token"', async () => {
    expectRefused(await jwt.verify(null), 'unauthorized', /^no token$/);
    expectRefused(await jwt.verify(undefined), 'unauthorized', /^no token$/);
    expectRefused(await jwt.verify(''), 'unauthorized', /^no token$/);
  });

  it('refuses an expired token with token_expired', async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1), toFake: ['Date'] });
    const token = await hs256(claims, { expiresIn: '60s' });
    expect((await jwt.verify(token)).ok).toBe(true);
    vi.advanceTimersByTime(60_000);
    expectRefused(await jwt.verify(token), 'token_expired', /expired/);
  });

  it('honours clockToleranceSeconds', async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1), toFake: ['Date'] });
    const tolerant = createJwtVerifier({ secret: SECRET, clockToleranceSeconds: 30 });
    const token = await hs256({ sub: 'u' }, { expiresIn: '60s' });
    vi.advanceTimersByTime(80_000);
    expect((await tolerant.verify(token)).ok).toBe(true);
    vi.advanceTimersByTime(20_000);
    expectRefused(await tolerant.verify(token), 'token_expired', /expired/);
  });

  it('refuses a token signed with another secret', async () => {
    const token = await hs256(claims, { secret: new TextEncoder().encode('another-secret-another-secret-123') });
    expectRefused(await jwt.verify(token), 'unauthorized', /signature verification failed/);
  });

  it('refuses a token for another audience', async () => {
    const token = await hs256({ ...claims, aud: 'billing' });
    expectRefused(await jwt.verify(token), 'unauthorized', /"aud"/);
  });

  it('refuses a token from another issuer', async () => {
    const token = await hs256({ ...claims, iss: 'https://evil.example.com' });
    expectRefused(await jwt.verify(token), 'unauthorized', /"iss"/);
  });

  it('refuses a token that is not valid yet', async () => {
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setNotBefore('1h').sign(secretKey);
    expectRefused(await jwt.verify(token), 'unauthorized', /"nbf"/);
  });

  it('refuses a token without the user id claim', async () => {
    const { sub: _sub, ...withoutSub } = claims;
    expectRefused(await jwt.verify(await hs256(withoutSub)), 'unauthorized', /no "sub" claim/);
    expectRefused(await jwt.verify(await hs256({ ...claims, sub: '' })), 'unauthorized', /no "sub" claim/);
  });

  it('refuses a malformed token', async () => {
    expectRefused(await jwt.verify('not-a-jwt'), 'unauthorized', /invalid token: malformed/);
    expectRefused(await jwt.verify('a.b.c'), 'unauthorized', /invalid token/);
  });

  it('refuses an algorithm that is not allowed (HS512 when HS256 is expected)', async () => {
    const token = await hs256(claims, { alg: 'HS512' });
    expectRefused(await jwt.verify(token), 'unauthorized', /algorithm not allowed/);
  });

  it('refuses an unsigned (alg none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expectRefused(await jwt.verify(`${header}.${body}.`), 'unauthorized', /invalid token/);
  });

  it('reads the user id from a custom claim', async () => {
    const custom = createJwtVerifier({ secret: secretKey, userIdClaim: 'uid' });
    const outcome = await custom.verify(await hs256({ sub: 'ignored', uid: 'u-42' }));
    expect(outcome.ok && outcome.user.userId).toBe('u-42');
    expectRefused(await custom.verify(await hs256({ sub: 'x' })), 'unauthorized', /no "uid" claim/);
    expectRefused(await custom.verify(await hs256({ uid: 42 })), 'unauthorized', /no "uid" claim/);
  });

  it('accepts other HMAC algorithms when listed', async () => {
    const hs512 = createJwtVerifier({ secret: SECRET, algorithms: ['HS512'] });
    expect((await hs512.verify(await hs256({ sub: 'u' }, { alg: 'HS512' }))).ok).toBe(true);
    expectRefused(await hs512.verify(await hs256({ sub: 'u' })), 'unauthorized', /algorithm not allowed/);
  });
});

describe('createJwtVerifier options', () => {
  it('needs exactly one key source', () => {
    expect(() => createJwtVerifier({})).toThrow(TypeError);
    expect(() => createJwtVerifier({ secret: SECRET, jwksUrl: 'https://example.com/jwks' })).toThrow(/exactly one/);
  });

  it('refuses an empty secret, a publicKey without algorithms and bad tolerances', async () => {
    expect(() => createJwtVerifier({ secret: '' })).toThrow(TypeError);
    const { publicKey } = await generateKeyPair('ES256');
    expect(() => createJwtVerifier({ publicKey })).toThrow(/algorithms/);
    expect(() => createJwtVerifier({ secret: SECRET, clockToleranceSeconds: -1 })).toThrow(RangeError);
    expect(() => createJwtVerifier({ secret: SECRET, userIdClaim: '' })).toThrow(TypeError);
  });
});

describe('createJwtVerifier: secret length and token lifetime', () => {
  const HOUR = 60 * 60 * 1000;

  it(`refuses secrets shorter than ${MIN_JWT_SECRET_BYTES} bytes with a RangeError naming the minimum`, () => {
    expect(() => createJwtVerifier({ secret: 'x' })).toThrow(RangeError);
    expect(() => createJwtVerifier({ secret: 'x' })).toThrow(/at least 32 bytes, got 1/);
    expect(() => createJwtVerifier({ secret: new Uint8Array(31) })).toThrow(/at least 32 bytes, got 31/);
    // Bytes, not characters: 11 three-byte characters are 33 bytes.
    expect(() => createJwtVerifier({ secret: '€'.repeat(11) })).not.toThrow();
    expect(() => createJwtVerifier({ secret: new Uint8Array(32) })).not.toThrow();
  });

  it('refuses a maxTokenAgeMs that is not a positive number or false', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createJwtVerifier({ secret: SECRET, maxTokenAgeMs: bad })).toThrow(RangeError);
    }
  });

  it('refuses a token without exp once maxTokenAgeMs (default 24 h) has passed since iat, and bounds expiresAt by it', async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1), toFake: ['Date'] });
    const jwt = createJwtVerifier({ secret: SECRET });
    const token = await hs256({ sub: 'u' });
    const outcome = await jwt.verify(token);
    expect(outcome.ok && outcome.user.expiresAt).toBe(Date.UTC(2030, 0, 1) + DEFAULT_MAX_TOKEN_AGE_MS);
    vi.advanceTimersByTime(DEFAULT_MAX_TOKEN_AGE_MS - 1000);
    expect((await jwt.verify(token)).ok).toBe(true);
    vi.advanceTimersByTime(1000);
    expectRefused(await jwt.verify(token), 'token_expired', /issued more than 86400000 ms ago/);
  });

  it('applies maxTokenAgeMs to tokens whose exp is later, and leaves an earlier exp alone', async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1), toFake: ['Date'] });
    const jwt = createJwtVerifier({ secret: SECRET, maxTokenAgeMs: HOUR });
    const longLived = await hs256({ sub: 'u' }, { expiresIn: '30d' });
    const outcome = await jwt.verify(longLived);
    expect(outcome.ok && outcome.user.expiresAt).toBe(Date.UTC(2030, 0, 1) + HOUR);
    const shortLived = await hs256({ sub: 'u' }, { expiresIn: '10m' });
    const short = await jwt.verify(shortLived);
    expect(short.ok && short.user.expiresAt).toBe(Date.UTC(2030, 0, 1) + 10 * 60_000);
    vi.advanceTimersByTime(HOUR);
    expectRefused(await jwt.verify(longLived), 'token_expired', /maxTokenAgeMs/);
  });

  it('refuses a token with neither exp nor iat (it would never expire), and one issued in the future', async () => {
    const jwt = createJwtVerifier({ secret: SECRET });
    const eternal = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
    expectRefused(await jwt.verify(eternal), 'unauthorized', /neither "exp" nor "iat"/);
    // With exp and no iat, exp decides.
    const withExp = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(secretKey);
    expect((await jwt.verify(withExp)).ok).toBe(true);
    const future = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) + 3600)
      .sign(secretKey);
    expectRefused(await jwt.verify(future), 'unauthorized', /"iat" is in the future/);
    // The opt-out accepts the eternal token as before.
    expect((await createJwtVerifier({ secret: SECRET, maxTokenAgeMs: false }).verify(eternal)).ok).toBe(true);
  });
});

describe('createJwtVerifier with a public key', () => {
  it('verifies ES256 tokens with a CryptoKey and with a JWK', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const token = await new SignJWT({ sub: 'u-es' })
      .setProtectedHeader({ alg: 'ES256' })
      .setExpirationTime('5m')
      .sign(privateKey);
    const byKey = createJwtVerifier({ publicKey, algorithms: ['ES256'] });
    expect((await byKey.verify(token)).ok).toBe(true);
    const byJwk = createJwtVerifier({ publicKey: await exportJWK(publicKey), algorithms: ['ES256'] });
    const outcome = await byJwk.verify(token);
    expect(outcome.ok && outcome.user.userId).toBe('u-es');
  });

  it('refuses a token signed by another key pair, and HMAC tokens', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const verifier = createJwtVerifier({ publicKey, algorithms: ['ES256'] });
    const token = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'ES256' }).sign(other.privateKey);
    expectRefused(await verifier.verify(token), 'unauthorized', /signature verification failed/);
    expectRefused(await verifier.verify(await hs256({ sub: 'u' })), 'unauthorized', /algorithm not allowed/);
  });
});

describe('createJwtVerifier with a JWKS URL', () => {
  let server: Server;
  let baseUrl: string;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let failing = false;

  beforeAll(async () => {
    keys = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((request, response) => {
      if (failing || request.url !== '/jwks.json') {
        response.writeHead(500).end('down');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('verifies a token whose kid is in the set', async () => {
    const verifier = createJwtVerifier({ jwksUrl: `${baseUrl}/jwks.json`, algorithms: ['RS256'] });
    const token = await new SignJWT({ sub: 'u-rs' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt()
      .sign(keys.privateKey);
    const outcome = await verifier.verify(token);
    expect(outcome.ok && outcome.user.userId).toBe('u-rs');
  });

  it('refuses a token whose kid is not in the set', async () => {
    const verifier = createJwtVerifier({ jwksUrl: new URL(`${baseUrl}/jwks.json`) });
    const other = await generateKeyPair('RS256');
    const token = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'RS256', kid: 'unknown' })
      .sign(other.privateKey);
    expectRefused(await verifier.verify(token), 'unauthorized', /no matching key/);
  });

  it('rejects (for a 503) when the JWKS endpoint fails', async () => {
    failing = true;
    try {
      const verifier = createJwtVerifier({ jwksUrl: `${baseUrl}/jwks.json` });
      const token = await new SignJWT({ sub: 'u' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .sign(keys.privateKey);
      await expect(verifier.verify(token)).rejects.toThrow();
    } finally {
      failing = false;
    }
  });
});

describe('bearerToken', () => {
  it('reads the token from a Fetch Request', () => {
    expect(bearerToken(new Request('http://x/', { headers: { Authorization: 'Bearer abc.def.ghi' } }))).toBe(
      'abc.def.ghi',
    );
    expect(bearerToken(new Request('http://x/', { headers: { authorization: 'bearer  tok ' } }))).toBe('tok');
  });

  it('reads the token from Node-style headers', () => {
    expect(bearerToken({ headers: { authorization: 'Bearer tok' } })).toBe('tok');
    expect(bearerToken({ headers: { authorization: ['Bearer first', 'Bearer second'] } })).toBe('first');
  });

  it('returns null without a bearer token', () => {
    expect(bearerToken(new Request('http://x/'))).toBeNull();
    expect(bearerToken({ headers: {} })).toBeNull();
    expect(bearerToken({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })).toBeNull();
    expect(bearerToken({ headers: { authorization: 'Bearer' } })).toBeNull();
    expect(bearerToken({ headers: { authorization: 'Bearer a b' } })).toBeNull();
  });
});
