import { StrictMode, useState, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { sharedSSECount, useSSE, type UseSSEOptions } from './use-sse.js';

type Kit = ReturnType<typeof createTestTransport>;

function wrapperFor(kit: Kit, strict = false) {
  return function Wrapper({ children }: { children: ReactNode }) {
    const tree = (
      <RealtimeProvider fetch={kit.fetch} network={kit.network}>
        {children}
      </RealtimeProvider>
    );
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
}

function Feed({ url, options }: { url: string | null; options?: UseSSEOptions<{ n: number }> }) {
  const { status, messages, data } = useSSE<{ n: number }>(url, { throttle: false, ...options });
  return (
    <div>
      <p data-testid="status">{status}</p>
      <p data-testid="count">{messages.length}</p>
      <p data-testid="last">{data?.n ?? '-'}</p>
    </div>
  );
}

/** Lets every pending release timer (closing one tick after the last unmount) run. */
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

describe('useSSE', () => {
  it('opens one connection under StrictMode double mount and streams every message', async () => {
    const kit = createTestTransport();
    render(<Feed url="/events" />, { wrapper: wrapperFor(kit, true) });
    await act(() => kit.server.waitForConnections(1));
    await settle();
    expect(kit.server.requests).toHaveLength(1);
    expect(kit.server.connections).toBe(1);
    expect(screen.getByTestId('status').textContent).toBe('open');
    act(() => {
      kit.server.send({ id: '1', data: { n: 1 } });
      kit.server.send({ id: '2', data: { n: 2 } });
    });
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('2'));
    expect(screen.getByTestId('last').textContent).toBe('2');
  });

  it('shares one connection between components with the same url and options, and closes after the last unmounts', async () => {
    const kit = createTestTransport();
    function Two() {
      const [show, setShow] = useState(2);
      return (
        <>
          <button onClick={() => setShow((n) => n - 1)}>less</button>
          {show >= 1 && <Feed url="/shared" />}
          {show >= 2 && <Feed url="/shared" />}
        </>
      );
    }
    render(<Two />, { wrapper: wrapperFor(kit) });
    await act(() => kit.server.waitForConnections(1));
    await settle();
    expect(kit.server.requests).toHaveLength(1);
    act(() => kit.server.send({ data: { n: 7 } }));
    await waitFor(() => expect(screen.getAllByTestId('last').map((n) => n.textContent)).toEqual(['7', '7']));

    act(() => screen.getByText('less').click());
    await settle();
    expect(kit.server.connections).toBe(1);
    act(() => screen.getByText('less').click());
    await settle();
    expect(kit.server.connections).toBe(0);
    expect(sharedSSECount()).toBe(0);
    expect(kit.server.requests).toHaveLength(1);
  });

  it('opens separate connections when options differ', async () => {
    const kit = createTestTransport();
    render(
      <>
        <Feed url="/a" options={{ events: ['x'] }} />
        <Feed url="/a" options={{ events: ['y'] }} />
      </>,
      { wrapper: wrapperFor(kit) },
    );
    await act(() => kit.server.waitForConnections(2));
    expect(kit.server.requests).toHaveLength(2);
  });

  it('stays idle with a null url and connects when one is given', async () => {
    const kit = createTestTransport();
    const { rerender } = render(<Feed url={null} />, { wrapper: wrapperFor(kit) });
    await settle();
    expect(screen.getByTestId('status').textContent).toBe('idle');
    expect(kit.server.requests).toHaveLength(0);
    rerender(<Feed url="/later" />);
    await act(() => kit.server.waitForConnections(1));
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('open'));
  });

  it('keeps every event, bounded by maxMessages, and collects only the events asked for', async () => {
    const kit = createTestTransport();
    const { result } = renderHook(
      () => useSSE<number>('/many', { maxMessages: 50, events: ['tick'], throttle: false }),
      {
        wrapper: wrapperFor(kit),
      },
    );
    await act(() => kit.server.waitForConnections(1));
    act(() => {
      for (let n = 1; n <= 120; n++) kit.server.send({ event: n % 2 ? 'tick' : 'other', data: n });
    });
    await waitFor(() => expect(result.current.total).toBe(60));
    expect(result.current.messages).toHaveLength(50);
    expect(result.current.messages.map((m) => m.data)).toEqual(Array.from({ length: 50 }, (_, i) => 21 + i * 2));
    expect(result.current.data).toBe(119);
  });

  it('commits a burst of events in a few renders by default, not one render per event', async () => {
    const kit = createTestTransport();
    let renders = 0;
    const { result } = renderHook(
      () => {
        renders += 1;
        return useSSE<number>('/burst');
      },
      { wrapper: wrapperFor(kit) },
    );
    await act(() => kit.server.waitForConnections(1));
    await waitFor(() => expect(result.current.status).toBe('open'));
    const before = renders;
    act(() => {
      for (let n = 0; n < 2000; n++) kit.server.send({ data: n });
    });
    await waitFor(() => expect(result.current.total).toBe(2000));
    expect(renders - before).toBeLessThan(10);
    expect(result.current.data).toBe(1999);
  });

  it('does not re-render for every event id: the resume point rides along with the batched messages', async () => {
    const kit = createTestTransport();
    let renders = 0;
    const { result } = renderHook(
      () => {
        renders += 1;
        // Batches of 40 ms: happy-dom runs animation frames on every task, so a frame throttle would not batch here.
        return useSSE<number>('/ids', { throttle: 40 });
      },
      { wrapper: wrapperFor(kit) },
    );
    await act(() => kit.server.waitForConnections(1));
    await waitFor(() => expect(result.current.status).toBe('open'));
    const before = renders;
    // One event per task, as a network delivers them (not batched by act): each moves lastEventId.
    for (let n = 1; n <= 100; n++) {
      kit.server.send({ id: String(n), data: n });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await waitFor(() => expect(result.current.lastEventId).toBe('100'));
    expect(result.current.total).toBe(100);
    // Commits follow the batched messages, not the 100 ids (one render per event when the id re-rendered).
    expect(renders - before).toBeLessThan(50);
  });

  it('shows a resume point that came with no collected message at the next throttle tick', async () => {
    const kit = createTestTransport();
    const { result } = renderHook(() => useSSE<number>('/filtered', { events: ['tick'], throttle: 40 }), {
      wrapper: wrapperFor(kit),
    });
    await act(() => kit.server.waitForConnections(1));
    await waitFor(() => expect(result.current.status).toBe('open'));
    act(() => kit.server.send({ id: '7', event: 'other', data: 1 }));
    await waitFor(() => expect(result.current.lastEventId).toBe('7'));
    expect(result.current.total).toBe(0);
  });

  it('calls the newest onMessage without reconnecting when its identity changes', async () => {
    const kit = createTestTransport();
    const first = vi.fn();
    const second = vi.fn();
    const { rerender } = renderHook(({ onMessage }) => useSSE('/cb', { onMessage, throttle: false }), {
      wrapper: wrapperFor(kit),
      initialProps: { onMessage: first },
    });
    await act(() => kit.server.waitForConnections(1));
    act(() => kit.server.send({ data: 1 }));
    await waitFor(() => expect(first).toHaveBeenCalledTimes(1));
    rerender({ onMessage: second });
    act(() => kit.server.send({ data: 2 }));
    await waitFor(() => expect(second).toHaveBeenCalledTimes(1));
    expect(first).toHaveBeenCalledTimes(1);
    expect(second.mock.calls[0]?.[0]).toMatchObject({ event: 'message', data: 2 });
    expect(kit.server.requests).toHaveLength(1);
  });

  it('reports bad JSON through onError and keeps streaming', async () => {
    const kit = createTestTransport();
    const onError = vi.fn();
    const { result } = renderHook(() => useSSE<number>('/bad', { onError, throttle: false }), {
      wrapper: wrapperFor(kit),
    });
    await act(() => kit.server.waitForConnections(1));
    act(() => {
      kit.server.send({ data: '{not json' });
      kit.server.send({ data: 3 });
    });
    await waitFor(() => expect(result.current.data).toBe(3));
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0].error.code).toBe('bad_data');
    expect(onError.mock.calls[0]?.[0].raw).toBe('{not json');
    expect(result.current.status).toBe('open');
  });

  it('reset() drops messages and resumes from nothing', async () => {
    const kit = createTestTransport();
    const { result } = renderHook(() => useSSE<number>('/job', { throttle: false }), { wrapper: wrapperFor(kit) });
    await act(() => kit.server.waitForConnections(1));
    act(() => kit.server.send({ id: '41', data: 1 }));
    await waitFor(() => expect(result.current.lastEventId).toBe('41'));
    act(() => result.current.reconnect());
    await act(() => kit.server.waitForConnections(1));
    await waitFor(() => expect(kit.server.requests).toHaveLength(2));
    expect(kit.server.requests[1]?.lastEventId).toBe('41');
    act(() => result.current.reset());
    await waitFor(() => expect(kit.server.requests).toHaveLength(3));
    expect(kit.server.requests[2]?.lastEventId).toBeNull();
    expect(result.current.messages).toHaveLength(0);
  });

  it('shows offline while the network is down and reconnects when it returns', async () => {
    const kit = createTestTransport();
    const { result } = renderHook(() => useSSE('/net'), { wrapper: wrapperFor(kit) });
    await act(() => kit.server.waitForConnections(1));
    act(() => kit.chaos.offline());
    await waitFor(() => expect(result.current.status).toBe('offline'));
    expect(kit.server.connections).toBe(0);
    act(() => kit.chaos.online());
    await act(() => kit.server.waitForConnections(1));
    await waitFor(() => expect(result.current.status).toBe('open'));
  });
});
