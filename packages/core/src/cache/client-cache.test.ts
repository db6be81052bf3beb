import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestTransport } from '../testing/create-test-transport.js';
import { createClientCache } from './client-cache.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createClientCache', () => {
  it('gives one client per transport, and creating it connects nothing', () => {
    const kit = createTestTransport();
    const other = kit.createTransport();
    const clients = createClientCache();
    const client = clients.get(kit.transport);
    expect(clients.get(kit.transport)).toBe(client);
    expect(clients.get(other)).not.toBe(client);
    expect(kit.transport.getSnapshot().status).toBe('idle');
  });

  it('closes the client one tick after the last holder lets go, unless another takes hold first', async () => {
    const kit = createTestTransport();
    const clients = createClientCache();
    const client = clients.get(kit.transport);
    const releaseFirst = clients.retain(kit.transport);
    releaseFirst(); // StrictMode: unmount…
    const releaseAgain = clients.retain(kit.transport); // …and mount again, synchronously
    await vi.advanceTimersByTimeAsync(10);
    expect(client.closed).toBe(false);
    expect(clients.get(kit.transport)).toBe(client);

    releaseAgain();
    releaseAgain(); // a repeated release counts once
    expect(client.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.closed).toBe(true);
    expect(clients.get(kit.transport)).not.toBe(client);
  });

  it('keeps the client while any holder remains', async () => {
    const kit = createTestTransport();
    const clients = createClientCache();
    const client = clients.get(kit.transport);
    const releaseA = clients.retain(kit.transport);
    const releaseB = clients.retain(kit.transport);
    releaseA();
    releaseA();
    await vi.advanceTimersByTimeAsync(10);
    expect(client.closed).toBe(false);
    releaseB();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.closed).toBe(true);
  });
});
