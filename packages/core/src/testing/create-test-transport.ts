import { createSSETestServer, type SSETestServer } from './create-sse-test-server.js';
import { createTestNetwork, type TestNetwork } from './create-test-network.js';

/** Fault injection over a {@link TestTransport}. */
export interface Chaos {
  /** Cuts every open stream (a read error, as a dropped network); further connects fail with a network error until {@link Chaos.reconnect}. */
  disconnect(): void;
  /** Lets connects reach the server again after {@link Chaos.disconnect}. */
  reconnect(): void;
  /** The device goes offline: the network emits `'offline'`, open streams are cut, and connects fail until {@link Chaos.online}. */
  offline(): void;
  /** The device comes back online: the network emits `'online'`. */
  online(): void;
}

/** A fake server, a fake network and a fetch wired to both: everything a realtime UI needs without a backend. */
export interface TestTransport {
  /** Pass as `SSEOptions.fetch` (or to `RealtimeProvider`). Fails like a real fetch while disconnected or offline. */
  fetch: typeof fetch;
  server: SSETestServer;
  /** Pass as `SSEOptions.network` (or to `RealtimeProvider`). */
  network: TestNetwork;
  chaos: Chaos;
}

/**
 * A test server and network joined by a fetch with fault injection. Requests that fail because of
 * chaos never reach the server, so they are not in `server.requests`.
 * @example
 * const kit = createTestTransport();
 * const events = createSSEConnection('/events', { fetch: kit.fetch, network: kit.network });
 * await kit.server.waitForConnections(1);
 * kit.chaos.disconnect(); // events.getSnapshot().status === 'reconnecting'
 */
export function createTestTransport(): TestTransport {
  const server = createSSETestServer();
  const network = createTestNetwork();
  let disconnected = false;

  const fetchThroughChaos = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (disconnected || !network.online) {
      return Promise.reject(new TypeError('fetch failed (test transport: network unavailable)'));
    }
    return server.fetch(input, init);
  };

  return {
    fetch: fetchThroughChaos,
    server,
    network,
    chaos: {
      disconnect() {
        disconnected = true;
        server.fail(new TypeError('network connection lost (chaos.disconnect)'));
      },
      reconnect() {
        disconnected = false;
      },
      offline() {
        network.goOffline();
        server.fail(new TypeError('network connection lost (chaos.offline)'));
      },
      online() {
        network.goOnline();
      },
    },
  };
}
