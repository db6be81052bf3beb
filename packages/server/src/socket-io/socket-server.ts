import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { ChannelBroker, ChannelHub, HubPublishResult, MemoryBroker } from '@realtime-kit/core';
import { SOCKET_IO_UNAUTHORIZED } from '@realtime-kit/core/socket-io';
import type { Redis } from 'ioredis';
import { Server, type ServerOptions } from 'socket.io';
import { createAdmission } from '../endpoint/admission.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../endpoint/limits.js';
import type { ServerEventListener } from '../events.js';
import type { Realtime } from '../realtime.js';
import { openSocketConnection } from './socket-connection.js';
import type {
  RealtimeSocket,
  RealtimeSocketIOServer,
  SocketAuthResult,
  SocketHandshake,
  SocketRefusal,
  SocketServerRedis,
} from './socket-events.js';
import type { SocketServerContext } from './socket-session.js';

/**
 * Default `connectionStateRecovery` (without `redis`): sessions and missed packets are kept for 2 minutes, and a
 * recovered connection goes through the middlewares (authentication) again.
 * @example
 * createSocketServer(httpServer, { connectionStateRecovery: { ...DEFAULT_CONNECTION_STATE_RECOVERY, maxDisconnectionDuration: 30_000 } })
 */
export const DEFAULT_CONNECTION_STATE_RECOVERY = Object.freeze({
  maxDisconnectionDuration: 2 * 60_000,
  skipMiddlewares: false,
});
/** How long `close()` waits for sockets to go before it stops waiting. */
const CLOSE_GRACE_MS = 2000;

/**
 * Options for {@link createSocketServer}.
 * @example
 * const options: SocketServerOptions = { path: '/socket.io', authenticate: (token) => verify(token), maxMessageBytes: 32 * 1024 }
 */
export interface SocketServerOptions<B extends ChannelBroker = MemoryBroker> {
  /** The socket.io path. Default `'/socket.io'`. */
  path?: string;
  /** socket.io's `cors` option, passed through. */
  cors?: ServerOptions['cors'];
  /** Any other socket.io server option, passed through (the named options above win). */
  serverOptions?: Partial<ServerOptions>;
  /**
   * socket.io's connection state recovery. Default `{ maxDisconnectionDuration: 120000, skipMiddlewares: false }`
   * without `redis`, off with `redis`: the Redis pub/sub adapter does not support it. `skipMiddlewares` defaults to
   * false here (socket.io's default is true), so a recovered connection is authenticated again.
   *
   * Which resume applies when:
   * - protocol clients (`socketIOTransport`) always resume through the hub: after every reconnect they get a new
   *   `welcome` and resubscribe after their last `seq`; with a shared broker (Redis) that works on any instance;
   * - natively joined channels are resumed by socket.io's recovery (same instance, within
   *   `maxDisconnectionDuration`, memory adapter): the server re-joins them after the last `seq` it emitted, so
   *   nothing is lost or doubled. Otherwise (another instance, Redis adapter, too late) the client must `join` again
   *   on `connect` when `socket.recovered` is false.
   */
  connectionStateRecovery?: ServerOptions['connectionStateRecovery'] | false;
  /** Share rooms (typing) across instances through `@socket.io/redis-adapter`. Stored messages travel through the hub's broker instead. */
  redis?: SocketServerRedis;
  /**
   * The shared state and rules of `createRealtime` (broker, channel authorization, rate limits, schemas, audit):
   * its hub is used and its `onEvent` gets this server's events too.
   */
  realtime?: Realtime;
  /** The channel hub (logs, subscriptions, presence, `authorize`). Default `realtime.hub`, else a new `createChannelHub()`. */
  hub?: ChannelHub<B>;
  /**
   * Checks the token from `auth.token` (fallback `?token=`; null when absent) on every connection attempt.
   * A user → accepted; `null` → refused `unauthorized`; a {@link SocketAuthRefusal} → refused with its code; a user
   * whose `expiresAt` has passed → refused `token_expired`. Refusals reach the client as `connect_error` with
   * `err.message === 'unauthorized'` (what `socketIOTransport` treats as final) and `err.data = { code, message }`.
   * Without it, every connection is anonymous.
   */
  authenticate?: (token: string | null, handshake: SocketHandshake) => SocketAuthResult | Promise<SocketAuthResult>;
  /** Checks the `Origin` header (null when absent): false (or a throw) → `connect_error` `'forbidden'` with `err.data.code === 'forbidden'`. */
  checkOrigin?: (origin: string | null) => boolean;
  /** Largest accepted frame or native publish, measured on its JSON in bytes. Larger ones are refused; the connection stays up. Default 64 KiB. */
  maxMessageBytes?: number;
  /**
   * Ends each connection after this long (its underlying connection is closed, as on a restart): protocol clients
   * reconnect at once (to any instance) and resume, nothing lost. For hosts that cut long connections. Default: never.
   */
  maxDurationMs?: number;
  /** Audit hook: connect, disconnect, auth_failure, refused. Must not throw (a throw goes to `onError`). */
  onEvent?: ServerEventListener;
  /** Failures that are not the client's fault (a throwing `authenticate` or hub, Redis). Default `console.error`. */
  onError?: (error: unknown) => void;
}

/**
 * A running socket.io server: see {@link createSocketServer}.
 * @example
 * const realtime: SocketServer = createSocketServer(httpServer)
 * await realtime.publish('room', 'chat', { text: 'from the server' })
 */
export interface SocketServer<B extends ChannelBroker = MemoryBroker> {
  readonly io: RealtimeSocketIOServer;
  readonly hub: ChannelHub<B>;
  /** Settles once the Redis adapter is installed (at once without `redis`); connections wait for it. Rejects when it could not be. */
  readonly ready: Promise<void>;
  /** Publishes from the server through the hub: stored, numbered and sent to protocol and native subscribers. */
  publish(channel: string, event: string, data: unknown, options?: { cid?: string }): HubPublishResult<B>;
  /**
   * Graceful shutdown: refuses new connections, closes every client's underlying connection (clients see a
   * transport close and reconnect — elsewhere, or here once the server is back — and resume), closes the adapter
   * and quits the Redis clients it created. The http server is left to you. Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * A socket.io server that speaks realtime-kit's channel protocol (for `socketIOTransport` clients) and a typed
 * idiomatic API (for plain socket.io-client users), both through one {@link ChannelHub}: every connection gets
 * one hub session.
 *
 * - Protocol clients send and receive frames as `'rk'` events and resume with zero loss after any reconnect.
 * - Native clients `join` channels (the hub's `authorize` decides) and then receive each stored message as a
 *   `message` event, presence as `presence`; `publish` goes through the hub (stored, numbered, deduplicated by
 *   `cid`, acknowledged with `{ ok, id, seq }`); `typing` goes through the hub as the protocol's typing signal
 *   (`TYPING_EVENT`: authorized and rate limited like any signal, and seen by protocol subscribers on this
 *   instance), then to the channel's room.
 * - A channel is delivered one way per socket: as `message` events once the socket joined it with `join`, as `'rk'`
 *   frames once it subscribed with an `'rk'` frame (the later one wins), so nothing arrives twice.
 * - With `redis`, rooms span instances (typing reaches members everywhere); stored messages are NOT broadcast
 *   through the adapter: every instance's hub delivers them to its own sockets through the shared broker (e.g. a
 *   Redis broker), which would otherwise double them.
 *
 * ```ts
 * const server = http.createServer(app)
 * const realtime = createSocketServer(server, {
 *   hub: createChannelHub({ authorize: (session, channel) => !channel.startsWith('private-') || session.userId === 'admin' }),
 *   authenticate: async (token) => (token ? { userId: await verify(token) } : null),
 *   redis: process.env.REDIS_URL,
 * })
 * server.listen(3000)
 * await realtime.publish('room:42', 'message', { text: 'hi' })
 * ```
 *
 * @throws {RangeError} when `maxMessageBytes` is not a positive number, `path` does not start with `/`, or `redis` is neither a URL nor `{ pub, sub }`.
 */
export function createSocketServer<B extends ChannelBroker = MemoryBroker>(
  httpServer: HttpServer | HttpsServer,
  options: SocketServerOptions<B> = {},
): SocketServer<B> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const { maxDurationMs } = options;
  if (maxDurationMs !== undefined && !(maxDurationMs > 0 && Number.isFinite(maxDurationMs))) {
    throw new RangeError(`maxDurationMs must be a positive, finite number; got ${String(maxDurationMs)}.`);
  }
  if (typeof maxMessageBytes !== 'number' || !Number.isFinite(maxMessageBytes) || maxMessageBytes <= 0) {
    throw new RangeError(
      `createSocketServer: maxMessageBytes must be a positive, finite number; got ${String(maxMessageBytes)}.`,
    );
  }
  const path = options.path ?? '/socket.io';
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new RangeError(`createSocketServer: path must start with "/"; got ${JSON.stringify(path)}.`);
  }
  const { redis, authenticate } = options;
  if (redis !== undefined && !isRedisOption(redis)) {
    throw new RangeError('createSocketServer: redis must be a redis:// URL string or { pub, sub } ioredis clients.');
  }
  const admission = createAdmission(options as SocketServerOptions<ChannelBroker>, 'socket.io server');
  const { hub, onError } = admission;
  const context: SocketServerContext = { admission, maxMessageBytes, maxDurationMs, nativeTyping: new WeakSet() };

  let closing: Promise<void> | undefined;
  const io = createIOServer(httpServer, options, path, maxMessageBytes, () => closing !== undefined);
  const created: Redis[] = [];
  const ready = installRedisAdapter(io, redis, created, onError, () => closing !== undefined);
  ready.catch(onError);

  io.use((socket, next) => {
    void admitSocket(socket).then(
      (error) => next(error ?? undefined),
      (error: unknown) => {
        onError(error);
        next(refuse('server_error', 'The server failed to check this connection.'));
      },
    );
  });

  async function admitSocket(socket: RealtimeSocket): Promise<Error | null> {
    try {
      await ready;
    } catch {
      return refuse('unavailable', 'The server could not reach Redis. Retry shortly.');
    }
    const token = tokenOf(socket.handshake);
    const verdict = await admission.admit(headerValue(socket.handshake.headers.origin), {
      transport: 'socket.io',
      authenticate: authenticate && (() => authenticate(token, socket.handshake)),
      refusal:
        token === null ? 'No token: send one as auth.token.' : 'The token was rejected: get a fresh one and reconnect.',
    });
    if (!verdict.ok) return refuse(verdict.code, verdict.message);
    socket.data.user = verdict.user;
    return null;
  }

  io.on('connection', (socket) => {
    try {
      openSocketConnection(context, socket);
    } catch (error) {
      onError(error);
      socket.conn.close();
    }
  });

  return {
    io,
    hub: hub as unknown as ChannelHub<B>,
    ready,
    publish: (channel, event, data, publishOptions) =>
      (hub as unknown as ChannelHub<B>).publish(channel, event, data, publishOptions),
    close() {
      closing ??= closeSocketServer(io, ready, created, onError);
      return closing;
    },
  };
}

/** socket.io's server with the options of {@link createSocketServer}; while closing it refuses at the Engine.IO level. */
function createIOServer<B extends ChannelBroker>(
  httpServer: HttpServer | HttpsServer,
  options: SocketServerOptions<B>,
  path: string,
  maxMessageBytes: number,
  closing: () => boolean,
): RealtimeSocketIOServer {
  const { redis } = options;
  // socket.io's own default skips the middlewares on a recovered connection: the token would not be checked again.
  const recovery =
    options.connectionStateRecovery === undefined
      ? redis === undefined
        ? { ...DEFAULT_CONNECTION_STATE_RECOVERY }
        : undefined
      : options.connectionStateRecovery
        ? { skipMiddlewares: false, ...options.connectionStateRecovery }
        : undefined;
  const passedAllowRequest = options.serverOptions?.allowRequest;
  return new Server(httpServer, {
    maxHttpBufferSize: Math.max(16 * maxMessageBytes, 1_000_000),
    ...options.serverOptions,
    path,
    ...(options.cors === undefined ? {} : { cors: options.cors }),
    ...(recovery === undefined ? {} : { connectionStateRecovery: recovery }),
    // While closing, refuse at the Engine.IO level: clients see a failed attempt and keep retrying (a middleware refusal would stop them).
    allowRequest: (request, callback) => {
      if (closing()) return callback('server shutting down', false);
      if (passedAllowRequest) return passedAllowRequest(request, callback);
      callback(null, true);
    },
  });
}

/** Shares rooms across instances through `@socket.io/redis-adapter`; the clients it creates from a URL go to `created`. */
async function installRedisAdapter(
  io: RealtimeSocketIOServer,
  redis: SocketServerRedis | undefined,
  created: Redis[],
  onError: (error: unknown) => void,
  closing: () => boolean,
): Promise<void> {
  if (redis === undefined) return;
  const { createAdapter } = await import('@socket.io/redis-adapter');
  let clients: { pub: Redis; sub: Redis };
  if (typeof redis === 'string') {
    const { Redis: RedisClient } = await import('ioredis');
    const pub = new RedisClient(redis, { lazyConnect: false });
    const sub = pub.duplicate();
    pub.on('error', onError);
    sub.on('error', onError);
    created.push(pub, sub);
    clients = { pub, sub };
  } else {
    clients = redis;
  }
  if (closing()) return;
  io.adapter(createAdapter(clients.pub, clients.sub));
}

/** Graceful shutdown: every client's transport is closed after a flush (they reconnect), then the adapter and the Redis clients we made. */
async function closeSocketServer(
  io: RealtimeSocketIOServer,
  ready: Promise<void>,
  created: readonly Redis[],
  onError: (error: unknown) => void,
): Promise<void> {
  const sockets = [...io.of('/').sockets.values()];
  const gone = Promise.all(
    sockets.map((socket) =>
      socket.connected ? new Promise<void>((resolve) => socket.once('disconnect', () => resolve())) : undefined,
    ),
  );
  // Engine.IO closes every client's transport after flushing it: clients see "transport close" and reconnect.
  io.engine.close();
  let cut: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([gone, new Promise<void>((resolve) => (cut = setTimeout(resolve, CLOSE_GRACE_MS)))]);
  clearTimeout(cut);
  for (const socket of sockets) socket.disconnect(true);
  try {
    await ready;
  } catch {
    // Reported already.
  }
  try {
    await io.of('/').adapter.close();
  } catch (error) {
    onError(error);
  }
  await Promise.all(
    created.map(async (client) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        client.quit().catch(() => undefined),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
      ]);
      clearTimeout(timer);
      client.disconnect();
    }),
  );
}

/** A refused connection, as `connect_error` shows it: `err.message` `'unauthorized'` (what `socketIOTransport` treats as final) or the code, `err.data` typed. */
function refuse(code: SocketRefusal['code'], message: string): Error & { data: SocketRefusal } {
  const error = new Error(
    code === 'unauthorized' || code === 'token_expired' ? SOCKET_IO_UNAUTHORIZED : code,
  ) as Error & { data: SocketRefusal };
  error.data = { code, message };
  return error;
}

function isRedisOption(value: unknown): value is SocketServerRedis {
  if (typeof value === 'string') return /^rediss?:\/\//.test(value);
  return (
    typeof value === 'object' &&
    value !== null &&
    'pub' in value &&
    'sub' in value &&
    value.pub !== undefined &&
    value.sub !== undefined
  );
}

function tokenOf(handshake: SocketHandshake): string | null {
  const auth = handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string') return auth.token;
  const query = handshake.query.token;
  if (typeof query === 'string') return query;
  if (Array.isArray(query) && typeof query[0] === 'string') return query[0];
  return null;
}

function headerValue(value: string | string[] | undefined): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}
