import { StrictMode, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame } from '@realtime-kit/core';
import { createTestTransport, type TestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { useChannelMessages } from './use-channel-messages.js';
import { useEvent } from './use-event.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

type Events = { bid: { n: number } };

function recordFrames(kit: TestTransport): ClientFrame[] {
  const frames: ClientFrame[] = [];
  const send = kit.transport.send.bind(kit.transport);
  vi.spyOn(kit.transport, 'send').mockImplementation((frame) => {
    frames.push(frame);
    return send(frame);
  });
  return frames;
}

function wrapperFor(kit: TestTransport, strict: boolean) {
  return function Wrapper({ children }: { children: ReactNode }) {
    const tree = <RealtimeProvider transport={kit.transport}>{children}</RealtimeProvider>;
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
}

function publishBids(kit: TestTransport, from: number, to: number) {
  for (let n = from; n <= to; n += 1) kit.server.publish('auction:7', 'bid', { n });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Renders the bids a component received since it mounted. */
function Bids({ id, rewind }: { id: string; rewind?: number }) {
  const auction = useChannel<Events>('auction:7', rewind === undefined ? undefined : { rewind });
  const bids = useChannelMessages(auction, 'bid', { throttle: false });
  return <p data-testid={id}>{bids.map((bid) => bid.data.n).join(',')}</p>;
}

const shown = (id: string) => screen.getByTestId(id).textContent;

describe('useChannel(name, { rewind })', () => {
  it('keeps one channel object per name, whatever the options and however often they are passed inline', () => {
    const kit = createTestTransport();
    const { result, rerender } = renderHook(
      () =>
        [
          useChannel('auction:7', { rewind: 5 }),
          useChannel('auction:7'),
          useChannel('auction:7', { rewind: 9 }),
        ] as const,
      { wrapper: wrapperFor(kit, false) },
    );
    const [first, plain, other] = result.current;
    rerender();
    expect(result.current[0]).toBe(first);
    expect(plain).toBe(first);
    expect(other).toBe(first);
  });

  for (const strict of [false, true]) {
    it(`delivers exactly the newest N stored messages, then live ones, none twice${strict ? ' (StrictMode)' : ''}`, async () => {
      const kit = createTestTransport();
      const frames = recordFrames(kit);
      publishBids(kit, 1, 30);
      const received: number[] = [];
      const { result } = renderHook(
        () => {
          const auction = useChannel<Events>('auction:7', { rewind: 5 });
          useEvent(auction, 'bid', (bid) => received.push(bid.data.n));
          return useChannelMessages(auction, 'bid', { throttle: false }).map((bid) => bid.data.n);
        },
        { wrapper: wrapperFor(kit, strict) },
      );
      await waitFor(() => expect(result.current).toEqual(range(26, 30)));
      act(() => publishBids(kit, 31, 32));
      await waitFor(() => expect(result.current).toEqual(range(26, 32)));
      await settle();
      expect(result.current).toEqual(range(26, 32));
      expect(received).toEqual(range(26, 32));
      const subscribes = frames.filter((frame) => frame.type === 'subscribe');
      expect(subscribes).toEqual([expect.objectContaining({ channel: 'auction:7', rewind: 5 })]);
    });
  }

  it('rewinds once under StrictMode when the client is already connected (another channel in use)', async () => {
    const kit = createTestTransport();
    publishBids(kit, 1, 30);
    function Lobby() {
      useEvent(useChannel('lobby'), 'hello', () => {});
      return null;
    }
    const view = render(
      <StrictMode>
        <RealtimeProvider transport={kit.transport}>
          <Lobby />
        </RealtimeProvider>
      </StrictMode>,
    );
    await settle();
    expect(kit.transport.getSnapshot().status).toBe('open');
    view.rerender(
      <StrictMode>
        <RealtimeProvider transport={kit.transport}>
          <Lobby />
          <Bids id="bids" rewind={3} />
        </RealtimeProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(shown('bids')).toBe('28,29,30'));
    act(() => publishBids(kit, 31, 31));
    await waitFor(() => expect(shown('bids')).toBe('28,29,30,31'));
    expect(kit.server.hub.sessions).toBe(1);
  });

  it('a hook mounting while the channel is subscribed gets live messages only; a new subscription rewinds again', async () => {
    const kit = createTestTransport();
    publishBids(kit, 1, 30);
    const tree = (children: ReactNode) => <RealtimeProvider transport={kit.transport}>{children}</RealtimeProvider>;
    const view = render(tree(<Bids id="first" rewind={3} />));
    await waitFor(() => expect(shown('first')).toBe('28,29,30'));

    view.rerender(
      tree(
        <>
          <Bids id="first" rewind={3} />
          <Bids id="later" rewind={3} />
        </>,
      ),
    );
    await settle();
    expect(shown('later')).toBe('');
    act(() => publishBids(kit, 31, 31));
    await waitFor(() => expect(shown('later')).toBe('31'));
    expect(shown('first')).toBe('28,29,30,31');

    // Nobody on the channel: its subscription ends. The next one starts over with the newest three.
    view.rerender(tree(null));
    await settle();
    expect(kit.server.hub.channels).toBe(0);
    view.rerender(tree(<Bids id="again" rewind={3} />));
    await waitFor(() => expect(shown('again')).toBe('29,30,31'));
  });

  it('without rewind delivers live messages only', async () => {
    const kit = createTestTransport();
    publishBids(kit, 1, 30);
    render(
      <RealtimeProvider transport={kit.transport}>
        <Bids id="bids" />
      </RealtimeProvider>,
    );
    await settle();
    expect(shown('bids')).toBe('');
    act(() => publishBids(kit, 31, 31));
    await waitFor(() => expect(shown('bids')).toBe('31'));
  });
});
