import { describe, expect, it } from 'vitest';
import { readAuthResult } from './result.js';

describe('readAuthResult', () => {
  it('reads every shape an authenticate may answer the same way', () => {
    expect(readAuthResult(null, 'no token')).toEqual({ ok: false, code: 'unauthorized', message: 'no token' });
    expect(readAuthResult(undefined, 'no token')).toEqual({ ok: false, code: 'unauthorized', message: 'no token' });
    expect(readAuthResult({ ok: false, error: { code: 'forbidden', message: 'nope' } }, 'x')).toEqual({
      ok: false,
      code: 'forbidden',
      message: 'nope',
    });
    expect(readAuthResult({ userId: 'ann' }, 'x')).toEqual({ ok: true, user: { userId: 'ann' } });
    expect(readAuthResult({ ok: true, user: { userId: 'ann', expiresAt: 2000 } }, 'x', 1000)).toEqual({
      ok: true,
      user: { userId: 'ann', expiresAt: 2000 },
    });
  });

  it('refuses a user whose expiresAt has passed as token_expired, in either shape', () => {
    expect(readAuthResult({ userId: 'ann', expiresAt: 1000 }, 'x', 1000)).toMatchObject({
      ok: false,
      code: 'token_expired',
    });
    expect(readAuthResult({ ok: true, user: { userId: 'ann', expiresAt: 999 } }, 'x', 1000)).toMatchObject({
      ok: false,
      code: 'token_expired',
    });
  });
});
