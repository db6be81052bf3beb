import { StrictMode, type ReactNode } from 'react';
import { act, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Transport } from '@realtime-kit/core';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useTyping } from './use-typing.js';

const wrapper = (transport: Transport) =>
  function Wrapper({ children }: { children: ReactNode }) {
    return (
      <StrictMode>
        <RealtimeProvider transport={transport}>{children}</RealtimeProvider>
      </StrictMode>
    );
  };

function Composer() {
  const room = useChannel('room:1');
  const { keystroke, stop } = useTyping(room, { timeoutMs: 400, throttleMs: 50 });
  return (
    <>
      <textarea aria-label="Message" onChange={keystroke} />
      <button type="button" onClick={stop}>
        Send
      </button>
    </>
  );
}

describe('useTyping', () => {
  it('shows another user typing, clears it when they send, expires it when they go quiet, and stops on unmount', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    const watcher = renderHook(() => useTyping(useChannel('room:1'), { timeoutMs: 400 }), {
      wrapper: wrapper(kit.createTransport({ userId: 'bob' })),
    });
    const alice = render(<Composer />, { wrapper: wrapper(kit.transport) });
    await waitFor(() => expect(kit.server.hub.sessions).toBe(2));
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));

    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'h' } });
    await waitFor(() => expect(watcher.result.current.typing).toEqual(['alice']));
    fireEvent.click(screen.getByText('Send'));
    await waitFor(() => expect(watcher.result.current.typing).toEqual([]));

    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'hi' } });
    await waitFor(() => expect(watcher.result.current.typing).toEqual(['alice']));
    await waitFor(() => expect(watcher.result.current.typing).toEqual([]), { timeout: 1500 });

    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'hi!' } });
    await waitFor(() => expect(watcher.result.current.typing).toEqual(['alice']));
    alice.unmount();
    await waitFor(() => expect(watcher.result.current.typing).toEqual([]), { timeout: 300 });
  });
});
