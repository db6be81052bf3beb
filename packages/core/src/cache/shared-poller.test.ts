import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PollContext } from '../polling/poller.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import { createConnectionCache } from './connection-cache.js';
import { createSharedPoller, type SharedPoller } from './shared-poller.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A fetcher answering after `delayMs` with an increasing count, recording every request's signal. */
function slowCounter(delayMs: number) {
  const signals: AbortSignal[] = [];
  let count = 0;
  const fetcher = vi.fn(
    ({ signal }: PollContext<number>) =>
      new Promise<number>((resolve) => {
        signals.push(signal);
        setTimeout(() => resolve(++count), delayMs);
      }),
  );
  return { fetcher, signals };
}

describe('createSharedPoller in a connection cache', () => {
  it('polls through an unsubscribe/resubscribe in the same tick without aborting or fetching again', async () => {
    const { fetcher, signals } = slowCounter(100);
    const cache = createConnectionCache<SharedPoller<number>>();
    const network = createTestNetwork();
    const entry = cache.get('p', () => createSharedPoller(fetcher, { network, intervalMs: 1000 }));
    const off = entry.subscribe(() => {});
    off();
    const offAgain = entry.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(100);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(signals[0]!.aborted).toBe(false);
    expect(entry.getSnapshot()).toMatchObject({ status: 'ok', data: 1 });

    await vi.advanceTimersByTimeAsync(1000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    offAgain();
    await vi.advanceTimersByTimeAsync(0);
    // Disposed with the second request in flight: it is aborted, and nothing polls any more.
    expect(signals[1]!.aborted).toBe(true);
    expect(cache.size).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('calls the newest fetcher set on `latest`', async () => {
    const cache = createConnectionCache<SharedPoller<string>>();
    const entry = cache.get('latest', () =>
      createSharedPoller(async () => 'first', { network: createTestNetwork(), intervalMs: 1000 }),
    );
    const off = entry.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(entry.getSnapshot().data).toBe('first');
    entry.resource.latest.current = async () => 'second';
    await vi.advanceTimersByTimeAsync(1000);
    expect(entry.getSnapshot().data).toBe('second');
    off();
    await vi.advanceTimersByTimeAsync(0);
    expect(cache.size).toBe(0);
  });
});
