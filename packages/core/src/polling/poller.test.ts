import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../errors.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import { createPoller, DEFAULT_POLL_INTERVAL_MS, toPollError, type PollContext, type PollerOptions } from './poller.js';

/** A fetcher whose every call is recorded and settled by the test. */
function controlledFetcher<T>() {
  const calls: { context: PollContext<T>; resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const fetcher = vi.fn(
    (context: PollContext<T>) =>
      new Promise<T>((resolve, reject) => {
        calls.push({ context, resolve, reject });
      }),
  );
  return { fetcher, calls, last: () => calls[calls.length - 1] };
}

function setup<T = number>(options: PollerOptions<T> & { hidden?: boolean } = {}) {
  const network = createTestNetwork();
  const page = { hidden: options.hidden ?? false };
  const control = controlledFetcher<T>();
  const poller = createPoller<T>(control.fetcher, {
    network,
    isHidden: () => page.hidden,
    intervalMs: 1000,
    ...options,
  });
  return { network, page, poller, ...control };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createPoller', () => {
  it('polls at once on the first subscriber, then every intervalMs after each poll ends', async () => {
    const { poller, fetcher, calls } = setup();
    expect(poller.getSnapshot().status).toBe('idle');
    const stop = poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(poller.getSnapshot()).toMatchObject({ status: 'loading', fetching: true, nextPollAt: null });

    await vi.advanceTimersByTimeAsync(300); // a slow request: the interval starts when it ends
    calls[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(poller.getSnapshot()).toMatchObject({
      status: 'ok',
      data: 1,
      fetching: false,
      updatedAt: Date.now(),
      nextPollAt: Date.now() + 1000,
    });

    await vi.advanceTimersByTimeAsync(999);
    expect(fetcher).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(calls[1]!.context.previous).toBe(1);
    stop();
  });

  it('defaults to a 5 s interval and rejects a non-positive one', () => {
    expect(DEFAULT_POLL_INTERVAL_MS).toBe(5000);
    expect(() => createPoller(async () => 1, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => createPoller(async () => 1, { intervalMs: 1000, backoff: { minMs: 10, maxMs: 5 } })).toThrow(
      RangeError,
    );
  });

  it('never overlaps requests: a refresh during a poll joins it, and the timer waits for the end', async () => {
    const { poller, fetcher, calls } = setup();
    poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    const joined = poller.refresh();
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    calls[0]!.resolve(1);
    await joined;
    expect(poller.getSnapshot().data).toBe(1);
  });

  it('backs off exponentially with jitter on consecutive errors, on top of the interval, and resets on success', async () => {
    const { poller, fetcher, calls, last } = setup({ backoff: { random: () => 0.5 } });
    poller.subscribe(() => {});
    const starts: number[] = [];
    fetcher.mockImplementation((context: PollContext<number>) => {
      starts.push(Date.now());
      return new Promise((resolve, reject) => calls.push({ context, resolve, reject }));
    });
    await vi.advanceTimersByTimeAsync(0);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(100); // a request that takes 100 ms, then fails
      const failedAt = Date.now();
      last()!.reject(new TypeError('fetch failed'));
      await vi.advanceTimersByTimeAsync(0);
      const snapshot = poller.getSnapshot();
      expect(snapshot.status).toBe('error');
      expect(snapshot.failures).toBe(i + 1);
      expect(snapshot.error).toBeInstanceOf(RealtimeError);
      expect(snapshot.error?.code).toBe('network');
      expect(snapshot.nextPollAt).toBe(failedAt + [1500, 2000, 3000, 5000][i]!);
      await vi.advanceTimersByTimeAsync(60_000);
      waits.push(starts.at(-1)! - failedAt);
    }
    // interval 1000 + 0.5 * min(30 000, 1000 * 2^(n-1))
    expect(waits).toEqual([1500, 2000, 3000, 5000]);

    last()!.resolve(7);
    await vi.advanceTimersByTimeAsync(0);
    expect(poller.getSnapshot()).toMatchObject({ status: 'ok', data: 7, error: null, failures: 0 });
    const after = Date.now();
    await vi.advanceTimersByTimeAsync(1000);
    expect(starts.at(-1)! - after).toBe(1000);
  });

  it('keeps the last data through an error, and retries at the plain interval with backoff: false', async () => {
    const { poller, fetcher, calls } = setup({ backoff: false });
    poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve(3);
    await vi.advanceTimersByTimeAsync(1000);
    calls[1]!.reject(new RealtimeError('server_error', 'down', { status: 503, retryable: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(poller.getSnapshot()).toMatchObject({ status: 'error', data: 3, failures: 1 });
    expect(poller.getSnapshot().error?.code).toBe('server_error');
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetcher).toHaveBeenCalledTimes(3);
  });

  it('pauses while offline and polls at once when back online if a poll is due', async () => {
    const { poller, fetcher, calls, network } = setup();
    poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(0);
    network.goOffline();
    expect(poller.getSnapshot()).toMatchObject({ status: 'paused', nextPollAt: null });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    network.goOnline();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(poller.getSnapshot()).toMatchObject({ status: 'ok', fetching: true });
  });

  it('back online before a poll is due, waits out the rest of the interval', async () => {
    const { poller, fetcher, calls, network } = setup();
    poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(400);
    network.goOffline();
    await vi.advanceTimersByTimeAsync(200);
    network.goOnline();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(poller.getSnapshot().status).toBe('ok');
    await vi.advanceTimersByTimeAsync(399);
    expect(fetcher).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('skips polls while the page is hidden and polls at once when it becomes visible', async () => {
    const { poller, fetcher, calls, network, page } = setup();
    poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(0);
    page.hidden = true;
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(poller.getSnapshot().status).toBe('paused');
    page.hidden = false;
    network.becomeVisible();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('does not start while hidden, and keeps polling while hidden with pauseWhenHidden: false', async () => {
    const hidden = setup({ hidden: true });
    hidden.poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(hidden.fetcher).not.toHaveBeenCalled();
    expect(hidden.poller.getSnapshot().status).toBe('paused');
    hidden.poller.setOptions({ pauseWhenHidden: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(hidden.fetcher).toHaveBeenCalledTimes(1);
    hidden.calls[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(hidden.fetcher).toHaveBeenCalledTimes(2);
  });

  it('aborts the request in flight and stops the timer when the last subscriber leaves', async () => {
    const { poller, fetcher, calls } = setup();
    const first = poller.subscribe(() => {});
    const second = poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    first();
    expect(calls[0]!.context.signal.aborted).toBe(false);
    second();
    expect(calls[0]!.context.signal.aborted).toBe(true);
    expect(poller.getSnapshot()).toMatchObject({ status: 'idle', fetching: false });
    calls[0]!.resolve(99); // a late answer to an aborted request is dropped
    await vi.advanceTimersByTimeAsync(10_000);
    expect(poller.getSnapshot().data).toBeUndefined();
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it('does not call the fetcher when the only subscriber leaves before the poll starts', async () => {
    const { poller, fetcher } = setup();
    poller.subscribe(() => {})();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetcher).not.toHaveBeenCalled();
    expect(poller.getSnapshot()).toMatchObject({ status: 'idle', fetching: false });
  });

  it('resumes without refetching when resubscribed before the interval ran out', async () => {
    const { poller, fetcher, calls } = setup();
    const stop = poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(100);
    stop();
    poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(poller.getSnapshot()).toMatchObject({ status: 'ok', data: 1 });
    await vi.advanceTimersByTimeAsync(900);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('polls again at once (on the next tick) while hasMore says so', async () => {
    const { poller, fetcher, calls } = setup<{ more: boolean }>({ hasMore: (page) => page.more });
    poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve({ more: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(fetcher).toHaveBeenCalledTimes(2);
    calls[1]!.resolve({ more: false });
    await vi.advanceTimersByTimeAsync(999);
    expect(fetcher).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetcher).toHaveBeenCalledTimes(3);
  });

  it('moves a waiting deadline when intervalMs changes', async () => {
    const { poller, fetcher, calls } = setup();
    poller.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(100);
    poller.setOptions({ intervalMs: 200 });
    await vi.advanceTimersByTimeAsync(99);
    expect(fetcher).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('reports every outcome to onResult, and refresh() works without subscribers', async () => {
    const poller = createPoller(async ({ previous }: PollContext<number>) => (previous ?? 0) + 1, { intervalMs: 1000 });
    const outcomes: unknown[] = [];
    poller.onResult((outcome) => outcomes.push(outcome));
    await poller.refresh();
    await poller.refresh();
    expect(outcomes).toEqual([
      { ok: true, data: 1 },
      { ok: true, data: 2 },
    ]);
    expect(poller.getSnapshot()).toMatchObject({ status: 'idle', data: 2 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(poller.getSnapshot().data).toBe(2);
  });
});

describe('toPollError', () => {
  it('keeps a RealtimeError, reads a SyntaxError as bad_data and anything else as network', () => {
    const typed = new RealtimeError('unauthorized', 'no');
    expect(toPollError(typed)).toBe(typed);
    expect(toPollError(new SyntaxError('Unexpected token <'))).toMatchObject({ code: 'bad_data', retryable: true });
    const network = toPollError(new TypeError('fetch failed'));
    expect(network).toMatchObject({ code: 'network', retryable: true });
    expect(network.cause).toBeInstanceOf(TypeError);
    expect(toPollError('boom').message).toContain('boom');
  });
});
