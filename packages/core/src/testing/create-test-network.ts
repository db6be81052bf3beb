import type { NetworkEvent, NetworkSource } from '../env/network.js';

/** A {@link NetworkSource} you drive by hand: pass it as `SSEOptions.network` (or to a provider). */
export interface TestNetwork extends NetworkSource {
  /** Sets the network offline and emits `'offline'` (no-op when already offline). */
  goOffline(): void;
  /** Sets the network online and emits `'online'` (no-op when already online). */
  goOnline(): void;
  /** Emits `'visible'`, as when a backgrounded tab comes back to the front. */
  becomeVisible(): void;
  /** Whether the network is currently online. */
  readonly online: boolean;
}

/**
 * An in-memory network: online unless `initial.online` is false, with no platform events.
 * @example
 * const network = createTestNetwork();
 * const events = createSSEConnection('/events', { network, fetch: server.fetch });
 * network.goOffline(); // events.getSnapshot().status === 'offline'
 */
export function createTestNetwork(initial: { online?: boolean } = {}): TestNetwork {
  let online = initial.online ?? true;
  const listeners = new Set<(event: NetworkEvent) => void>();
  const emit = (event: NetworkEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  return {
    isOnline: () => online,
    get online() {
      return online;
    },
    subscribe(listener) {
      const entry = (event: NetworkEvent) => listener(event);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    goOffline() {
      if (!online) return;
      online = false;
      emit('offline');
    },
    goOnline() {
      if (online) return;
      online = true;
      emit('online');
    },
    becomeVisible() {
      emit('visible');
    },
  };
}
