import { StrictMode, type ReactNode } from 'react';
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient, defineSharedState, refuseAction, sharedStateRules } from '@realtime-kit/core';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useSharedState } from './use-shared-state.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(async () => {
  await act(() => vi.runOnlyPendingTimersAsync());
  vi.useRealTimers();
});

const counter = defineSharedState({
  initial: { count: 0 },
  reducer: (state, action: { by: number }) => {
    if (action.by > 5) refuseAction('At most 5 at a time');
    return { count: state.count + action.by };
  },
});

let dispatchOf: ((action: { by: number }) => Promise<void>) | undefined;

function Counter() {
  const [state, dispatch, { pending, synced, refusal }] = useSharedState('count:1', counter);
  dispatchOf = dispatch;
  return (
    <p>
      {synced ? 'synced' : 'loading'} {state.count} pending {pending} {refusal ? refusal.message : ''}
    </p>
  );
}

function setup(userId: string, kit = createTestTransport({ hub: sharedStateRules({ 'count:': counter }) })) {
  const transport = kit.createTransport({ userId });
  const wrap = (children: ReactNode) => (
    <StrictMode>
      <RealtimeProvider transport={transport}>{children}</RealtimeProvider>
    </StrictMode>
  );
  return { kit, wrap };
}

describe('useSharedState', () => {
  it('renders the server state, predicts at once, and shows a refusal (under StrictMode)', async () => {
    const { kit, wrap } = setup('ann');
    const other = createRealtimeClient({ transport: kit.createTransport({ userId: 'bob' }) });
    await other.channel('count:1').publish('action', { by: 2 });
    render(wrap(<Counter />));
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(screen.getByText(/synced 2 pending 0/)).toBeTruthy();
    let sent!: Promise<void>;
    act(() => {
      sent = dispatchOf!({ by: 3 });
    });
    expect(screen.getByText(/synced 5 pending 1/)).toBeTruthy();
    await act(async () => {
      await sent;
      await vi.advanceTimersByTimeAsync(10);
    });
    expect(screen.getByText(/synced 5 pending 0/)).toBeTruthy();
    let refused!: Promise<unknown>;
    act(() => {
      refused = dispatchOf!({ by: 9 }).catch((error: unknown) => error);
    });
    await act(() => refused);
    expect(screen.getByText(/synced 5 pending 0 At most 5 at a time/)).toBeTruthy();
  });

  it('a remount keeps the state (the channel stayed subscribed, so nothing is replayed)', async () => {
    const { wrap } = setup('ann');
    const view = render(wrap(<Counter />));
    await act(() => vi.advanceTimersByTimeAsync(10));
    await act(async () => {
      await dispatchOf!({ by: 4 });
      await vi.advanceTimersByTimeAsync(10);
    });
    view.rerender(wrap(<></>));
    view.rerender(wrap(<Counter />));
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(screen.getByText(/synced 4 pending 0/)).toBeTruthy();
  });
});
