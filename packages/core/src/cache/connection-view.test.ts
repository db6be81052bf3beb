import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMessageBuffer } from '../buffer/message-buffer.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { createStore } from '../store.js';
import { createConnectionView } from './connection-view.js';

function setup(throttle: 'frame' | number | false = 100) {
  const connection = createStore<ConnectionState>(INITIAL_CONNECTION_STATE);
  const buffer = createMessageBuffer<string>({ throttle });
  const bufferListeners = { count: 0 };
  const subscribeToBuffer = buffer.subscribe;
  buffer.subscribe = (listener) => {
    bufferListeners.count += 1;
    const off = subscribeToBuffer(listener);
    return () => {
      bufferListeners.count -= 1;
      off();
    };
  };
  const toView = vi.fn((state: ConnectionState, messages: { messages: readonly string[] }) => ({
    status: state.status,
    lastEventId: state.lastEventId,
    messages: messages.messages,
  }));
  const view = createConnectionView(connection, toView, { buffer, throttle });
  const move = (fields: Partial<ConnectionState>) => connection.set((state) => ({ ...state, ...fields }));
  return { connection, buffer, bufferListeners, view, toView, move };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createConnectionView', () => {
  it('combines state and messages into a snapshot that keeps its identity until either changes', async () => {
    const { view, toView, move, buffer } = setup();
    view.subscribe(() => {});
    const first = view.getSnapshot();
    expect(view.getSnapshot()).toBe(first);
    expect(toView).toHaveBeenCalledTimes(1);
    move({ status: 'open' });
    const open = view.getSnapshot();
    expect(open).not.toBe(first);
    expect(open.status).toBe('open');
    buffer.push('a');
    await vi.advanceTimersByTimeAsync(100);
    expect(view.getSnapshot().messages).toEqual(['a']);
    expect(toView).toHaveBeenCalledTimes(3);
  });

  it('notifies at once for a status change', () => {
    const { view, move } = setup();
    const listener = vi.fn();
    view.subscribe(listener);
    move({ status: 'connecting' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(view.getSnapshot().status).toBe('connecting');
  });

  it('shows a resume point that moved alone at the next throttle tick, once for many moves', async () => {
    const { view, move } = setup(100);
    const listener = vi.fn();
    view.subscribe(listener);
    move({ lastEventId: '1' });
    move({ lastEventId: '2' });
    expect(listener).not.toHaveBeenCalled();
    expect(view.getSnapshot().lastEventId).toBeNull();
    await vi.advanceTimersByTimeAsync(99);
    expect(listener).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(view.getSnapshot().lastEventId).toBe('2');
  });

  it('shows a waiting resume point with the next flush of the messages, not later', async () => {
    const { view, move, buffer } = setup(100);
    const listener = vi.fn();
    view.subscribe(listener);
    await vi.advanceTimersByTimeAsync(50);
    move({ lastEventId: '7' });
    buffer.push('seven');
    buffer.flush();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(view.getSnapshot()).toMatchObject({ lastEventId: '7', messages: ['seven'] });
    await vi.advanceTimersByTimeAsync(200);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('shows every resume point move with throttle: false', () => {
    const { view, move } = setup(false);
    const listener = vi.fn();
    view.subscribe(listener);
    move({ lastEventId: '1' });
    move({ lastEventId: '2' });
    move({ lastEventId: '3' });
    expect(listener).toHaveBeenCalledTimes(3);
    expect(view.getSnapshot().lastEventId).toBe('3');
  });

  it('reads the latest state without subscribers, and catches up when the first one comes', () => {
    const { view, move } = setup();
    move({ lastEventId: '1' });
    expect(view.getSnapshot().lastEventId).toBe('1');
    const off = view.subscribe(() => {});
    off();
    move({ status: 'open', lastEventId: '2' });
    view.subscribe(() => {});
    expect(view.getSnapshot()).toMatchObject({ status: 'open', lastEventId: '2' });
  });

  it('stops listening to the connection and the buffer when its last subscriber leaves', async () => {
    const { view, move, bufferListeners, connection } = setup(100);
    const listener = vi.fn();
    const off = view.subscribe(listener);
    expect(connection.size).toBe(1);
    expect(bufferListeners.count).toBe(1);
    move({ lastEventId: '1' });
    off();
    expect(connection.size).toBe(0);
    expect(bufferListeners.count).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(listener).not.toHaveBeenCalled();
  });

  it('views a connection alone, without a buffer', () => {
    const connection = createStore<ConnectionState>(INITIAL_CONNECTION_STATE);
    const view = createConnectionView(connection, (state) => ({ status: state.status }), { throttle: false });
    const listener = vi.fn();
    view.subscribe(listener);
    connection.set({ ...INITIAL_CONNECTION_STATE, status: 'open' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(view.getSnapshot()).toEqual({ status: 'open' });
  });
});
