import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../errors.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import {
  createReconnectEngine,
  STABLE_SESSION_MS,
  type Attempt,
  type AttemptEnd,
  type ReconnectEngineOptions,
} from './reconnect-engine.js';

const NO_JITTER = { random: () => 1 } as const;
const boom = (code: 'network' | 'unauthorized' | 'session_gone' = 'network') => new RealtimeError(code, code);

function setup(options: Partial<ReconnectEngineOptions> = {}) {
  const network = createTestNetwork();
  const attempts: Attempt[] = [];
  const ends: AttemptEnd[] = [];
  const engine = createReconnectEngine({
    begin: (attempt) => attempts.push(attempt),
    end: (_attempt, why) => ends.push(why),
    network,
    backoff: { minMs: 1000, maxMs: 30_000, factor: 2, ...NO_JITTER },
    ...options,
  });
  const last = () => attempts[attempts.length - 1]!;
  return { engine, network, attempts, ends, last, state: () => engine.getSnapshot() };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createReconnectEngine', () => {
  it('stays idle until connect() or a first subscriber, then makes one attempt', () => {
    const { engine, attempts, state } = setup();
    expect(state().status).toBe('idle');
    expect(attempts).toHaveLength(0);
    const off = engine.subscribe(() => {});
    expect(attempts).toHaveLength(1);
    expect(state().status).toBe('connecting');
    engine.connect();
    expect(attempts).toHaveLength(1);
    off();
  });

  it('opens, then on failure waits the backoff and tries again; open resets the count', async () => {
    const { engine, attempts, last, state } = setup();
    engine.connect();
    last().open();
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null });
    last().fail({ action: 'retry', error: boom() });
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 1000, retryAt: 1000 });
    expect(last().signal.aborted).toBe(true);
    expect(last().live()).toBe(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(2);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: null });
    last().fail({ action: 'retry', error: boom() });
    expect(state().retryInMs).toBe(2000);
    await vi.advanceTimersByTimeAsync(2000);
    last().open();
    expect(state()).toMatchObject({ status: 'open', attempt: 0 });
  });

  it("waits a verdict's delay (a server's Retry-After) instead of the backoff", () => {
    const { engine, last, state } = setup();
    engine.connect();
    last().fail({ action: 'retry', error: boom(), delayMs: 7000 });
    expect(state().retryInMs).toBe(7000);
  });

  it('ignores fail() and open() of an attempt that is no longer current', () => {
    const { engine, attempts, last, state } = setup();
    engine.connect();
    const first = last();
    engine.reconnect();
    expect(attempts).toHaveLength(2);
    first.fail({ action: 'stop', error: boom() });
    first.open();
    expect(state().status).toBe('connecting');
  });

  it('stops on a stop verdict: closed with the error, no timer, no network listener', () => {
    const { engine, last, state, network } = setup();
    engine.connect();
    last().fail({ action: 'stop', error: boom('unauthorized') });
    expect(state()).toMatchObject({ status: 'closed', attempt: 1, retryInMs: null });
    expect(state().error?.code).toBe('unauthorized');
    expect(vi.getTimerCount()).toBe(0);
    network.goOffline();
    expect(state().status).toBe('closed');
  });

  it('reauthenticates at once, and stops when the fresh credentials are refused too', () => {
    const { engine, attempts, last, state } = setup();
    engine.connect();
    last().fail({ action: 'reauthenticate', error: boom('unauthorized') });
    expect(state()).toMatchObject({ status: 'reconnecting', retryInMs: 0 });
    expect(engine.reauthenticated).toBe(true);
    vi.advanceTimersByTime(0);
    expect(attempts).toHaveLength(2);
    last().fail({ action: 'reauthenticate', error: boom('unauthorized') });
    expect(state().status).toBe('closed');
  });

  it('reauthenticates at once again once credentials were accepted (a message arrived) in between', () => {
    const { engine, attempts, last, state } = setup();
    engine.connect();
    last().fail({ action: 'reauthenticate', error: boom('unauthorized') });
    vi.advanceTimersByTime(0);
    last().open(false);
    expect(engine.reauthenticated).toBe(true);
    last().acceptCredentials();
    last().fail({ action: 'reauthenticate', error: boom('unauthorized') });
    expect(state()).toMatchObject({ status: 'reconnecting', retryInMs: 0 });
    vi.advanceTimersByTime(0);
    expect(attempts).toHaveLength(3);
  });

  it('grants a retry "at once" once; while the sessions after it do not last, the next ones wait a backoff', () => {
    const { engine, last, state } = setup();
    engine.connect();
    last().open();
    const gone = { action: 'retry', error: boom('session_gone'), delayMs: 0 } as const;
    last().fail(gone);
    expect(state().retryInMs).toBe(0);
    vi.advanceTimersByTime(0);
    last().open();
    last().fail(gone);
    expect(state().retryInMs).toBe(1000);
    vi.advanceTimersByTime(1000);
    last().open();
    last().fail(gone);
    expect(state().retryInMs).toBe(2000);
    vi.advanceTimersByTime(2000);
    last().open();
    vi.advanceTimersByTime(STABLE_SESSION_MS);
    last().fail(gone);
    expect(state().retryInMs).toBe(0);
  });

  it('goes offline (attempt ended, timer cleared) and connects at once when back online', () => {
    const { engine, attempts, ends, last, state, network } = setup();
    engine.connect();
    last().fail({ action: 'retry', error: boom() });
    network.goOffline();
    expect(state()).toMatchObject({ status: 'offline', retryInMs: null, retryAt: null });
    expect(vi.getTimerCount()).toBe(0);
    network.goOnline();
    expect(attempts).toHaveLength(2);
    last().open();
    network.goOffline();
    expect(ends).toEqual(['failed', 'offline']);
    expect(last().signal.aborted).toBe(true);
  });

  it('starts offline without an attempt when the network is down', () => {
    const network = createTestNetwork({ online: false });
    const { engine, attempts, state } = setup({ network });
    engine.connect();
    expect(state().status).toBe('offline');
    expect(attempts).toHaveLength(0);
    network.goOnline();
    expect(attempts).toHaveLength(1);
  });

  it('cuts a backoff short when the page becomes visible, and asks an open connection to probe itself', () => {
    const visibleWhileOpen = vi.fn();
    const { engine, attempts, last, network } = setup({ visibleWhileOpen });
    engine.connect();
    last().fail({ action: 'retry', error: boom() });
    network.becomeVisible();
    expect(attempts).toHaveLength(2);
    last().open();
    network.becomeVisible();
    expect(visibleWhileOpen).toHaveBeenCalledTimes(1);
  });

  it('close() ends everything; connect() or reconnect() starts over from 0 failures', () => {
    const { engine, attempts, ends, last, state } = setup();
    engine.connect();
    last().fail({ action: 'retry', error: boom() });
    engine.close();
    expect(state()).toMatchObject({ status: 'closed', attempt: 0, error: null, retryInMs: null });
    expect(vi.getTimerCount()).toBe(0);
    engine.connect();
    expect(attempts).toHaveLength(2);
    expect(state()).toMatchObject({ status: 'connecting', attempt: 0 });
    engine.reconnect();
    expect(ends).toEqual(['failed', 'reconnect']);
    expect(attempts).toHaveLength(3);
  });

  it('notifies subscribers only when what the state shows changed', () => {
    let resumeFrom: string | null = 'a';
    const { engine, last } = setup({ lastEventId: () => resumeFrom });
    expect(engine.getSnapshot().lastEventId).toBe('a');
    const seen = vi.fn();
    engine.subscribe(seen);
    last().open();
    const calls = seen.mock.calls.length;
    engine.refresh();
    expect(seen).toHaveBeenCalledTimes(calls);
    resumeFrom = 'b';
    engine.refresh();
    expect(seen).toHaveBeenCalledTimes(calls + 1);
    expect(engine.getSnapshot().lastEventId).toBe('b');
  });

  it('refuses invalid backoff options at creation, not later inside a failure', () => {
    expect(() => setup({ backoff: { minMs: 10, maxMs: 1 } })).toThrow(RangeError);
  });
});
