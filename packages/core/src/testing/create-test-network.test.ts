import { describe, expect, it, vi } from 'vitest';
import { createTestNetwork } from './create-test-network.js';

describe('createTestNetwork', () => {
  it('is online by default, or as given', () => {
    expect(createTestNetwork().isOnline()).toBe(true);
    const offline = createTestNetwork({ online: false });
    expect(offline.isOnline()).toBe(false);
    expect(offline.online).toBe(false);
  });

  it('emits offline/online on change only, and visible every time', () => {
    const network = createTestNetwork();
    const listener = vi.fn();
    network.subscribe(listener);
    network.goOnline();
    network.goOffline();
    network.goOffline();
    expect(network.online).toBe(false);
    network.goOnline();
    network.becomeVisible();
    network.becomeVisible();
    expect(listener.mock.calls.map(([event]) => event)).toEqual(['offline', 'online', 'visible', 'visible']);
  });

  it('unsubscribes', () => {
    const network = createTestNetwork();
    const listener = vi.fn();
    const off = network.subscribe(listener);
    off();
    network.goOffline();
    expect(listener).not.toHaveBeenCalled();
  });
});
