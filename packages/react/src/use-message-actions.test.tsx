import { StrictMode, type ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useChannelMessages } from './use-channel-messages.js';
import { useMessageActions } from './use-message-actions.js';
import { useOptimisticPublish } from './use-optimistic-publish.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));
afterEach(async () => {
  await settle();
});

type Events = { message: { text: string } };

function setup() {
  const kit = createTestTransport();
  const wrapperFor =
    (userId: string) =>
    ({ children }: { children: ReactNode }) => (
      <StrictMode>
        <RealtimeProvider transport={kit.createTransport({ userId })}>{children}</RealtimeProvider>
      </StrictMode>
    );
  const chat = (userId: string) =>
    renderHook(
      () => {
        const room = useChannel<Events>('room', { rewind: 50 });
        const [items, send] = useOptimisticPublish(room, 'message');
        const actions = useMessageActions(room);
        const list = useChannelMessages(room, 'message', { throttle: false });
        return { room, items: actions.apply(items), send, actions, list };
      },
      { wrapper: wrapperFor(userId) },
    );
  return { kit, chat };
}

describe('useMessageActions with useOptimisticPublish', () => {
  it('shows an edit, a reaction and a deletion at once, and every client converges on the server’s result', async () => {
    const { chat } = setup();
    const ann = chat('ann');
    const bob = chat('bob');
    await waitFor(() => expect(bob.result.current.room.getSnapshot().subscribed).toBe(true));
    act(() => void ann.result.current.send({ text: 'hello' }));
    await waitFor(() => expect(bob.result.current.items).toHaveLength(1));
    const id = ann.result.current.items[0]!.id!;
    expect(id).toBeTruthy();

    let edited!: Promise<unknown>;
    act(() => {
      edited = ann.result.current.actions.edit(id, { text: 'hello, edited' });
    });
    // Optimistic: shown before the server answered.
    expect(ann.result.current.items[0]).toMatchObject({ data: { text: 'hello, edited' }, pendingChange: true });
    await act(async () => {
      await edited;
    });
    await waitFor(() =>
      expect(bob.result.current.items[0]).toMatchObject({ data: { text: 'hello, edited' }, version: 2 }),
    );
    expect(ann.result.current.actions.pending.size).toBe(0);

    await act(async () => {
      await bob.result.current.actions.react(id, '👍');
    });
    await waitFor(() =>
      expect(ann.result.current.items[0]?.reactions).toEqual({ '👍': { count: 1, users: ['bob'], clipped: false } }),
    );
    await act(async () => {
      await ann.result.current.actions.remove(id);
    });
    await waitFor(() => expect(bob.result.current.items[0]).toMatchObject({ deleted: true, data: null }));
    // Changes are folded, never listed as messages of their own.
    expect(bob.result.current.items).toHaveLength(1);
    expect(bob.result.current.list).toHaveLength(1);
    expect(bob.result.current.list[0]).toMatchObject({ deleted: true, version: 3 });
  });

  it('rolls a refused edit back and says why', async () => {
    const { chat } = setup();
    const ann = chat('ann');
    const bob = chat('bob');
    act(() => void ann.result.current.send({ text: 'mine' }));
    await waitFor(() => expect(bob.result.current.items[0]?.id).toBeTruthy());
    const id = bob.result.current.items[0]!.id!;
    let attempt!: Promise<unknown>;
    act(() => {
      attempt = bob.result.current.actions.edit(id, { text: 'hijacked' }).catch((error: unknown) => error);
    });
    expect(bob.result.current.items[0]?.data).toEqual({ text: 'hijacked' });
    await act(async () => {
      await attempt;
    });
    expect(bob.result.current.items[0]?.data).toEqual({ text: 'mine' });
    expect(bob.result.current.actions.refused).toMatchObject({ messageId: id, error: { code: 'forbidden' } });
    act(() => bob.result.current.actions.dismiss());
    expect(bob.result.current.actions.refused).toBeNull();
  });
});
