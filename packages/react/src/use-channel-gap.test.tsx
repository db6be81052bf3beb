import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestTransport } from '@realtime-kit/core/testing';
import type { ReactNode } from 'react';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useChannelGap } from './use-channel-gap.js';
import { useChannelMessages } from './use-channel-messages.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));
afterEach(async () => {
  await settle();
});

describe('useChannelGap', () => {
  it('holds the missed range as a value, merges gaps until dismissed, then forgets it', async () => {
    const kit = createTestTransport({ hub: { logSize: 2 } });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <RealtimeProvider transport={kit.transport}>{children}</RealtimeProvider>
    );
    const view = renderHook(
      () => {
        const room = useChannel('room');
        const messages = useChannelMessages(room, 'm', { throttle: false });
        return { messages, ...useChannelGap(room) };
      },
      { wrapper },
    );
    await settle();
    act(() => void kit.server.publish('room', 'm', 1));
    await waitFor(() => expect(view.result.current.messages).toHaveLength(1));
    expect(view.result.current.gap).toBeNull();

    const miss = async (count: number) => {
      kit.chaos.disconnect();
      for (let i = 0; i < count; i += 1) kit.server.publish('room', 'm', 'x');
      kit.chaos.reconnect();
      await settle();
    };
    await miss(5); // seqs 2..6 stored, 5 and 6 kept: 2..4 missed
    await waitFor(() => expect(view.result.current.gap).toMatchObject({ from: 2, to: 4, reason: 'trimmed' }));
    await miss(4); // 7..10 stored, 9 and 10 kept: 7..8 missed, merged with 2..4
    await waitFor(() => expect(view.result.current.gap).toMatchObject({ from: 2, to: 8, reason: 'trimmed' }));
    act(() => view.result.current.dismiss());
    expect(view.result.current.gap).toBeNull();
  });
});
