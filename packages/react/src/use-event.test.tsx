import { StrictMode, useState, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Channel, ChannelMessage, ClientFrame } from '@realtime-kit/core';
import { createTestTransport, type TestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useEvent } from './use-event.js';
import { usePublish } from './use-publish.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

function recordFrames(kit: TestTransport): ClientFrame[] {
  const frames: ClientFrame[] = [];
  const send = kit.transport.send.bind(kit.transport);
  vi.spyOn(kit.transport, 'send').mockImplementation((frame) => {
    frames.push(frame);
    return send(frame);
  });
  return frames;
}

/** Counts the event handlers and state listeners held on `channel` right now. */
function countListeners(channel: Channel) {
  const counter = { active: 0 };
  const subscribe = channel.subscribe.bind(channel) as (...args: unknown[]) => () => void;
  vi.spyOn(channel, 'subscribe').mockImplementation(((...args: unknown[]) => {
    const off = subscribe(...args);
    counter.active += 1;
    let held = true;
    return () => {
      if (held) counter.active -= 1;
      held = false;
      off();
    };
  }) as never);
  return counter;
}

type Events = { message: { text: string }; typing: { userId: string } };

function wrapperFor(kit: TestTransport, strict = false) {
  return function Wrapper({ children }: { children: ReactNode }) {
    const tree = <RealtimeProvider transport={kit.transport}>{children}</RealtimeProvider>;
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
}

describe('useChannel', () => {
  it('returns the same channel object on every render and for every component', () => {
    const kit = createTestTransport();
    const { result, rerender } = renderHook(
      () => [useChannel('room:1'), useChannel('room:1'), useChannel('room:2')] as const,
      {
        wrapper: wrapperFor(kit),
      },
    );
    const [first, again, other] = result.current;
    rerender();
    expect(result.current[0]).toBe(first);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(first.name).toBe('room:1');
  });
});

describe('useEvent', () => {
  it('subscribes once under StrictMode and delivers every message once, in order', async () => {
    const kit = createTestTransport();
    const frames = recordFrames(kit);
    const received: string[] = [];
    renderHook(
      () => {
        const room = useChannel<Events>('room:1');
        useEvent(room, 'message', (message) => received.push(message.data.text));
      },
      { wrapper: wrapperFor(kit, true) },
    );
    await settle();
    expect(kit.server.hub.sessions).toBe(1);
    expect(frames.map((frame) => frame.type)).toEqual(['subscribe']);
    act(() => {
      kit.server.publish('room:1', 'message', { text: 'a' });
      kit.server.publish('room:1', 'typing', { userId: 'u' });
      kit.server.publish('room:1', 'message', { text: 'b' });
    });
    await waitFor(() => expect(received).toEqual(['a', 'b']));
  });

  it('calls the newest handler without resubscribing', async () => {
    const kit = createTestTransport();
    const frames = recordFrames(kit);
    const first = vi.fn();
    const second = vi.fn();
    let room!: Channel<Events>;
    let listeners!: { active: number };
    type Handler = (message: ChannelMessage<Events['message'], 'message'>) => void;
    const { rerender } = renderHook(
      ({ handler }: { handler: Handler }) => {
        room = useChannel<Events>('room:1');
        listeners ??= countListeners(room as unknown as Channel);
        useEvent(room, 'message', handler);
      },
      { wrapper: wrapperFor(kit), initialProps: { handler: first as Handler } },
    );
    await settle();
    rerender({ handler: second });
    rerender({ handler: (message) => second(message) });
    await settle();
    act(() => void kit.server.publish('room:1', 'message', { text: 'x' }));
    await waitFor(() => expect(second).toHaveBeenCalledTimes(1));
    expect(first).not.toHaveBeenCalled();
    expect(second.mock.calls[0]?.[0]).toMatchObject({
      channel: 'room:1',
      event: 'message',
      seq: 1,
      data: { text: 'x' },
    });
    expect(vi.mocked(room.subscribe)).toHaveBeenCalledTimes(1);
    expect(listeners.active).toBe(1);
    expect(frames.filter((frame) => frame.type === 'subscribe')).toHaveLength(1);
  });

  it("resubscribes when the event changes, and '*' receives every event", async () => {
    const kit = createTestTransport();
    const seen: string[] = [];
    const all: string[] = [];
    const { rerender } = renderHook(
      ({ event }: { event: keyof Events }) => {
        const room = useChannel<Events>('room:1');
        useEvent(room, event, (message) => seen.push(message.event));
        useEvent(room, '*', (message) => all.push(message.event));
      },
      { wrapper: wrapperFor(kit), initialProps: { event: 'message' } },
    );
    await settle();
    act(() => void kit.server.publish('room:1', 'message', { text: 'a' }));
    await waitFor(() => expect(seen).toEqual(['message']));
    rerender({ event: 'typing' });
    act(() => {
      kit.server.publish('room:1', 'message', { text: 'b' });
      kit.server.publish('room:1', 'typing', { userId: 'u' });
    });
    await waitFor(() => expect(seen).toEqual(['message', 'typing']));
    expect(all).toEqual(['message', 'message', 'typing']);
  });

  it('leaves no listener, subscription or session after 1,000 mount/unmount cycles', async () => {
    const kit = createTestTransport();
    const frames = recordFrames(kit);
    let handled = 0;
    function Listener() {
      const room = useChannel<Events>('room:leak');
      useEvent(room, 'message', () => {
        handled += 1;
      });
      return null;
    }
    function Harness() {
      const [mounted, setMounted] = useState(false);
      return (
        <>
          <button onClick={() => setMounted((value) => !value)}>toggle</button>
          {mounted && <Listener />}
        </>
      );
    }
    function Probe({ onChannel }: { onChannel: (channel: Channel) => void }) {
      onChannel(useChannel('room:leak'));
      return null;
    }
    let channel!: Channel;
    const { unmount } = render(
      <RealtimeProvider transport={kit.transport}>
        <Probe onChannel={(value) => (channel = value)} />
        <Harness />
      </RealtimeProvider>,
    );
    const listeners = countListeners(channel);
    const toggle = screen.getByText('toggle');
    for (let cycle = 0; cycle < 1000; cycle += 1) {
      // Async acts let the in-memory wire run, so every cycle really subscribes on the server and leaves.
      await act(async () => toggle.click());
      await act(async () => toggle.click());
    }
    await settle();
    expect(kit.server.hub.sessions).toBe(1);
    expect(listeners.active).toBe(0);
    expect(vi.mocked(channel.subscribe)).toHaveBeenCalledTimes(1000);
    const subscribes = frames.filter((frame) => frame.type === 'subscribe').length;
    expect(subscribes).toBe(1000);
    expect(frames.filter((frame) => frame.type === 'unsubscribe')).toHaveLength(subscribes);
    expect(frames.at(-1)).toEqual({ type: 'unsubscribe', channel: 'room:leak' });
    // The server subscription ended with the last listener: a publish now reaches nobody.
    act(() => void kit.server.publish('room:leak', 'message', { text: 'nobody' }));
    await settle();
    expect(handled).toBe(0);

    unmount();
    await settle();
    expect(kit.server.hub.sessions).toBe(0);
    expect(kit.transport.getSnapshot().status).toBe('closed');
  });

  it('leaves no session after 1,000 mount/unmount cycles of a whole provider tree', async () => {
    const kit = createTestTransport();
    function App() {
      const room = useChannel<Events>('room:trees');
      useEvent(room, 'message', () => {});
      return null;
    }
    const tick = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
    const sessionsWhileMounted = new Set<number>();
    for (let cycle = 0; cycle < 1000; cycle += 1) {
      let view!: ReturnType<typeof render>;
      await act(async () => {
        view = render(
          <StrictMode>
            <RealtimeProvider transport={kit.transport}>
              <App />
            </RealtimeProvider>
          </StrictMode>,
        );
      });
      sessionsWhileMounted.add(kit.server.hub.sessions);
      view.unmount();
      await tick(); // the deferred close runs: the next cycle starts a fresh client
    }
    expect([...sessionsWhileMounted]).toEqual([1]);
    await settle();
    expect(kit.server.hub.sessions).toBe(0);
    expect(kit.transport.getSnapshot().status).toBe('closed');
  });
});

describe('usePublish', () => {
  it('is stable and resolves with the receipt once stored', async () => {
    const kit = createTestTransport();
    const { result, rerender } = renderHook(() => usePublish(useChannel<Events>('room:1')), {
      wrapper: wrapperFor(kit),
    });
    const publish = result.current;
    rerender();
    expect(result.current).toBe(publish);
    let receipt: Awaited<ReturnType<typeof publish>> | undefined;
    await act(async () => {
      receipt = await publish('message', { text: 'stored' }, { cid: 'c-1' });
    });
    expect(receipt).toMatchObject({ cid: 'c-1', seq: 1 });
    expect(kit.server.messages('room:1')).toMatchObject([{ event: 'message', data: { text: 'stored' }, cid: 'c-1' }]);
  });
});
