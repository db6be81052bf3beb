import { backoff, DEFAULT_BACKOFF } from '../connection/backoff.js';
import { createReconnectEngine, type Attempt, type AttemptEnd } from '../connection/reconnect-engine.js';
import { RealtimeError } from '../errors.js';
import { assertNever } from '../lib/assert-never.js';
import { emitToListeners, reportListenerError } from '../lib/report-listener-error.js';
import { classifyClose, type WebSocketOutcome, type WebSocketVerdict } from './classify-close.js';
import { isPong, resolveHeartbeat } from './heartbeat.js';
import type {
  WebSocketCloseInfo,
  WebSocketConnection,
  WebSocketConstructorLike,
  WebSocketData,
  WebSocketLike,
  WebSocketOptions,
} from './types.js';

export { DEFAULT_HEARTBEAT } from './heartbeat.js';

/** Default bound of the outbound queue while not open. */
export const DEFAULT_MAX_QUEUED = 1000;

/**
 * A 4401 arriving this long after open is a token that expired during the session, not a fresh token refused:
 * it gets a new token instead of stopping. (Servers accept the upgrade and then close with 4401, so "opened"
 * alone proves nothing; the first incoming message confirms a session sooner.)
 */
const AUTH_SETTLED_MS = 10_000;

/** `readyState` of an open socket, the same number in every implementation. */
const OPEN = 1;

type Listener<T> = (value: T) => void;

/** One attempt: its socket (once `auth()` returned), and what happened to it so far. */
interface SocketAttempt {
  readonly engine: Attempt;
  socket: WebSocketLike | null;
  openedAt: number | null;
  /** Any message arrived: the server accepted this session. */
  received: boolean;
  /** The socket is closed or closing; it must not be closed again. */
  ended: boolean;
  /** What the last `error` event said, for the 1006 that follows it. */
  cause: unknown;
}

/**
 * A WebSocket that stays connected: a fresh `auth()` token on every attempt, backoff with full jitter, close
 * codes classified into retry / re-authenticate / stop (see `classifyClose`), an ordered outbound queue while not
 * open, ping/pong liveness (on by default), offline awareness, and a store of its state for UIs.
 *
 * Works over the browser's WebSocket, Node 22's, or `ws` (pass `options.WebSocket` in Node 20).
 *
 * @example
 * const socket = createWebSocketConnection('wss://example.com/live', { auth: () => getToken() });
 * socket.on('message', (data) => render(data));
 * socket.send(JSON.stringify({ type: 'hello' })); // queued until open
 */
export function createWebSocketConnection(url: string, options: WebSocketOptions = {}): WebSocketConnection {
  const WebSocketImpl: WebSocketConstructorLike | undefined =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (typeof WebSocketImpl !== 'function') {
    throw new TypeError(
      process.env.NODE_ENV !== 'production'
        ? 'createWebSocketConnection: this runtime has no global WebSocket (Node < 22). Install `ws` and pass its ' +
            "class: import { WebSocket } from 'ws'; createWebSocketConnection(url, { WebSocket })."
        : 'createWebSocketConnection: no WebSocket',
    );
  }
  const Socket: WebSocketConstructorLike = WebSocketImpl;
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  if (!(Number.isInteger(maxQueued) && maxQueued >= 0)) {
    throw new RangeError(`createWebSocketConnection: maxQueued must be a whole number >= 0 (got ${maxQueued}).`);
  }
  const heartbeat = resolveHeartbeat(options.heartbeat);
  // Invalid backoff options would otherwise throw later, inside a close handler.
  backoff(1, { ...options.backoff, random: () => 0 });

  const now = options.now ?? (() => Date.now());
  const authParam = options.authParam ?? 'token';

  // The attempt in flight. Events of older sockets and late `auth()` results compare against it and are ignored.
  let current: SocketAttempt | null = null;
  // After an open: the wait before the next ping, or (with `awaitingPong`) for the answer to one. Before: the handshake bound.
  let livenessTimer: ReturnType<typeof setTimeout> | undefined;
  let awaitingPong = false;
  /** How the socket of the attempt ending now is closed, and the close that went out (for 'close' listeners). */
  let closing: WebSocketCloseInfo = { code: 1000, reason: 'reconnect' };
  let sentClose: WebSocketCloseInfo | null = null;
  const queue: WebSocketData[] = [];
  const messageListeners = new Set<Listener<unknown>>();
  const openListeners = new Set<Listener<void>>();
  const closeListeners = new Set<Listener<WebSocketCloseInfo>>();
  const errorListeners = new Set<Listener<RealtimeError>>();

  const engine = createReconnectEngine({
    begin(attempt) {
      const next: SocketAttempt = { engine: attempt, socket: null, openedAt: null, received: false, ended: false, cause: undefined };
      current = next;
      // Calling auth() and creating the socket a microtask later lets the caller attach listeners first: even the
      // first attempt's errors (auth() throwing, a constructor refusing the URL) reach them, as with the SSE client.
      queueMicrotask(() => {
        if (current === next) authenticate(next);
      });
    },
    end: endAttempt,
    wentOffline() {
      const closed = takeSentClose();
      if (closed !== null) emit(closeListeners, closed);
    },
    visibleWhileOpen() {
      // A socket that died while the device slept looks open until a write fails: probe it now.
      if (current !== null && !awaitingPong) ping(current);
    },
    inspectable: () => inspectable,
    ...(options.network ? { network: options.network } : {}),
    now,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });

  function authenticate(next: SocketAttempt) {
    const { auth } = options;
    if (auth === undefined) {
      openSocket(next, null);
      return;
    }
    let token: string | null | Promise<string | null>;
    try {
      token = auth();
    } catch (cause) {
      fail(next, { type: 'auth-error', cause });
      return;
    }
    if (!isPromiseLike(token)) {
      openSocket(next, token);
      return;
    }
    Promise.resolve(token)
      .then(
        (value) => {
          if (current === next) openSocket(next, value);
        },
        (cause: unknown) => {
          if (current === next) fail(next, { type: 'auth-error', cause });
        },
      )
      // Only a bug can land here (both handlers guard their work); report it rather than leave a rejection.
      .catch(reportListenerError);
  }

  function openSocket(target: SocketAttempt, token: string | null | undefined) {
    const address = token == null ? url : withQueryParam(url, authParam, token);
    let socket: WebSocketLike;
    try {
      socket = options.protocols === undefined ? new Socket(address) : new Socket(address, options.protocols);
    } catch (cause) {
      fail(target, { type: 'socket-error', cause });
      return;
    }
    target.socket = socket;
    if (options.binaryType !== undefined) socket.binaryType = options.binaryType;
    // Handlers stay attached after the attempt is replaced (`ws` throws on an 'error' nobody listens to); each
    // checks that its attempt is still the current one, so late events of an old socket are ignored.
    socket.onopen = () => {
      if (current === target) handleOpen(target, socket);
    };
    socket.onmessage = (event) => {
      if (current === target) handleMessage(target, event.data);
    };
    socket.onerror = (event) => {
      if (current === target) target.cause = event;
    };
    socket.onclose = (event) => {
      if (current === target) handleClose(target, { code: event.code, reason: event.reason });
    };
    if (heartbeat !== null) {
      const { timeoutMs } = heartbeat;
      armLiveness(timeoutMs, () => fail(target, { type: 'heartbeat-timeout', timeoutMs, opening: true }));
    }
  }

  function handleOpen(target: SocketAttempt, socket: WebSocketLike) {
    target.openedAt = now();
    clearLivenessTimer();
    // Flush before announcing 'open', so whatever a listener sends goes out after what was queued before it.
    while (queue.length > 0 && current === target) {
      const data = queue.shift() as WebSocketData;
      try {
        socket.send(data as never);
      } catch (thrown) {
        reportListenerError(thrown);
      }
    }
    if (current !== target) return;
    armIdle(target);
    // Servers accept the upgrade and then close 4401: only a message proves the token good.
    target.engine.open(false);
    if (current === target) emit(openListeners, undefined);
  }

  function handleMessage(target: SocketAttempt, data: unknown) {
    if (!target.received) {
      target.received = true;
      target.engine.acceptCredentials();
    }
    if (heartbeat === null) {
      emit(messageListeners, data);
      return;
    }
    // Any message proves the socket alive, not only a pong.
    awaitingPong = false;
    armIdle(target);
    if (!isPong(heartbeat, data)) emit(messageListeners, data);
  }

  function handleClose(target: SocketAttempt, info: WebSocketCloseInfo) {
    target.ended = true;
    if (target.openedAt !== null && now() - target.openedAt >= AUTH_SETTLED_MS) target.engine.acceptCredentials();
    settle(target, classifyClose({ type: 'close', ...info, cause: target.cause }, { url, reauthenticated: engine.reauthenticated }), info);
  }

  function fail(target: SocketAttempt, outcome: Exclude<WebSocketOutcome, { type: 'close' }>) {
    if (current !== target) return;
    settle(target, classifyClose(outcome, { url, reauthenticated: engine.reauthenticated }), null);
  }

  /** Ends the attempt with the verdict; `serverClose` is the close event when the socket ended itself. */
  function settle(target: SocketAttempt, verdict: WebSocketVerdict, serverClose: WebSocketCloseInfo | null) {
    closing = { code: 1000, reason: verdict.error.code === 'heartbeat_timeout' ? 'heartbeat timeout' : 'reconnect' };
    // Dropped before the state says closed, so a listener of the store sees `queued` 0.
    const dropped = verdict.action === 'stop' ? queue.splice(0).length : 0;
    switch (verdict.action) {
      case 'retry':
        target.engine.fail({ action: 'retry', error: verdict.error, delayMs: retryDelay(verdict.wait, engine.failures + 1) });
        break;
      case 'reauthenticate':
      case 'stop':
        target.engine.fail(verdict);
        break;
      default:
        assertNever(verdict);
    }
    const closeInfo = serverClose ?? takeSentClose();
    if (closeInfo !== null) emit(closeListeners, closeInfo);
    emit(errorListeners, verdict.error);
    if (dropped > 0) emit(errorListeners, droppedError(dropped, 'it stopped'));
  }

  function retryDelay(wait: 'backoff' | 'longer', failures: number): number {
    const delay = backoff(failures, options.backoff);
    if (wait === 'backoff') return delay;
    const minMs = options.backoff?.minMs ?? DEFAULT_BACKOFF.minMs;
    const maxMs = options.backoff?.maxMs ?? DEFAULT_BACKOFF.maxMs;
    return Math.min(maxMs, minMs + delay);
  }

  function armIdle(target: SocketAttempt) {
    if (heartbeat === null) return;
    armLiveness(heartbeat.intervalMs, () => ping(target));
  }

  function ping(target: SocketAttempt) {
    if (heartbeat === null || current !== target || target.socket === null) return;
    awaitingPong = true;
    const { timeoutMs } = heartbeat;
    armLiveness(timeoutMs, () => fail(target, { type: 'heartbeat-timeout', timeoutMs, opening: false }));
    try {
      target.socket.send(heartbeat.message() as never);
    } catch (thrown) {
      // The timeout armed above still detects a socket that cannot send.
      reportListenerError(thrown);
    }
  }

  function armLiveness(ms: number, onTimeout: () => void) {
    clearTimeout(livenessTimer);
    livenessTimer = setTimeout(() => {
      livenessTimer = undefined;
      onTimeout();
    }, ms);
  }

  function clearLivenessTimer() {
    clearTimeout(livenessTimer);
    livenessTimer = undefined;
  }

  /** The engine ended the current attempt: close its socket if it still runs, noting the close that went out. */
  function endAttempt(_attempt: Attempt, why: AttemptEnd) {
    const ending = current;
    current = null;
    awaitingPong = false;
    clearLivenessTimer();
    const { code, reason } = why === 'offline' ? { code: 1000, reason: 'offline' } : closing;
    closing = { code: 1000, reason: 'reconnect' };
    if (ending === null || ending.socket === null || ending.ended) return;
    ending.ended = true;
    try {
      ending.socket.close(code, reason);
    } catch (thrown) {
      reportListenerError(thrown);
    }
    sentClose = { code, reason };
  }

  function takeSentClose(): WebSocketCloseInfo | null {
    const sent = sentClose;
    sentClose = null;
    return sent;
  }

  function openSocketOf(): WebSocketLike | null {
    if (engine.phase !== 'open') return null;
    const socket = current?.socket ?? null;
    return socket !== null && socket.readyState === OPEN ? socket : null;
  }

  function send(data: WebSocketData) {
    if (engine.phase === 'closed') {
      throw new RealtimeError(
        'closed',
        process.env.NODE_ENV !== 'production'
          ? `send() on the closed WebSocket connection to ${url}: nothing was sent. Call connect() or reconnect() first.`
          : `${url} closed`,
      );
    }
    const socket = openSocketOf();
    if (socket !== null) {
      socket.send(data as never);
      return;
    }
    if (queue.length >= maxQueued) {
      throw new RealtimeError(
        'queue_full',
        process.env.NODE_ENV !== 'production'
          ? `${maxQueued} messages already wait for the WebSocket to ${url} to open (maxQueued): this one was refused ` +
              'and none was dropped. Raise maxQueued, wait for status "open", or use trySend() for messages that may be lost.'
          : `${url} maxQueued ${maxQueued}`,
      );
    }
    queue.push(data);
  }

  function trySend(data: WebSocketData): boolean {
    const socket = openSocketOf();
    if (socket === null) return false;
    socket.send(data as never);
    return true;
  }

  function emit<T>(listeners: Set<Listener<T>>, value: T) {
    emitToListeners(listeners, value);
  }

  function listen<T>(listeners: Set<Listener<T>>, listener: Listener<T>): () => void {
    // A wrapper per call, so adding the same function twice needs two removals (as `subscribe`).
    const entry: Listener<T> = (value) => listener(value);
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
    };
  }

  function on(event: 'message' | 'open' | 'close' | 'error', listener: Listener<never>): () => void {
    switch (event) {
      case 'message':
        return listen(messageListeners, listener as Listener<unknown>);
      case 'open':
        return listen(openListeners, listener as Listener<void>);
      case 'close':
        return listen(closeListeners, listener as Listener<WebSocketCloseInfo>);
      case 'error':
        return listen(errorListeners, listener as Listener<RealtimeError>);
      default:
        return assertNever(event);
    }
  }

  function reconnect() {
    engine.reconnect();
    const closed = takeSentClose();
    if (closed !== null) emit(closeListeners, closed);
  }

  function close(code = 1000, reason = '') {
    if (!(code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999))) {
      throw new RangeError(`WebSocketConnection.close: code must be 1000 or 3000–4999 (got ${code}).`);
    }
    if (new TextEncoder().encode(reason).byteLength > 123) {
      throw new RangeError('WebSocketConnection.close: reason must be at most 123 bytes of UTF-8.');
    }
    closing = { code, reason };
    const dropped = queue.splice(0).length;
    engine.close();
    closing = { code: 1000, reason: 'reconnect' };
    const closed = takeSentClose();
    if (closed !== null) emit(closeListeners, closed);
    if (dropped > 0) emit(errorListeners, droppedError(dropped, 'close() was called'));
  }

  function droppedError(count: number, why: string) {
    return new RealtimeError(
      'closed',
      `${count} queued message${count === 1 ? ' was' : 's were'} dropped unsent because the WebSocket connection to ` +
        `${url} closed (${why}).`,
    );
  }

  const connection: WebSocketConnection = {
    url,
    subscribe: engine.subscribe,
    getSnapshot: engine.getSnapshot,
    get queued() {
      return queue.length;
    },
    send,
    trySend,
    on: on as WebSocketConnection['on'],
    connect: engine.connect,
    reconnect,
    close,
  };

  const inspectable = { kind: 'websocket', connection } as const;
  if (options.autoConnect ?? true) engine.connect();
  return connection;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Sets one query parameter on an absolute or relative URL, keeping the rest (and any fragment) as given. */
export function withQueryParam(url: string, name: string, value: string): string {
  const hashAt = url.indexOf('#');
  const head = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const queryAt = head.indexOf('?');
  const path = queryAt === -1 ? head : head.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : head.slice(queryAt + 1));
  params.set(name, value);
  return `${path}?${params.toString()}${hash}`;
}
