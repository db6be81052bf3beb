import { RealtimeError } from '@realtime-kit/core';
import { encodeComment, encodeFrame, encodeRetry, isEncodedEvent } from './encode-event.js';
import type { EncodedEvent, ServerSentEvent } from './encode-event.js';

/** Default interval between heartbeat comments: under the 30–60 s idle timeouts common in proxies and load balancers. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

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
}

/** One client's Server-Sent Events stream. Return `response` from the route handler, then `send()` events. */
export interface EventStream {
  /** The `text/event-stream` response (status 200) to return from the route handler. */
  readonly response: Response;
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

const HEARTBEAT = encodeComment('heartbeat');

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
 * reconnect with `Last-Event-ID`.
 *
 * @throws {RealtimeError} `bad_frame` when `init.retry` is not a non-negative integer.
 * @throws {RangeError} when `heartbeatMs` or `maxQueuedBytes` is out of range.
 */
export function createEventStream(request: Request, init: EventStreamInit = {}): EventStream {
  const heartbeatMs = init.heartbeatMs === false ? 0 : (init.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 0) {
    throw new RangeError(`heartbeatMs must be a non-negative number of milliseconds (0 or false turns heartbeats off); got ${String(init.heartbeatMs)}.`);
  }
  const maxQueuedBytes = init.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  if (!Number.isFinite(maxQueuedBytes) || maxQueuedBytes <= 0) {
    throw new RangeError(`maxQueuedBytes must be a positive, finite number of bytes; got ${String(init.maxQueuedBytes)}.`);
  }
  const retryBlock = init.retry === undefined ? undefined : encodeRetry(init.retry);
  const lastEventId = init.lastEventId ?? readLastEventId(request);

  const aborter = new AbortController();
  const closeCallbacks = new Set<(reason: EventStreamCloseReason) => void>();
  let closedReason: EventStreamCloseReason | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  // The queuing strategy counts bytes, so `desiredSize` tells how far the client has fallen behind.
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      cancel: () => finish('client_abort'),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: maxQueuedBytes }),
  );

  const onRequestAbort = () => finish('client_abort');

  function write(bytes: Uint8Array): boolean {
    if (closedReason !== undefined) return false;
    const queued = maxQueuedBytes - (controller.desiredSize ?? 0);
    if (queued + bytes.byteLength > maxQueuedBytes) {
      drop(queued, bytes.byteLength);
      return false;
    }
    controller.enqueue(bytes);
    return true;
  }

  function drop(queued: number, incoming: number) {
    const error = new RealtimeError(
      'slow_consumer',
      `Dropped a slow event-stream client: ${queued} bytes were still waiting and the next ${incoming}-byte frame ` +
        `would pass maxQueuedBytes (${maxQueuedBytes}). The client may reconnect and resume from Last-Event-ID; ` +
        'raise maxQueuedBytes if single frames are that large.',
      { retryable: true },
    );
    finish('slow_consumer', error);
    if (init.onDrop) guarded(() => init.onDrop?.(error), 'onDrop');
    else console.warn(`[realtime-kit] ${error.message}`);
  }

  function finish(reason: EventStreamCloseReason, error = closeError(reason, request.signal.reason)) {
    if (closedReason !== undefined) return;
    closedReason = reason;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
    request.signal.removeEventListener('abort', onRequestAbort);
    // close() lets queued events drain; error() discards the queue at once, releasing its memory,
    // and is a no-op when the consumer has already cancelled.
    if (reason === 'closed') controller.close();
    else controller.error(error);
    aborter.abort(error);
    const callbacks = [...closeCallbacks];
    closeCallbacks.clear();
    for (const callback of callbacks) guarded(() => callback(reason), 'onClose');
  }

  const headers = new Headers({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx buffers proxied responses unless told not to.
    'X-Accel-Buffering': 'no',
  });
  if (init.headers) new Headers(init.headers).forEach((value, key) => headers.set(key, value));
  const response = new Response(body, { status: 200, headers });

  if (retryBlock) write(retryBlock);
  if (request.signal.aborted) {
    finish('client_abort');
  } else {
    request.signal.addEventListener('abort', onRequestAbort, { once: true });
    if (heartbeatMs > 0) heartbeat = setInterval(() => write(HEARTBEAT), heartbeatMs);
  }

  return {
    response,
    lastEventId,
    get closed() {
      return closedReason !== undefined;
    },
    signal: aborter.signal,
    send: (event) => write(isEncodedEvent(event) ? event.bytes : encodeFrame(event)),
    comment: (text) => write(encodeComment(text)),
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
}

function readLastEventId(request: Request): string | undefined {
  // EventSource polyfills that cannot set headers pass the id in the query string instead.
  return request.headers.get('last-event-id') || new URL(request.url).searchParams.get('lastEventId') || undefined;
}

function closeError(reason: EventStreamCloseReason, requestReason: unknown): RealtimeError {
  return reason === 'client_abort'
    ? new RealtimeError('closed', 'The client disconnected from the event stream.', { cause: requestReason })
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
