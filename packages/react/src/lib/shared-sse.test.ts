import { afterEach, describe, expect, it } from 'vitest';
import { createTestTransport } from '@realtime-kit/core/testing';
import { getSharedSSE, sharedSSECount } from './shared-sse.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

afterEach(async () => {
  await tick();
});

describe('getSharedSSE', () => {
  it('returns one entry per key and keeps the connection through an unsubscribe/resubscribe in the same tick', async () => {
    const kit = createTestTransport();
    const options = { fetch: kit.fetch, network: kit.network };
    const entry = getSharedSSE('k1', '/strict', options);
    expect(getSharedSSE('k1', '/strict', options)).toBe(entry);

    const statuses: string[] = [];
    entry.connection.subscribe(() => statuses.push(entry.connection.getSnapshot().status));
    const off = entry.subscribe(() => {});
    off(); // StrictMode: unmount…
    const offAgain = entry.subscribe(() => {}); // …and mount again, synchronously
    await kit.server.waitForConnections(1);
    expect(statuses).not.toContain('closed');
    expect(kit.server.requests).toHaveLength(1);

    offAgain();
    await tick();
    expect(entry.connection.getSnapshot().status).toBe('closed');
    expect(kit.server.connections).toBe(0);
    expect(sharedSSECount()).toBe(0);
    expect(getSharedSSE('k1', '/strict', options)).not.toBe(entry);
  });
});
