import { createChannelHub, type ChannelBroker, type ChannelHub } from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthenticationResult } from '../auth/result.js';
import type { ServerEvent } from '../events.js';
import { createRealtime } from '../realtime.js';
import { channelScopeOf, checkCredentials, createAdmission, type CredentialsCheck } from './admission.js';

afterEach(() => {
  vi.useRealTimers();
});

function admissionWith(options: { checkOrigin?: (origin: string | null) => boolean } = {}) {
  const events: ServerEvent[] = [];
  const errors: unknown[] = [];
  const admission = createAdmission(
    { ...options, onEvent: (event) => events.push(event), onError: (error) => errors.push(error) },
    'test endpoint',
  );
  return { admission, events, errors };
}

const check = (answer: () => AuthenticationResult | Promise<AuthenticationResult>): CredentialsCheck => ({
  transport: 'websocket',
  authenticate: answer,
  refusal: 'no token',
});

describe('createAdmission: the hub', () => {
  it('is the endpoint’s own hub, else realtime’s, else a new one made once', async () => {
    const own = createChannelHub<ChannelBroker>();
    const realtime = await createRealtime({ redis: false });
    expect(createAdmission({ hub: own, realtime }, 'x').hub).toBe(own);
    expect(createAdmission({ realtime }, 'x').hub).toBe(realtime.hub);
    const made = vi.fn(() => createChannelHub<ChannelBroker>());
    const admission = createAdmission<ChannelHub<ChannelBroker>>({}, 'x', made);
    expect(made).toHaveBeenCalledTimes(1);
    expect(admission.hub).toBe(made.mock.results[0]?.value);
    await realtime.close();
  });

  it('reports to the endpoint’s onEvent, else realtime’s; a throwing listener goes to onError', async () => {
    const fromRealtime: ServerEvent[] = [];
    const realtime = await createRealtime({ redis: false, onEvent: (event) => fromRealtime.push(event) });
    createAdmission({ realtime }, 'x').report({
      type: 'connect',
      transport: 'sse',
      connectionId: 'c',
      userId: undefined,
    });
    expect(fromRealtime).toHaveLength(1);
    const onError = vi.fn();
    const throwing = createAdmission(
      {
        onEvent: () => {
          throw new Error('listener');
        },
        onError,
      },
      'x',
    );
    throwing.report({ type: 'connect', transport: 'sse', connectionId: 'c', userId: undefined });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener' }));
    await realtime.close();
  });
});

describe('createAdmission: origin, then credentials', () => {
  it('refuses an origin that is not allowed, reported once, before asking authenticate', async () => {
    const { admission, events } = admissionWith({ checkOrigin: (origin) => origin === 'https://app.example' });
    const authenticate = vi.fn(() => ({ userId: 'ann' }));
    const refused = await admission.admit('https://evil.example', check(authenticate));
    expect(refused).toEqual({
      ok: false,
      code: 'forbidden',
      check: 'origin',
      message: expect.stringContaining('https://evil.example'),
    });
    expect(authenticate).not.toHaveBeenCalled();
    expect(events).toEqual([
      { type: 'auth_failure', transport: 'websocket', code: 'forbidden', reason: expect.stringContaining('evil') },
    ]);
    expect(await admission.admit('https://app.example', check(authenticate))).toEqual({
      ok: true,
      user: { userId: 'ann' },
    });
    expect(events).toHaveLength(1);
  });

  it('refuses when checkOrigin throws, and says why to onError', async () => {
    const { admission, errors } = admissionWith({
      checkOrigin: () => {
        throw new Error('bad rule');
      },
    });
    expect(
      await admission.admit(
        null,
        check(() => ({ userId: 'ann' })),
      ),
    ).toMatchObject({ ok: false, code: 'forbidden', check: 'origin' });
    expect(errors).toEqual([expect.objectContaining({ message: 'bad rule' })]);
  });

  it('admits anonymously without authenticate', async () => {
    const { admission, events } = admissionWith();
    expect(await admission.admit(null, { transport: 'sse', authenticate: undefined, refusal: 'x' })).toEqual({
      ok: true,
      user: undefined,
    });
    expect(events).toEqual([]);
  });

  it('reads every answer of authenticate one way: null, a typed refusal, a past expiresAt, a verifier’s { ok, user }', async () => {
    const { admission, events } = admissionWith();
    expect(
      await admission.admit(
        null,
        check(() => null),
      ),
    ).toEqual({ ok: false, code: 'unauthorized', check: 'authenticate', message: 'no token' });
    expect(
      await admission.admit(
        null,
        check(() => ({ ok: false, error: { code: 'token_expired', message: 'Expired.' } })),
      ),
    ).toEqual({
      ok: false,
      code: 'token_expired',
      check: 'authenticate',
      message: 'Expired.',
    });
    expect(
      await admission.admit(
        null,
        check(() => ({ userId: 'ann', expiresAt: Date.now() - 1 })),
      ),
    ).toMatchObject({ ok: false, code: 'token_expired' });
    expect(
      await admission.admit(
        null,
        check(async () => ({ ok: true, user: { userId: 'bob', channels: ['a'] } })),
      ),
    ).toEqual({ ok: true, user: { userId: 'bob', channels: ['a'] } });
    expect(events.map((event) => event.type === 'auth_failure' && event.code)).toEqual([
      'unauthorized',
      'token_expired',
      'token_expired',
    ]);
  });

  it('answers a throwing authenticate with server_error: to onError, not to onEvent (not the client’s doing)', async () => {
    const { admission, events, errors } = admissionWith();
    const refused = await admission.admit(
      null,
      check(() => Promise.reject(new Error('db down'))),
    );
    expect(refused).toMatchObject({ ok: false, code: 'server_error', check: 'authenticate' });
    expect(errors).toEqual([expect.objectContaining({ message: 'db down' })]);
    expect(events).toEqual([]);
  });

  it('checkCredentials runs without a hub or a report (route handlers of their own)', async () => {
    const onError = vi.fn();
    expect(
      await checkCredentials(
        check(() => null),
        { onError },
      ),
    ).toMatchObject({ ok: false, code: 'unauthorized' });
    // An answer of the wrong shape is the server's failure, never a crash of the handler.
    expect(
      await checkCredentials(
        check(() => 'ann' as unknown as AuthenticationResult),
        { onError },
      ),
    ).toMatchObject({ ok: false, code: 'server_error' });
    expect(onError).toHaveBeenCalledTimes(1);
  });
});

describe('createAdmission: token expiry', () => {
  it('at expiresAt reports token_expired with the user and ends the connection; cancelled with it', async () => {
    vi.useFakeTimers();
    const { admission, events } = admissionWith();
    const ended = vi.fn();
    admission.expireWith({ userId: 'ann', expiresAt: Date.now() + 1000 }, 'sse-post', ended);
    const cancelled = vi.fn();
    const cancel = admission.expireWith({ userId: 'bob', expiresAt: Date.now() + 1000 }, 'sse', cancelled);
    await vi.advanceTimersByTimeAsync(999);
    expect(ended).not.toHaveBeenCalled();
    cancel();
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
    expect(events).toEqual([
      { type: 'auth_failure', transport: 'sse-post', code: 'token_expired', reason: 'token expired', userId: 'ann' },
    ]);
  });

  it('times nothing without expiresAt, or past what a timer can wait', async () => {
    vi.useFakeTimers();
    const { admission } = admissionWith();
    const ended = vi.fn();
    admission.expireWith(undefined, 'websocket', ended);
    admission.expireWith({ userId: 'ann' }, 'websocket', ended);
    admission.expireWith({ userId: 'ann', expiresAt: Date.now() + 2 ** 31 }, 'websocket', ended);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('channelScopeOf', () => {
  it('passes a scoped token’s channels to hub.connect, nothing otherwise', () => {
    expect(channelScopeOf(undefined)).toEqual({});
    expect(channelScopeOf({ userId: 'ann' })).toEqual({});
    expect(channelScopeOf({ userId: 'ann', channels: ['a'] })).toEqual({ channels: ['a'] });
  });
});
