import { StrictMode, useEffect, type ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createRealtimeClient, isRealtimeError, type RealtimeClient, type RealtimeError } from '@realtime-kit/core';
import { createTestTransport, type TestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useOptimisticPublish, type OptimisticItem } from './use-optimistic-publish.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

type Message = { text: string };
type Events = { message: Message; typing: { userId: string } };

function wrapperFor(source: { transport: TestTransport['transport'] } | { client: RealtimeClient }) {
  return ({ children }: { children: ReactNode }) => (
    <StrictMode>
      <RealtimeProvider {...source}>{children}</RealtimeProvider>
    </StrictMode>
  );
}

/** Renders a chat list and records every list it rendered, to prove no render ever showed a message twice. */
function renderChat(wrapper: ReturnType<typeof wrapperFor>, initial: Message[] = [], onError?: (error: RealtimeError) => void) {
  const rendered: (readonly OptimisticItem<Message>[])[] = [];
  const view = renderHook(
    () => {
      const room = useChannel<Events>('room:42');
      useEffect(() => (onError ? room.onError(onError) : undefined), [room]);
      const [items, send] = useOptimisticPublish(room, 'message', initial);
      rendered.push(items);
      return { items, send };
    },
    { wrapper },
  );
  const summary = () => view.result.current.items.map((item) => `${item.data.text}:${item.status}`);
  const everShownTwice = () =>
    rendered.some((items) => new Set(items.map((item) => item.key)).size !== items.length || new Set(items.map((item) => item.data.text)).size !== items.length);
  return { ...view, rendered, summary, everShownTwice };
}

describe('useOptimisticPublish', () => {
  it('shows a send at once as pending, then reconciles it with the echo by cid without showing it twice', async () => {
    const kit = createTestTransport();
    kit.chaos.delay(30); // the echo and ack take a while, as over a real network
    const chat = renderChat(wrapperFor(kit), [{ text: 'history' }]);
    await settle();

    let cid = '';
    act(() => {
      cid = chat.result.current.send({ text: 'hi' });
    });
    expect(chat.summary()).toEqual(['history:sent', 'hi:pending']);
    const pending = chat.result.current.items[1];
    expect(pending).toMatchObject({ cid, key: cid, status: 'pending', id: undefined });

    await waitFor(() => expect(chat.summary()).toEqual(['history:sent', 'hi:sent']));
    const [stored] = kit.server.messages('room:42');
    expect(chat.result.current.items[1]).toMatchObject({ cid, key: cid, id: stored?.id, seq: 1, error: undefined, retry: undefined });
    expect(stored).toMatchObject({ cid, data: { text: 'hi' } });
    expect(kit.server.messages('room:42')).toHaveLength(1);
    expect(chat.everShownTwice()).toBe(false);
  });

  it("appends others' messages as they arrive and keeps its own in send order", async () => {
    const kit = createTestTransport();
    const chat = renderChat(wrapperFor(kit));
    await settle();
    act(() => void kit.server.publish('room:42', 'message', { text: 'from bob' }));
    act(() => void kit.server.publish('room:42', 'typing', { userId: 'bob' }));
    await waitFor(() => expect(chat.summary()).toEqual(['from bob:sent']));
    act(() => {
      chat.result.current.send({ text: 'one' });
      chat.result.current.send({ text: 'two' });
    });
    expect(chat.summary()).toEqual(['from bob:sent', 'one:pending', 'two:pending']);
    await waitFor(() => expect(chat.summary()).toEqual(['from bob:sent', 'one:sent', 'two:sent']));
    expect(chat.result.current.items.map((item) => item.seq)).toEqual([1, 3, 4]); // seq 2 is the typing event
    expect(chat.everShownTwice()).toBe(false);
  });

  it('marks a send the server refuses as failed, and retry() sends it again with the same cid', async () => {
    let allowed = false;
    const kit = createTestTransport({ hub: { authorize: () => allowed } });
    const errors: RealtimeError[] = [];
    const chat = renderChat(wrapperFor(kit), [{ text: 'history' }], (error) => errors.push(error));
    await settle();
    expect(errors.map((error) => error.code)).toEqual(['unauthorized']); // the subscribe was refused too

    let cid = '';
    act(() => {
      cid = chat.result.current.send({ text: 'denied' });
    });
    expect(chat.summary()).toEqual(['history:sent', 'denied:pending']);
    await waitFor(() => expect(chat.summary()).toEqual(['history:sent', 'denied:failed']));
    const failed = chat.result.current.items[1];
    expect(failed?.cid).toBe(cid);
    expect(isRealtimeError(failed?.error, 'unauthorized')).toBe(true);
    expect(failed?.retry).toBeTypeOf('function');
    expect(kit.server.messages('room:42')).toHaveLength(0);

    // The server lets this user in now; after a restart its sessions ask `authorize` again.
    allowed = true;
    act(() => kit.chaos.serverRestart());
    await settle();
    act(() => failed?.retry?.());
    expect(chat.summary()).toEqual(['history:sent', 'denied:pending']);
    expect(chat.result.current.items[1]?.key).toBe(cid);
    await waitFor(() => expect(chat.summary()).toEqual(['history:sent', 'denied:sent']));
    expect(kit.server.messages('room:42')).toMatchObject([{ cid, data: { text: 'denied' } }]);
    expect(chat.everShownTwice()).toBe(false);
  });

  it('keeps sends made offline pending in the outbox, fails the overflow, and sends both once back online', async () => {
    const kit = createTestTransport();
    const client = createRealtimeClient({ transport: kit.transport, maxQueued: 1 });
    const chat = renderChat(wrapperFor({ client }));
    await settle();
    expect(kit.server.hub.sessions).toBe(1);

    act(() => kit.chaos.offline());
    act(() => void chat.result.current.send({ text: 'queued' }));
    act(() => void chat.result.current.send({ text: 'overflow' }));
    await waitFor(() => expect(chat.summary()).toEqual(['queued:pending', 'overflow:failed']));
    expect(isRealtimeError(chat.result.current.items[1]?.error, 'outbox_full')).toBe(true);
    await act(() => new Promise<void>((resolve) => setTimeout(resolve, 50)));
    expect(chat.summary()).toEqual(['queued:pending', 'overflow:failed']);
    expect(client.channel('room:42').getSnapshot().pending).toBe(1);

    act(() => kit.chaos.online());
    await waitFor(() => expect(chat.summary()).toEqual(['queued:sent', 'overflow:failed']));
    act(() => chat.result.current.items[1]?.retry?.());
    await waitFor(() => expect(chat.summary()).toEqual(['queued:sent', 'overflow:sent']));
    expect(kit.server.messages('room:42').map((message) => (message.data as Message).text)).toEqual(['queued', 'overflow']);
    expect(chat.everShownTwice()).toBe(false);
    client.close();
  });

  it('stores a send once across a dropped connection and a duplicated echo', async () => {
    const kit = createTestTransport();
    const chat = renderChat(wrapperFor(kit));
    await settle();
    kit.chaos.duplicate(5);
    act(() => void chat.result.current.send({ text: 'twice?' }));
    act(() => kit.chaos.disconnect());
    act(() => kit.chaos.reconnect());
    await waitFor(() => expect(chat.summary()).toEqual(['twice?:sent']));
    await settle();
    expect(chat.summary()).toEqual(['twice?:sent']);
    expect(kit.server.messages('room:42')).toHaveLength(1);
    expect(chat.everShownTwice()).toBe(false);
  });
});
