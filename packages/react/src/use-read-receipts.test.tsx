import { StrictMode, type ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Transport } from '@realtime-kit/core';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useReadReceipts } from './use-read-receipts.js';

const wrapper = (transport: Transport) =>
  function Wrapper({ children }: { children: ReactNode }) {
    return (
      <StrictMode>
        <RealtimeProvider transport={transport}>{children}</RealtimeProvider>
      </StrictMode>
    );
  };

describe('useReadReceipts', () => {
  const messages = [
    { id: 'm1', mine: false },
    { id: 'm2', mine: true },
    { id: 'm3', mine: false },
    { id: 'm4', mine: false },
  ];
  const isOwn = (message: { mine: boolean }) => message.mine;

  it('counts unread messages after your last read (not your own), and says who has seen each message', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    const alice = renderHook(() => useReadReceipts(useChannel('room:1'), { messages, isOwn }), {
      wrapper: wrapper(kit.transport),
    });
    const bob = renderHook(() => useReadReceipts(useChannel('room:1'), { messages, isOwn, initial: { carol: 'm1' } }), {
      wrapper: wrapper(kit.createTransport({ userId: 'bob' })),
    });
    await waitFor(() => expect(kit.server.hub.sessions).toBe(2));
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(alice.result.current.unread).toBe(3);
    expect(alice.result.current.lastRead).toBeNull();

    act(() => alice.result.current.markRead('m3'));
    expect(alice.result.current.unread).toBe(1);
    expect(alice.result.current.lastRead).toBe('m3');
    await waitFor(() => expect(bob.result.current.receipts.get('alice')).toBe('m3'));
    expect(bob.result.current.seenBy('m1')).toEqual(['carol', 'alice']);
    expect(bob.result.current.seenBy('m3')).toEqual(['alice']);
    expect(bob.result.current.seenBy('m4')).toEqual([]);
    expect(alice.result.current.seenBy('m3')).toEqual([]);
    expect(bob.result.current.seenBy('unknown')).toEqual([]);
  });
});
