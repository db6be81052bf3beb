import { StrictMode, useState, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { act, render, renderHook, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError, type PollContext } from '@realtime-kit/core';
import { createTestNetwork, type TestNetwork } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { sharedPollerCount, usePolling, type UsePollingOptions } from './use-polling.js';

/** Runs timers (and the promises they settle) inside act. */
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

function wrapperFor(network: TestNetwork, strict = false) {
  return function Wrapper({ children }: { children: ReactNode }) {
    const tree = <RealtimeProvider network={network}>{children}</RealtimeProvider>;
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
}

/** A fetcher that answers 1, 2, 3, … after `delayMs`, recording each call's signal and the peak concurrency. */
function counter(delayMs = 0) {
  let calls = 0;
  let running = 0;
  const stats = { peak: 0, signals: [] as AbortSignal[] };
  const fetcher = vi.fn(async ({ signal }: PollContext<number>) => {
    const n = ++calls;
    stats.signals.push(signal);
    running += 1;
    stats.peak = Math.max(stats.peak, running);
    try {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return n;
    } finally {
      running -= 1;
    }
  });
  return { fetcher, stats };
}

function Poll({
  id,
  fetcher,
  options,
}: {
  id: string | null;
  fetcher: (c: PollContext<number>) => Promise<number>;
  options?: UsePollingOptions<number>;
}) {
  const { data, status } = usePolling(id, fetcher, { intervalMs: 1000, ...options });
  return (
    <p data-testid="poll">
      {status}:{data ?? '-'}
    </p>
  );
}

const shown = () => screen.getAllByTestId('poll').map((node) => node.textContent);

let hidden = false;
const isHidden = () => hidden;

beforeEach(() => {
  vi.useFakeTimers();
  hidden = false;
});
afterEach(async () => {
  await advance(10); // lets release timers (one tick after the last unmount) run
  vi.useRealTimers();
});

describe('usePolling', () => {
  it('polls at once, then every intervalMs, and renders the result', async () => {
    const network = createTestNetwork();
    const { fetcher } = counter();
    const { result } = renderHook(() => usePolling('interval', fetcher, { intervalMs: 1000 }), {
      wrapper: wrapperFor(network),
    });
    expect(result.current.status).toBe('loading');
    await advance(0);
    expect(result.current).toMatchObject({
      status: 'ok',
      data: 1,
      error: null,
      updatedAt: Date.now(),
      nextPollAt: Date.now() + 1000,
    });
    await advance(999);
    expect(fetcher).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(result.current.data).toBe(2);
    await advance(3000);
    expect(result.current.data).toBe(5);
  });

  it('backs off on consecutive errors (typed as RealtimeError) and resets on success', async () => {
    const network = createTestNetwork();
    let failing = true;
    const starts: number[] = [];
    const fetcher = vi.fn(async () => {
      starts.push(Date.now());
      if (failing) throw new TypeError('fetch failed');
      return 1;
    });
    const onError = vi.fn();
    const { result } = renderHook(
      () => usePolling('backoff', fetcher, { intervalMs: 1000, backoff: { random: () => 0.5 }, onError }),
      { wrapper: wrapperFor(network) },
    );
    await advance(0);
    expect(result.current.status).toBe('error');
    expect(result.current.error).toBeInstanceOf(RealtimeError);
    expect(result.current.error?.code).toBe('network');
    await advance(25_000);
    // interval + 0.5 × (1000 · 2^(n-1)): gaps of 1500, 2000, 3000, 5000, 9000
    expect(starts.slice(1).map((t, i) => t - starts[i]!)).toEqual([1500, 2000, 3000, 5000, 9000]);
    expect(result.current.failures).toBe(starts.length);
    expect(onError).toHaveBeenCalledTimes(starts.length);

    failing = false;
    await act(() => result.current.refresh());
    expect(result.current).toMatchObject({ status: 'ok', data: 1, error: null, failures: 0 });
    const before = fetcher.mock.calls.length;
    await advance(1000);
    expect(fetcher).toHaveBeenCalledTimes(before + 1);
  });

  it('pauses while offline (the provider’s network) and polls at once when back online', async () => {
    const network = createTestNetwork();
    const { fetcher } = counter();
    const { result } = renderHook(() => usePolling('offline', fetcher, { intervalMs: 1000 }), {
      wrapper: wrapperFor(network),
    });
    await advance(0);
    act(() => network.goOffline());
    expect(result.current).toMatchObject({ status: 'paused', data: 1, nextPollAt: null });
    await advance(5000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    act(() => network.goOnline());
    await advance(0);
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(result.current).toMatchObject({ status: 'ok', data: 2 });
  });

  it('pauses while the page is hidden and polls at once when it becomes visible', async () => {
    const network = createTestNetwork();
    const { fetcher } = counter();
    const { result } = renderHook(() => usePolling('hidden', fetcher, { intervalMs: 1000, isHidden }), {
      wrapper: wrapperFor(network),
    });
    await advance(0);
    hidden = true;
    await advance(5000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(result.current.status).toBe('paused');
    hidden = false;
    act(() => network.becomeVisible());
    await advance(0);
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(result.current).toMatchObject({ status: 'ok', data: 2 });
  });

  it('reads the page visibility from document by default', async () => {
    const network = createTestNetwork();
    const { fetcher } = counter();
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      const { result } = renderHook(() => usePolling('document-hidden', fetcher), { wrapper: wrapperFor(network) });
      await advance(0);
      expect(fetcher).not.toHaveBeenCalled();
      expect(result.current.status).toBe('paused');
      visibility.mockReturnValue('visible');
      act(() => network.becomeVisible());
      await advance(0);
      expect(fetcher).toHaveBeenCalledTimes(1);
    } finally {
      visibility.mockRestore();
    }
  });

  it('dedupes: components with the same key share one timer, one request per tick and the same data', async () => {
    const network = createTestNetwork();
    const a = counter(100);
    const b = counter(100);
    function Two() {
      const [count, setCount] = useState(3);
      return (
        <>
          <button onClick={() => setCount((n) => n - 1)}>less</button>
          {count >= 1 && <Poll id="shared" fetcher={a.fetcher} />}
          {count >= 2 && <Poll id="shared" fetcher={b.fetcher} />}
          {count >= 3 && <Poll id="shared" fetcher={b.fetcher} />}
        </>
      );
    }
    render(<Two />, { wrapper: wrapperFor(network) });
    await advance(100);
    expect(a.fetcher.mock.calls.length + b.fetcher.mock.calls.length).toBe(1);
    expect(shown()).toEqual(['ok:1', 'ok:1', 'ok:1']);
    await advance(1100);
    expect(a.fetcher.mock.calls.length + b.fetcher.mock.calls.length).toBe(2);
    expect(sharedPollerCount()).toBe(1);

    act(() => screen.getByText('less').click());
    act(() => screen.getByText('less').click());
    await advance(1100);
    expect(a.fetcher.mock.calls.length + b.fetcher.mock.calls.length).toBe(3);
    expect(shown()).toHaveLength(1);
  });

  it('aborts the request in flight when the last component unmounts, and polls no more', async () => {
    const network = createTestNetwork();
    const { fetcher, stats } = counter(500);
    const first = render(<Poll id="abort" fetcher={fetcher} />, { wrapper: wrapperFor(network) });
    const second = render(<Poll id="abort" fetcher={fetcher} />, { wrapper: wrapperFor(network) });
    await advance(100);
    first.unmount();
    await advance(10);
    expect(stats.signals[0]!.aborted).toBe(false);
    second.unmount();
    await advance(10);
    expect(stats.signals[0]!.aborted).toBe(true);
    expect(sharedPollerCount()).toBe(0);
    await advance(10_000);
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it('never overlaps requests: a slow answer delays the next poll, and refresh() joins the one in flight', async () => {
    const network = createTestNetwork();
    const { fetcher, stats } = counter(3000);
    const { result } = renderHook(() => usePolling('slow', fetcher, { intervalMs: 1000 }), {
      wrapper: wrapperFor(network),
    });
    await advance(0);
    const joined = result.current.refresh(); // the first request is still in flight: no second one
    await advance(3000);
    await expect(joined).resolves.toBeUndefined();
    expect(fetcher).toHaveBeenCalledTimes(1);
    await advance(7000);
    expect(stats.peak).toBe(1);
    // 0–3000 first, 4000–7000 second, 8000– third
    expect(fetcher).toHaveBeenCalledTimes(3);
  });

  it('under StrictMode polls once per tick with one timer', async () => {
    const network = createTestNetwork();
    const { fetcher, stats } = counter();
    render(<Poll id="strict" fetcher={fetcher} />, { wrapper: wrapperFor(network, true) });
    await advance(0);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(stats.signals[0]!.aborted).toBe(false);
    await advance(3000);
    expect(fetcher).toHaveBeenCalledTimes(4);
    expect(shown()).toEqual(['ok:4']);
    expect(sharedPollerCount()).toBe(1);
  });

  it('keeps the issue’s call shape: usePolling(fetcher, options), private without a key, shared with one', async () => {
    const network = createTestNetwork();
    const privateOne = counter();
    const keyed = counter();
    function Shapes() {
      const a = usePolling(privateOne.fetcher, { intervalMs: 1000 });
      const b = usePolling(privateOne.fetcher, { intervalMs: 1000 });
      const c = usePolling(keyed.fetcher, { key: 'by-option', intervalMs: 1000 });
      const d = usePolling('by-option', keyed.fetcher, { intervalMs: 1000 });
      return <p data-testid="poll">{[a.data, b.data, c.data, d.data].join(',')}</p>;
    }
    render(<Shapes />, { wrapper: wrapperFor(network) });
    await advance(0);
    expect(privateOne.fetcher).toHaveBeenCalledTimes(2);
    expect(keyed.fetcher).toHaveBeenCalledTimes(1);
    expect(shown()).toEqual(['1,2,1,1']);
  });

  it('stays idle with a null key or enabled: false, and starts when enabled', async () => {
    const network = createTestNetwork();
    const { fetcher } = counter();
    const { result, rerender } = renderHook(({ enabled }) => usePolling('gated', fetcher, { enabled }), {
      wrapper: wrapperFor(network),
      initialProps: { enabled: false },
    });
    const nullKey = renderHook(() => usePolling(null, fetcher), { wrapper: wrapperFor(network) });
    await advance(10_000);
    expect(fetcher).not.toHaveBeenCalled();
    expect(result.current.status).toBe('idle');
    expect(nullKey.result.current.status).toBe('idle');
    await expect(nullKey.result.current.refresh()).resolves.toBeUndefined();
    rerender({ enabled: true });
    await advance(0);
    expect(result.current).toMatchObject({ status: 'ok', data: 1 });
  });

  it('uses the newest fetcher and interval, and calls onData of every component once per poll', async () => {
    const network = createTestNetwork();
    const onData = vi.fn();
    const { rerender } = renderHook(
      ({ value, intervalMs }) => usePolling('latest', async () => value, { intervalMs, onData }),
      { wrapper: wrapperFor(network), initialProps: { value: 'a', intervalMs: 1000 } },
    );
    await advance(0);
    rerender({ value: 'b', intervalMs: 5000 });
    await advance(1000);
    expect(onData.mock.calls).toEqual([['a']]);
    await advance(4000);
    expect(onData.mock.calls).toEqual([['a'], ['b']]);
  });

  it('renders the idle state on the server and fetches nothing', () => {
    const fetcher = vi.fn(async () => 1);
    function Page() {
      const { status, data } = usePolling('ssr', fetcher);
      return <p>{`${status}:${String(data)}`}</p>;
    }
    const windowDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'window');
    // As in a server render: no window.
    Object.defineProperty(globalThis, 'window', { value: undefined, configurable: true });
    try {
      expect(renderToString(<Page />)).toBe('<p>idle:undefined</p>');
    } finally {
      if (windowDescriptor) Object.defineProperty(globalThis, 'window', windowDescriptor);
    }
    expect(fetcher).not.toHaveBeenCalled();
  });
});
