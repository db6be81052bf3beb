import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flush, setup } from './test-setup.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createSSEConnection: heartbeat by default', () => {
  it('treats a stream that receives nothing for 45 s as dead and reconnects, resuming from the last id', async () => {
    const { server, state, errors } = setup();
    await flush();
    server.send({ id: '7', data: 1 });
    await vi.advanceTimersByTimeAsync(44_999);
    expect(state().status).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(state().error).toMatchObject({ code: 'heartbeat_timeout', retryable: true });
    expect(state().error?.message).toMatch(/45000 ms/);
    expect(errors.map((e) => e.error.code)).toEqual(['heartbeat_timeout']);
    expect(server.connections).toBe(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null });
    expect(server.requests.map((request) => request.lastEventId)).toEqual([null, '7']);
  });

  it("stays open on a quiet stream that carries createEventStream's heartbeat comment every 15 s", async () => {
    const { server, state, errors } = setup();
    await flush();
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(15_000);
      server.comment('heartbeat');
    }
    expect(state()).toMatchObject({ status: 'open', error: null });
    expect(errors).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('bounds the wait for response headers by 45 s too', async () => {
    const { server, state } = setup();
    server.respondWith('hang', { times: 1 });
    await vi.advanceTimersByTimeAsync(44_999);
    expect(state().status).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(state().error?.code).toBe('heartbeat_timeout');
    await vi.advanceTimersByTimeAsync(500);
    expect(state().status).toBe('open');
  });

  for (const off of [false, 0] as const) {
    it(`heartbeatTimeoutMs: ${String(off)} turns it off: a silent stream stays open and no timer runs`, async () => {
      const { server, state, errors } = setup({ heartbeatTimeoutMs: off });
      await flush();
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(state().status).toBe('open');
      expect(errors).toEqual([]);
      expect(server.requests).toHaveLength(1);
    });
  }
});
