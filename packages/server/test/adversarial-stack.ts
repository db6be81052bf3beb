// Shared by the adversarial-hub-* and adversarial-sessions tests: one http server on 127.0.0.1 carrying every endpoint
// of one `createRealtime` (WebSocket on /realtime, SSE + POST and long polling on /api/realtime, plain SSE for
// EventSource on /api/live, the poll handler on /api/messages, Socket.io on /socket.io), and the measuring helpers.
// The raw clients of each endpoint are in adversarial-clients.ts.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { HubMessage, MemoryBroker } from '@realtime-kit/core';
import { vi } from 'vitest';
import {
  createChannelEndpoint,
  createPollHandler,
  createRealtime,
  createSSEEndpoint,
  createWebSocketEndpoint,
  type AuthenticationResult,
  type ChannelEndpoint,
  type ChannelEndpointOptions,
  type PollHandler,
  type Realtime,
  type RealtimeOptions,
  type SSEEndpoint,
  type WebSocketEndpoint,
} from '../src/index.js';
import { createSocketServer, type SocketServer } from '../src/socket-io/socket-server.js';
import { serveFetch } from './fetch-bridge.js';
import { onCleanup } from './ws-helpers.js';

export { cleanup, onCleanup } from './ws-helpers.js';

export const WAIT = { timeout: 10_000, interval: 10 };
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `vi.waitFor` with the shared bounds. */
export const until = (check: () => void) => vi.waitFor(check, WAIT);

/** Nesting `depth` levels deep as JSON text (`[[[…0…]]]`, 2 × depth + 1 characters), built without recursion. */
export const deepJson = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;

/** The same nesting as a value (`JSON.parse` of {@link deepJson} builds it without recursing in JS). */
export const deepValue = (depth: number): unknown => JSON.parse(deepJson(depth));

/** `global.gc` without running the file under `--expose-gc` (as adversarial-http-bodies does). */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The heap in use after full collections (a few rounds, so finalizers and weak maps settle). */
export async function settledHeap(gc: () => void): Promise<number> {
  for (let round = 0; round < 4; round += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;
export const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;

/** Who the token-carrying endpoints (WebSocket, Socket.io) say a connection is: the token is the user id. */
export const userFromToken = (token: string | null): AuthenticationResult => (token ? { userId: token } : null);
/** Who the HTTP endpoints say a request is: the `x-user` header names the user. */
export const userFromHeader = (request: Request): AuthenticationResult => {
  const user = request.headers.get('x-user');
  return user ? { userId: user } : null;
};

export interface StackOptions {
  /** Options of `createRealtime` (`redis: false` unless given). */
  readonly realtime?: RealtimeOptions;
  /** For the WebSocket endpoint and Socket.io: from the `?token=` / `auth.token`. Absent: every connection anonymous. */
  readonly authenticateToken?: (token: string | null) => AuthenticationResult | Promise<AuthenticationResult>;
  /** For the channel endpoint, the SSE endpoint and the poll handler. Absent: every request anonymous. */
  readonly authenticateRequest?: (request: Request) => AuthenticationResult | Promise<AuthenticationResult>;
  /** Options of `createChannelEndpoint`'s long polling (waitMs defaults to 2 s here, so cleanup is quick). */
  readonly polling?: ChannelEndpointOptions['polling'];
}

export interface Stack {
  readonly realtime: Realtime;
  readonly ws: WebSocketEndpoint;
  readonly channels: ChannelEndpoint;
  readonly sse: SSEEndpoint;
  readonly poll: PollHandler;
  readonly io: SocketServer;
  readonly server: Server;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** Failures the endpoints reported to `onError` (none expected from client attacks). */
  readonly errors: unknown[];
}

/** Every endpoint over one `createRealtime`, on one http server on an ephemeral port; stopped on cleanup. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const errors: unknown[] = [];
  const onError = (error: unknown) => void errors.push(error);
  const realtime = await createRealtime({ redis: false, onError, ...options.realtime });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/realtime')
      return void serveFetch(req, res, (request) =>
        request.method === 'POST' ? channels.POST(request) : channels.GET(request),
      );
    if (path === '/api/live')
      return void serveFetch(req, res, (request) => (request.method === 'POST' ? sse.POST(request) : sse.GET(request)));
    if (path === '/api/messages') return void serveFetch(req, res, (request) => poll.GET(request));
    res.writeHead(404).end();
  });
  const ws = createWebSocketEndpoint({
    server,
    path: '/realtime',
    realtime,
    authenticate: options.authenticateToken,
    pingIntervalMs: false,
    onError,
  });
  const channels = createChannelEndpoint({
    realtime,
    authenticate: options.authenticateRequest,
    heartbeatMs: false,
    polling: { waitMs: 2000, ...options.polling },
    onError,
  });
  const sse = createSSEEndpoint({
    realtime,
    authenticate: options.authenticateRequest,
    heartbeatMs: false,
    retryMs: 60_000,
    onError,
  });
  const poll = createPollHandler({ realtime, authenticate: options.authenticateRequest, onError });
  const socketServer = createSocketServer(server, {
    realtime,
    authenticate: options.authenticateToken,
    serverOptions: { destroyUpgrade: false },
    onError,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(async () => {
    await Promise.all([ws.close(), channels.close(), sse.close(), socketServer.close()]);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await realtime.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { realtime, ws, channels, sse, poll, io: socketServer, server, base, errors };
}

/** The messages the stack's memory broker keeps for `channel`. */
export const storedMessages = (stack: Stack, channel: string): readonly HubMessage[] =>
  (stack.realtime.broker as unknown as MemoryBroker).messages(channel);
/** How many channel logs the stack's memory broker holds. */
export const logsOf = (stack: Stack): number => (stack.realtime.broker as unknown as MemoryBroker).logs;
