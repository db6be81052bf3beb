import { StrictMode, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient, type Transport } from '@realtime-kit/core';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { usePresence, usePresenceCount } from './use-presence.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

type Profile = { name: string };

function Who({ name }: { name: string }) {
  const room = useChannel('room:9');
  const { members } = usePresence<Profile>(room, { data: { name } });
  return (
    <p data-testid={`seen-by-${name}`}>
      {members
        .map((member) => `${member.userId}=${member.data.name}`)
        .sort()
        .join(',')}
    </p>
  );
}

function tab(transport: Transport, children: ReactNode) {
  return (
    <StrictMode>
      <RealtimeProvider transport={transport}>{children}</RealtimeProvider>
    </StrictMode>
  );
}

describe('usePresence', () => {
  it('enters once under StrictMode, sees other users come and go, and leaves on unmount', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    // A short grace period: Bob's leave shows 200 ms after his unmount.
    const aliceClient = createRealtimeClient({ transport: kit.transport, presenceGraceMs: 200 });
    const alice = render(
      <StrictMode>
        <RealtimeProvider client={aliceClient}>
          <Who name="Alice" />
        </RealtimeProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('seen-by-Alice').textContent).toBe('alice=Alice'));
    expect(kit.server.presence('room:9')).toEqual([
      { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'active' },
    ]);

    const bob = render(tab(kit.createTransport({ userId: 'bob' }), <Who name="Bob" />));
    await waitFor(() => expect(screen.getByTestId('seen-by-Alice').textContent).toBe('alice=Alice,bob=Bob'));
    expect(screen.getByTestId('seen-by-Bob').textContent).toBe('alice=Alice,bob=Bob');

    bob.unmount();
    await waitFor(() => expect(screen.getByTestId('seen-by-Alice').textContent).toBe('alice=Alice'));
    alice.unmount();
    await settle();
    expect(kit.server.presence('room:9')).toEqual([]);
    aliceClient.close();
    await settle();
    expect(kit.server.hub.sessions).toBe(0);
  });

  it('sends an update when the content of data changes, not its identity', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    const { result, rerender } = renderHook(
      ({ name }) => usePresence<Profile>(useChannel('room:9'), { data: { name } }),
      {
        wrapper: ({ children }: { children: ReactNode }) => tab(kit.transport, children),
        initialProps: { name: 'Alice' },
      },
    );
    await waitFor(() =>
      expect(result.current.members).toEqual([
        { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'active' },
      ]),
    );
    const before = result.current;
    rerender({ name: 'Alice' });
    expect(result.current).toBe(before);
    rerender({ name: 'Alice B.' });
    await waitFor(() => expect(result.current.members[0]?.data).toEqual({ name: 'Alice B.' }));
    expect(kit.server.presence('room:9')).toEqual([
      { userId: 'alice', data: { name: 'Alice B.' }, connections: 1, status: 'active' },
    ]);
  });

  it('counts one member for several components of the same user, until the last leaves', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    const { rerender } = render(
      tab(
        kit.transport,
        <>
          <Who name="Alice" />
          <Who name="Alice" />
        </>,
      ),
    );
    await waitFor(() =>
      expect(kit.server.presence('room:9')).toEqual([
        { userId: 'alice', data: { name: 'Alice' }, connections: 1, status: 'active' },
      ]),
    );
    rerender(tab(kit.transport, <Who name="Alice" />));
    await settle();
    expect(kit.server.presence('room:9')).toHaveLength(1);
    rerender(tab(kit.transport, null));
    await settle();
    expect(kit.server.presence('room:9')).toEqual([]);
  });
});

describe('usePresence: self, selector, status, count', () => {
  it('returns your own member, renders only the selected slice, and counts users without entering', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    let renders = 0;
    function Names() {
      const room = useChannel('room:9');
      renders += 1;
      const { members, self } = usePresence<Profile, string>(room, {
        data: { name: 'Alice' },
        selector: (list) =>
          list
            .map((member) => member.data.name)
            .sort()
            .join(','),
      });
      return <p data-testid="names">{`${members}|${self?.userId ?? '-'}`}</p>;
    }
    function Count() {
      return <p data-testid="count">{usePresenceCount(useChannel('room:9'))}</p>;
    }
    render(
      tab(
        kit.transport,
        <>
          <Names />
          <Count />
        </>,
      ),
    );
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('Alice|alice'));
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('1'));
    const bob = render(tab(kit.createTransport({ userId: 'bob' }), <Who name="Bob" />));
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('Alice,Bob|alice'));
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('2'));
    const before = renders;
    // Bob's second tab changes his member (connections 2) but not the selected names: no render.
    const bobTab2 = render(tab(kit.createTransport({ userId: 'bob' }), <Who name="Bob" />));
    await waitFor(() =>
      expect(kit.server.presence('room:9').find((member) => member.userId === 'bob')?.connections).toBe(2),
    );
    await settle();
    expect(renders).toBe(before);
    bobTab2.unmount();
    bob.unmount();
  });

  it('sends away while the page is hidden and active when it is back, and can only watch', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    const watcher = renderHook(() => usePresence(useChannel('room:9'), { enter: false }), {
      wrapper: ({ children }: { children: ReactNode }) => tab(kit.createTransport({ userId: 'bob' }), children),
    });
    render(tab(kit.transport, <Who name="Alice" />));
    await waitFor(() => expect(watcher.result.current.members).toMatchObject([{ userId: 'alice', status: 'active' }]));
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
      await waitFor(() => expect(watcher.result.current.members).toMatchObject([{ userId: 'alice', status: 'away' }]));
    } finally {
      visibility.mockRestore();
    }
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    await waitFor(() => expect(watcher.result.current.members).toMatchObject([{ userId: 'alice', status: 'active' }]));
    expect(kit.server.presence('room:9').map((member) => member.userId)).toEqual(['alice']);
  });
});
