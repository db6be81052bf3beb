// createNextServer with a stand-in Next.js app (apps/web/test/custom-server.test.ts runs it with the real, built
// app): HTTP to the app, WebSocket and Socket.io on one port, sharing one realtime hub; other upgrades go to
// Next's upgrade handler.
import { createRealtimeClient, type ChannelMessage } from '@realtime-kit/core';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createNextServer, createRealtime, type NextAppLike } from '../src/index.js';
import { cleanup, onCleanup, WAIT } from './ws-helpers.js';

afterEach(cleanup);

function fakeNext() {
  const upgrades: string[] = [];
  const app: NextAppLike = {
    prepare: () => Promise.resolve(),
    getRequestHandler: () => (request, response) =>
      void response.writeHead(200, { 'content-type': 'text/plain' }).end(`next: ${request.url}`),
    getUpgradeHandler: () => (request, socket) => {
      upgrades.push(request.url ?? '');
      socket.destroy();
    },
  };
  return { app, upgrades };
}

describe('createNextServer', () => {
  it('one port: the app over HTTP, WebSocket and Socket.io clients on one hub, other upgrades to Next', async () => {
    const realtime = await createRealtime({ redis: false });
    const { app, upgrades } = fakeNext();
    const running = await createNextServer({
      app,
      port: 0,
      hostname: '127.0.0.1',
      realtime,
      socketIO: true,
      shutdown: false,
    });
    onCleanup(() => running.close());
    const base = `127.0.0.1:${running.port}`;

    expect(await (await fetch(`http://${base}/page`)).text()).toBe('next: /page');

    const client = createRealtimeClient({
      transport: websocketTransport({ url: `ws://${base}/realtime`, WebSocket, heartbeat: false }),
    });
    onCleanup(() => client.close());
    const seen: ChannelMessage[] = [];
    onCleanup(client.channel('room').subscribe('*', (message) => seen.push(message)));
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);

    const socket = connectSocket(`http://${base}`, { transports: ['websocket'] });
    onCleanup(() => void socket.close());
    const ack = await socket
      .timeout(5000)
      .emitWithAck('publish', { channel: 'room', event: 'chat', data: 'from socket.io' });
    expect(ack).toMatchObject({ ok: true, seq: 1 });
    await realtime.publish('room', 'chat', 'from the server');
    await vi.waitFor(
      () => expect(seen.map((message) => message.data)).toEqual(['from socket.io', 'from the server']),
      WAIT,
    );

    const hmr = new WebSocket(`ws://${base}/_next/webpack-hmr`);
    hmr.on('error', () => {});
    await vi.waitFor(() => expect(upgrades).toEqual(['/_next/webpack-hmr']), WAIT);
  });

  it('leaves other upgrades to the listener Next attaches on its first request (as real Next does in dev), answering nothing twice', async () => {
    const realtime = await createRealtime({ redis: false });
    const viaGetUpgradeHandler: string[] = [];
    const viaOwnListener: string[] = [];
    let attached = false;
    const app: NextAppLike = {
      prepare: () => Promise.resolve(),
      getRequestHandler: () => (request, response) => {
        // What next's NextCustomServer.getRequestHandler does: the server is found through the request's socket.
        if (!attached) {
          attached = true;
          (request.socket as unknown as { server: import('node:http').Server }).server.on(
            'upgrade',
            (upgrade, socket) => {
              const url = upgrade.url ?? '';
              if (url === '/realtime') return;
              viaOwnListener.push(url);
              socket.destroy();
            },
          );
        }
        response.writeHead(200).end('ok');
      },
      getUpgradeHandler: () => (request, socket) => {
        viaGetUpgradeHandler.push(request.url ?? '');
        socket.destroy();
      },
    };
    const running = await createNextServer({ app, port: 0, hostname: '127.0.0.1', realtime, shutdown: false });
    onCleanup(() => running.close());
    const base = `127.0.0.1:${running.port}`;

    const early = new WebSocket(`ws://${base}/_next/hmr?before`);
    early.on('error', () => {});
    await vi.waitFor(() => expect(viaGetUpgradeHandler).toEqual(['/_next/hmr?before']), WAIT);

    expect(await (await fetch(`http://${base}/page`)).text()).toBe('ok');
    const late = new WebSocket(`ws://${base}/_next/hmr?after`);
    late.on('error', () => {});
    await vi.waitFor(() => expect(viaOwnListener).toEqual(['/_next/hmr?after']), WAIT);
    expect(viaGetUpgradeHandler).toEqual(['/_next/hmr?before']);

    // Ours still answers its own path.
    const client = createRealtimeClient({
      transport: websocketTransport({ url: `ws://${base}/realtime`, WebSocket, heartbeat: false }),
    });
    onCleanup(() => client.close());
    onCleanup(client.channel('room').subscribe('*', () => {}));
    await vi.waitFor(() => expect(client.channel('room').getSnapshot().subscribed).toBe(true), WAIT);
  });
});
