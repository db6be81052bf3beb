import { StrictMode, useEffect, type ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRealtimeClient,
  isRealtimeError,
  type RealtimeClient,
  type FrameError,
  type RealtimeError,
  type ServerFrame,
  type Transport,
} from '@realtime-kit/core';
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

function wrapperFor(source: { transport: Transport } | { client: RealtimeClient }) {
  return ({ children }: { children: ReactNode }) => (
    <StrictMode>
      <RealtimeProvider {...source}>{children}</RealtimeProvider>
    </StrictMode>
  );
}

/** Renders a chat list and records every list it rendered, to prove no render ever showed a message twice. */
function renderChat(
  wrapper: ReturnType<typeof wrapperFor>,
  initial: Message[] = [],
  onError?: (error: RealtimeError) => void,
) {
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
    rendered.some(
      (items) =>
        new Set(items.map((item) => item.key)).size !== items.length ||
        new Set(items.map((item) => item.data.text)).size !== items.length,
    );
  return { ...view, rendered, summary, everShownTwice };
}

/** Holds back `message` frames (acks pass) until `release()`, in order: a server whose fan-out lags its acks. */
function holdingFanOut(transport: TestTransport['transport']) {
  let held: ServerFrame[] | null = null;
  const listeners = new Set<(frame: ServerFrame) => void>();
  const deliver = (frame: ServerFrame) => listeners.forEach((listener) => listener(frame));
  transport.onFrame((frame) => {
    if (held !== null && frame.type === 'message') held.push(frame);
    else deliver(frame);
  });
  const wrapped: Transport = {
    ...transport,
    onFrame(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return {
    transport: wrapped,
    hold: () => void (held ??= []),
    release() {
      const frames = held ?? [];
      held = null;
      frames.forEach(deliver);
    },
  };
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
    expect(chat.result.current.items[1]).toMatchObject({
      cid,
      key: cid,
      id: stored?.id,
      seq: 1,
      error: undefined,
      retry: undefined,
    });
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

  it('shows the order another client receives when two publishers interleave and acks outrun deliveries', async () => {
    const kit = createTestTransport();
    const observer = createRealtimeClient({ transport: kit.createTransport() });
    const observed: string[] = [];
    observer.channel('room:42').subscribe('message', (message) => observed.push((message.data as Message).text));
    const bob = createRealtimeClient({ transport: kit.createTransport() }).channel<Events>('room:42');
    const fanOut = holdingFanOut(kit.transport);
    const chat = renderChat(wrapperFor({ transport: fanOut.transport }));
    await settle();
    const bobSays = (text: string) => act(async () => void (await bob.publish('message', { text })));
    const iSay = (text: string) => act(async () => void chat.result.current.send({ text }));

    // Our acks arrive at once; the messages, ours and Bob's, come later (a broker whose fan-out lags, like Redis).
    fanOut.hold();
    await bobSays('b1');
    await iSay('a1');
    await bobSays('b2');
    await iSay('a2');
    await iSay('a3');
    await bobSays('b3');
    await waitFor(() => expect(chat.summary()).toEqual(['a1:sent', 'a2:sent', 'a3:sent']));
    act(() => fanOut.release());

    const serverOrder = ['b1', 'a1', 'b2', 'a2', 'a3', 'b3'];
    await waitFor(() => expect(observed).toEqual(serverOrder));
    expect(kit.server.messages('room:42').map((message) => (message.data as Message).text)).toEqual(serverOrder);
    await waitFor(() => expect(chat.summary()).toEqual(serverOrder.map((text) => `${text}:sent`)));
    expect(chat.result.current.items.map((item) => item.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(chat.everShownTwice()).toBe(false);
    observer.close();
  });

  it('keeps pending and failed items after every stored one, in send order, and moves a retried one to its seq', async () => {
    // `admit` refuses our publishes (rate limit) while `refuse` is set, and holds them while `held` is.
    const gate: { refuse: boolean; held: (() => void) | null } = { refuse: false, held: null };
    const kit = createTestTransport({
      userId: 'me',
      hub: {
        admit: (session, frame) => {
          if (frame.type !== 'publish' || session.userId !== 'me') return null;
          if (gate.refuse) return { code: 'rate_limited', message: 'Slow down.' };
          return gate.held === null ? null : new Promise<null>((resolve) => (gate.held = () => resolve(null)));
        },
      },
    });
    const bob = createRealtimeClient({ transport: kit.createTransport({ userId: 'bob' }) }).channel<Events>('room:42');
    const chat = renderChat(wrapperFor(kit));
    await settle();
    const bobSays = async (text: string) => {
      await act(async () => void (await bob.publish('message', { text })));
      await waitFor(() => expect(chat.summary()).toContain(`${text}:sent`));
    };

    gate.refuse = true;
    act(() => void chat.result.current.send({ text: 'a1' }));
    await waitFor(() => expect(chat.summary()).toEqual(['a1:failed']));
    gate.refuse = false;
    gate.held = () => {};
    act(() => void chat.result.current.send({ text: 'a2' }));
    await bobSays('b1');
    await bobSays('b2');
    expect(chat.summary()).toEqual(['b1:sent', 'b2:sent', 'a1:failed', 'a2:pending']);
    act(() => gate.held?.());
    gate.held = null;
    await waitFor(() => expect(chat.summary()).toEqual(['b1:sent', 'b2:sent', 'a2:sent', 'a1:failed']));

    act(() => chat.result.current.items.at(-1)?.retry?.());
    await waitFor(() => expect(chat.summary()).toEqual(['b1:sent', 'b2:sent', 'a2:sent', 'a1:sent']));
    expect(kit.server.messages('room:42').map((message) => (message.data as Message).text)).toEqual([
      'b1',
      'b2',
      'a2',
      'a1',
    ]);
    // No render showed a stored item below one that was not.
    for (const items of chat.rendered) {
      const firstUnsent = items.findIndex((item) => item.status !== 'sent');
      if (firstUnsent !== -1) expect(items.slice(firstUnsent).map((item) => item.status)).not.toContain('sent');
    }
    expect(chat.everShownTwice()).toBe(false);
  });

  it('keeps what came before a reset of the log above what the new log numbers from 1', async () => {
    const kit = createTestTransport();
    const bob = createRealtimeClient({ transport: kit.createTransport({ userId: 'bob' }) }).channel<Events>('room:42');
    const chat = renderChat(wrapperFor(kit), [{ text: 'history' }]);
    await settle();
    for (const text of ['b1', 'b2', 'b3']) await act(async () => void (await bob.publish('message', { text })));
    await waitFor(() => expect(chat.summary()).toEqual(['history:sent', 'b1:sent', 'b2:sent', 'b3:sent']));

    act(() => kit.chaos.serverRestart({ restartLogs: true }));
    await waitFor(() => expect(kit.server.hub.sessions).toBe(2));
    await act(async () => void (await bob.publish('message', { text: 'b4' })));
    act(() => void chat.result.current.send({ text: 'a5' }));
    const expected = ['history', 'b1', 'b2', 'b3', 'b4', 'a5'];
    await waitFor(() => expect(chat.summary()).toEqual(expected.map((text) => `${text}:sent`)));
    expect(chat.result.current.items.map((item) => item.seq)).toEqual([undefined, 1, 2, 3, 1, 2]);
    expect(chat.everShownTwice()).toBe(false);
  });

  describe('offers retry() only when sending the same data again can succeed', () => {
    const refusals: { error: FrameError; retry: boolean; carries?: Partial<RealtimeError> }[] = [
      {
        error: { code: 'rejected', message: 'Links are not allowed here.', details: { rule: 'no-links' } },
        retry: false,
        carries: { details: { rule: 'no-links' } },
      },
      {
        error: {
          code: 'invalid_payload',
          message: 'The message does not match its schema.',
          issues: [{ message: 'Required', path: ['text'] }],
        },
        retry: false,
        carries: { issues: [{ message: 'Required', path: ['text'] }] },
      },
      { error: { code: 'forbidden', message: 'You may read this room but not write in it.' }, retry: false },
      {
        error: { code: 'message_too_large', message: 'A 70000-byte message was refused: the limit is 65536 bytes.' },
        retry: false,
      },
      { error: { code: 'bad_frame', message: 'The publish frame is malformed.' }, retry: false },
      {
        error: { code: 'rate_limited', message: 'Slow down.', retryAfterMs: 2000 },
        retry: true,
        carries: { retryAfterMs: 2000 },
      },
      { error: { code: 'unauthorized', message: 'Sign in again.' }, retry: true },
    ];
    for (const { error, retry, carries } of refusals) {
      it(`${error.code}: ${retry ? 'retry()' : 'no retry, the refusal in error'}`, async () => {
        const kit = createTestTransport({
          hub: { admit: (_session, frame) => (frame.type === 'publish' ? error : null) },
        });
        const chat = renderChat(wrapperFor(kit));
        await settle();
        act(() => void chat.result.current.send({ text: 'refused' }));
        await waitFor(() => expect(chat.summary()).toEqual(['refused:failed']));
        const failed = chat.result.current.items[0];
        expect(isRealtimeError(failed?.error, error.code as RealtimeError['code'])).toBe(true);
        expect(failed?.error?.message).toContain(error.message);
        expect(failed?.error).toMatchObject(carries ?? {});
        expect(failed?.retry === undefined).toBe(!retry);
        expect(kit.server.messages('room:42')).toHaveLength(0);
      });
    }
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
    expect(kit.server.messages('room:42').map((message) => (message.data as Message).text)).toEqual([
      'queued',
      'overflow',
    ]);
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
