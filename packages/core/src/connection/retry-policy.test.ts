import { describe, expect, it } from 'vitest';
import { RealtimeError } from '../errors.js';
import type { AttemptVerdict } from './reconnect-engine.js';
import { createRetryPolicy, STABLE_SESSION_MS } from './retry-policy.js';

const error = new RealtimeError('network', 'lost');
const retry = (delayMs?: number): AttemptVerdict =>
  delayMs === undefined ? { action: 'retry', error } : { action: 'retry', error, delayMs };
const reauthenticate: AttemptVerdict = {
  action: 'reauthenticate',
  error: new RealtimeError('unauthorized', 'token expired'),
};

/** A backoff that shows which failure it was asked about. */
const retryDelay = (failures: number) => failures * 100;

describe('createRetryPolicy', () => {
  it('waits the backoff of the failure count, or the delay the verdict names', () => {
    const policy = createRetryPolicy(retryDelay);
    expect(policy(retry(), 1, 0, false)).toBe(100);
    expect(policy(retry(), 3, 0, false)).toBe(300);
    expect(policy(retry(2500), 4, 0, false)).toBe(2500);
  });

  it('stops on a stop verdict', () => {
    expect(createRetryPolicy(retryDelay)({ action: 'stop', error }, 1, 0, false)).toBeNull();
  });

  it('asks for fresh credentials at once, and stops when they were refused as well', () => {
    const policy = createRetryPolicy(retryDelay);
    expect(policy(reauthenticate, 1, 0, false)).toBe(0);
    expect(policy(reauthenticate, 2, 0, true)).toBeNull();
  });

  it('grants one retry at once; the next ones in a row wait a backoff counted from the first', () => {
    const policy = createRetryPolicy(retryDelay);
    expect(policy(retry(0), 1, 0, false)).toBe(0);
    expect(policy(retry(0), 2, 500, false)).toBe(100);
    expect(policy(reauthenticate, 3, 500, false)).toBe(200);
  });

  it('grants at once again after a session that lasted, and a new policy starts over', () => {
    const policy = createRetryPolicy(retryDelay);
    expect(policy(retry(0), 1, 0, false)).toBe(0);
    expect(policy(retry(0), 1, STABLE_SESSION_MS - 1, false)).toBe(100);
    expect(policy(retry(0), 1, STABLE_SESSION_MS, false)).toBe(0);
    expect(policy(retry(0), 2, 0, false)).toBe(100);
    expect(createRetryPolicy(retryDelay)(retry(0), 2, 0, false)).toBe(0);
  });
});
