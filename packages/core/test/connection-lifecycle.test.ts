import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../src/connection/status.js';
import { listInspectables } from '../src/devtools/registry.js';
import { createSSEConnection } from '../src/sse/sse-connection.js';
import { createTestNetwork, type TestNetwork } from '../src/testing/create-test-network.js';
import { createTestTransport } from '../src/testing/create-test-transport.js';
import { pollingTransport } from '../src/transports/polling.js';
import { sseTransport } from '../src/transports/sse.js';
import type { Store } from '../src/store.js';
import { createFakeWebSockets } from '../src/websocket/test-setup.js';
import { createWebSocketConnection } from '../src/websocket/websocket-connection.js';

// The reconnect lifecycle every connection shares (it is owned once, by `createReconnectEngine`), run over each
// connection through a small harness: how to let the current attempt in, how to cut it, and how many attempts were
// made. One suite, every connection: none keeps a copy of these rules.

/** Backoff without jitter: 1000, 2000, 4000 … ms. */
const BACKOFF = { minMs: 1000, maxMs: 8000, factor: 2, random: () => 1 };

interface Lifecycle extends Store<ConnectionState> {
  connect(): void;
  close(): void;
  reconnect(): void;
}

interface Harness {
  readonly connection: Lifecycle;
  /** The server lets the attempt in flight in (the connection becomes `open`). */
  accept(): Promise<void>;
  /** The server or network cuts the open session. */
  cut(): Promise<void>;
  /** Attempts made so far. */
  attempts(): number;
  /** Whether devtools list it while it runs (plain connections are listed; transports are listed by their client). */
  readonly listed: boolean;
}

const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
};

const HARNESSES: Record<string, (network: TestNetwork) => Harness> = {
  createSSEConnection(network) {
    const kit = createTestTransport();
    const connection = createSSEConnection('/events', {
      fetch: kit.fetch,
      network,
      backoff: BACKOFF,
      autoConnect: false,
    });
    return {
      connection,
      accept: flush,
      async cut() {
        kit.server.end();
        await flush();
      },
      attempts: () => kit.server.requests.length,
      listed: true,
    };
  },
  createWebSocketConnection(network) {
    const fake = createFakeWebSockets();
    const connection = createWebSocketConnection('wss://api.test/live', {
      WebSocket: fake.WebSocket,
      network,
      backoff: BACKOFF,
      heartbeat: false,
      autoConnect: false,
    });
    return {
      connection,
      async accept() {
        await flush();
        fake.last().accept();
      },
      async cut() {
        fake.last().drop();
        await flush();
      },
      attempts: () => fake.sockets.length,
      listed: true,
    };
  },
  sseTransport(network) {
    const endpoint = scriptedChannelEndpoint();
    const connection = sseTransport({
      url: 'http://realtime.test/api',
      fetch: endpoint.fetch,
      network,
      backoff: BACKOFF,
    });
    return { connection, accept: endpoint.accept, cut: endpoint.cut, attempts: endpoint.attempts, listed: false };
  },
  pollingTransport(network) {
    const endpoint = scriptedChannelEndpoint();
    const connection = pollingTransport({
      url: 'http://realtime.test/api',
      fetch: endpoint.fetch,
      network,
      backoff: BACKOFF,
    });
    return { connection, accept: endpoint.accept, cut: endpoint.cut, attempts: endpoint.attempts, listed: false };
  },
};

/**
 * A channel endpoint played by hand: every session-opening GET (an event stream, or a poll naming no session) waits
 * until `accept()` answers it with a `welcome`; `cut()` fails what the session has in flight.
 */
function scriptedChannelEndpoint() {
  let opened = 0;
  const pending: { welcome: () => void; fail: (error: Error) => void }[] = [];
  const live = new Set<(error: Error) => void>();
  const fetch = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    if (init.method === 'POST') return Promise.resolve(new Response(null, { status: 204 }));
    const polling = url.searchParams.get('transport') === 'polling';
    return new Promise<Response>((resolve, reject) => {
      const fail = (error: Error) => {
        live.delete(fail);
        reject(error);
      };
      init.signal?.addEventListener('abort', () => fail(new DOMException('aborted', 'AbortError')));
      if (polling && url.searchParams.has('session')) {
        live.add(fail);
        return;
      }
      opened += 1;
      const frame = { type: 'welcome', v: 2, connectionId: `c${opened}`, heartbeatMs: 15_000, session: `i.s${opened}` };
      pending.push({
        welcome() {
          if (polling) return resolve(Response.json([frame]));
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(frame)}\n\n`));
              live.add((error) => controller.error(error));
            },
          });
          resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
        },
        fail,
      });
    });
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    async accept() {
      await flush();
      pending.shift()?.welcome();
      await flush();
    },
    async cut() {
      for (const fail of [...live]) fail(new TypeError('connection reset'));
      live.clear();
      await flush();
    },
    attempts: () => opened,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

for (const [name, create] of Object.entries(HARNESSES)) {
  describe(`connection lifecycle: ${name}`, () => {
    function start() {
      const network = createTestNetwork();
      const harness = create(network);
      const states: ConnectionState[] = [];
      const unsubscribe = harness.connection.subscribe(() => states.push(harness.connection.getSnapshot()));
      const state = () => harness.connection.getSnapshot();
      return { ...harness, network, states, state, unsubscribe };
    }

    it('connects on connect() (or its first subscriber) and opens when the server lets it in', async () => {
      const { connection, accept, attempts, state } = start();
      connection.connect();
      expect(['connecting', 'open']).toContain(state().status);
      await accept();
      expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null, retryInMs: null });
      expect(attempts()).toBe(1);
    });

    it('after a cut: reconnecting with attempt 1 and a backoff, then a new attempt when it is over', async () => {
      const { connection, accept, cut, attempts, state } = start();
      connection.connect();
      await accept();
      await cut();
      expect(state()).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 1000, retryAt: 1000 });
      expect(state().error?.retryable).toBe(true);
      await vi.advanceTimersByTimeAsync(999);
      expect(attempts()).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(attempts()).toBe(2);
      await accept();
      expect(state()).toMatchObject({ status: 'open', attempt: 0, error: null });
    });

    it('goes offline at once (no attempt, no timer) and reconnects as soon as the network is back', async () => {
      const { connection, accept, cut, attempts, network, state } = start();
      connection.connect();
      await accept();
      await cut();
      network.goOffline();
      await flush();
      expect(state()).toMatchObject({ status: 'offline', retryInMs: null, retryAt: null });
      expect(vi.getTimerCount()).toBe(0);
      network.goOnline();
      await flush();
      expect(attempts()).toBe(2);
      await accept();
      expect(state().status).toBe('open');
    });

    it('a page becoming visible cuts a backoff short', async () => {
      const { connection, accept, cut, attempts, network } = start();
      connection.connect();
      await accept();
      await cut();
      expect(attempts()).toBe(1);
      network.becomeVisible();
      await flush();
      expect(attempts()).toBe(2);
    });

    it('close() stops for good: closed, no timer, no attempt even when the network comes back', async () => {
      const { connection, accept, cut, attempts, network, state } = start();
      connection.connect();
      await accept();
      await cut();
      connection.close();
      await flush();
      expect(state()).toMatchObject({ status: 'closed', retryInMs: null });
      expect(vi.getTimerCount()).toBe(0);
      network.goOffline();
      network.goOnline();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(attempts()).toBe(1);
    });

    it('reconnect() drops the session and tries again at once, from attempt 0', async () => {
      const { connection, accept, cut, attempts, state } = start();
      connection.connect();
      await accept();
      await cut();
      connection.reconnect();
      await flush();
      expect(attempts()).toBe(2);
      expect(state().attempt).toBe(0);
      await accept();
      expect(state().status).toBe('open');
    });

    it('notifies only when what the state shows changed', async () => {
      const { connection, accept, cut, states } = start();
      connection.connect();
      await accept();
      await cut();
      await vi.advanceTimersByTimeAsync(1000);
      await accept();
      for (let i = 1; i < states.length; i += 1) expect(states[i], `notification ${i}`).not.toBe(states[i - 1]);
      expect(states.map((seen) => seen.status)).toEqual(expect.arrayContaining(['open', 'reconnecting']));
    });

    it(`is ${create(createTestNetwork()).listed ? '' : 'not '}listed for devtools while it runs`, async () => {
      const { connection, accept, listed } = start();
      const isListed = () =>
        listInspectables().some((target) => 'connection' in target && target.connection === connection);
      connection.connect();
      await accept();
      expect(isListed()).toBe(listed);
      connection.close();
      expect(isListed()).toBe(false);
    });
  });
}
