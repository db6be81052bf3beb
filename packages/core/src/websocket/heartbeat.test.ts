import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_HEARTBEAT, resolveHeartbeat } from './heartbeat.js';
import { setup } from './test-setup.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('resolveHeartbeat', () => {
  it('is on unless turned off: omitted and true give the defaults, false gives none', () => {
    expect(resolveHeartbeat(undefined)).toMatchObject(DEFAULT_HEARTBEAT);
    expect(resolveHeartbeat(true)).toMatchObject(DEFAULT_HEARTBEAT);
    expect(resolveHeartbeat({ timeoutMs: 5000 })).toMatchObject({
      intervalMs: DEFAULT_HEARTBEAT.intervalMs,
      timeoutMs: 5000,
    });
    expect(resolveHeartbeat(false)).toBeNull();
  });
});

describe('createWebSocketConnection: heartbeat by default', () => {
  it('treats a socket that receives nothing for 35 s (a ping unanswered) as dead and reconnects', async () => {
    const { last, sockets, state, codes, closes } = await setup();
    const first = last();
    first.accept();
    first.receive('news');
    await vi.advanceTimersByTimeAsync(25_000);
    expect(first.sent).toEqual(['ping']);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(state().status).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(state().error).toMatchObject({ code: 'heartbeat_timeout', retryable: true });
    expect(codes()).toEqual(['heartbeat_timeout']);
    expect(closes).toEqual([{ code: 1000, reason: 'heartbeat timeout' }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(2);
    last().accept();
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null });
  });

  it('stays open on a quiet socket that answers each ping, and never delivers the pongs', async () => {
    const { last, sockets, state, messages, codes } = await setup();
    last().accept();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(25_000);
      await vi.advanceTimersByTimeAsync(5_000);
      last().receive('pong');
    }
    expect(last().sent).toHaveLength(10);
    expect(state()).toMatchObject({ status: 'open', error: null });
    expect(codes()).toEqual([]);
    expect(messages).toEqual([]);
    expect(sockets).toHaveLength(1);
  });

  it('never pings a socket whose server sends something at least every 25 s', async () => {
    const { last, sockets, state, messages } = await setup();
    last().accept();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(24_000);
      last().receive(`tick ${i}`);
    }
    expect(last().sent).toEqual([]);
    expect(messages).toHaveLength(10);
    expect(state().status).toBe('open');
    expect(sockets).toHaveLength(1);
  });

  it('heartbeat: false turns it off: a silent socket stays open and no timer runs', async () => {
    const { last, sockets, state } = await setup({ heartbeat: false });
    last().accept();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(last().sent).toEqual([]);
    expect(state().status).toBe('open');
    expect(sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
