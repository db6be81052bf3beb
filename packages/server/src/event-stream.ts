import type { IncomingMessage, ServerResponse } from 'node:http';
import { RealtimeError } from '@realtime-kit/core';
import { encodeComment, encodeEventBytes, encodeRetry, isEncodedEvent } from './encode-event.js';
import type { EncodedEvent, ServerSentEvent } from './encode-event.js';
import { holdFor, scheduleFlush } from './schedule-flush.js';

/** Default interval between heartbeat comments: under the 30–60 s idle timeouts common in proxies and load balancers. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * Default write window: events that follow a write within 4 ms go out together when it ends. Far below what a
 * person notices, and it lets a busy stream (token streaming, tickers, fan-out to many clients) write in batches.
 */
export const DEFAULT_COALESCE_MS = 4;

/** Default cap on bytes waiting for one client (1 MiB). Past it the client is dropped rather than buffered without bound. */
export const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

/**
 * Why an event stream ended:
 * - `client_abort`: the client went away (the request was aborted or the response body cancelled);
 * - `closed`: the server called `close()`;
 * - `slow_consumer`: the client read too slowly and its queue passed `maxQueuedBytes`.
 */
export type EventStreamCloseReason = 'client_abort' | 'closed' | 'slow_consumer';

/** Options for {@link createEventStream}. */
export interface EventStreamInit {
  /** Extra response headers. They are applied after the SSE defaults, so they can override them. */
  headers?: HeadersInit;
  /** Milliseconds between heartbeat comments that keep proxies from closing an idle stream. `0` or `false` turns them off. Default 15000. */
  heartbeatMs?: number | false;
  /** When set, the stream opens with a `retry:` hint: the delay, in milliseconds, the client waits before reconnecting. */
  retry?: number;
  /** Overrides the id read from the request (`Last-Event-ID` header, then `?lastEventId=`), e.g. a cursor kept in a cookie. */
  lastEventId?: string;
  /** Bytes that may wait for a slow client before it is dropped with reason `slow_consumer`. Default 1 MiB. */
  maxQueuedBytes?: number;
  /** Called with a `slow_consumer` error when a client is dropped. Without it the drop is logged with `console.warn`. */
  onDrop?: (reason: RealtimeError) => void;
  /**
   * The write window, in milliseconds (default {@link DEFAULT_COALESCE_MS}). What is sent within one tick always
   * goes out as one chunk at the end of the tick. After a round of writes, what follows within `coalesceMs` of the
   * event loop being back waits for the window to end and goes out as one chunk: an event after a quiet spell
   * leaves at once, a steady stream leaves in batches. When the loop itself needs longer than the window to come
   * back after a round (thousands of sockets), the window grows to that time, up to 50 ms: the server is saturated
   * and batching is what lets it catch up. Each chunk has a fixed cost (a Web-stream read, a syscall), so under load
   * this cuts server CPU per delivery several times over. `0` writes every tick's events at once.
   */
  coalesceMs?: number;
}

/**
 * What every event stream offers, whichever way it reaches the client: see {@link EventStream} (Fetch-API route
 * handlers) and {@link NodeEventStream} (a Node `ServerResponse`).
 *
 * Writes are coalesced: everything sent to one stream within one tick (one broadcast loop, a replay) reaches the
 * socket as one chunk, in order, at the end of the tick (a microtask). `close()` writes what is pending first.
 */
export interface EventStreamBase {
  /** The last event id the client saw, when it is resuming: resend what came after it. */
  readonly lastEventId: string | undefined;
  /** True once the stream has ended, for any reason. */
  readonly closed: boolean;
  /** Aborted when the stream ends: pass it to work that should stop with the stream (fetches, subscriptions). */
  readonly signal: AbortSignal;
  /**
   * Writes one event. Returns false, and writes nothing, once the stream is closed (including when this
   * very write would overflow the queue and drops the client).
   *
   * @throws {RealtimeError} `bad_frame` when the event is malformed; see {@link encodeEvent}.
   */
  send(event: ServerSentEvent | EncodedEvent): boolean;
  /** Writes a comment line, which clients ignore. Returns false once the stream is closed. */
  comment(text?: string): boolean;
  /** Ends the stream after the queued events: the client sees a normal end of stream. Safe to call twice. */
  close(): void;
  /**
   * Runs `callback` once when the stream ends, with the reason; at once if it has already ended.
   * Returns a function that removes the callback.
   */
  onClose(callback: (reason: EventStreamCloseReason) => void): () => void;
}

/** One client's Server-Sent Events stream. Return `response` from the route handler, then `send()` events. */
export interface EventStream extends EventStreamBase {
  /** The `text/event-stream` response (status 200) to return from the route handler. */
  readonly response: Response;
}

/** One client's Server-Sent Events stream written straight to a Node `ServerResponse`: see {@link createNodeEventStream}. */
export interface NodeEventStream extends EventStreamBase {
  /** The response the stream writes to (its head is already sent). */
  readonly res: ServerResponse;
}

const HEARTBEAT = encodeComment('heartbeat');
const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx buffers proxied responses unless told not to.
  'X-Accel-Buffering': 'no',
};

/** Where a stream's bytes go: a Web `ReadableStream` controller or a Node `ServerResponse`. */
interface Sink {
  /** Bytes handed to the sink that the client has not taken yet. */
  queued(): number;
  /**
   * Whether the client can take bytes now (a read is waiting; the socket is not congested). While it cannot, what
   * is sent piles up as pending bytes and goes out as one chunk when the sink calls `flush()` again.
   */
  ready(): boolean;
  write(chunk: Uint8Array): void;
  /** Ends after what was written. */
  end(): void;
  /** Ends now, discarding what is still queued. */
  abort(error: RealtimeError): void;
}

/** The transport-free part of a stream: validation, coalescing, the byte cap, heartbeats and the close bookkeeping. */
interface Core {
  readonly stream: EventStreamBase;
  /** Writes the chunks as one unit (all or nothing against the cap). */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Hands the pending bytes to the sink as one chunk, if it is ready (or `force`). Sinks call it when they become ready. */
  flush(force?: boolean): void;
  finish(reason: EventStreamCloseReason, cause?: unknown): void;
  /** Starts the heartbeat timer (once the stream is known to be open). */
  startHeartbeat(): void;
}

interface CoreInit {
  readonly heartbeatMs: number;
  readonly coalesceMs: number;
  readonly maxQueuedBytes: number;
  readonly lastEventId: string | undefined;
  readonly onDrop: ((reason: RealtimeError) => void) | undefined;
  /** Called once when the stream ends, before the close callbacks. */
  readonly release: () => void;
}

// Lets the endpoints of this package write pre-encoded event parts (shared frame bytes + a per-client id line).
const rawWriters = new WeakMap<EventStreamBase, (chunks: readonly Uint8Array[]) => boolean>();

/**
 * @internal Writes already-encoded SSE bytes (which together must form whole events) to a stream of this package,
 * coalesced like `send()`. Returns false when the stream is closed or the write dropped a slow client.
 */
export function writeEncoded(stream: EventStreamBase, ...chunks: Uint8Array[]): boolean {
  const write = rawWriters.get(stream);
  if (!write) throw new TypeError('writeEncoded() takes a stream made by createEventStream or createNodeEventStream.');
  return write(chunks);
}

function checkedInit(init: EventStreamInit) {
  const heartbeatMs = init.heartbeatMs === false ? 0 : (init.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 0) {
    throw new RangeError(
      `heartbeatMs must be a non-negative number of milliseconds (0 or false turns heartbeats off); got ${String(init.heartbeatMs)}.`,
    );
  }
  const maxQueuedBytes = init.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  if (!Number.isFinite(maxQueuedBytes) || maxQueuedBytes <= 0) {
    throw new RangeError(
      `maxQueuedBytes must be a positive, finite number of bytes; got ${String(init.maxQueuedBytes)}.`,
    );
  }
  const coalesceMs = init.coalesceMs ?? DEFAULT_COALESCE_MS;
  if (!Number.isFinite(coalesceMs) || coalesceMs < 0) {
    throw new RangeError(
      `coalesceMs must be a non-negative, finite number of milliseconds; got ${String(init.coalesceMs)}.`,
    );
  }
  const retryBlock = init.retry === undefined ? undefined : encodeRetry(init.retry);
  return { heartbeatMs, maxQueuedBytes, coalesceMs, retryBlock };
}

function createCore(sink: Sink, init: CoreInit): Core {
  const aborter = new AbortController();
  const closeCallbacks = new Set<(reason: EventStreamCloseReason) => void>();
  let closedReason: EventStreamCloseReason | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  // Bytes sent but not yet handed to the sink (this tick's, or more while the sink is not ready).
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;

  function schedule() {
    scheduleFlush(core, holdFor(init.coalesceMs));
  }

  function write(chunks: readonly Uint8Array[]): boolean {
    if (chunks.length === 1) return writeOne(chunks[0] as Uint8Array);
    if (closedReason !== undefined) return false;
    let incoming = 0;
    for (const chunk of chunks) incoming += chunk.byteLength;
    if (!fits(incoming)) return false;
    if (pending.length === 0) schedule();
    for (const chunk of chunks) pending.push(chunk);
    pendingBytes += incoming;
    return true;
  }

  // The hot path of a broadcast: one pre-encoded chunk, no allocation.
  function writeOne(chunk: Uint8Array): boolean {
    if (closedReason !== undefined) return false;
    if (!fits(chunk.byteLength)) return false;
    if (pending.length === 0) schedule();
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    return true;
  }

  function fits(incoming: number): boolean {
    const queued = sink.queued() + pendingBytes;
    if (queued + incoming <= init.maxQueuedBytes) return true;
    drop(queued, incoming);
    return false;
  }

  function flush(force = false) {
    if (pending.length === 0 || closedReason !== undefined || !(force || sink.ready())) return;
    const chunk = pending.length === 1 ? (pending[0] as Uint8Array) : concat(pending, pendingBytes);
    // The array is reused tick after tick.
    pending.length = 0;
    pendingBytes = 0;
    sink.write(chunk);
  }

  function drop(queued: number, incoming: number) {
    const error = new RealtimeError(
      'slow_consumer',
      `Dropped a slow event-stream client: ${queued} bytes were still waiting and the next ${incoming}-byte frame ` +
        `would pass maxQueuedBytes (${init.maxQueuedBytes}). The client may reconnect and resume from Last-Event-ID; ` +
        'raise maxQueuedBytes if single frames are that large.',
      { retryable: true },
    );
    finish('slow_consumer', error);
    if (init.onDrop) guarded(() => init.onDrop?.(error), 'onDrop');
    else console.warn(`[realtime-kit] ${error.message}`);
  }

  function finish(reason: EventStreamCloseReason, cause?: unknown) {
    if (closedReason !== undefined) return;
    // A graceful close delivers what this tick wrote; the other endings discard it with the sink's queue.
    if (reason === 'closed') flush(true);
    closedReason = reason;
    pending.length = 0;
    pendingBytes = 0;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
    init.release();
    const error = cause instanceof RealtimeError && reason === 'slow_consumer' ? cause : closeError(reason, cause);
    if (reason === 'closed') sink.end();
    else sink.abort(error);
    aborter.abort(error);
    const callbacks = [...closeCallbacks];
    closeCallbacks.clear();
    for (const callback of callbacks) guarded(() => callback(reason), 'onClose');
  }

  const stream: EventStreamBase = {
    lastEventId: init.lastEventId,
    get closed() {
      return closedReason !== undefined;
    },
    signal: aborter.signal,
    send: (event) => writeOne(isEncodedEvent(event) ? event.bytes : encodeEventBytes(event)),
    comment: (text) => writeOne(encodeComment(text)),
    close: () => finish('closed'),
    onClose(callback) {
      if (closedReason !== undefined) {
        callback(closedReason);
        return () => {};
      }
      closeCallbacks.add(callback);
      return () => closeCallbacks.delete(callback);
    },
  };
  const core: Core = {
    stream,
    write,
    flush,
    finish,
    startHeartbeat() {
      if (init.heartbeatMs > 0 && closedReason === undefined)
        heartbeat = setInterval(() => writeOne(HEARTBEAT), init.heartbeatMs);
    },
  };
  rawWriters.set(stream, write);
  return core;
}

/**
 * Creates a Server-Sent Events stream for a Fetch-API route handler (Next.js, Hono, Deno, Bun, …).
 *
 * ```ts
 * export async function GET(request: Request) {
 *   const stream = createEventStream(request, { heartbeatMs: 15_000 })
 *   runJob({ onStep: (step) => stream.send({ event: "progress", data: step }) }).finally(() => stream.close())
 *   return stream.response
 * }
 * ```
 *
 * Everything is released when the client goes away (`request.signal` aborts or the body is cancelled).
 * Writes never buffer without bound: a client that falls `maxQueuedBytes` behind is dropped and can
 * reconnect with `Last-Event-ID`. Events sent within one tick are written as one chunk.
 *
 * @throws {RealtimeError} `bad_frame` when `init.retry` is not a non-negative integer.
 * @throws {RangeError} when `heartbeatMs`, `maxQueuedBytes` or `coalesceMs` is out of range.
 */
export function createEventStream(request: Request, init: EventStreamInit = {}): EventStream {
  const { heartbeatMs, maxQueuedBytes, coalesceMs, retryBlock } = checkedInit(init);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  // The queuing strategy counts bytes, so `desiredSize` tells how far the client has fallen behind.
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      cancel: (reason) => core.finish('client_abort', reason),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: maxQueuedBytes }),
  );
  const onRequestAbort = () => core.finish('client_abort', request.signal.reason);
  const core = createCore(
    {
      queued: () => maxQueuedBytes - (controller.desiredSize ?? 0),
      // A Web stream has no cheap "the reader is waiting" signal (a pull callback costs promises on every read), so
      // each tick's bytes are enqueued at once.
      ready: () => true,
      write: (chunk) => controller.enqueue(chunk),
      end: () => controller.close(),
      // error() discards the queue at once, releasing its memory, and is a no-op once the consumer has cancelled.
      abort: (error) => controller.error(error),
    },
    {
      heartbeatMs,
      coalesceMs,
      maxQueuedBytes,
      lastEventId: init.lastEventId ?? readLastEventId(request.headers.get('last-event-id'), request.url),
      onDrop: init.onDrop,
      release: () => request.signal.removeEventListener('abort', onRequestAbort),
    },
  );

  const headers = new Headers(SSE_HEADERS);
  if (init.headers) new Headers(init.headers).forEach((value, key) => headers.set(key, value));
  const response = new Response(body, { status: 200, headers });

  if (retryBlock) core.write([retryBlock]);
  if (request.signal.aborted) {
    core.finish('client_abort', request.signal.reason);
  } else {
    request.signal.addEventListener('abort', onRequestAbort, { once: true });
    core.startHeartbeat();
  }
  const stream = core.stream as EventStream;
  Object.defineProperty(stream, 'response', { value: response, enumerable: true });
  return stream;
}

/**
 * The same stream as {@link createEventStream}, written straight to a Node `ServerResponse` with `res.write`
 * (coalesced per tick), for custom Node servers (`http.createServer`, Express, Fastify's `reply.raw`): no Web
 * stream in between, so each delivery costs about what a hand-written `res.write` does.
 *
 * ```ts
 * http.createServer((req, res) => {
 *   const stream = createNodeEventStream(req, res, { heartbeatMs: 15_000 })
 *   const stop = feed.subscribe((item) => stream.send({ event: "item", data: item }))
 *   stream.onClose(stop)
 * })
 * ```
 *
 * The response head (200 and the SSE headers) is sent at once. The client's backlog is `res.writableLength`
 * (what Node and the socket still hold); past `maxQueuedBytes` the client is dropped (the socket destroyed).
 *
 * @throws {RealtimeError} `bad_frame` when `init.retry` is not a non-negative integer.
 * @throws {RangeError} when `heartbeatMs`, `maxQueuedBytes` or `coalesceMs` is out of range.
 */
export function createNodeEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  init: EventStreamInit = {},
): NodeEventStream {
  const { heartbeatMs, maxQueuedBytes, coalesceMs, retryBlock } = checkedInit(init);
  const onClose = () => core.finish('client_abort', new Error('The client closed the connection.'));
  // While the socket is congested, sends pile up here and leave as one write on 'drain'.
  const onDrain = () => core.flush();
  const header = req.headers['last-event-id'];
  const core = createCore(
    {
      queued: () => res.writableLength,
      ready: () => !res.writableNeedDrain,
      write: (chunk) => void res.write(chunk),
      end: () => void res.end(),
      abort: () => void res.destroy(),
    },
    {
      heartbeatMs,
      coalesceMs,
      maxQueuedBytes,
      lastEventId:
        init.lastEventId ??
        readLastEventId(Array.isArray(header) ? (header[0] ?? null) : (header ?? null), req.url ?? '/'),
      onDrop: init.onDrop,
      release: () => {
        res.removeListener('close', onClose);
        res.removeListener('drain', onDrain);
      },
    },
  );

  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(SSE_HEADERS)) headers[key.toLowerCase()] = value;
  if (init.headers) new Headers(init.headers).forEach((value, key) => (headers[key] = value));
  if (!res.headersSent) {
    res.writeHead(200, headers);
    res.flushHeaders();
  }
  // A socket that has no Nagle delay sends each coalesced chunk at once.
  res.socket?.setNoDelay(true);

  if (retryBlock) core.write([retryBlock]);
  if (res.destroyed || res.writableEnded || req.destroyed) {
    core.finish('client_abort');
  } else {
    res.once('close', onClose);
    res.on('drain', onDrain);
    core.startHeartbeat();
  }
  const stream = core.stream as NodeEventStream;
  Object.defineProperty(stream, 'res', { value: res, enumerable: true });
  return stream;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function readLastEventId(header: string | null, url: string): string | undefined {
  if (header) return header;
  // EventSource polyfills that cannot set headers pass the id in the query string instead.
  if (!url.includes('lastEventId=')) return undefined;
  return new URL(url, 'http://localhost').searchParams.get('lastEventId') || undefined;
}

function closeError(reason: EventStreamCloseReason, cause: unknown): RealtimeError {
  return reason === 'client_abort'
    ? new RealtimeError('closed', 'The client disconnected from the event stream.', { cause })
    : new RealtimeError('closed', 'The event stream was closed by the server.');
}

// A throwing callback must not stop the others or leave the stream half released; it is reported, not swallowed.
function guarded(run: () => void, name: string) {
  try {
    run();
  } catch (error) {
    console.error(`[realtime-kit] An event-stream ${name} callback threw:`, error);
  }
}
