import type { ClientFrame, FrameError, HubMessage, ServerFrame } from '@realtime-kit/core';
import type { Redis } from 'ioredis';
import type { Server, Socket } from 'socket.io';
import type { AuthenticationResult } from '../auth/result.js';
import type { AuthenticatedUser } from '../auth/user.js';

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
export type SocketJoinResult =
  { readonly ok: true; readonly seq: number } | { readonly ok: false; readonly error: FrameError };

/**
 * Acknowledgement of `publish`: the stored message's `id` and `seq`, or the refusal.
 * @example
 * socket.emit('publish', { channel: 'room', event: 'chat', data: 'hi' }, (result) => { if (result.ok) console.log(result.seq) })
 */
export type SocketPublishResult =
  { readonly ok: true; readonly id: string; readonly seq: number } | { readonly ok: false; readonly error: FrameError };

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
export type RealtimeSocketIOServer = Server<
  SocketClientToServerEvents,
  SocketServerToClientEvents,
  Record<string, never>,
  SocketServerData
>;

/**
 * Redis for the socket.io adapter: a URL (two ioredis clients are created and quit on `close()`), or your own
 * publisher and subscriber clients (left open).
 * @example
 * const redis: SocketServerRedis = { pub: new Redis(url), sub: new Redis(url) }
 */
export type SocketServerRedis = string | { readonly pub: Redis; readonly sub: Redis };

/** A socket of {@link RealtimeSocketIOServer}. */
export type RealtimeSocket = Socket<
  SocketClientToServerEvents,
  SocketServerToClientEvents,
  Record<string, never>,
  SocketServerData
>;
