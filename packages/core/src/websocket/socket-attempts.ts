import { backoff, DEFAULT_BACKOFF, type BackoffOptions } from '../connection/backoff.js';
import { RealtimeError } from '../errors.js';
import type { Attempt, AttemptEnd, AttemptVerdict, ReconnectEngine } from '../connection/reconnect-engine.js';
import { assertNever } from '../lib/assert-never.js';
import { emitToListeners, reportListenerError } from '../lib/report-listener-error.js';
import { classifyClose, type WebSocketOutcome, type WebSocketVerdict } from './classify-close.js';
import { isPong, type ResolvedHeartbeat } from './heartbeat.js';
import { createSocketLiveness } from './socket-liveness.js';
import type {
  WebSocketCloseInfo,
  WebSocketConstructorLike,
  WebSocketData,
  WebSocketLike,
  WebSocketOptions,
} from './types.js';
import type { WebSocketListeners } from './websocket-listeners.js';

/**
 * A 4401 arriving this long after open is a token that expired during the session, not a fresh token refused:
 * it gets a new token instead of stopping. (Servers accept the upgrade and then close with 4401, so "opened"
 * alone proves nothing; the first incoming message confirms a session sooner.)
 */
const AUTH_SETTLED_MS = 10_000;

/** The close the next socket to end is closed with, unless told otherwise. */
const RECONNECT_CLOSE: WebSocketCloseInfo = { code: 1000, reason: 'reconnect' };

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

/** What the attempts share with the connection that owns them. */
export interface SocketAttemptsContext {
  readonly url: string;
  readonly options: WebSocketOptions;
  readonly Socket: WebSocketConstructorLike;
  readonly heartbeat: ResolvedHeartbeat | null;
  readonly now: () => number;
  /** Messages sent while not open: flushed on open, dropped when the connection stops. */
  readonly queue: WebSocketData[];
  readonly listeners: WebSocketListeners;
  /** The engine, built after the attempts (its `begin` and `end` are theirs). */
  engine(): ReconnectEngine;
}

/** The socket side of a WebSocket connection, driven by the reconnect engine. */
export interface SocketAttempts {
  /** Starts an attempt: `auth()`, then a socket. */
  begin(attempt: Attempt): void;
  /** The engine ended the current attempt: close its socket if it still runs, noting the close that went out. */
  end(attempt: Attempt, why: AttemptEnd): void;
  /** The page is visible again while open: a socket that died while the device slept looks open, so ping it now. */
  probe(): void;
  /** The current attempt's socket, whatever its state. */
  socket(): WebSocketLike | null;
  /** The code and reason the next socket to end is closed with (`close(code, reason)` sets them around `engine.close()`). */
  closeWith(info: WebSocketCloseInfo): void;
  /** Tells 'close' listeners about the close that went out since the last call, if one did. */
  announceSentClose(): void;
}

export function createSocketAttempts(context: SocketAttemptsContext): SocketAttempts {
  const { url, options, heartbeat, now, queue, listeners } = context;
  // The attempt in flight. Events of older sockets and late `auth()` results compare against it and are ignored.
  let current: SocketAttempt | null = null;
  const liveness = createSocketLiveness<SocketAttempt>(heartbeat, {
    socketOf: (target) => (current === target ? target.socket : null),
    timedOut: (target, timeoutMs, opening) => fail(target, { type: 'heartbeat-timeout', timeoutMs, opening }),
  });
  let closing = RECONNECT_CLOSE;
  let sentClose: WebSocketCloseInfo | null = null;

  function begin(attempt: Attempt) {
    const next = freshAttempt(attempt);
    current = next;
    // Calling auth() and creating the socket a microtask later lets the caller attach listeners first: even the
    // first attempt's errors (auth() throwing, a constructor refusing the URL) reach them, as with the SSE client.
    queueMicrotask(() => {
      if (current !== next) return;
      withToken(
        options.auth,
        (token) => {
          if (current === next) openSocket(next, token);
        },
        (cause) => {
          if (current === next) fail(next, { type: 'auth-error', cause });
        },
      );
    });
  }

  function openSocket(target: SocketAttempt, token: string | null | undefined) {
    const address = token == null ? url : withQueryParam(url, options.authParam ?? 'token', token);
    let socket: WebSocketLike;
    try {
      socket =
        options.protocols === undefined ? new context.Socket(address) : new context.Socket(address, options.protocols);
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
    liveness.opening(target);
  }

  function handleOpen(target: SocketAttempt, socket: WebSocketLike) {
    target.openedAt = now();
    liveness.stop();
    // Flush before announcing 'open', so whatever a listener sends goes out after what was queued before it.
    flushQueue(queue, socket, () => current === target);
    if (current !== target) return;
    liveness.alive(target);
    // Servers accept the upgrade and then close 4401: only a message proves the token good.
    target.engine.open(false);
    if (current === target) emitToListeners(listeners.open, undefined);
  }

  function handleMessage(target: SocketAttempt, data: unknown) {
    if (!target.received) {
      target.received = true;
      target.engine.acceptCredentials();
    }
    if (heartbeat === null) {
      emitToListeners(listeners.message, data);
      return;
    }
    // Any message proves the socket alive, not only a pong.
    liveness.alive(target);
    if (!isPong(heartbeat, data)) emitToListeners(listeners.message, data);
  }

  function handleClose(target: SocketAttempt, info: WebSocketCloseInfo) {
    target.ended = true;
    if (target.openedAt !== null && now() - target.openedAt >= AUTH_SETTLED_MS) target.engine.acceptCredentials();
    const outcome: WebSocketOutcome = { type: 'close', ...info, cause: target.cause };
    settle(target, classifyClose(outcome, { url, reauthenticated: context.engine().reauthenticated }), info);
  }

  function fail(target: SocketAttempt, outcome: Exclude<WebSocketOutcome, { type: 'close' }>) {
    if (current !== target) return;
    settle(target, classifyClose(outcome, { url, reauthenticated: context.engine().reauthenticated }), null);
  }

  /** Ends the attempt with the verdict; `serverClose` is the close event when the socket ended itself. */
  function settle(target: SocketAttempt, verdict: WebSocketVerdict, serverClose: WebSocketCloseInfo | null) {
    closing = { code: 1000, reason: verdict.error.code === 'heartbeat_timeout' ? 'heartbeat timeout' : 'reconnect' };
    // Dropped before the state says closed, so a listener of the store sees `queued` 0.
    const dropped = verdict.action === 'stop' ? queue.splice(0).length : 0;
    target.engine.fail(toEngineVerdict(verdict, context.engine().failures + 1, options.backoff));
    if (serverClose !== null) emitToListeners(listeners.close, serverClose);
    else announceSentClose();
    emitToListeners(listeners.error, verdict.error);
    if (dropped > 0) emitToListeners(listeners.error, droppedError(url, dropped, 'it stopped'));
  }

  function end(_attempt: Attempt, why: AttemptEnd) {
    const ending = current;
    current = null;
    liveness.stop();
    const { code, reason } = why === 'offline' ? { code: 1000, reason: 'offline' } : closing;
    closing = RECONNECT_CLOSE;
    if (ending === null || ending.socket === null || ending.ended) return;
    ending.ended = true;
    try {
      ending.socket.close(code, reason);
    } catch (thrown) {
      reportListenerError(thrown);
    }
    sentClose = { code, reason };
  }

  function announceSentClose() {
    const sent = sentClose;
    sentClose = null;
    if (sent !== null) emitToListeners(listeners.close, sent);
  }

  return {
    begin,
    end,
    probe() {
      if (current !== null) liveness.probe(current);
    },
    socket: () => current?.socket ?? null,
    closeWith(info) {
      closing = info;
    },
    announceSentClose,
  };
}

/** The record of an engine attempt before its socket exists. */
function freshAttempt(engine: Attempt): SocketAttempt {
  return { engine, socket: null, openedAt: null, received: false, ended: false, cause: undefined };
}

/** Calls `auth()` (when given) and hands its token on, at once when it is not a promise. */
function withToken(
  auth: WebSocketOptions['auth'],
  use: (token: string | null | undefined) => void,
  failed: (cause: unknown) => void,
): void {
  if (auth === undefined) return use(null);
  let token: string | null | Promise<string | null>;
  try {
    token = auth();
  } catch (cause) {
    return failed(cause);
  }
  if (!isPromiseLike(token)) return use(token);
  Promise.resolve(token)
    .then(use, failed)
    // Only a bug can land here (both handlers guard their work); report it rather than leave a rejection.
    .catch(reportListenerError);
}

/** What the engine does about a close's verdict: a retry gets its delay here (longer after a 1013). */
function toEngineVerdict(
  verdict: WebSocketVerdict,
  failures: number,
  options: BackoffOptions | undefined,
): AttemptVerdict {
  switch (verdict.action) {
    case 'retry':
      return { action: 'retry', error: verdict.error, delayMs: retryDelay(verdict.wait, failures, options) };
    case 'reauthenticate':
    case 'stop':
      return verdict;
    default:
      return assertNever(verdict);
  }
}

/** Sends the queued messages in order while `stillCurrent()` (a listener may end the attempt mid-flush). */
function flushQueue(queue: WebSocketData[], socket: WebSocketLike, stillCurrent: () => boolean): void {
  while (queue.length > 0 && stillCurrent()) {
    const data = queue.shift() as WebSocketData;
    try {
      socket.send(data as never);
    } catch (thrown) {
      reportListenerError(thrown);
    }
  }
}

/** After a close asking to try again later (1013), never sooner than the backoff's `minMs`. */
function retryDelay(wait: 'backoff' | 'longer', failures: number, options: BackoffOptions | undefined): number {
  const delay = backoff(failures, options);
  if (wait === 'backoff') return delay;
  const minMs = options?.minMs ?? DEFAULT_BACKOFF.minMs;
  const maxMs = options?.maxMs ?? DEFAULT_BACKOFF.maxMs;
  return Math.min(maxMs, minMs + delay);
}

/** The error of messages dropped from the queue because the connection stopped. */
export function droppedError(url: string, count: number, why: string): RealtimeError {
  return new RealtimeError(
    'closed',
    `${count} queued message${count === 1 ? ' was' : 's were'} dropped unsent because the WebSocket connection to ` +
      `${url} closed (${why}).`,
  );
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
