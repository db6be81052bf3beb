/**
 * One server instance as an app would run it: a Node http server with the WebSocket endpoint on `/realtime` over
 * `createRealtime({ redis })`, serving a page (HTML, script, styles) on every other path. Users are who their
 * `?token=` says (the page's `auth()` returns its user id).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRealtime, createWebSocketEndpoint, type Realtime, type WebSocketEndpoint } from '@realtime-kit/server';

export interface InstancePage {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}

export interface RealtimeInstance {
  readonly origin: string;
  readonly port: number;
  readonly realtime: Realtime;
  readonly endpoint: WebSocketEndpoint;
  /** Closes the endpoint (clients get 1012), Redis connections, then the http server. */
  close(): Promise<void>;
}

export async function startInstance(options: { redisUrl: string; page: InstancePage }): Promise<RealtimeInstance> {
  const { page } = options;
  const realtime = await createRealtime({ redis: options.redisUrl });
  const server: Server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://x');
    const send = (type: string, body: string) =>
      response.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
    if (pathname === '/') return send('text/html', page.html);
    if (pathname === '/app.js') return send('text/javascript', page.js);
    if (pathname === '/app.css') return send('text/css', page.css);
    // No icon: an empty answer rather than a 404 the browser logs as a console error.
    if (pathname === '/favicon.ico') return void response.writeHead(204).end();
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const endpoint = createWebSocketEndpoint({
    server,
    path: '/realtime',
    realtime,
    authenticate: (token) => (token ? { userId: token } : null),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await endpoint.close();
    await realtime.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    realtime,
    endpoint,
    close: () =>
      (closing ??= (async () => {
        await endpoint.close();
        await realtime.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}
