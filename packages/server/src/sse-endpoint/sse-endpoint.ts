import { createChannelHub } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, ChannelHubOptions, MemoryBroker } from '@realtime-kit/core';
import type { AuthenticationResult } from '../auth/result.js';
import { createAdmission } from '../endpoint/admission.js';
import { encodeRetry } from '../encode-event.js';
import { writeEncoded } from '../event-stream.js';
import type { ServerEventListener } from '../events.js';
import { refusalResponse, type HttpRefusal } from '../http/refusal-response.js';
import type { Realtime } from '../realtime.js';
import { openEventSourceStream } from './event-source-stream.js';
import { publishFromRequest } from './publish-request.js';
import type { SSEEndpointContext, SSESettings } from './sse-context.js';

/** Default `retry:` hint sent first on every stream: browsers reconnect 2 s after a drop. */
export const DEFAULT_SSE_RETRY_MS = 2000;
/** Default largest number of channels one stream may carry. */
export const DEFAULT_MAX_SSE_CHANNELS = 32;
/** Default largest accepted POST body: 64 KiB. */
export const DEFAULT_MAX_SSE_BODY_BYTES = 64 * 1024;

/** Options for {@link createSSEEndpoint}. */
export interface SSEEndpointOptions<B extends ChannelBroker = MemoryBroker> {
  /**
   * The shared state and rules of `createRealtime` (broker, channel authorization, rate limits, schemas, audit):
   * its hub is used and its `onEvent` gets this endpoint's events too.
   */
  realtime?: Realtime;
  /** The hub holding logs, subscriptions and presence. Default `realtime.hub`, else `createChannelHub({ broker, authorize, admit })`. */
  hub?: ChannelHub<B>;
  /** With no `hub`: where messages are stored (share one broker between instances). Default a memory broker. */
  broker?: B;
  /** With no `hub`: which user may use which channel; see `ChannelHubOptions.authorize`. */
  authorize?: ChannelHubOptions<B>['authorize'];
  /** With no `hub`: rate limits and payload checks per frame; see `ChannelHubOptions.admit`. */
  admit?: ChannelHubOptions<B>['admit'];
  /**
   * Identifies the user of every GET and POST. `EventSource` cannot send headers, so streams usually carry a
   * short-lived token as `?token=` that this function redeems (cookies work too). Return the user, `null`
   * (401 `unauthorized`) or `{ ok: false, error: { code, message } }`. A user's `expiresAt` ends the stream then,
   * with an `rk:error` event `token_expired`. Without it, every request is anonymous.
   */
  authenticate?: (request: Request) => AuthenticationResult | Promise<AuthenticationResult>;
  /** Whether a request's `Origin` header (null when the browser sent none) is allowed; false (or a throw) → 403 `forbidden`. */
  checkOrigin?: (origin: string | null) => boolean;
  /** Headers added to every response (the stream, errors, preflights), e.g. `Access-Control-Allow-Origin`. */
  corsHeaders?: (origin: string | null) => Record<string, string>;
  /** The `retry:` hint each stream starts with, in milliseconds. Default 2000. */
  retryMs?: number;
  /** Heartbeat comments; see `createEventStream`. Default 15 000. */
  heartbeatMs?: number | false;
  /** Bytes a slow client may fall behind before it is dropped (it reconnects and resumes). Default 1 MiB. */
  maxQueuedBytes?: number;
  /** Milliseconds sends may wait to be written together; see `createEventStream`. Default 0 (one chunk per tick). */
  coalesceMs?: number;
  /**
   * Ends each stream after this long with a `retry:` hint, so the browser reconnects at once (to any instance) and
   * resumes from `Last-Event-ID`, nothing lost. Set it under your host's limit on a response's duration (serverless
   * functions are cut at 300–800 s). Default: never.
   */
  maxDurationMs?: number;
  /** More channels on one stream → 400 `bad_frame`. Default 32. */
  maxChannels?: number;
  /** Larger POST bodies → 413 `message_too_large` (read with this cap, never buffered whole). Default 64 KiB. */
  maxBodyBytes?: number;
  /** Audit hook: connect, disconnect, auth_failure, publish, refused. Must not throw (a throw goes to `onError`). */
  onEvent?: ServerEventListener;
  /** Failures that are not the client's fault (a throwing `authenticate`, an unavailable broker). Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** Options for {@link SSEEndpoint.close}. */
export interface SSEEndpointCloseOptions {
  /** The `retry:` hint sent to every open stream before it ends: how soon browsers reconnect. Default `retryMs`. */
  retryMs?: number;
}

/** Route handlers for plain `EventSource` clients: see {@link createSSEEndpoint}. */
export interface SSEEndpoint<B extends ChannelBroker = MemoryBroker> {
  /** Opens an event stream of the channels in `?channels=a,b` (or repeated `?channel=`). */
  GET(request: Request): Promise<Response>;
  /**
   * Publishes `{ channel, event, data, cid? }` (or an array of them), sent as `Content-Type: application/json`
   * (anything else → 415 `bad_frame`), and answers `{ id, seq }` once stored.
   */
  POST(request: Request): Promise<Response>;
  /** CORS preflight: 204 with `corsHeaders`, or 403 when `checkOrigin` refuses. */
  OPTIONS(request: Request): Promise<Response>;
  readonly hub: ChannelHub<B>;
  /** Streams currently open. */
  readonly streams: number;
  /**
   * Graceful shutdown: new requests get 503 with `Retry-After`; every open stream is sent a `retry:` hint and
   * ended, so browsers reconnect (to another instance) and resume from `Last-Event-ID`. Resolves once every stream
   * has ended and every publish in flight has been answered. Safe to call twice.
   */
  close(options?: SSEEndpointCloseOptions): Promise<void>;
}

/**
 * Server-Sent Events for plain `EventSource` clients, as Fetch-API route handlers: no client library and no
 * session protocol, yet every channel resumes exactly where it stopped.
 *
 * ```ts
 * // app/api/live/route.ts (Next.js)
 * import { createSSEEndpoint } from '@realtime-kit/server'
 *
 * const live = createSSEEndpoint({
 *   authenticate: (request) => redeemStreamToken(new URL(request.url).searchParams.get('token')),
 *   authorize: (session, channel) => canRead(session.userId, channel),
 *   checkOrigin: (origin) => origin === null || origin === 'https://app.example.com',
 * })
 * export const { GET, POST, OPTIONS } = live
 * export const dynamic = 'force-dynamic'
 *
 * // In the browser
 * const source = new EventSource(`/api/live?channels=room:42,news&token=${token}`)
 * source.addEventListener('chat', (event) => show(JSON.parse(event.data))) // { channel, seq, id, data, at, cid? }
 * source.addEventListener('rk:gap', (event) => refetch(JSON.parse(event.data))) // { channel, from, to }
 * await fetch('/api/live?token=' + token, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'room:42', event: 'chat', data: 'hi' }) })
 * ```
 *
 * The stream starts with `retry: <retryMs>`. Each channel message is an event named after the message's `event`,
 * with data `{ channel, seq, id, data, at, cid? }` and an id holding the resume point of every channel of the
 * stream (`room%3A42:12;news:4`), so the browser's automatic `Last-Event-ID` resumes them all: what was missed is
 * replayed once, in order, and what the log no longer holds is announced as `rk:gap { channel, from, to }`. The
 * endpoint's own events: `rk:subscribed { channel, seq }` (live from here), `rk:presence` (the hub's presence
 * frames), `rk:error { error, channel? }` (e.g. a channel `authorize` refused).
 *
 * Refusals are JSON `{ error: { code, message } }` with CORS headers and the status of core's `httpStatusOf`: 400 `bad_frame` (bad JSON, missing fields, a
 * malformed `Last-Event-ID`, too many channels), 401 `unauthorized` / `token_expired`, 403 `forbidden` (origin, or
 * a channel `authorize` refused), 413 `message_too_large`, 415 `bad_frame` (a POST that is not
 * `Content-Type: application/json`: cross-site forms and `text/plain` posts are refused), 422 `invalid_payload`, 429 `rate_limited` (with
 * `Retry-After`), 503 `unavailable` (the broker failed, or the endpoint is closing; with `Retry-After`).
 *
 * @throws {RangeError} when a numeric option is out of range.
 */
export function createSSEEndpoint<B extends ChannelBroker = MemoryBroker>(
  options: SSEEndpointOptions<B> = {},
): SSEEndpoint<B> {
  const admission = createAdmission<ChannelHub<B>>(options, 'SSE endpoint', (report) =>
    createChannelHub<B>({
      broker: options.broker,
      authorize: options.authorize,
      admit: options.admit,
      onStored: (session, stored) => {
        if (stored.fresh)
          report({
            type: 'publish',
            transport: session ? 'http' : 'server',
            channel: stored.channel,
            event: stored.event,
            seq: stored.seq,
            userId: session?.userId,
          });
      },
    }),
  );
  const { hub } = admission;
  const settings = checkedSettings(options);
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  const unavailable = (): HttpRefusal => ({
    code: 'unavailable',
    message: 'This server is shutting down: retry, and you will reach another instance.',
    retryAfterMs: settings.retryMs,
  });

  const context: SSEEndpointContext<B> = {
    admission,
    settings,
    // `createRealtime`'s hub and the one made here report publishes themselves (once); a hub of your own does not.
    hubReports: options.hub === undefined || options.hub === options.realtime?.hub,
    rulesReport: options.realtime !== undefined && hub === options.realtime.hub,
    open: new Set(),
    cors(origin) {
      if (!options.corsHeaders) return {};
      try {
        return options.corsHeaders(origin);
      } catch (error) {
        admission.onError(error);
        return {};
      }
    },
    refuse: (origin, refusal) => refusalResponse(refusal, context.cors(origin)),
    async admitRequest(request, transport, precheck) {
      if (closing) return unavailable();
      const allowed = admission.checkOrigin(request.headers.get('origin'), transport);
      if (!allowed.ok) return allowed;
      const refused = precheck?.();
      if (refused) return refused;
      const { authenticate } = options;
      const verdict = await admission.authenticate({
        transport,
        authenticate: authenticate && (() => authenticate(request)),
        refusal: 'The request was not authenticated: get a fresh token, then reconnect.',
      });
      if (closing) return unavailable();
      return verdict.ok ? { user: verdict.user } : verdict;
    },
  };

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const done = () => inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  return {
    hub,
    get streams() {
      return context.open.size;
    },
    GET: (request) => track(openEventSourceStream(context, request)),
    POST: (request) => track(publishFromRequest(context, request)),
    async OPTIONS(request) {
      const origin = request.headers.get('origin');
      const allowed = admission.checkOrigin(origin, 'http');
      if (!allowed.ok) return context.refuse(origin, allowed);
      const headers = new Headers({
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, Authorization, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      });
      for (const [name, value] of Object.entries(context.cors(origin))) headers.set(name, value);
      return new Response(null, { status: 204, headers });
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        const retry = encodeRetry(closeOptions.retryMs ?? settings.retryMs);
        // Requests already past the checks finish first (a stream they open is closed just below).
        await Promise.allSettled([...inFlight]);
        const ended = [...context.open].map(
          (stream) => new Promise<void>((resolve) => stream.onClose(() => resolve())),
        );
        for (const stream of [...context.open]) {
          writeEncoded(stream, retry);
          stream.close();
        }
        await Promise.all(ended);
      })();
      return closing;
    },
  };
}

/** The numbers of the options, checked. */
function checkedSettings(options: SSEEndpointOptions<ChannelBroker>): SSESettings {
  const retryMs = options.retryMs ?? DEFAULT_SSE_RETRY_MS;
  if (!Number.isSafeInteger(retryMs) || retryMs < 0)
    throw new RangeError(`retryMs must be a non-negative integer; got ${String(options.retryMs)}.`);
  const maxChannels = options.maxChannels ?? DEFAULT_MAX_SSE_CHANNELS;
  if (!Number.isSafeInteger(maxChannels) || maxChannels < 1)
    throw new RangeError(`maxChannels must be a positive integer; got ${String(options.maxChannels)}.`);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_SSE_BODY_BYTES;
  if (!Number.isFinite(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(`maxBodyBytes must be a positive, finite number; got ${String(options.maxBodyBytes)}.`);
  }
  const maxDurationMs = options.maxDurationMs;
  if (maxDurationMs !== undefined && !(maxDurationMs > 0 && Number.isFinite(maxDurationMs))) {
    throw new RangeError(`maxDurationMs must be a positive, finite number; got ${String(maxDurationMs)}.`);
  }
  const { heartbeatMs, maxQueuedBytes, coalesceMs } = options;
  return { retryMs, maxChannels, maxBodyBytes, maxDurationMs, heartbeatMs, maxQueuedBytes, coalesceMs };
}
