import { Profiler, StrictMode, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestTransport, type TestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useChannelMessages } from './use-channel-messages.js';
import { useEvent } from './use-event.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  vi.unstubAllGlobals();
  await settle();
});

type Events = { tick: { n: number }; note: { text: string } };

function wrapperFor(kit: TestTransport) {
  return ({ children }: { children: ReactNode }) => (
    <RealtimeProvider transport={kit.transport}>{children}</RealtimeProvider>
  );
}

/**
 * happy-dom runs animation frames as immediates; a browser runs them on a 60 Hz display clock. This gives
 * `requestAnimationFrame` that clock so "one commit per frame" means what it means in a browser.
 */
function stubDisplayAt60Hz() {
  const frameMs = 1000 / 60;
  const origin = performance.now();
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    const elapsed = performance.now() - origin;
    const nextFrame = (Math.floor(elapsed / frameMs) + 1) * frameMs;
    return setTimeout(() => callback(performance.now()), nextFrame - elapsed) as unknown as number;
  });
  vi.stubGlobal('cancelAnimationFrame', (handle: number) => clearTimeout(handle));
}

describe('useChannelMessages', () => {
  it('commits 10,000 events published within one second at most 60 times, and loses none', async () => {
    stubDisplayAt60Hz();
    const kit = createTestTransport();
    let received = 0;
    let commits = 0;
    let shown: readonly { seq: number; data: { n: number } }[] = [];
    function Feed() {
      const room = useChannel<Events>('ticker');
      useEvent(room, 'tick', () => {
        received += 1;
      });
      const ticks = useChannelMessages(room, 'tick', { maxMessages: 10_000 });
      shown = ticks;
      return (
        <p data-testid="count">
          {ticks.length}:{ticks.at(-1)?.data.n ?? 0}
        </p>
      );
    }
    render(
      <RealtimeProvider transport={kit.transport}>
        <Profiler id="feed" onRender={() => (commits += 1)}>
          <Feed />
        </Profiler>
      </RealtimeProvider>,
    );
    await settle();
    expect(kit.server.hub.sessions).toBe(1);
    const commitsBefore = commits;

    // Real scheduling, as in a browser: no act() batching while the burst streams in.
    const env = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
    const actEnvironment = env.IS_REACT_ACT_ENVIRONMENT;
    env.IS_REACT_ACT_ENVIRONMENT = false;
    const started = performance.now();
    try {
      // 40 bursts of 250 events, one every 20 ms on the clock: 10,000 events within one second.
      for (let burst = 0; burst < 40; burst += 1) {
        await sleep(Math.max(0, started + burst * 20 - performance.now()));
        for (let i = 1; i <= 250; i += 1) kit.server.publish('ticker', 'tick', { n: burst * 250 + i });
      }
      await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('10000:10000'));
    } finally {
      env.IS_REACT_ACT_ENVIRONMENT = actEnvironment;
    }
    // On an idle machine the burst takes one second; on a loaded one the same 10,000 events take longer. Either
    // way commits follow the 60 Hz display clock, not the events: at most one per frame that elapsed (+1 for the
    // frame in progress), so at most 60 within the one-second schedule.
    const elapsedFrames = Math.ceil((performance.now() - started) / (1000 / 60)) + 1;

    expect(received).toBe(10_000);
    expect(shown.every((message, index) => message.seq === index + 1 && message.data.n === index + 1)).toBe(true);
    const burstCommits = commits - commitsBefore;
    expect(burstCommits).toBeGreaterThan(0);
    expect(burstCommits).toBeLessThanOrEqual(Math.max(60, elapsedFrames));
    console.log(
      `useChannelMessages: 10,000 events, ${received} received, ${burstCommits} commits over ${elapsedFrames - 1} frames`,
    );
  });

  it('keeps every message in order when several arrive in one frame, and trims to maxMessages', async () => {
    const kit = createTestTransport();
    const { result } = renderHook(
      () => {
        const room = useChannel<Events>('ticker');
        return useChannelMessages(room, 'tick', { maxMessages: 3, throttle: 10 });
      },
      { wrapper: wrapperFor(kit) },
    );
    await settle();
    act(() => {
      for (let n = 1; n <= 5; n += 1) kit.server.publish('ticker', 'tick', { n });
    });
    await waitFor(() => expect(result.current.map((message) => message.data.n)).toEqual([3, 4, 5]));
    expect(result.current.map((message) => message.seq)).toEqual([3, 4, 5]);
  });

  it("collects every event with '*' under StrictMode, from one server subscription", async () => {
    const kit = createTestTransport();
    const { result } = renderHook(
      () => {
        const room = useChannel<Events>('mixed');
        return useChannelMessages(room, '*', { throttle: false });
      },
      { wrapper: ({ children }: { children: ReactNode }) => <StrictMode>{wrapperFor(kit)({ children })}</StrictMode> },
    );
    await settle();
    act(() => {
      kit.server.publish('mixed', 'tick', { n: 1 });
      kit.server.publish('mixed', 'note', { text: 'hi' });
    });
    await waitFor(() => expect(result.current.map((message) => message.event)).toEqual(['tick', 'note']));
  });

  it('starts over from an empty list on another channel', async () => {
    const kit = createTestTransport();
    const { result, rerender } = renderHook(
      ({ name }) => useChannelMessages(useChannel<Events>(name), 'note', { throttle: false }),
      { wrapper: wrapperFor(kit), initialProps: { name: 'a' } },
    );
    await settle();
    act(() => void kit.server.publish('a', 'note', { text: 'on a' }));
    await waitFor(() => expect(result.current).toHaveLength(1));
    rerender({ name: 'b' });
    expect(result.current).toEqual([]);
    await settle();
    act(() => void kit.server.publish('b', 'note', { text: 'on b' }));
    await waitFor(() => expect(result.current.map((message) => message.data.text)).toEqual(['on b']));
  });
});
