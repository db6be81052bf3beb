import type { PresenceMember } from '../protocol/frames.js';
import {
  createChannelHub,
  type ChannelHub,
  type ChannelHubOptions,
  type HubMessage,
  type HubResetOptions,
} from '../protocol/hub.js';
import { createMemoryTransport, type MemoryTransport } from './create-memory-transport.js';
import { createSSETestServer, type SSETestServer } from './create-sse-test-server.js';
import { createTestLink } from './create-test-link.js';
import { createTestNetwork, type TestNetwork } from './create-test-network.js';

/**
 * Fault injection over a {@link TestTransport}: connectivity faults reach both the SSE streams and the memory
 * transports; frame faults (`drop`, `duplicate`, `reorder`, `delay`) apply to server→client channel frames of the
 * memory transports, counted across all of them in send order.
 */
export interface Chaos {
  /**
   * Cuts every open SSE stream (a read error, as a dropped network) and every memory transport session (frames in
   * flight are lost); further connects fail until {@link Chaos.reconnect}.
   */
  disconnect(): void;
  /** Lets connects reach the server again after {@link Chaos.disconnect}; memory transports reconnect and resume. */
  reconnect(): void;
  /** The device goes offline: the network emits `'offline'`, streams and sessions are cut, and connects fail until {@link Chaos.online}. */
  offline(): void;
  /** The device comes back online: the network emits `'online'`; memory transports reconnect. */
  online(): void;
  /** Drops the next `count` (default 1) server→client frames. */
  drop(count?: number): void;
  /** Delivers each of the next `count` (default 1) server→client frames twice. */
  duplicate(count?: number): void;
  /** Delivers the next `count` (default 2) server→client frames in reverse order (a short batch is released at the next timer tick). */
  reorder(count?: number): void;
  /** Delivers later server→client frames `ms` late, in order; `delay(0)` ends it. */
  delay(ms: number): void;
  /** Clears `drop`, `duplicate`, `reorder` and `delay`. */
  heal(): void;
  /**
   * The server restarts: every memory transport session and SSE stream is cut, subscriptions and presence are
   * gone, the message logs are kept (a server with a persistent log) unless `dropLogs` (the messages are lost but
   * the numbering goes on: resuming clients get a `gap`) or `restartLogs` (a new process with a memory broker: every
   * log starts over under a new epoch, resuming clients get a `reset` gap). Memory transports reconnect at once and
   * resume.
   */
  serverRestart(options?: HubResetOptions): void;
}

/** The channel side of the test server: a {@link ChannelHub} and shortcuts to drive and inspect it. */
export interface ChannelTestServer {
  readonly hub: ChannelHub;
  /** Publishes from the server (as a Server Action would): stored and sent to subscribers. */
  publish(channel: string, event: string, data: unknown, options?: { cid?: string }): { id: string; seq: number };
  /** The messages the channel stores (its replay log), oldest first. */
  messages(channel: string): readonly HubMessage[];
  /** The channel's presence set. */
  presence(channel: string): readonly PresenceMember[];
}

/** The test server: SSE (`fetch`) and channels (`transport`) in one. */
export type TestServer = SSETestServer & ChannelTestServer;

/** Options for {@link createTestTransport}. */
export interface TestTransportOptions {
  /** The user `transport` connects as (presence is keyed by it). Default: anonymous. */
  userId?: string;
  /** Options for the channel hub (`logSize`, `authorize`, …). */
  hub?: ChannelHubOptions;
  /** Delay before memory transports reconnect after a server restart. Default 0. */
  retryMs?: number;
}

/** A fake server, a fake network, a fetch and a channel transport wired to both: a realtime UI without a backend. */
export interface TestTransport {
  /** Pass as `SSEOptions.fetch` (or to `RealtimeProvider`). Fails like a real fetch while disconnected or offline. */
  fetch: typeof fetch;
  server: TestServer;
  /** Pass as `SSEOptions.network` (or to `RealtimeProvider`). */
  network: TestNetwork;
  chaos: Chaos;
  /** A channel transport to `server.hub` through `chaos` (pass to `RealtimeProvider` or `createRealtimeClient`). Not connected until asked. */
  transport: MemoryTransport;
  /** Another transport to the same server through the same chaos: a second tab, or another user. */
  createTransport(options?: { userId?: string }): MemoryTransport;
}

/**
 * A test server and network joined by a fetch and a channel transport, with fault injection. Requests that fail
 * because of chaos never reach the server, so they are not in `server.requests`.
 * @example
 * const kit = createTestTransport();
 * const events = createSSEConnection('/events', { fetch: kit.fetch, network: kit.network });
 * await kit.server.waitForConnections(1);
 * kit.chaos.disconnect(); // events.getSnapshot().status === 'reconnecting'
 * @example
 * const { transport, server, chaos } = createTestTransport();
 * const room = createRealtimeClient({ transport }).channel('room:42');
 * room.subscribe('message', show);
 * chaos.disconnect(); server.publish('room:42', 'message', { text: 'while you were away' }); chaos.reconnect();
 * // `show` receives it once the transport has reconnected and resumed
 */
export function createTestTransport(options: TestTransportOptions = {}): TestTransport {
  const sse = createSSETestServer();
  const network = createTestNetwork();
  const hub = createChannelHub(options.hub);
  const link = createTestLink();
  let disconnected = false;

  const channelServer: ChannelTestServer = {
    hub,
    publish: (channel, event, data, publishOptions) => hub.publish(channel, event, data, publishOptions),
    messages: (channel) => hub.broker.messages(channel),
    presence: (channel) => hub.presence(channel),
  };
  // Defined, not assigned: the SSE server's getters (`connections`, `requests`) must stay live.
  const server = Object.defineProperties(sse, Object.getOwnPropertyDescriptors(channelServer)) as TestServer;

  const fetchThroughChaos = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (disconnected || !network.online) {
      return Promise.reject(new TypeError('fetch failed (test transport: network unavailable)'));
    }
    return sse.fetch(input, init);
  };

  const createTransport = (transportOptions: { userId?: string } = {}) =>
    createMemoryTransport(hub, { userId: transportOptions.userId, link, retryMs: options.retryMs });

  return {
    fetch: fetchThroughChaos,
    server,
    network,
    transport: createTransport({ userId: options.userId }),
    createTransport,
    chaos: {
      disconnect() {
        disconnected = true;
        sse.fail(new TypeError('network connection lost (chaos.disconnect)'));
        link.disconnect();
      },
      reconnect() {
        disconnected = false;
        link.reconnect();
      },
      offline() {
        network.goOffline();
        sse.fail(new TypeError('network connection lost (chaos.offline)'));
        link.offline();
      },
      online() {
        network.goOnline();
        link.online();
      },
      drop: (count) => link.drop(count),
      duplicate: (count) => link.duplicate(count),
      reorder: (count) => link.reorder(count),
      delay: (ms) => link.delay(ms),
      heal: () => link.heal(),
      serverRestart(restartOptions) {
        sse.fail(new TypeError('server restarted (chaos.serverRestart)'));
        hub.reset(restartOptions);
      },
    },
  };
}
