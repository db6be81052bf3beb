import { StrictMode, useState, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRealtimeError, type WebSocketLike } from '@realtime-kit/core';
import { createTestNetwork } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useConnectionState } from './use-connection-state.js';
import { sharedWebSocketCount, useWebSocket, type UseWebSocketOptions } from './use-websocket.js';

type CloseEvent = { code: number; reason: string; wasClean?: boolean };

/** An in-memory WebSocket class: the test plays the server through `accept`, `receive` and `drop`. */
function createFakeWebSockets() {
  const sockets: FakeWebSocket[] = [];
  class FakeWebSocket implements WebSocketLike {
    readyState = 0;
    binaryType = 'blob';
    readonly sent: unknown[] = [];
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: CloseEvent) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    constructor(readonly url: string) {
      sockets.push(this);
    }
    send(data: never) {
      if (this.readyState !== 1) throw new Error(`InvalidStateError: send() in readyState ${this.readyState}`);
      this.sent.push(data);
    }
    close(code?: number, reason?: string) {
      if (this.readyState >= 2) return;
      this.readyState = 2;
      queueMicrotask(() => {
        this.readyState = 3;
        this.onclose?.({ code: code ?? 1005, reason: reason ?? '', wasClean: true });
      });
    }
    accept() {
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    }
    receive(data: unknown) {
      this.onmessage?.({ data });
    }
    drop() {
      this.readyState = 3;
      this.onerror?.({ type: 'error' });
      this.onclose?.({ code: 1006, reason: '', wasClean: false });
    }
  }
  const open = () => sockets.filter((socket) => socket.readyState < 2);
  return { WebSocket: FakeWebSocket, sockets, open };
}

/** Sockets are created a microtask after connect (so listeners attach first): let that run. */
const microtasks = () => act(async () => {});
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

function Ticker({ url, options }: { url: string | null; options: UseWebSocketOptions<{ n: number }> }) {
  const ws = useWebSocket<{ n: number }>(url, options);
  return (
    <div>
      <p data-testid="status">{ws.status}</p>
      <p data-testid="count">{ws.messages.length}</p>
      <p data-testid="last">{ws.lastMessage?.n ?? '-'}</p>
    </div>
  );
}

describe('useWebSocket', () => {
  it('opens one socket under StrictMode, batches messages and closes after unmount', async () => {
    const fake = createFakeWebSockets();
    const { unmount } = render(
      <StrictMode>
        <Ticker url="wss://example.test/ticks" options={{ WebSocket: fake.WebSocket }} />
      </StrictMode>,
    );
    await settle();
    expect(fake.sockets).toHaveLength(1);
    expect(screen.getByTestId('status').textContent).toBe('connecting');
    act(() => fake.sockets[0]?.accept());
    expect(screen.getByTestId('status').textContent).toBe('open');
    act(() => {
      for (let n = 1; n <= 50; n++) fake.sockets[0]?.receive(JSON.stringify({ n }));
    });
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('50'));
    expect(screen.getByTestId('last').textContent).toBe('50');

    unmount();
    await settle();
    expect(fake.open()).toHaveLength(0);
    expect(sharedWebSocketCount()).toBe(0);
  });

  it('shares one socket between components with the same url and options', async () => {
    const fake = createFakeWebSockets();
    const options = { WebSocket: fake.WebSocket, throttle: false as const };
    function Two() {
      const [shown, setShown] = useState(2);
      return (
        <>
          <button onClick={() => setShown((n) => n - 1)}>less</button>
          {shown >= 1 && <Ticker url="wss://example.test/shared" options={options} />}
          {shown >= 2 && <Ticker url="wss://example.test/shared" options={{ ...options }} />}
        </>
      );
    }
    render(<Two />);
    await microtasks();
    act(() => fake.sockets[0]?.accept());
    act(() => fake.sockets[0]?.receive('{"n":7}'));
    expect(screen.getAllByTestId('last').map((node) => node.textContent)).toEqual(['7', '7']);
    expect(fake.sockets).toHaveLength(1);

    act(() => screen.getByText('less').click());
    await settle();
    expect(fake.open()).toHaveLength(1);
    act(() => screen.getByText('less').click());
    await settle();
    expect(fake.open()).toHaveLength(0);
    expect(fake.sockets).toHaveLength(1);
  });

  it('queues sends until open, encodes objects as JSON, and calls the newest onMessage', async () => {
    const fake = createFakeWebSockets();
    const first = vi.fn();
    const second = vi.fn();
    const { result, rerender } = renderHook(
      ({ onMessage }) =>
        useWebSocket<{ n: number }>('wss://example.test/chat', { WebSocket: fake.WebSocket, onMessage }),
      { initialProps: { onMessage: first } },
    );
    act(() => {
      result.current.send({ text: 'hi' });
      result.current.send('plain');
    });
    await microtasks();
    const socket = fake.sockets[0];
    expect(socket?.sent).toEqual([]);
    act(() => socket?.accept());
    expect(socket?.sent).toEqual(['{"text":"hi"}', 'plain']);

    rerender({ onMessage: second });
    act(() => socket?.receive('{"n":2}'));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith({ n: 2 });
    expect(fake.sockets).toHaveLength(1);
  });

  it('reports text that is not JSON as bad_data and keeps going; parse "raw" keeps it', async () => {
    const fake = createFakeWebSockets();
    const onError = vi.fn();
    const { result } = renderHook(() =>
      useWebSocket<{ n: number }>('wss://example.test/json', { WebSocket: fake.WebSocket, onError, throttle: false }),
    );
    await microtasks();
    act(() => fake.sockets[0]?.accept());
    act(() => {
      fake.sockets[0]?.receive('{not json');
      fake.sockets[0]?.receive('{"n":3}');
    });
    expect(result.current.messages).toEqual([{ n: 3 }]);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(isRealtimeError(onError.mock.calls[0]?.[0], 'bad_data')).toBe(true);
    expect(onError.mock.calls[0]?.[0].raw).toBe('{not json');

    const raw = renderHook(() =>
      useWebSocket<string>('wss://example.test/raw', { WebSocket: fake.WebSocket, parse: 'raw', throttle: false }),
    );
    await microtasks();
    act(() => fake.sockets[1]?.accept());
    act(() => fake.sockets[1]?.receive('hello'));
    expect(raw.result.current.lastMessage).toBe('hello');
  });

  it('reconnects after a drop and on reconnect(); close() stops for good', async () => {
    const fake = createFakeWebSockets();
    const { result } = renderHook(() =>
      useWebSocket('wss://example.test/r', {
        WebSocket: fake.WebSocket,
        backoff: { minMs: 10, maxMs: 10, factor: 1, random: () => 0 },
      }),
    );
    await microtasks();
    act(() => fake.sockets[0]?.accept());
    act(() => fake.sockets[0]?.drop());
    expect(result.current.status).toBe('reconnecting');
    await waitFor(() => expect(fake.sockets).toHaveLength(2));
    act(() => fake.sockets[1]?.accept());
    expect(result.current.status).toBe('open');
    act(() => result.current.reconnect());
    await microtasks();
    expect(fake.sockets).toHaveLength(3);
    act(() => result.current.close());
    await settle();
    expect(result.current.status).toBe('closed');
    expect(fake.open()).toHaveLength(0);
  });

  it('follows the provider network and feeds useConnectionState', async () => {
    const fake = createFakeWebSockets();
    const network = createTestNetwork();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <RealtimeProvider network={network}>{children}</RealtimeProvider>
    );
    const { result } = renderHook(
      () => {
        const ws = useWebSocket('wss://example.test/net', { WebSocket: fake.WebSocket });
        return { ws, state: useConnectionState(ws.connection) };
      },
      { wrapper },
    );
    await microtasks();
    act(() => fake.sockets[0]?.accept());
    expect(result.current.state).toMatchObject({ status: 'open', online: true });
    act(() => network.goOffline());
    expect(result.current.state).toMatchObject({ status: 'offline', online: false });
    act(() => network.goOnline());
    await waitFor(() => expect(fake.sockets).toHaveLength(2));
  });

  it('stays idle with a null url and refuses to send', () => {
    const fake = createFakeWebSockets();
    const { result } = renderHook(() => useWebSocket(null, { WebSocket: fake.WebSocket }));
    expect(result.current.status).toBe('idle');
    expect(result.current.connection).toBeNull();
    expect(() => result.current.send('x')).toThrowError(expect.objectContaining({ code: 'closed' }) as Error);
    expect(fake.sockets).toHaveLength(0);
  });
});
