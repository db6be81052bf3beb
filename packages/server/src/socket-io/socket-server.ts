import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { createChannelHub, measureData, TYPING_EVENT } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, ClientFrame, FrameError, HubMessage, HubPublishResult, HubSession, MemoryBroker, RealtimeErrorCode, ServerFrame } from '@realtime-kit/core';
import { SOCKET_IO_FRAME_EVENT, SOCKET_IO_UNAUTHORIZED } from '@realtime-kit/core/socket-io';
import type { Redis } from 'ioredis';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { readAuthResult, type AuthenticationResult } from '../auth/result.js';
import { eventReporter, type ServerEventListener } from '../events.js';
import type { AuthenticatedUser } from '../auth/user.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../ws-endpoint.js';
import type { Realtime } from '../realtime.js';

/**
 * Default `connectionStateRecovery` (without `redis`): sessions and missed packets are kept for 2 minutes, and a
 * recovered connection goes through the middlewares (authentication) again.
 * @example
 * createSocketServer(httpServer, { connectionStateRecovery: { ...DEFAULT_CONNECTION_STATE_RECOVERY, maxDisconnectionDuration: 30_000 } })
 */
export const DEFAULT_CONNECTION_STATE_RECOVERY = Object.freeze({ maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false });
/** Nesting deeper than this is not even measured (the hub refuses anything past its own, smaller limit). */
const MEASURABLE_DEPTH = 1000;
/** How long `close()` waits for sockets to go before it stops waiting. */
const CLOSE_GRACE_MS = 2000;
/** setTimeout's largest delay (~24.8 days); a later expiry is not scheduled. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The `connect_error` data of a refused connection: `err.data` on the client. `err.message` is `'unauthorized'` for
 * `unauthorized` and `token_expired` (what `socketIOTransport` treats as a final refusal), else the code.
 * @example
 * socket.on('connect_error', (err) => {
 *   const refusal = (err as Error & { data?: SocketRefusal }).data
 *   if (refusal?.code === 'token_expired') void refreshToken().then(() => socket.connect())
 * })
 */
export interface SocketRefusal {
  readonly code: 'unauthorized' | 'token_expired' | 'forbidden' | 'unavailable' | 'server_error';
  readonly message: string;
}

/**
 * What `authenticate` may answer besides a user or `null`: a typed refusal.
 * @example
 * authenticate: (token) => (isExpired(token) ? { ok: false, error: { code: 'token_expired', message: 'Sign in again.' } } : verify(token))
 */
export type SocketAuthRefusal = Extract<AuthenticationResult, { ok: false }>;

/**
 * The answer of {@link SocketServerOptions.authenticate}: the user, `null` (refused as `unauthorized`) or a typed refusal.
 * @example
 * const result: SocketAuthResult = { userId: 'u1', expiresAt: Date.now() + 60_000 }
 */
export type SocketAuthResult = AuthenticationResult;

/**
 * The socket.io handshake `authenticate` receives (headers, query, `auth`, address).
 * @example
 * authenticate: (token, handshake) => (handshake.address === '127.0.0.1' ? { userId: 'local' } : verify(token))
 */
export type SocketHandshake = Socket['handshake'];

/**
 * Acknowledgement of `join`, `leave` and `presence`.
 * @example
 * socket.emit('presence', { channel: 'room', action: 'enter' }, (result) => { if (!result.ok) console.warn(result.error.code) })
 */
export type SocketAckResult = { readonly ok: true } | { readonly ok: false; readonly error: FrameError };

/**
 * Acknowledgement of `join`: `seq` is the channel's newest sequence number when the join took effect.
 * @example
 * socket.emit('join', 'room', (result) => { if (result.ok) console.log('at seq', result.seq) })
 */
export type SocketJoinResult = { readonly ok: true; readonly seq: number } | { readonly ok: false; readonly error: FrameError };

/**
 * Acknowledgement of `publish`: the stored message's `id` and `seq`, or the refusal.
 * @example
 * socket.emit('publish', { channel: 'room', event: 'chat', data: 'hi' }, (result) => { if (result.ok) console.log(result.seq) })
 */
export type SocketPublishResult = { readonly ok: true; readonly id: string; readonly seq: number } | { readonly ok: false; readonly error: FrameError };

/**
 * A native publish. `cid` is the idempotency key (a retry with the same `cid` is stored once); default a random one.
 * @example
 * const input: SocketPublishInput = { channel: 'room', event: 'chat', data: { text: 'hi' }, cid: crypto.randomUUID() }
 */
export interface SocketPublishInput {
  readonly channel: string;
  readonly event: string;
  readonly data: unknown;
  readonly cid?: string;
}

/**
 * A native presence change on a channel.
 * @example
 * socket.emit('presence', { channel: 'room', action: 'enter', data: { name: 'Ada' } }, () => {})
 */
export interface SocketPresenceInput {
  readonly channel: string;
  readonly action: 'enter' | 'update' | 'leave';
  readonly data?: unknown;
}

/**
 * An ephemeral typing indicator: relayed to the other members of the channel's room, never stored.
 * @example
 * socket.on('typing', ({ channel, userId, typing }) => showTyping(channel, userId, typing))
 */
export interface SocketTypingEvent {
  readonly channel: string;
  readonly userId: string;
  readonly typing: boolean;
}

/**
 * A presence frame of a natively joined channel: `sync` (the whole set, right after `join`) or one member's change.
 * @example
 * socket.on('presence', (event) => (event.action === 'sync' ? setMembers(event.members) : applyChange(event.member)))
 */
export type SocketPresenceEvent = Extract<ServerFrame, { type: 'presence' }>;

/**
 * Messages `from..to` of a natively joined channel are gone from the log (after a recovered reconnect): refetch them.
 * @example
 * socket.on('gap', ({ channel, from, to }) => refetch(channel, from, to))
 */
export type SocketGapEvent = Extract<ServerFrame, { type: 'gap' }>;

/**
 * An error not answered through an acknowledgement: the token expired, a natively joined channel could not be
 * resumed, a presence change without ack was refused.
 * @example
 * socket.on('realtime_error', (error) => { if (error.code === 'token_expired') refreshToken() })
 */
export interface SocketErrorEvent extends FrameError {
  readonly channel?: string;
}

/**
 * Events the server emits to clients. Protocol clients (`socketIOTransport`) listen to `rk` only; plain socket.io
 * clients to the others.
 * @example
 * import { io, type Socket } from 'socket.io-client'
 * const socket: Socket<SocketServerToClientEvents, SocketClientToServerEvents> = io(url, { auth: { token } })
 * socket.on('message', (message) => console.log(message.channel, message.seq, message.data))
 */
export interface SocketServerToClientEvents {
  /** One protocol frame (see the core package's `frames.ts`). */
  rk: (frame: ServerFrame) => void;
  /** A stored message of a channel this socket joined with `join`. */
  message: (message: HubMessage) => void;
  presence: (event: SocketPresenceEvent) => void;
  gap: (event: SocketGapEvent) => void;
  typing: (event: SocketTypingEvent) => void;
  realtime_error: (error: SocketErrorEvent) => void;
}

/**
 * Events clients emit to the server. The acknowledgement callbacks are typed as required so that
 * `socket.timeout(ms).emitWithAck(...)` is typed; the server also accepts the events without one.
 * @example
 * const result = await socket.timeout(5000).emitWithAck('publish', { channel: 'room', event: 'chat', data: 'hi' })
 * if (result.ok) console.log('stored as', result.seq)
 */
export interface SocketClientToServerEvents {
  /** One protocol frame (what `socketIOTransport` sends). */
  rk: (frame: ClientFrame) => void;
  /** Receive the channel's messages as `message` events (after the hub's `authorize`); also joins the room for `typing`. */
  join: (channel: string, ack: (result: SocketJoinResult) => void) => void;
  leave: (channel: string, ack: (result: SocketAckResult) => void) => void;
  /** Stored, numbered and deduplicated by the hub; reaches protocol and native subscribers alike. */
  publish: (message: SocketPublishInput, ack: (result: SocketPublishResult) => void) => void;
  /**
   * Ephemeral; only for channels this socket joined. Admitted like a protocol `signal` (the same rate limits): a
   * refusal arrives as `realtime_error` (`rate_limited` at most once per `retryAfterMs`).
   */
  typing: (event: { channel: string; typing: boolean }) => void;
  presence: (update: SocketPresenceInput, ack: (result: SocketAckResult) => void) => void;
}

/**
 * What the server keeps in `socket.data`. Persisted by socket.io's connection state recovery, so a recovered
 * socket resumes its natively joined channels where it left off.
 * @example
 * io.on('connection', (socket) => console.log(socket.data.user?.userId))
 */
export interface SocketServerData {
  /** The authenticated user (undefined without `authenticate`). */
  user?: AuthenticatedUser;
  /** Natively joined channels and the newest seq emitted on each (a null-prototype record: read it with `Object.hasOwn`). */
  channels?: Record<string, number>;
  /** The user the channels belong to (a recovered session is only resumed for the same user). */
  owner?: string;
}

/**
 * The typed socket.io server {@link createSocketServer} creates.
 * @example
 * const { io } = createSocketServer(httpServer)
 * io.on('connection', (socket) => socket.on('disconnect', () => console.log('gone', socket.id)))
 */
export type RealtimeSocketIOServer = Server<SocketClientToServerEvents, SocketServerToClientEvents, Record<string, never>, SocketServerData>;

/**
 * Redis for the socket.io adapter: a URL (two ioredis clients are created and quit on `close()`), or your own
 * publisher and subscriber clients (left open).
 * @example
 * const redis: SocketServerRedis = { pub: new Redis(url), sub: new Redis(url) }
 */
export type SocketServerRedis = string | { readonly pub: Redis; readonly sub: Redis };

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
  /** Checks the `Origin` header (null when absent): false → `connect_error` `'forbidden'` with `err.data.code === 'forbidden'`. */
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

type RealtimeSocket = Socket<SocketClientToServerEvents, SocketServerToClientEvents, Record<string, never>, SocketServerData>;

/** A native request in flight: the hub's answers to its frame are routed to it instead of `rk`. */
interface Pending {
  readonly channel: string;
  readonly cid?: string;
  /** A `subscribed` (join) or `ack` (publish) frame. */
  succeed?(frame: ServerFrame): void;
  fail(error: FrameError): void;
  /** Called when the hub is done with the frame (after `succeed` or `fail`, or without either). */
  done(): void;
}

interface Job {
  readonly frame: ClientFrame;
  readonly pending: Pending | null;
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
    throw new RangeError(`createSocketServer: maxMessageBytes must be a positive, finite number; got ${String(maxMessageBytes)}.`);
  }
  const path = options.path ?? '/socket.io';
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new RangeError(`createSocketServer: path must start with "/"; got ${JSON.stringify(path)}.`);
  }
  const { redis, authenticate, checkOrigin } = options;
  if (redis !== undefined && !isRedisOption(redis)) {
    throw new RangeError('createSocketServer: redis must be a redis:// URL string or { pub, sub } ioredis clients.');
  }
  const hub = options.hub ?? ((options.realtime?.hub ?? createChannelHub()) as unknown as ChannelHub<B>);
  const onError = options.onError ?? ((error: unknown) => console.error('[realtime-kit] socket.io server:', error));
  const report = eventReporter(options.onEvent ?? options.realtime?.onEvent, onError);
  // socket.io's own default skips the middlewares on a recovered connection: the token would not be checked again.
  const recovery =
    options.connectionStateRecovery === undefined
      ? redis === undefined
        ? { ...DEFAULT_CONNECTION_STATE_RECOVERY }
        : undefined
      : options.connectionStateRecovery
        ? { skipMiddlewares: false, ...options.connectionStateRecovery }
        : undefined;

  let closing: Promise<void> | undefined;
  const passedAllowRequest = options.serverOptions?.allowRequest;
  const io: RealtimeSocketIOServer = new Server(httpServer, {
    maxHttpBufferSize: Math.max(16 * maxMessageBytes, 1_000_000),
    ...options.serverOptions,
    path,
    ...(options.cors === undefined ? {} : { cors: options.cors }),
    ...(recovery === undefined ? {} : { connectionStateRecovery: recovery }),
    // While closing, refuse at the Engine.IO level: clients see a failed attempt and keep retrying (a middleware refusal would stop them).
    allowRequest: (request, callback) => {
      if (closing) return callback('server shutting down', false);
      if (passedAllowRequest) return passedAllowRequest(request, callback);
      callback(null, true);
    },
  });

  // The data of typing signals sent for native `typing` events (see the socket's 'typing' handler).
  const nativeTyping = new WeakSet<object>();
  const isNativeTyping = (data: unknown) => typeof data === 'object' && data !== null && nativeTyping.has(data);

  const created: Redis[] = [];
  const ready = setUpRedis();
  ready.catch(onError);

  async function setUpRedis(): Promise<void> {
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
    if (closing) return;
    io.adapter(createAdapter(clients.pub, clients.sub));
  }

  const refuse = (code: SocketRefusal['code'], message: string) => {
    const error = new Error(code === 'unauthorized' || code === 'token_expired' ? SOCKET_IO_UNAUTHORIZED : code) as Error & { data: SocketRefusal };
    error.data = { code, message };
    return error;
  };

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
    if (checkOrigin) {
      const origin = headerValue(socket.handshake.headers.origin);
      if (!checkOrigin(origin)) {
        report({ type: 'auth_failure', transport: 'socket.io', code: 'forbidden', reason: `origin ${origin ?? '(none)'} is not allowed` });
        return refuse('forbidden', `Connections from origin ${origin === null ? '(none)' : JSON.stringify(origin)} are not allowed.`);
      }
    }
    if (!authenticate) {
      socket.data.user = undefined;
      return null;
    }
    const token = tokenOf(socket.handshake);
    let result: SocketAuthResult;
    try {
      result = await authenticate(token, socket.handshake);
    } catch (error) {
      onError(error);
      return refuse('server_error', 'The server failed to check the credentials.');
    }
    const verdict = readAuthResult(result, token === null ? 'No token: send one as auth.token.' : 'The token was rejected: get a fresh one and reconnect.');
    if (!verdict.ok) {
      report({ type: 'auth_failure', transport: 'socket.io', code: verdict.code, reason: verdict.message });
      return refuse(verdict.code, verdict.message);
    }
    socket.data.user = verdict.user;
    return null;
  }

  io.on('connection', (socket) => {
    try {
      open(socket);
    } catch (error) {
      onError(error);
      socket.conn.close();
    }
  });

  function open(socket: RealtimeSocket) {
    const user = socket.data.user;
    const userId = user?.userId;
    // Natively joined channels (and the newest seq emitted on each); restored by connection state recovery.
    const previousChannels = socket.recovered ? socket.data.channels : undefined;
    // Null-prototype records, read with Object.hasOwn only: channels named `constructor` or `__proto__` are channels.
    const restored: Record<string, number> = Object.create(null) as Record<string, number>;
    if (previousChannels !== undefined && socket.data.owner === userId) Object.assign(restored, previousChannels);
    if (previousChannels !== undefined && socket.data.owner !== userId) {
      // Another user took over the recovered session: it inherits none of its channels.
      for (const channel of Object.keys(previousChannels)) void socket.leave(channel);
    }
    const channels: Record<string, number> = Object.create(null) as Record<string, number>;
    const joined = (channel: string) => Object.hasOwn(channels, channel);
    socket.data.channels = channels;
    socket.data.owner = userId;

    const queue: Job[] = [];
    let running = false;
    let current: Pending | null = null;

    const emitFrame = (frame: ServerFrame) => socket.emit(SOCKET_IO_FRAME_EVENT, frame);
    const send = (frame: ServerFrame) => {
      if (!socket.connected) return;
      const pending = current;
      switch (frame.type) {
        case 'message': {
          if (!joined(frame.channel)) return void emitFrame(frame);
          channels[frame.channel] = Math.max(channels[frame.channel] ?? 0, frame.seq);
          return void socket.emit('message', frame);
        }
        case 'presence':
          return void (joined(frame.channel) ? socket.emit('presence', frame) : emitFrame(frame));
        case 'signal':
          // A native typist's signal reaches natively joined sockets through the room (across instances with Redis).
          if (joined(frame.channel) && isNativeTyping(frame.data)) return;
          return void emitFrame(frame);
        case 'gap':
          if (joined(frame.channel)) {
            channels[frame.channel] = Math.max(channels[frame.channel] ?? 0, frame.to);
            return void socket.emit('gap', frame);
          }
          return void emitFrame(frame);
        case 'subscribed':
          if (pending?.channel === frame.channel && pending.succeed) return pending.succeed(frame);
          if (joined(frame.channel)) return;
          return void emitFrame(frame);
        case 'ack':
        case 'nack':
          if (pending?.cid !== undefined && pending.cid === frame.cid) {
            return frame.type === 'ack' ? pending.succeed?.(frame) : pending.fail(frame.error);
          }
          return void emitFrame(frame);
        case 'error':
          if (pending) return pending.fail(frame.error);
          if (frame.channel !== undefined && joined(frame.channel)) return void socket.emit('realtime_error', { ...frame.error, channel: frame.channel });
          return void emitFrame(frame);
        default:
          return void emitFrame(frame);
      }
    };

    const hubSession: HubSession = hub.connect({
      send,
      userId,
      transport: 'socket.io',
      ...(user?.channels === undefined ? {} : { channels: user.channels }),
      close: () => socket.conn.close(),
    });
    const connectionId = hubSession.id;
    report({ type: 'connect', transport: 'socket.io', connectionId, userId });

    /** Runs one frame through the hub at a time, so the hub's answers can be routed to the native request that caused them. */
    function pump() {
      while (!running && queue.length > 0) {
        const job = queue.shift() as Job;
        current = job.pending;
        let result: void | Promise<void>;
        try {
          result = hubSession.receive(job.frame);
        } catch (error) {
          onError(error);
          result = undefined;
        }
        if (result instanceof Promise) {
          running = true;
          const finish = () => {
            current = null;
            running = false;
            job.pending?.done();
            pump();
          };
          result.then(finish, (error: unknown) => {
            onError(error);
            finish();
          });
          return;
        }
        current = null;
        job.pending?.done();
      }
    }
    const enqueue = (frame: ClientFrame, pending: Pending | null = null) => {
      queue.push({ frame, pending });
      pump();
    };

    // NaN for data nested past any sane depth (JSON.stringify would overflow the stack): the hub refuses it `bad_frame`.
    const sizeOf = (value: unknown): number => {
      if (!measureData(value, MEASURABLE_DEPTH).ok) return Number.NaN;
      try {
        const json = JSON.stringify(value);
        return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
      } catch {
        return Number.POSITIVE_INFINITY;
      }
    };
    const tooLarge = (size: number, channel?: string): FrameError => {
      report({ type: 'refused', transport: 'socket.io', code: 'message_too_large', userId, ...(channel === undefined ? {} : { channel }) });
      return {
        code: 'message_too_large',
        message: `A ${Number.isFinite(size) ? `${size}-byte` : 'non-serialisable'} message was refused: the limit is ${maxMessageBytes} bytes. Send smaller payloads (store large data elsewhere and send a reference).`,
      };
    };
    const badInput = (message: string): FrameError => ({ code: 'bad_frame', message });
    const once = <T>(ack: unknown): ((value: T) => void) => {
      let called = false;
      return (value: T) => {
        if (called) return;
        called = true;
        if (typeof ack === 'function') (ack as (value: T) => void)(value);
      };
    };

    /** Subscribes `channel` natively (join, or resuming a recovered socket after `after`). */
    function joinNative(channel: string, after: number | undefined, answer: (result: SocketJoinResult) => void) {
      const previous = channels[channel];
      channels[channel] = after ?? previous ?? 0;
      let failed: FrameError | null = null;
      let succeeded: number | null = null;
      enqueue(after === undefined ? { type: 'subscribe', channel } : { type: 'subscribe', channel, after }, {
        channel,
        succeed(frame) {
          if (frame.type === 'subscribed') succeeded = frame.seq;
        },
        fail(error) {
          failed ??= error;
        },
        done() {
          if (succeeded !== null && failed === null) {
            channels[channel] = Math.max(channels[channel] ?? 0, succeeded);
            void socket.join(channel);
            return answer({ ok: true, seq: succeeded });
          }
          if (previous === undefined) delete channels[channel];
          else channels[channel] = previous;
          if (previous === undefined) void socket.leave(channel);
          const error = failed ?? { code: 'unavailable', message: `Could not join "${channel}". Retry shortly.` };
          if (error.code === 'unauthorized' || error.code === 'forbidden') {
            report({ type: 'auth_failure', transport: 'socket.io', code: 'forbidden', reason: error.message, channel, userId });
          }
          answer({ ok: false, error });
        },
      });
    }

    for (const [channel, seq] of Object.entries(restored)) {
      joinNative(channel, seq, (result) => {
        if (!result.ok) socket.emit('realtime_error', { ...result.error, channel });
      });
    }

    socket.on(SOCKET_IO_FRAME_EVENT, (frame: ClientFrame) => {
      const size = sizeOf(frame);
      if (size > maxMessageBytes) {
        const channel = typeof (frame as { channel?: unknown })?.channel === 'string' ? (frame as { channel: string }).channel : undefined;
        return void emitFrame({ type: 'error', error: tooLarge(size, channel), ...(channel === undefined ? {} : { channel }) });
      }
      // A channel (re)subscribed or left over the protocol is the protocol's from now on.
      if (frame !== null && typeof frame === 'object' && (frame.type === 'subscribe' || frame.type === 'unsubscribe') && typeof frame.channel === 'string') {
        if (joined(frame.channel)) {
          delete channels[frame.channel];
          void socket.leave(frame.channel);
        }
      }
      enqueue(frame);
    });

    socket.on('join', (channel, ack) => {
      const answer = once<SocketJoinResult>(ack);
      if (typeof channel !== 'string' || channel === '') return answer({ ok: false, error: badInput('join needs a non-empty channel name.') });
      joinNative(channel, undefined, answer);
    });

    socket.on('leave', (channel, ack) => {
      const answer = once<SocketAckResult>(ack);
      if (typeof channel !== 'string' || channel === '') return answer({ ok: false, error: badInput('leave needs a non-empty channel name.') });
      if (joined(channel)) {
        delete channels[channel];
        void socket.leave(channel);
        enqueue({ type: 'unsubscribe', channel });
      }
      answer({ ok: true });
    });

    socket.on('publish', (input, ack) => {
      const answer = once<SocketPublishResult>(ack);
      if (input === null || typeof input !== 'object') return answer({ ok: false, error: badInput('publish needs { channel, event, data, cid? }.') });
      const { channel, event, data } = input;
      if (typeof channel !== 'string' || channel === '' || typeof event !== 'string' || event === '') {
        return answer({ ok: false, error: badInput('publish needs non-empty "channel" and "event" strings.') });
      }
      if (input.cid !== undefined && (typeof input.cid !== 'string' || input.cid === '')) {
        return answer({ ok: false, error: badInput('"cid" must be a non-empty string when given.') });
      }
      const size = sizeOf(input);
      if (size > maxMessageBytes) return answer({ ok: false, error: tooLarge(size, channel) });
      const cid = input.cid ?? randomUUID();
      enqueue(
        { type: 'publish', channel, event, data, cid },
        {
          channel,
          cid,
          succeed(frame) {
            if (frame.type === 'ack') answer({ ok: true, id: frame.id, seq: frame.seq });
          },
          fail: (error) => answer({ ok: false, error }),
          done: () => answer({ ok: false, error: { code: 'unavailable', message: 'The message could not be stored: nothing was published. Retry.' } }),
        },
      );
    });

    socket.on('presence', (input, ack) => {
      const answer = once<SocketAckResult>(ack);
      if (input === null || typeof input !== 'object' || typeof input.channel !== 'string' || input.channel === '') {
        return answer({ ok: false, error: badInput('presence needs { channel, action, data? }.') });
      }
      const { channel, action } = input;
      if (action !== 'enter' && action !== 'update' && action !== 'leave') {
        return answer({ ok: false, error: badInput('presence action must be enter, update or leave.') });
      }
      const size = sizeOf(input);
      if (size > maxMessageBytes) return answer({ ok: false, error: tooLarge(size, channel) });
      let failed = false;
      enqueue(
        { type: 'presence', channel, action, ...('data' in input ? { data: input.data } : {}) },
        {
          channel,
          fail(error) {
            failed = true;
            if (typeof ack === 'function') answer({ ok: false, error });
            else socket.emit('realtime_error', { ...error, channel });
          },
          done: () => {
            if (!failed) answer({ ok: true });
          },
        },
      );
    });

    // Typing is admitted as the protocol's typing signal: the hub's authorize and admit (rate limits, sealed payloads
    // on encrypted channels) judge it, so a flood spends the flooder's own buckets and is relayed at their rate only.
    let typingRefusedUntil = 0;
    socket.on('typing', (input) => {
      if (input === null || typeof input !== 'object' || typeof input.channel !== 'string') return;
      const { channel } = input;
      // Only members relay typing: the join went through the hub's authorize.
      if (!joined(channel) || !socket.rooms.has(channel)) return;
      const data = { typing: input.typing === true };
      nativeTyping.add(data);
      const outcome: { refused?: FrameError } = {};
      enqueue(
        { type: 'signal', channel, event: TYPING_EVENT, data },
        {
          channel,
          fail: (error) => void (outcome.refused ??= error),
          done() {
            const { refused } = outcome;
            if (refused === undefined) {
              if (socket.connected && socket.rooms.has(channel)) socket.to(channel).emit('typing', { channel, userId: userId ?? connectionId, typing: data.typing });
              return;
            }
            // A flood is not answered with a flood: one rate_limited refusal per retry window.
            const now = Date.now();
            if (refused.code === 'rate_limited') {
              if (now < typingRefusedUntil) return;
              const retryAfterMs = (refused as { retryAfterMs?: unknown }).retryAfterMs;
              typingRefusedUntil = now + (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? retryAfterMs : 1000);
            }
            socket.emit('realtime_error', { ...refused, channel });
          },
        },
      );
    });

    const expiresIn = user?.expiresAt === undefined ? undefined : Math.max(0, user.expiresAt - Date.now());
    const expiry =
      expiresIn === undefined || expiresIn > MAX_TIMER_MS
        ? undefined
        : setTimeout(() => {
            const error: FrameError = { code: 'token_expired' satisfies RealtimeErrorCode, message: 'The token has expired: reconnecting with a fresh one.' };
            report({ type: 'auth_failure', transport: 'socket.io', code: 'token_expired', reason: 'token expired', userId });
            emitFrame({ type: 'error', error });
            socket.emit('realtime_error', error);
            // Closing the underlying connection (not socket.disconnect(), which tells the client not to come back):
            // the client reconnects, asking its auth callback for a fresh token. Queued packets are flushed first.
            socket.conn.close();
          }, expiresIn);

    const lifetime = maxDurationMs === undefined ? undefined : setTimeout(() => socket.conn.close(), maxDurationMs);
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      clearTimeout(lifetime);
      queue.length = 0;
      hubSession.close();
      report({ type: 'disconnect', transport: 'socket.io', connectionId, userId });
    });
  }

  return {
    io,
    hub,
    ready,
    publish: (channel, event, data, publishOptions) => hub.publish(channel, event, data, publishOptions),
    close() {
      closing ??= (async () => {
        const sockets = [...io.of('/').sockets.values()];
        const gone = Promise.all(sockets.map((socket) => (socket.connected ? new Promise<void>((resolve) => socket.once('disconnect', () => resolve())) : undefined)));
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
            await Promise.race([client.quit().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
            clearTimeout(timer);
            client.disconnect();
          }),
        );
      })();
      return closing;
    },
  };
}

function isRedisOption(value: unknown): value is SocketServerRedis {
  if (typeof value === 'string') return /^rediss?:\/\//.test(value);
  return typeof value === 'object' && value !== null && 'pub' in value && 'sub' in value && value.pub !== undefined && value.sub !== undefined;
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
