import { describe, expect, it, vi } from 'vitest';

// The cache is for every framework binding: it must run where there is no React, no window and no document.
// Any import of React from here on fails the test.
vi.mock('react', () => {
  throw new Error('@realtime-kit/core imported react');
});
vi.mock('react-dom', () => {
  throw new Error('@realtime-kit/core imported react-dom');
});

describe('the connection cache in plain Node', () => {
  it('runs in an environment without window, document or React', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    await expect(import('react')).rejects.toThrow('error when mocking a module');
    const core = await import('../src/index.js');
    expect(Object.keys(core)).toEqual(
      expect.arrayContaining(['createConnectionCache', 'createConnectionView', 'createSharedSSE']),
    );
  });

  it('shares one SSE connection between two users of a key, streams to both and closes a tick after both leave', async () => {
    const { createConnectionCache, createSharedSSE, sharedSSEKey } = await import('../src/index.js');
    const { createSSETestServer } = await import('../src/testing/index.js');
    const server = createSSETestServer();
    const cache = createConnectionCache<ReturnType<typeof createSharedSSE<{ n: number }>>>();
    const options = { fetch: server.fetch, throttle: false as const };
    const use = () => cache.get(sharedSSEKey('/node', options), () => createSharedSSE<{ n: number }>('/node', options));

    const seen: number[][] = [[], []];
    const [first, second] = [use(), use()];
    expect(second).toBe(first);
    const offFirst = first.subscribe(() => seen[0]!.push(first.getSnapshot().total));
    const offSecond = second.subscribe(() => seen[1]!.push(second.getSnapshot().total));
    await server.waitForConnections(1);
    server.send({ data: { n: 1 } });
    server.send({ data: { n: 2 } });
    await vi.waitFor(() => expect(first.getSnapshot().messages.map((message) => message.data.n)).toEqual([1, 2]), {
      timeout: 5_000,
    });
    expect(seen[0]).toContain(2);
    expect(seen[1]).toContain(2);
    expect(server.requests).toHaveLength(1);

    offFirst();
    offSecond();
    expect(server.connections).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.connections).toBe(0);
    expect(first.resource.connection.getSnapshot().status).toBe('closed');
    expect(cache.size).toBe(0);
  });
});
