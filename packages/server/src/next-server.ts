import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRealtime, type Realtime } from './realtime.js';
import { gracefulShutdown, type ShutdownHandle } from './shutdown.js';
import type { SocketServer, SocketServerOptions } from './socket-io/socket-server.js';
import { createWebSocketEndpoint, type WebSocketEndpoint, type WebSocketEndpointOptions } from './ws-endpoint.js';

/** The parts of a Next.js app (`next({ dev, dir })`) the custom server uses. */
export interface NextAppLike {
  prepare(): Promise<void>;
  /** Next parses the URL itself when no parsed URL is passed (what this server does). */
  getRequestHandler(): (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;
  /**
   * Next's own upgrade handler; other upgrades go there — unless the app's request handler has attached its own
   * 'upgrade' listener to the server, as Next's does on its first request (then that one answers them).
   */
  getUpgradeHandler?(): (request: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> | void;
}

/** Options for {@link createNextServer}. */
export interface NextServerOptions {
  /** The Next.js app: `next({ dev, dir })`. */
  app: NextAppLike;
  /** Port to listen on. Default `process.env.PORT` or 3000; `0` picks a free one. */
  port?: number;
  /** Host to bind. Default `process.env.HOSTNAME` or all interfaces. */
  hostname?: string;
  /** The realtime state and rules. Default {@link getRealtime}, the process's shared one (what `publish()` uses). */
  realtime?: Realtime;
  /** The WebSocket endpoint's path and options. Default `{ path: '/realtime' }`. */
  websocket?: Omit<WebSocketEndpointOptions, 'server' | 'path' | 'realtime' | 'hub'> & { path?: string };
  /**
   * Also serve Socket.io (`createSocketServer`, needs `socket.io` installed) on the same port, through the same
   * realtime state. `true` for the defaults (path `/socket.io`). Default off.
   */
  socketIO?: boolean | Omit<SocketServerOptions, 'hub' | 'realtime'>;
  /** Drain on SIGTERM/SIGINT (see `gracefulShutdown`). Default true. */
  shutdown?: boolean;
}

/** A running Next.js + realtime server. */
export interface NextServer {
  readonly server: Server;
  readonly endpoint: WebSocketEndpoint;
  /** The Socket.io server, with `socketIO`. */
  readonly socketIO: SocketServer | undefined;
  readonly realtime: Realtime;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** Stops accepting, closes realtime clients with 1012 (they reconnect elsewhere and resume), closes the server. */
  close(): Promise<void>;
}

/**
 * A custom server entry that serves a Next.js app and the realtime WebSocket endpoint on ONE port. Route handlers
 * and Server Actions of the same process publish with `publish()` from `@realtime-kit/server` (one shared hub,
 * kept on `globalThis`); with `REDIS_URL` set, every instance's clients get every message.
 *
 * ```js
 * // server.mjs — run with `node server.mjs` instead of `next start` (and `NODE_ENV=development` for dev)
 * import next from 'next'
 * import { createNextServer, createJwtVerifier } from '@realtime-kit/server'
 * const jwt = createJwtVerifier({ secret: process.env.REALTIME_JWT_SECRET })
 * await createNextServer({
 *   app: next({ dev: process.env.NODE_ENV !== 'production' }),
 *   websocket: { path: '/realtime', authenticate: (token) => jwt.verify(token) },
 * })
 * ```
 */
export async function createNextServer(options: NextServerOptions): Promise<NextServer> {
  const { app } = options;
  const realtime = options.realtime ?? (await getRealtime());
  const { path = '/realtime', ...websocketOptions } = options.websocket ?? {};
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgradeNext = app.getUpgradeHandler?.();

  const server = createServer((request, response) => {
    void Promise.resolve(handle(request, response)).catch((error: unknown) => {
      console.error('[realtime-kit] Next.js request failed:', error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const endpoint = createWebSocketEndpoint({ ...websocketOptions, realtime });
  let socketIO: SocketServer | undefined;
  let socketIOPath: string | undefined;
  if (options.socketIO) {
    // Loaded only when asked for, so socket.io stays an optional peer.
    const { createSocketServer } = await import('./socket-io/socket-server.js');
    const socketOptions = options.socketIO === true ? {} : options.socketIO;
    // engine.io destroys upgrades it does not handle after 1 s by default: the WebSocket endpoint's are ours.
    const serverOptions = { destroyUpgrade: false, ...socketOptions.serverOptions };
    socketIO = createSocketServer(server, { ...socketOptions, serverOptions, realtime }) as unknown as SocketServer;
    socketIOPath = (socketOptions.path ?? '/socket.io').replace(/\/$/, '');
  }
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === path) return endpoint.handleUpgrade(request, socket, head);
    // Socket.io's engine listens for its own upgrades.
    if (socketIOPath !== undefined && (pathname === socketIOPath || pathname.startsWith(`${socketIOPath}/`))) return;
    // Next's request handler adds its own 'upgrade' listener to this server on its first request (dev-mode hot
    // reload goes through it): the rest is its. Answering here too would write a second response on the socket.
    if (server.listenerCount('upgrade') > ownUpgradeListeners) return;
    if (upgradeNext) return void Promise.resolve(upgradeNext(request, socket, head)).catch(() => socket.destroy());
    socket.destroy();
  });

  // Ours and Socket.io's: any more were added later, by Next.
  const ownUpgradeListeners = server.listenerCount('upgrade');

  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.hostname ?? process.env.HOSTNAME, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shutdownHook?.dispose();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([endpoint.close(), socketIO?.close()]);
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  };
  const shutdownHook: ShutdownHandle | undefined =
    options.shutdown === false ? undefined : gracefulShutdown({ server, close: [{ close }, realtime] });

  return { server, endpoint, socketIO, realtime, port: (server.address() as AddressInfo).port, close };
}
