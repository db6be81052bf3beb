// The presence / typing / read-receipt contract over our own transports: the in-memory test transport, WebSocket and
// Socket.io against real servers on 127.0.0.1 that speak the protocol through createChannelHub.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import { createRealtimeClient } from '../src/channel/client.js';
import type { RealtimeClient } from '../src/channel/types.js';
import type { ClientFrame } from '../src/protocol/frames.js';
import { createChannelHub } from '../src/protocol/hub.js';
import { createTestTransport } from '../src/testing/create-test-transport.js';
import { socketIOTransport } from '../src/transports/socket-io.js';
import { websocketTransport } from '../src/transports/websocket.js';
import { describePresenceContract, type PresenceHarness } from './presence-contract.js';

const FAST_BACKOFF = { minMs: 10, maxMs: 50 };

function tracked(close: () => Promise<void>) {
  const clients: RealtimeClient[] = [];
  return {
    clients,
    async close() {
      for (const client of clients.splice(0)) client.close();
      await close();
    },
  };
}

describePresenceContract('the in-memory test transport', async (): Promise<PresenceHarness> => {
  const kit = createTestTransport({ retryMs: 20 });
  const { clients, close } = tracked(async () => {});
  return {
    channel: 'room',
    async client(userId, options) {
      const client = createRealtimeClient({ ...options, transport: kit.createTransport({ userId }) });
      clients.push(client);
      return client;
    },
    close,
  };
});

describePresenceContract('WebSocket (createChannelHub behind ws)', async (): Promise<PresenceHarness> => {
  const hub = createChannelHub();
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, request) => {
    const userId = new URL(request.url ?? '/', 'http://x').searchParams.get('user') ?? undefined;
    const session = hub.connect({ userId, send: (frame) => socket.send(JSON.stringify(frame)) });
    socket.on('message', (data) => void session.receive(JSON.parse(String(data)) as ClientFrame));
    socket.on('error', () => {});
    socket.on('close', () => session.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const { clients, close } = tracked(async () => {
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    channel: 'room',
    async client(userId, options) {
      const transport = websocketTransport({
        url: `ws://127.0.0.1:${port}/realtime?user=${userId}`,
        WebSocket,
        backoff: FAST_BACKOFF,
      });
      const client = createRealtimeClient({ ...options, transport });
      clients.push(client);
      return client;
    },
    close,
  };
});

describePresenceContract('Socket.io (createChannelHub on the rk event)', async (): Promise<PresenceHarness> => {
  const hub = createChannelHub();
  const httpServer = http.createServer();
  const server = new Server(httpServer);
  server.on('connection', (socket) => {
    const userId = typeof socket.handshake.auth.userId === 'string' ? socket.handshake.auth.userId : undefined;
    const session = hub.connect({
      userId,
      send: (frame) => socket.emit('rk', frame),
      close: () => socket.disconnect(true),
    });
    socket.on('rk', (frame: ClientFrame) => void session.receive(frame));
    socket.on('disconnect', () => session.close());
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const { clients, close } = tracked(async () => {
    await server.close();
  });
  return {
    channel: 'room',
    async client(userId, options) {
      const socket = io(`http://127.0.0.1:${port}`, {
        auth: { userId },
        transports: ['websocket'],
        reconnectionDelay: 10,
        reconnectionDelayMax: 50,
        autoConnect: false,
      });
      const client = createRealtimeClient({ ...options, transport: socketIOTransport(socket) });
      clients.push(client);
      return client;
    },
    close,
  };
});
