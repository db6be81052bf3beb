// The messaging / resume contract over our own protocol's transports — WebSocket, SSE + POST, long polling + POST —
// and Socket.io, each against a real server on 127.0.0.1 that speaks the protocol through createChannelHub (the
// hub @realtime-kit/server's endpoints are made of; see hub-test-server.ts). The hosted adapters run the same suite
// in their own test files.
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { createRealtimeClient } from '../src/channel/client.js';
import type { Transport } from '../src/channel/transport.js';
import type { RealtimeClient } from '../src/channel/types.js';
import { pollingTransport } from '../src/transports/polling.js';
import { socketIOTransport } from '../src/transports/socket-io.js';
import { sseTransport } from '../src/transports/sse.js';
import { websocketTransport } from '../src/transports/websocket.js';
import { startHubTestServer, startSocketIOHubServer } from './hub-test-server.js';
import { describeMessagingContract, type MessagingHarness } from './messaging-contract.js';

const FAST_BACKOFF = { minMs: 10, maxMs: 50 };
const online = { isOnline: () => true, subscribe: () => () => {} };

interface DroppableServer {
  setAccepting(accepting: boolean): void;
  drop(tag: string): Promise<void>;
  close(): Promise<void>;
}

/** A harness whose peers are clients over `transportFor(tag)`, on a server that can cut one and refuse reconnects. */
function harnessOver(server: DroppableServer, transportFor: (tag: string) => Transport): MessagingHarness {
  const clients: RealtimeClient[] = [];
  let peers = 0;
  return {
    channel: (base) => base,
    // The server keeps every channel's log: a resubscribe with `after` replays what was missed.
    capabilities: { missedWhileDown: 'replayed' },
    async peer() {
      const tag = `peer-${(peers += 1)}`;
      const client = createRealtimeClient({ transport: transportFor(tag) });
      clients.push(client);
      return {
        client,
        async drop() {
          server.setAccepting(false);
          await server.drop(tag);
          return () => server.setAccepting(true);
        },
      };
    },
    async close() {
      for (const client of clients.splice(0)) client.close();
      await server.close();
    },
  };
}

describeMessagingContract('WebSocket (createChannelHub behind ws)', async () => {
  const server = await startHubTestServer();
  return harnessOver(server, (tag) =>
    websocketTransport({ url: `${server.wsUrl}?peer=${tag}`, WebSocket, backoff: FAST_BACKOFF }),
  );
});

describeMessagingContract('SSE + POST (createChannelHub behind an event stream)', async () => {
  const server = await startHubTestServer();
  return harnessOver(server, (tag) =>
    sseTransport({ url: `${server.httpUrl}?peer=${tag}`, backoff: FAST_BACKOFF, network: online }),
  );
});

describeMessagingContract('long polling + POST (createChannelHub behind ?transport=polling)', async () => {
  const server = await startHubTestServer();
  return harnessOver(server, (tag) =>
    pollingTransport({ url: `${server.httpUrl}?peer=${tag}`, backoff: FAST_BACKOFF, network: online }),
  );
});

describeMessagingContract('Socket.io (createChannelHub on the rk event)', async () => {
  const server = await startSocketIOHubServer();
  return harnessOver(server, (tag) =>
    socketIOTransport(
      io(server.url, {
        query: { peer: tag },
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 10,
        reconnectionDelayMax: 50,
        autoConnect: false,
      }),
    ),
  );
});
