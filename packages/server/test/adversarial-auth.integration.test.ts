// Attacks on JWT authentication, against a real WebSocket endpoint on 127.0.0.1 verifying with createJwtVerifier:
// a short HMAC secret (cracked offline from a single token), a stolen token without `exp` replayed a day later, a
// token with neither `exp` nor `iat`, and a connection held open on a token that never expires. Each is refused,
// typed (4401 `token_expired` / `unauthorized`, or a RangeError at start-up); a client with a fresh token still gets in.
import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  DEFAULT_MAX_TOKEN_AGE_MS,
  MIN_JWT_SECRET_BYTES,
  createJwtVerifier,
  type JwtVerifierOptions,
} from '../src/auth/jwt.js';
import type { ServerEvent } from '../src/index.js';
import { cleanup, onCleanup, startEndpoint, WAIT } from './ws-helpers.js';

afterEach(cleanup);

const SECRET = randomBytes(32);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A token for `sub`, signed with `secret`; `iat` / `exp` in seconds since the epoch, or left out. */
function sign(claims: { sub: string; iat?: number; exp?: number; role?: string }, secret: Uint8Array = SECRET) {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
}

/** A WebSocket endpoint authenticating with the verifier; its auth failures are recorded. */
async function server(options: Partial<JwtVerifierOptions> = {}) {
  const jwt = createJwtVerifier({ secret: SECRET, ...options });
  const events: ServerEvent[] = [];
  const running = await startEndpoint({
    authenticate: (token) => jwt.verify(token),
    onEvent: (event) => events.push(event),
    onError: () => {},
  });
  return { ...running, failures: () => events.flatMap((event) => (event.type === 'auth_failure' ? [event.code] : [])) };
}

/** Connects with `token`: 'open' once welcomed, else the close code and reason. */
function attempt(url: string, token: string) {
  const socket = new WebSocket(`${url}?token=${token}`);
  onCleanup(() => socket.terminate());
  socket.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const outcome = new Promise<{ code: number; reason: string } | 'open'>((resolve) => {
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'welcome') resolve('open');
    });
    void closed.then(resolve);
  });
  return { socket, outcome, closed };
}

/** The promise's value, or 'still open' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'still open'>((resolve) => (timer = setTimeout(() => resolve('still open'), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('JWT: weak secrets are refused at creation', () => {
  it(`a 1-byte HS256 secret is cracked from one token in at most 256 tries, so createJwtVerifier refuses anything under ${MIN_JWT_SECRET_BYTES} bytes`, async () => {
    // The attack: one token of a server with a 1-byte secret, brute-forced offline, then a forged admin token.
    const weak = Uint8Array.of(0xa7);
    const stolen = await sign({ sub: 'ann', exp: nowSeconds() + 300 }, weak);
    const [header, payload, signature] = stolen.split('.') as [string, string, string];
    let cracked: Uint8Array | undefined;
    for (let byte = 0; byte < 256 && cracked === undefined; byte += 1) {
      const guess = Uint8Array.of(byte);
      if (createHmac('sha256', guess).update(`${header}.${payload}`).digest('base64url') === signature) cracked = guess;
    }
    expect(cracked).toEqual(weak);
    const forged = await sign({ sub: 'admin', role: 'admin', exp: nowSeconds() + 300 }, cracked as Uint8Array);
    expect(decodeJwt(forged).sub).toBe('admin');

    // The refusal: such a server does not start.
    for (const secret of [weak, 'k', 'x'.repeat(MIN_JWT_SECRET_BYTES - 1), randomBytes(16)]) {
      expect(() => createJwtVerifier({ secret })).toThrow(RangeError);
      expect(() => createJwtVerifier({ secret })).toThrow(`at least ${MIN_JWT_SECRET_BYTES} bytes`);
    }
    expect(() => createJwtVerifier({ secret: 'x'.repeat(MIN_JWT_SECRET_BYTES) })).not.toThrow();
  });
});

describe('JWT: tokens without exp do not live forever', () => {
  it('a stolen token without exp replayed a day later → 4401 token_expired; one with neither exp nor iat → 4401 unauthorized; a fresh one gets in', async () => {
    const { url, endpoint, failures } = await server();
    const dayOld = await sign({ sub: 'ann', iat: nowSeconds() - DEFAULT_MAX_TOKEN_AGE_MS / 1000 - 60 });
    expect(await attempt(url, dayOld).outcome).toEqual({ code: 4401, reason: 'token_expired' });
    const eternal = await sign({ sub: 'ann' });
    expect(await attempt(url, eternal).outcome).toEqual({ code: 4401, reason: 'unauthorized' });
    // An `iat` set in the future would push the bound out: refused too.
    const postdated = await sign({ sub: 'ann', iat: nowSeconds() + 3600 });
    expect(await attempt(url, postdated).outcome).toEqual({ code: 4401, reason: 'unauthorized' });
    expect(failures()).toEqual(['token_expired', 'unauthorized', 'unauthorized']);

    // Well-behaved clients: a fresh token with exp, and one with only iat (younger than the bound).
    expect(await attempt(url, await sign({ sub: 'bob', iat: nowSeconds(), exp: nowSeconds() + 300 })).outcome).toBe(
      'open',
    );
    expect(await attempt(url, await sign({ sub: 'carol', iat: nowSeconds() - 60 })).outcome).toBe('open');
    await vi.waitFor(() => expect(endpoint.clients).toBe(2), WAIT);
  });

  it('a connection opened with a token without exp is closed 4401 once maxTokenAgeMs has passed since iat', async () => {
    const maxTokenAgeMs = 2000;
    const { url } = await server({ maxTokenAgeMs });
    const iat = nowSeconds();
    const held = attempt(url, await sign({ sub: 'ann', iat }));
    const fresh = attempt(url, await sign({ sub: 'bob', iat, exp: iat + 300 }));
    expect(await held.outcome).toBe('open');
    expect(await fresh.outcome).toBe('open');
    expect(await within(held.closed, maxTokenAgeMs + 3000)).toEqual({ code: 4401, reason: 'token expired' });
    // Not before the bound (the timer may fire a few ms early of the next whole second; iat has 1 s resolution).
    expect(Date.now()).toBeGreaterThanOrEqual(iat * 1000 + maxTokenAgeMs - 50);
    // The token with exp bounded by the same rule (min(exp, iat + maxTokenAgeMs)) goes then too; a new fresh token gets in.
    expect(await within(fresh.closed, 1000)).toEqual({ code: 4401, reason: 'token expired' });
    const next = attempt(url, await sign({ sub: 'bob', iat: nowSeconds(), exp: nowSeconds() + 300 }));
    expect(await next.outcome).toBe('open');
  });
});
