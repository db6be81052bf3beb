import { describe, expect, it } from 'vitest';
import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import { classifyClose, describeCause, type WebSocketOutcome, type WebSocketVerdict } from './classify-close.js';
import { CLOSE_CODES } from './types.js';

const url = 'wss://api.test/live';
const fresh = { url, reauthenticated: false };
const afterReauth = { url, reauthenticated: true };

function closeWith(code: number, reason = '', cause?: unknown): WebSocketOutcome {
  return { type: 'close', code, reason, cause };
}

type Expected = ['retry', RealtimeErrorCode, 'backoff' | 'longer'] | ['stop' | 'reauthenticate', RealtimeErrorCode];

function expectVerdict(verdict: WebSocketVerdict, expected: Expected) {
  const [action, code, wait] = expected;
  expect(verdict.action).toBe(action);
  expect(verdict.error).toBeInstanceOf(RealtimeError);
  expect(verdict.error.code).toBe(code);
  expect(verdict.error.retryable).toBe(action !== 'stop');
  expect(verdict.error.message).toContain(url);
  if (verdict.action === 'retry') expect(verdict.wait).toBe(wait);
}

/** Every code with a rule of its own; everything else is covered by the range sweeps below. */
const TABLE: [number, Expected][] = [
  [1000, ['retry', 'closed', 'backoff']],
  [1001, ['retry', 'closed', 'backoff']],
  [1002, ['retry', 'bad_frame', 'backoff']],
  [1003, ['retry', 'bad_frame', 'backoff']],
  [1004, ['retry', 'network', 'backoff']],
  [1005, ['retry', 'closed', 'backoff']],
  [1006, ['retry', 'network', 'backoff']],
  [1007, ['retry', 'bad_frame', 'backoff']],
  [1008, ['stop', 'policy_violation']],
  [1009, ['stop', 'message_too_large']],
  [1010, ['retry', 'network', 'backoff']],
  [1011, ['retry', 'server_error', 'backoff']],
  [1012, ['retry', 'server_error', 'backoff']],
  [1013, ['retry', 'server_error', 'longer']],
  [1014, ['retry', 'server_error', 'backoff']],
  [1015, ['retry', 'network', 'backoff']],
  [CLOSE_CODES.UNAUTHORIZED, ['reauthenticate', 'unauthorized']],
  [CLOSE_CODES.FORBIDDEN, ['stop', 'unauthorized']],
  [CLOSE_CODES.RATE_LIMITED, ['retry', 'rate_limited', 'backoff']],
];

describe('classifyClose: close codes', () => {
  for (const [code, expected] of TABLE) {
    it(`${code} → ${expected.join(' ')}`, () => {
      expectVerdict(classifyClose(closeWith(code), fresh), expected);
    });
  }

  it('stops with unauthorized on a second 4401 right after re-authenticating, telling the user to fix auth()', () => {
    const verdict = classifyClose(closeWith(4401, 'expired'), afterReauth);
    expectVerdict(verdict, ['stop', 'unauthorized']);
    expect(verdict.error.message).toMatch(/auth\(\)/);
    expect(verdict.error.message).toMatch(/reconnect\(\)/);
  });

  it('decides every other code the same with or without a preceding re-authentication', () => {
    for (const [code, expected] of TABLE) {
      if (code !== CLOSE_CODES.UNAUTHORIZED) expectVerdict(classifyClose(closeWith(code), afterReauth), expected);
    }
  });

  it('stops with http_error on every application code 4000–4999 without a rule of its own', () => {
    const own = new Set<number>(Object.values(CLOSE_CODES));
    for (let code = 4000; code <= 4999; code++) {
      if (own.has(code)) continue;
      expectVerdict(classifyClose(closeWith(code), fresh), ['stop', 'http_error']);
    }
  });

  it('retries with network on library codes 3000–3999, unassigned and out-of-range codes', () => {
    const codes = [0, 1, 999, 1016, 1999, 2000, 2999, 3000, 3500, 3999, 5000, 65_535];
    for (const code of codes) expectVerdict(classifyClose(closeWith(code), fresh), ['retry', 'network', 'backoff']);
  });

  it('puts the code and the reason in the message', () => {
    const verdict = classifyClose(closeWith(1011, 'database down'), fresh);
    expect(verdict.error.message).toContain('1011');
    expect(verdict.error.message).toContain('"database down"');
  });

  it('keeps the error event of a 1006 as its cause and in its message', () => {
    const event = {
      type: 'error',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
      error: new Error('connect ECONNREFUSED'),
    };
    const verdict = classifyClose(closeWith(1006, '', event), fresh);
    expect(verdict.error.cause).toBe(event);
    expect(verdict.error.message).toContain('ECONNREFUSED');
  });

  it('says what to do in a stop message', () => {
    for (const code of [1008, 1009, 4403, 4400]) {
      expect(classifyClose(closeWith(code), fresh).error.message).toMatch(/reconnect\(\)|Not retried/);
    }
  });
});

describe('classifyClose: other outcomes', () => {
  it('retries with network when auth() throws, keeping the cause', () => {
    const cause = new Error('token endpoint down');
    const verdict = classifyClose({ type: 'auth-error', cause }, fresh);
    expectVerdict(verdict, ['retry', 'network', 'backoff']);
    expect(verdict.error.cause).toBe(cause);
    expect(verdict.error.message).toContain('token endpoint down');
  });

  it('retries when auth() throws a retryable RealtimeError, and stops with a non-retryable one as it is', () => {
    const retryable = new RealtimeError('unauthorized', 'try later', { retryable: true });
    expectVerdict(classifyClose({ type: 'auth-error', cause: retryable }, fresh), ['retry', 'network', 'backoff']);
    const loggedOut = new RealtimeError('unauthorized', `logged out of ${url}`);
    const verdict = classifyClose({ type: 'auth-error', cause: loggedOut }, fresh);
    expect(verdict).toEqual({ action: 'stop', error: loggedOut });
  });

  it('says "no reason given" when auth() rejects with nothing', () => {
    expect(classifyClose({ type: 'auth-error', cause: undefined }, fresh).error.message).toContain('no reason given');
  });

  it('stops with http_error when the constructor throws (a malformed URL cannot heal)', () => {
    const cause = new SyntaxError("The URL's scheme must be either 'ws' or 'wss'");
    const verdict = classifyClose({ type: 'socket-error', cause }, fresh);
    expectVerdict(verdict, ['stop', 'http_error']);
    expect(verdict.error.cause).toBe(cause);
    expect(verdict.error.message).toContain('scheme');
  });

  it('retries with heartbeat_timeout, saying whether the handshake or a ping went unanswered', () => {
    const silent = classifyClose({ type: 'heartbeat-timeout', timeoutMs: 10_000, opening: false }, fresh);
    expectVerdict(silent, ['retry', 'heartbeat_timeout', 'backoff']);
    expect(silent.error.message).toMatch(/10000 ms of a ping/);
    const opening = classifyClose({ type: 'heartbeat-timeout', timeoutMs: 3000, opening: true }, fresh);
    expectVerdict(opening, ['retry', 'heartbeat_timeout', 'backoff']);
    expect(opening.error.message).toMatch(/did not open within 3000 ms/);
  });

  it('throws on an outcome that is not in the union', () => {
    expect(() => classifyClose({ type: 'bogus' } as unknown as WebSocketOutcome, fresh)).toThrow(/Unexpected/);
  });
});

describe('describeCause', () => {
  it('reads errors, ws error events, browser events, and anything else', () => {
    expect(describeCause(new Error('boom'))).toBe('boom');
    expect(describeCause({ message: 'ws said', error: new Error('inner') })).toBe('inner');
    expect(describeCause({ message: 'only message' })).toBe('only message');
    expect(describeCause({ type: 'error' })).toBe('');
    expect(describeCause('text')).toBe('text');
    expect(describeCause(undefined)).toBe('');
  });
});
