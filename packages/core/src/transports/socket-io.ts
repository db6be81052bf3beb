// socket.io-client is imported for types only: this entry has no runtime dependency on it (it is an optional
// peer), the app passes in the Socket it created.
import type { Socket } from 'socket.io-client';
import type { Transport } from '../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { RealtimeError } from '../errors.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import type { Store } from '../store.js';
import { createTransportListeners } from './transport-events.js';

/** The socket.io event that carries realtime-kit protocol frames, one frame per emit, in both directions. */
export const SOCKET_IO_FRAME_EVENT = 'rk';

/** The `connect_error` message a server middleware uses to refuse credentials: `next(new Error('unauthorized'))`. */
export const SOCKET_IO_UNAUTHORIZED = 'unauthorized';

// A Socket typed with any events: the transport only touches reserved events and `rk`.
type AnySocket = Socket<any, any>;

/** Options for {@link socketIOConnection}. */
export interface SocketIOConnectionOptions {
  /**
   * Report `open` only once this returns true for the current session (it is asked again whenever `ready()` is
   * called). Default: open as soon as socket.io connects.
   */
  isReady?: () => boolean;
}

/** A socket.io-client Socket seen as a store of {@link ConnectionState}. See {@link socketIOConnection}. */
export interface SocketIOConnection extends Store<ConnectionState> {
  readonly socket: AnySocket;
  /** Whether the current session restored the previous one (socket.io connection state recovery). */
  readonly recovered: boolean;
  /** Starts connecting, unless the socket is already connected or trying to (idempotent). */
  connect(): void;
  /** Disconnects for good (status `closed`) until `connect()`. */
  close(): void;
  /** Drops the current connection and connects again now. */
  reconnect(): void;
  /** Re-evaluates `isReady` (call it when the condition may have changed). */
  ready(): void;
  /** Stops listening to the socket (it is left as it is). */
  dispose(): void;
}

/**
 * Maps a socket.io-client Socket's lifecycle onto realtime-kit's public {@link ConnectionState}:
 * - `connect()` → `connecting`; `connect` (and `isReady`) → `open`;
 * - `connect_error` with message `'unauthorized'` → `closed` with `RealtimeError('unauthorized')` (no retry);
 * - any other `connect_error` or a lost connection → `reconnecting` while socket.io retries (`attempt` counts the
 *   manager's `reconnect_attempt`s), `closed` when it will not (a middleware refusal, `reconnectionAttempts` spent);
 * - `disconnect` with reason `'io server disconnect'` → `closed` (socket.io does not reconnect after that),
 *   `'io client disconnect'` → `closed` without an error.
 *
 * `retryInMs` is always null: socket.io keeps its backoff private.
 */
export function socketIOConnection(socket: AnySocket, options: SocketIOConnectionOptions = {}): SocketIOConnection {
  const [addStateListener, emitState] = createTransportListeners<void>();
  let state: ConnectionState = INITIAL_CONNECTION_STATE;

  function freeze(patch: Partial<ConnectionState>): ConnectionState {
    return Object.freeze({ ...INITIAL_CONNECTION_STATE, ...patch });
  }
  function set(next: ConnectionState) {
    if (next.status === state.status && next.error === state.error && next.attempt === state.attempt) return;
    state = next;
    emitState();
  }
  function connected() {
    set(freeze({ status: options.isReady === undefined || options.isReady() ? 'open' : 'connecting' }));
  }

  const onConnect = () => connected();
  const onDisconnect = (reason: Socket.DisconnectReason, description?: unknown) => {
    if (reason === 'io client disconnect') {
      set(freeze({ status: 'closed' }));
      return;
    }
    const retrying = socket.active;
    const error = new RealtimeError(
      reason === 'io server disconnect' ? 'closed' : 'network',
      reason === 'io server disconnect'
        ? 'The socket.io server disconnected this socket (socket.disconnect() on the server); it will not reconnect by itself. Call reconnect() to connect again.'
        : `The socket.io connection was lost (${reason}); reconnecting.`,
      { cause: description, retryable: retrying },
    );
    set(freeze({ status: retrying ? 'reconnecting' : 'closed', error, attempt: state.attempt }));
  };
  const onConnectError = (err: Error) => {
    if (err.message === SOCKET_IO_UNAUTHORIZED) {
      // A refusal is final: stop any retry the manager had planned (the auth callback would only be refused again).
      if (socket.active) socket.disconnect();
      const error = new RealtimeError(
        'unauthorized',
        'The socket.io server refused the credentials (connect_error "unauthorized"). Fix them (e.g. sign in again), then call reconnect().',
        { cause: err },
      );
      set(freeze({ status: 'closed', error, attempt: state.attempt }));
      return;
    }
    const retrying = socket.active;
    const error = new RealtimeError(
      retrying ? 'network' : 'policy_violation',
      retrying
        ? `The socket.io connection failed (${err.message}); retrying.`
        : `The socket.io server refused the connection (${err.message}). Call reconnect() once the cause is fixed.`,
      { cause: err, retryable: retrying },
    );
    set(freeze({ status: retrying ? 'reconnecting' : 'closed', error, attempt: state.attempt }));
  };
  const onReconnectAttempt = (attempt: number) => set(freeze({ status: 'reconnecting', error: state.error, attempt }));
  const onReconnectFailed = () =>
    set(
      freeze({
        status: 'closed',
        error: new RealtimeError(
          'network',
          'socket.io gave up reconnecting (reconnectionAttempts reached). Call reconnect() to try again.',
          {
            cause: state.error ?? undefined,
          },
        ),
        attempt: state.attempt,
      }),
    );

  if (socket.connected)
    state = freeze({ status: options.isReady === undefined || options.isReady() ? 'open' : 'connecting' });
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  socket.io.on('reconnect_attempt', onReconnectAttempt);
  socket.io.on('reconnect_failed', onReconnectFailed);

  return {
    socket,
    get recovered() {
      return socket.recovered === true;
    },
    subscribe: (listener) => addStateListener(() => listener()),
    getSnapshot: () => state,
    connect() {
      if (socket.connected || socket.active) return;
      set(freeze({ status: 'connecting' }));
      socket.connect();
    },
    close() {
      socket.disconnect();
      set(freeze({ status: 'closed' }));
    },
    reconnect() {
      socket.disconnect();
      set(freeze({ status: 'connecting' }));
      socket.connect();
    },
    ready() {
      if (socket.connected) connected();
    },
    dispose() {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
      socket.io.off('reconnect_attempt', onReconnectAttempt);
      socket.io.off('reconnect_failed', onReconnectFailed);
    },
  };
}

/** A {@link Transport} over a socket.io-client Socket. */
export interface SocketIOTransport extends Transport {
  readonly kind: 'socket.io';
  /** The socket it runs on. */
  readonly socket: AnySocket;
  /** `socket.recovered`: whether socket.io's connection state recovery restored the previous session. */
  readonly recovered: boolean;
  /** Frames on `'rk'` that were not protocol frames (code `bad_frame`). Without a listener they are logged with `console.warn`. */
  onError(listener: (error: RealtimeError) => void): () => void;
}

/**
 * The channel transport over Socket.io: protocol frames travel as one `'rk'` event each way, socket.io does the
 * reconnecting, and the client resumes its channels on every `welcome`. Create the socket yourself, with
 * `autoConnect: false` (the client connects when the first channel is used) and `auth` as a callback: socket.io
 * calls it before every connection attempt, so each reconnect sends a fresh token (an `auth` object would be
 * sent unchanged forever).
 *
 * ```ts
 * import { io } from 'socket.io-client'
 * import { socketIOTransport } from '@realtime-kit/core/socket-io'
 * const socket = io(url, { autoConnect: false, auth: (cb) => void getToken().then((token) => cb({ token })) })
 * const client = createRealtimeClient({ transport: socketIOTransport(socket) })
 * ```
 *
 * A server middleware refusing the token with `next(new Error('unauthorized'))` closes the transport with a
 * `RealtimeError('unauthorized')`. The server side: on `connection`, `hub.connect({ send: (frame) =>
 * socket.emit('rk', frame) })` and pass every `'rk'` event to the session's `receive`.
 */
export function socketIOTransport(socket: AnySocket): SocketIOTransport {
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  const [addErrorListener, emitError] = createTransportListeners<RealtimeError>();
  // A session begins with the server's `welcome`, not with socket.io's `connect`: until then nothing is sent,
  // so the client neither re-subscribes nor flushes its outbox into a session the server has not set up.
  let welcomed = false;
  // Registered before the connection's own listeners, so a new session is never counted as welcomed.
  socket.on('connect', () => {
    welcomed = false;
  });
  socket.on('disconnect', () => {
    welcomed = false;
  });
  const connection = socketIOConnection(socket, { isReady: () => welcomed });
  socket.on(SOCKET_IO_FRAME_EVENT, (value: unknown) => {
    if (!isFrame(value)) {
      const error = new RealtimeError(
        'bad_frame',
        `socketIOTransport dropped an '${SOCKET_IO_FRAME_EVENT}' event that is not a realtime-kit protocol frame (an object with a "type").`,
        { raw: safeStringify(value).slice(0, 1024) },
      );
      if (!emitError(error)) console.warn(`[realtime-kit] ${error.message}`);
      return;
    }
    if (value.type === 'welcome' && !welcomed) {
      welcomed = true;
      connection.ready();
    }
    emitFrame(value);
  });

  return {
    kind: 'socket.io',
    socket,
    get recovered() {
      return socket.recovered === true;
    },
    subscribe: connection.subscribe,
    getSnapshot: connection.getSnapshot,
    connect: () => connection.connect(),
    close: () => connection.close(),
    reconnect: () => connection.reconnect(),
    send(frame: ClientFrame) {
      if (!welcomed || !socket.connected) return false;
      socket.emit(SOCKET_IO_FRAME_EVENT, frame);
      return true;
    },
    onFrame: addFrameListener,
    onError: addErrorListener,
  };
}

/** Options for {@link emitWithAck}. */
export interface EmitWithAckOptions {
  /** Reject with `RealtimeError('timeout')` when the server has not acknowledged within this many ms. */
  timeoutMs: number;
}

type EventsMap = Record<string, any>;
/** An event's parameters, split into the arguments before its acknowledgement callback and the callback. */
type SplitAck<F> = F extends (...args: infer P) => void
  ? P extends [...infer A, infer Ack]
    ? [A, Ack]
    : never
  : never;
/** The arguments of an event before its acknowledgement callback. */
export type AckArgs<F> = SplitAck<F>[0];
/** What the server passes to an event's acknowledgement callback (its first argument). */
export type AckResponse<F> = SplitAck<F>[1] extends (response: infer R, ...rest: any[]) => void ? R : never;

/**
 * Emits `event` and resolves with the server's acknowledgement, or rejects with `RealtimeError('timeout')` after
 * `timeoutMs` (socket.io's `socket.timeout(ms).emitWithAck`). Typed by the socket's client-to-server events, whose
 * last parameter is the acknowledgement callback:
 *
 * ```ts
 * interface ClientEvents { send: (text: string, ack: (result: { id: string }) => void) => void }
 * const socket: Socket<ServerEvents, ClientEvents> = io(url)
 * const { id } = await emitWithAck(socket, 'send', 'hi', { timeoutMs: 5000 }) // ClientEvents and 'send' are inferred
 * ```
 *
 * While disconnected socket.io buffers the emit; the timeout still runs.
 */
export async function emitWithAck<
  ClientEvents extends EventsMap,
  E extends keyof ClientEvents & string = keyof ClientEvents & string,
>(
  socket: Socket<any, ClientEvents>,
  event: E,
  ...rest: [...args: AckArgs<ClientEvents[E]>, options: EmitWithAckOptions]
): Promise<AckResponse<ClientEvents[E]>> {
  const { timeoutMs } = rest[rest.length - 1] as EmitWithAckOptions;
  const args = rest.slice(0, -1);
  const loose = socket as unknown as {
    timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  };
  try {
    return (await loose.timeout(timeoutMs).emitWithAck(event, ...args)) as AckResponse<ClientEvents[E]>;
  } catch (cause) {
    throw new RealtimeError(
      'timeout',
      `The server did not acknowledge '${event}' within ${timeoutMs} ms. Retry, or raise timeoutMs.`,
      {
        cause,
        retryable: true,
      },
    );
  }
}

function isFrame(value: unknown): value is ServerFrame {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
