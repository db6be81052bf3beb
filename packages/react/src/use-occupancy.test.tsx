import { StrictMode, type ReactNode } from 'react';
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '@realtime-kit/core';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useOccupancy } from './use-occupancy.js';
import { usePresence } from './use-presence.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(async () => {
  await act(() => vi.runOnlyPendingTimersAsync());
  vi.useRealTimers();
});

/** Lets in-memory hops and timers up to `ms` run. The server sends at most four occupancy frames a second: 300 ms passes one interval. */
const tick = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms));

function tab(transport: Transport, children: ReactNode) {
  return (
    <StrictMode>
      <RealtimeProvider transport={transport}>{children}</RealtimeProvider>
    </StrictMode>
  );
}

function Occupancy() {
  const occupancy = useOccupancy(useChannel('auction:7'));
  return <p data-testid="occupancy">{occupancy ? `${occupancy.connections}/${occupancy.members}` : 'unknown'}</p>;
}

function Member({ name }: { name: string }) {
  usePresence(useChannel('auction:7'), { data: { name }, activity: false });
  return null;
}

const shown = () => screen.getByTestId('occupancy').textContent;

describe('useOccupancy', () => {
  it('subscribes the channel while mounted and follows subscribed connections and present members', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    const watcher = render(tab(kit.transport, <Occupancy />));
    expect(shown()).toBe('unknown');
    await tick();
    expect(kit.server.hub.channels).toBe(1);
    expect(shown()).toBe('1/0');

    // Bob in two tabs: two more connections, one more member (users, not tabs).
    const bob = render(tab(kit.createTransport({ userId: 'bob' }), <Member name="Bob" />));
    await tick(300);
    expect(shown()).toBe('2/1');
    const bobAgain = render(tab(kit.createTransport({ userId: 'bob' }), <Member name="Bob" />));
    await tick(300);
    expect(shown()).toBe('3/1');

    // Alice enters too, in the watching tab: no new connection, one more member.
    watcher.rerender(
      tab(
        kit.transport,
        <>
          <Occupancy />
          <Member name="Alice" />
        </>,
      ),
    );
    await tick(300);
    expect(shown()).toBe('3/2');

    bobAgain.unmount();
    bob.unmount();
    await tick(300);
    expect(shown()).toBe('1/1');

    watcher.unmount();
    await tick();
    expect(kit.server.hub.channels).toBe(0);
  });

  it('coalesces a join storm into at most four updates a second, ending on the final counts', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    const seen: string[] = [];
    function Recorder() {
      const occupancy = useOccupancy(useChannel('auction:7'));
      const text = occupancy ? `${occupancy.connections}/${occupancy.members}` : 'unknown';
      if (seen.at(-1) !== text) seen.push(text);
      return null;
    }
    render(tab(kit.transport, <Recorder />));
    await tick();
    const tabs = Array.from({ length: 10 }, (_, i) =>
      render(tab(kit.createTransport({ userId: `user-${i}` }), <Member name={`User ${i}`} />)),
    );
    await tick(1000);
    expect(seen.at(-1)).toBe('11/10');
    // unknown, 1/0, then at most four changes within the storm's second (and one at its end).
    expect(seen.length).toBeLessThanOrEqual(2 + 5);
    for (const view of tabs) view.unmount();
  });
});
