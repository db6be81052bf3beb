import { StrictMode, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transport } from '@realtime-kit/core';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useChannel } from './use-channel.js';
import { usePresence } from './use-presence.js';

const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

afterEach(async () => {
  await settle();
});

type Profile = { name: string };

function Who({ name }: { name: string }) {
  const room = useChannel('room:9');
  const { members } = usePresence<Profile>(room, { data: { name } });
  return <p data-testid={`seen-by-${name}`}>{members.map((member) => `${member.userId}=${member.data.name}`).sort().join(',')}</p>;
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
    const alice = render(tab(kit.transport, <Who name="Alice" />));
    await waitFor(() => expect(screen.getByTestId('seen-by-Alice').textContent).toBe('alice=Alice'));
    expect(kit.server.presence('room:9')).toEqual([{ userId: 'alice', data: { name: 'Alice' }, connections: 1 }]);

    const bob = render(tab(kit.createTransport({ userId: 'bob' }), <Who name="Bob" />));
    await waitFor(() => expect(screen.getByTestId('seen-by-Alice').textContent).toBe('alice=Alice,bob=Bob'));
    expect(screen.getByTestId('seen-by-Bob').textContent).toBe('alice=Alice,bob=Bob');

    bob.unmount();
    await waitFor(() => expect(screen.getByTestId('seen-by-Alice').textContent).toBe('alice=Alice'));
    alice.unmount();
    await settle();
    expect(kit.server.presence('room:9')).toEqual([]);
    expect(kit.server.hub.sessions).toBe(0);
  });

  it('sends an update when the content of data changes, not its identity', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    const { result, rerender } = renderHook(({ name }) => usePresence<Profile>(useChannel('room:9'), { data: { name } }), {
      wrapper: ({ children }: { children: ReactNode }) => tab(kit.transport, children),
      initialProps: { name: 'Alice' },
    });
    await waitFor(() => expect(result.current.members).toEqual([{ userId: 'alice', data: { name: 'Alice' }, connections: 1 }]));
    const before = result.current;
    rerender({ name: 'Alice' });
    expect(result.current).toBe(before);
    rerender({ name: 'Alice B.' });
    await waitFor(() => expect(result.current.members[0]?.data).toEqual({ name: 'Alice B.' }));
    expect(kit.server.presence('room:9')).toEqual([{ userId: 'alice', data: { name: 'Alice B.' }, connections: 1 }]);
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
    await waitFor(() => expect(kit.server.presence('room:9')).toEqual([{ userId: 'alice', data: { name: 'Alice' }, connections: 1 }]));
    rerender(tab(kit.transport, <Who name="Alice" />));
    await settle();
    expect(kit.server.presence('room:9')).toHaveLength(1);
    rerender(tab(kit.transport, null));
    await settle();
    expect(kit.server.presence('room:9')).toEqual([]);
  });
});
