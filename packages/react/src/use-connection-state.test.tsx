import type { ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from './realtime-provider.js';
import { useConnectionState } from './use-connection-state.js';
import { useSSE } from './use-sse.js';

function wrapperFor(kit: ReturnType<typeof createTestTransport>) {
  return ({ children }: { children: ReactNode }) => (
    <RealtimeProvider fetch={kit.fetch} network={kit.network}>
      {children}
    </RealtimeProvider>
  );
}

describe('useConnectionState', () => {
  it('follows the browser network without a connection', () => {
    const kit = createTestTransport();
    const { result } = renderHook(() => useConnectionState(), { wrapper: wrapperFor(kit) });
    expect(result.current).toMatchObject({ online: true, status: 'idle' });
    act(() => kit.network.goOffline());
    expect(result.current).toMatchObject({ online: false, status: 'offline' });
    act(() => kit.network.goOnline());
    expect(result.current.online).toBe(true);
  });

  it("reports a connection's status, attempts and retry countdown", async () => {
    const kit = createTestTransport();
    const { result } = renderHook(
      () => {
        const sse = useSSE('/s', { backoff: { minMs: 60_000, maxMs: 60_000, factor: 1, random: () => 0.5 } });
        return useConnectionState(sse.connection);
      },
      { wrapper: wrapperFor(kit) },
    );
    await act(() => kit.server.waitForConnections(1));
    await waitFor(() => expect(result.current.status).toBe('open'));
    kit.server.respondWith({ status: 503 });
    act(() => kit.server.end());
    await waitFor(() => expect(result.current.status).toBe('reconnecting'));
    expect(result.current.attempt).toBe(1);
    expect(result.current.retryInMs).toBe(30_000);
    expect(result.current.retryAt).toBeGreaterThan(Date.now());
    expect(result.current.online).toBe(true);
  });

  it('reports unauthorized as closed with a typed error', async () => {
    const kit = createTestTransport();
    kit.server.respondWith({ status: 401 });
    const { result } = renderHook(
      () => {
        const sse = useSSE('/private');
        return useConnectionState(sse.connection);
      },
      { wrapper: wrapperFor(kit) },
    );
    await waitFor(() => expect(result.current.status).toBe('closed'));
    expect(result.current.error?.code).toBe('unauthorized');
    expect(kit.server.requests).toHaveLength(1);
  });
});
