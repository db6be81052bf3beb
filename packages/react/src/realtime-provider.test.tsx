import { StrictMode, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient, type ClientFrame } from '@realtime-kit/core';
import { createTestTransport, type TestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useConnectionState } from './use-connection-state.js';
import { useEvent } from './use-event.js';
import { useRealtimeClient } from './use-realtime-client.js';

/** Lets deferred closes (one tick after the last unmount) and in-memory frames (microtasks) run. */
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

/** Every frame the client sends through the kit's transport. */
function recordFrames(kit: TestTransport): ClientFrame[] {
  const frames: ClientFrame[] = [];
  const send = kit.transport.send.bind(kit.transport);
  vi.spyOn(kit.transport, 'send').mockImplementation((frame) => {
    frames.push(frame);
    return send(frame);
  });
  return frames;
}

function Room({ onMessage }: { onMessage: (text: string) => void }) {
  const room = useChannel<{ message: { text: string } }>('room:1');
  useEvent(room, 'message', (message) => onMessage(message.data.text));
  const { status } = useConnectionState();
  return <p data-testid="status">{status}</p>;
}

describe('RealtimeProvider with a transport', () => {
  it('creates one client and one session under StrictMode, and closes it after unmount', async () => {
    const kit = createTestTransport();
    const frames = recordFrames(kit);
    const received: string[] = [];
    const { unmount } = render(
      <StrictMode>
        <RealtimeProvider transport={kit.transport}>
          <Room onMessage={(text) => received.push(text)} />
        </RealtimeProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('open'));
    await settle();
    expect(kit.server.hub.sessions).toBe(1);
    expect(frames.filter((frame) => frame.type === 'subscribe')).toHaveLength(1);
    expect(frames.filter((frame) => frame.type === 'unsubscribe')).toHaveLength(0);

    act(() => void kit.server.publish('room:1', 'message', { text: 'hello' }));
    await waitFor(() => expect(received).toEqual(['hello']));

    unmount();
    await settle();
    expect(kit.server.hub.sessions).toBe(0);
    expect(kit.transport.getSnapshot().status).toBe('closed');
  });

  it('keeps the client while the provider re-renders, and makes a new one for a new transport', async () => {
    const kit = createTestTransport();
    const other = kit.createTransport();
    const seen: unknown[] = [];
    function Probe() {
      seen.push(useRealtimeClient());
      return null;
    }
    const { rerender } = render(
      <RealtimeProvider transport={kit.transport}>
        <Probe />
      </RealtimeProvider>,
    );
    rerender(
      <RealtimeProvider transport={kit.transport}>
        <Probe />
      </RealtimeProvider>,
    );
    expect(new Set(seen).size).toBe(1);
    rerender(
      <RealtimeProvider transport={other}>
        <Probe />
      </RealtimeProvider>,
    );
    expect(new Set(seen).size).toBe(2);
    await settle();
    expect(kit.transport.getSnapshot().status).toBe('closed');
  });

  it('connects lazily: the first channel in use opens the session', async () => {
    const kit = createTestTransport();
    const { result } = renderHook(() => useConnectionState(), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <RealtimeProvider transport={kit.transport}>{children}</RealtimeProvider>
      ),
    });
    await settle();
    expect(result.current.status).toBe('idle');
    expect(kit.server.hub.sessions).toBe(0);
  });
});

describe('useConnectionState() with a provider client', () => {
  it("reports the client's status through disconnects", async () => {
    const kit = createTestTransport();
    render(
      <RealtimeProvider transport={kit.transport} network={kit.network}>
        <Room onMessage={() => {}} />
      </RealtimeProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('open'));
    act(() => kit.chaos.disconnect());
    expect(screen.getByTestId('status').textContent).toBe('reconnecting');
    act(() => kit.chaos.reconnect());
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('open'));
    act(() => kit.chaos.offline());
    expect(screen.getByTestId('status').textContent).toBe('offline');
  });

  it('still follows only the network with a null connection', async () => {
    const kit = createTestTransport();
    const { result } = renderHook(() => useConnectionState(null), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <RealtimeProvider transport={kit.transport} network={kit.network}>
          {children}
        </RealtimeProvider>
      ),
    });
    expect(result.current.status).toBe('idle');
    act(() => kit.network.goOffline());
    expect(result.current.status).toBe('offline');
  });
});

describe('RealtimeProvider with a client', () => {
  it('hands the client to hooks and leaves closing it to its owner', async () => {
    const kit = createTestTransport();
    const client = createRealtimeClient({ transport: kit.transport });
    const { result, unmount } = renderHook(() => useRealtimeClient(), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <RealtimeProvider client={client}>{children}</RealtimeProvider>
      ),
    });
    expect(result.current).toBe(client);
    unmount();
    await settle();
    expect(client.closed).toBe(false);
    client.close();
  });
});

describe('useRealtimeClient', () => {
  it('explains what is missing when there is no provider client', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useRealtimeClient())).toThrowError(/RealtimeProvider transport=/);
    expect(() =>
      renderHook(() => useRealtimeClient(), {
        wrapper: ({ children }: { children: ReactNode }) => <RealtimeProvider>{children}</RealtimeProvider>,
      }),
    ).toThrowError(/RealtimeProvider transport=/);
  });
});
