import { describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../../errors.js';
import { createSessionState } from './session-state.js';

describe('createSessionState', () => {
  it('starts from the initial state overlaid by `initial`, frozen', () => {
    const state = createSessionState({ initial: { status: 'open' } });
    expect(state.getSnapshot()).toEqual({
      status: 'open',
      error: null,
      attempt: 0,
      retryInMs: null,
      retryAt: null,
      lastEventId: null,
    });
    expect(Object.isFrozen(state.getSnapshot())).toBe(true);
  });

  it('replaces the whole state on set: fields left out go back to their initial values', () => {
    const state = createSessionState();
    const error = new RealtimeError('network', 'lost', { retryable: true });
    state.set({ status: 'reconnecting', error, attempt: 2, retryInMs: 500, retryAt: 1234 });
    expect(state.getSnapshot()).toMatchObject({
      status: 'reconnecting',
      error,
      attempt: 2,
      retryInMs: 500,
      retryAt: 1234,
    });
    state.set({ status: 'open' });
    expect(state.getSnapshot()).toMatchObject({
      status: 'open',
      error: null,
      attempt: 0,
      retryInMs: null,
      retryAt: null,
    });
  });

  it('notifies only when status, error, attempt or retry delay changed (an SDK repeating itself is no change)', () => {
    const state = createSessionState();
    const listener = vi.fn();
    state.subscribe(listener);
    state.set({ status: 'connecting' });
    const first = state.getSnapshot();
    state.set({ status: 'connecting' });
    state.set({ status: 'connecting', retryAt: 99 });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(state.getSnapshot()).toBe(first);
    state.set({ status: 'connecting', attempt: 1 });
    state.set({ status: 'connecting', attempt: 1, retryInMs: 10 });
    state.set({ status: 'connecting', attempt: 1, retryInMs: 10, error: new RealtimeError('network', 'x') });
    expect(listener).toHaveBeenCalledTimes(4);
  });

  it('runs willChange before any listener hears of the change, with the next and previous state', () => {
    const seen: string[] = [];
    const state = createSessionState({
      initial: { status: 'open' },
      willChange: (next, previous) =>
        seen.push(`willChange ${previous.status} → ${next.status}; snapshot ${state.getSnapshot().status}`),
    });
    state.subscribe(() => seen.push(`listener ${state.getSnapshot().status}`));
    state.set({ status: 'open' });
    state.set({ status: 'reconnecting' });
    expect(seen).toEqual(['willChange open → reconnecting; snapshot open', 'listener reconnecting']);
  });
});
