import { describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../channel/client.js';
import { createTestTransport } from '../testing/create-test-transport.js';
import { listInspectables, setInspectable, watchInspectables, type Inspectable } from './registry.js';

describe('devtools registry', () => {
  it('lists a client from its first use until close (never one that never runs), and tells watchers', () => {
    const watcher = vi.fn();
    const stop = watchInspectables(watcher);
    const client = createRealtimeClient({ transport: createTestTransport().transport });
    // Made for a server render and never used: not listed, so nothing holds on to it.
    expect(listInspectables().some((entry) => entry.kind === 'client' && entry.client === client)).toBe(false);
    client.connect();
    const target = listInspectables().find((entry) => entry.kind === 'client' && entry.client === client);
    expect(target).toBeDefined();
    expect(watcher).toHaveBeenLastCalledWith(target, true);
    client.close();
    expect(listInspectables()).not.toContain(target);
    expect(watcher).toHaveBeenLastCalledWith(target, false);
    stop();
  });

  it('is idempotent, and a new watcher first hears of the targets already listed', () => {
    const target = { kind: 'client' } as unknown as Inspectable;
    const watcher = vi.fn();
    const stop = watchInspectables(watcher);
    setInspectable(target, true);
    setInspectable(target, true);
    expect(watcher).toHaveBeenCalledTimes(1);
    const late = vi.fn();
    const stopLate = watchInspectables(late);
    expect(late).toHaveBeenCalledWith(target, true);
    stopLate();
    setInspectable(target, false);
    setInspectable(target, false);
    expect(watcher).toHaveBeenCalledTimes(2);
    expect(late).toHaveBeenCalledTimes(1);
    stop();
  });

  it('unlists a closed client even with no watcher', () => {
    const client = createRealtimeClient({ transport: createTestTransport().transport });
    client.close();
    expect(listInspectables().some((entry) => entry.kind === 'client' && entry.client === client)).toBe(false);
  });
});
