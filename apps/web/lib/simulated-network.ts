import { browserNetwork, type NetworkEvent, type NetworkSource } from '@realtime-kit/core';

/**
 * For the connection-feedback demos: a `fetch` and a network source for `useSSE` that talk to the app's real server,
 * but can be told to act as if the server were unreachable or the device offline — problems a visitor cannot
 * otherwise cause on demand. The real browser network still counts: really going offline works too.
 */
export interface SimulatedNetwork {
  readonly fetch: typeof fetch;
  readonly network: NetworkSource;
  /** Connects fail while true (the server is "down"). */
  setOutage(outage: boolean): void;
  /** The device goes offline / back online, as the browser's events would say. */
  setOffline(offline: boolean): void;
}

export function createSimulatedNetwork(): SimulatedNetwork {
  let outage = false;
  let offline = false;
  const listeners = new Set<(event: NetworkEvent) => void>();
  const emit = (event: NetworkEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  return {
    fetch: (input, init) =>
      outage || offline
        ? Promise.reject(
            new TypeError(offline ? 'Failed to fetch (simulated: offline)' : 'Failed to fetch (simulated outage)'),
          )
        : fetch(input, init),
    network: {
      isOnline: () => !offline && browserNetwork.isOnline(),
      subscribe(listener) {
        listeners.add(listener);
        const unsubscribe = browserNetwork.subscribe(listener);
        return () => {
          listeners.delete(listener);
          unsubscribe();
        };
      },
    },
    setOutage(next) {
      outage = next;
    },
    setOffline(next) {
      if (next === offline) return;
      offline = next;
      emit(next ? 'offline' : 'online');
    },
  };
}
