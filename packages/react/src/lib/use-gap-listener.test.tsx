import { useState } from 'react';
import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelGap, ClientFrame } from '@realtime-kit/core';
import { createTestTransport, type TestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from '../realtime-provider.js';
import { useChannel } from '../use-channel.js';
import { useChannelMessages } from '../use-channel-messages.js';
import { useEvent } from '../use-event.js';
import { useOptimisticPublish } from '../use-optimistic-publish.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

type Events = { m: { n: number | string } };

function recordFrames(kit: TestTransport): ClientFrame[] {
  const frames: ClientFrame[] = [];
  const send = kit.transport.send.bind(kit.transport);
  vi.spyOn(kit.transport, 'send').mockImplementation((frame) => {
    frames.push(frame);
    return send(frame);
  });
  return frames;
}

/** Every message hook of one channel, each with its own `onGap`; the list's gap is shown as a notice. */
function Room({ tag, gaps }: { tag: string; gaps: [hook: string, tag: string, gap: ChannelGap][] }) {
  const room = useChannel<Events>('room:1');
  const [gap, setGap] = useState<ChannelGap | null>(null);
  useEvent(room, 'm', () => {}, { onGap: (next) => gaps.push(['useEvent', tag, next]) });
  const messages = useChannelMessages(room, 'm', { throttle: false, onGap: setGap });
  useOptimisticPublish(room, 'm', [], { onGap: (next) => gaps.push(['useOptimisticPublish', tag, next]) });
  return (
    <>
      <p data-testid="messages">{messages.map((message) => message.data.n).join(',')}</p>
      {gap && <p role="status">{`You may have missed messages (${gap.reason} ${gap.from}–${gap.to})`}</p>}
    </>
  );
}

const shown = () => screen.getByTestId('messages').textContent;
const notice = () => screen.queryByRole('status')?.textContent ?? null;

describe('onGap on every message hook', () => {
  it('reports a trimmed log to the newest onGap of each hook, once, without resubscribing', async () => {
    const kit = createTestTransport({ hub: { logSize: 3 } });
    const frames = recordFrames(kit);
    const gaps: [string, string, ChannelGap][] = [];
    const tree = (tag: string) => (
      <RealtimeProvider transport={kit.transport}>
        <Room tag={tag} gaps={gaps} />
      </RealtimeProvider>
    );
    const view = render(tree('first'));
    await settle();
    act(() => void kit.server.publish('room:1', 'm', { n: 1 }));
    await waitFor(() => expect(shown()).toBe('1'));
    expect(notice()).toBeNull();
    view.rerender(tree('newest'));

    kit.chaos.disconnect();
    for (let n = 2; n <= 8; n += 1) kit.server.publish('room:1', 'm', { n });
    kit.chaos.reconnect();
    await waitFor(() => expect(shown()).toBe('1,6,7,8'));

    const gap = { channel: 'room:1', from: 2, to: 5, reason: 'trimmed' };
    expect(notice()).toBe('You may have missed messages (trimmed 2–5)');
    expect(gaps).toEqual([
      ['useEvent', 'newest', gap],
      ['useOptimisticPublish', 'newest', gap],
    ]);
    // One subscribe, and one resubscribe from the resume point after the reconnect: a new onGap never resubscribes.
    expect(
      frames.filter((frame) => frame.type === 'subscribe').map((frame) => (frame as { after?: number }).after),
    ).toEqual([undefined, 1]);
  });

  it('reports a log that started over (server restart with a memory log) as a reset, then delivers the new log', async () => {
    const kit = createTestTransport();
    const gaps: [string, string, ChannelGap][] = [];
    render(
      <RealtimeProvider transport={kit.transport}>
        <Room tag="only" gaps={gaps} />
      </RealtimeProvider>,
    );
    await settle();
    act(() => {
      for (let n = 1; n <= 3; n += 1) kit.server.publish('room:1', 'm', { n: `old ${n}` });
    });
    await waitFor(() => expect(shown()).toBe('old 1,old 2,old 3'));

    kit.chaos.disconnect();
    kit.chaos.serverRestart({ restartLogs: true });
    kit.server.publish('room:1', 'm', { n: 'new 1' });
    kit.server.publish('room:1', 'm', { n: 'new 2' });
    kit.chaos.reconnect();
    await waitFor(() => expect(shown()).toBe('old 1,old 2,old 3,new 1,new 2'));

    const gap = { channel: 'room:1', from: 4, to: Number.POSITIVE_INFINITY, reason: 'reset' };
    expect(notice()).toBe('You may have missed messages (reset 4–Infinity)');
    expect(gaps).toEqual([
      ['useEvent', 'only', gap],
      ['useOptimisticPublish', 'only', gap],
    ]);
  });

  it('stops calling onGap after unmount', async () => {
    const kit = createTestTransport({ hub: { logSize: 1 } });
    const onGap = vi.fn();
    const kept = vi.fn();
    function Feed() {
      useEvent(useChannel('room:1'), 'm', () => {}, { onGap });
      return null;
    }
    function Keep() {
      useEvent(useChannel('room:1'), 'm', () => {}, { onGap: kept });
      return null;
    }
    const tree = (feed: boolean) => (
      <RealtimeProvider transport={kit.transport}>
        <Keep />
        {feed && <Feed />}
      </RealtimeProvider>
    );
    const view = render(tree(true));
    await settle();
    act(() => void kit.server.publish('room:1', 'm', { n: 1 }));
    await settle();
    view.rerender(tree(false));
    kit.chaos.disconnect();
    for (let n = 2; n <= 4; n += 1) kit.server.publish('room:1', 'm', { n });
    kit.chaos.reconnect();
    await waitFor(() => expect(kept).toHaveBeenCalledWith({ channel: 'room:1', from: 2, to: 3, reason: 'trimmed' }));
    expect(onGap).not.toHaveBeenCalled();
    // Mounted again, it hears the next gap.
    view.rerender(tree(true));
    await settle();
    kit.chaos.disconnect();
    for (let n = 5; n <= 7; n += 1) kit.server.publish('room:1', 'm', { n });
    kit.chaos.reconnect();
    await waitFor(() => expect(onGap).toHaveBeenCalledWith({ channel: 'room:1', from: 5, to: 6, reason: 'trimmed' }));
    expect(onGap).toHaveBeenCalledTimes(1);
    expect(kept).toHaveBeenCalledTimes(2);
  });
});
