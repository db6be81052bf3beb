import { createChannelHub } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, ChannelHubOptions, ClientFrame, FrameError, HubSession, MemoryBroker, RealtimeErrorCode, ServerFrame } from '@realtime-kit/core';
import { encodeRetry } from './encode-event.js';
import { encodeWholeFrameEvent } from './encode-frame.js';
import { createEventStream, writeEncoded, type EventStream } from './event-stream.js';
import { readAuthResult, type AuthenticationResult } from './auth/result.js';
import { discardBody, isJsonContentType, readBody } from './http/read-body.js';
import { eventReporter, type ServerEventListener } from './events.js';
import type { Realtime } from './realtime.js';
import type { AuthenticatedUser } from './auth/user.js';

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
  /** Whether a request's `Origin` header (null when the browser sent none) is allowed; false → 403 `forbidden`. */
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

/** One open stream, as `close()` sees it. */
interface OpenStream {
  readonly stream: EventStream;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
/** Event names the endpoint uses for its own events: publishers may not use the prefix. */
const RESERVED_PREFIX = 'rk:';
const NACK_STATUS: Readonly<Record<string, number>> = {
  bad_frame: 400,
  unauthorized: 403,
  forbidden: 403,
  token_expired: 401,
  message_too_large: 413,
  invalid_payload: 422,
  rate_limited: 429,
  unavailable: 503,
};
const REFUSED_CODES = new Set(['message_too_large', 'invalid_payload', 'bad_frame', 'unavailable']);

type Refusal = { readonly status: number; readonly code: RealtimeErrorCode; readonly message: string; readonly headers?: Record<string, string> };

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
 * Refusals are JSON `{ error: { code, message } }` with CORS headers: 400 `bad_frame` (bad JSON, missing fields, a
 * malformed `Last-Event-ID`, too many channels), 401 `unauthorized` / `token_expired`, 403 `forbidden` (origin, or
 * a channel `authorize` refused), 413 `message_too_large`, 415 `bad_frame` (a POST that is not
 * `Content-Type: application/json`: cross-site forms and `text/plain` posts are refused), 422 `invalid_payload`, 429 `rate_limited` (with
 * `Retry-After`), 503 `unavailable` (the broker failed, or the endpoint is closing; with `Retry-After`).
 *
 * @throws {RangeError} when a numeric option is out of range.
 */
export function createSSEEndpoint<B extends ChannelBroker = MemoryBroker>(options: SSEEndpointOptions<B> = {}): SSEEndpoint<B> {
  const onEvent = options.onEvent ?? options.realtime?.onEvent;
  const onError = options.onError ?? ((error: unknown) => console.error('[realtime-kit] SSE endpoint:', error));
  const emit = eventReporter(onEvent, onError);
  const hub =
    options.hub ??
    (options.realtime?.hub as ChannelHub<B> | undefined) ??
    createChannelHub<B>({
      broker: options.broker,
      authorize: options.authorize,
      admit: options.admit,
      onStored: (session, stored) => {
        if (stored.fresh) emit({ type: 'publish', transport: session ? 'http' : 'server', channel: stored.channel, event: stored.event, seq: stored.seq, userId: session?.userId });
      },
    });
  // `createRealtime`'s hub and the one made here report publishes themselves (once); a hub of your own does not.
  const hubReports = options.hub === undefined || options.hub === options.realtime?.hub;
  // `createRealtime`'s rules (authorization, limits, schemas, beforePublish) report their own refusals.
  const rulesReport = options.realtime !== undefined && hub === options.realtime.hub;
  const retryMs = options.retryMs ?? DEFAULT_SSE_RETRY_MS;
  if (!Number.isSafeInteger(retryMs) || retryMs < 0) throw new RangeError(`retryMs must be a non-negative integer; got ${String(options.retryMs)}.`);
  const maxChannels = options.maxChannels ?? DEFAULT_MAX_SSE_CHANNELS;
  if (!Number.isSafeInteger(maxChannels) || maxChannels < 1) throw new RangeError(`maxChannels must be a positive integer; got ${String(options.maxChannels)}.`);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_SSE_BODY_BYTES;
  if (!Number.isFinite(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(`maxBodyBytes must be a positive, finite number; got ${String(options.maxBodyBytes)}.`);
  }
  const maxDurationMs = options.maxDurationMs;
  if (maxDurationMs !== undefined && !(maxDurationMs > 0 && Number.isFinite(maxDurationMs))) {
    throw new RangeError(`maxDurationMs must be a positive, finite number; got ${String(maxDurationMs)}.`);
  }
  const open = new Set<OpenStream>();
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;


  function cors(origin: string | null): Record<string, string> {
    if (!options.corsHeaders) return {};
    try {
      return options.corsHeaders(origin);
    } catch (error) {
      onError(error);
      return {};
    }
  }

  function refuse(origin: string | null, refusal: Refusal, extra: Record<string, unknown> = {}): Response {
    const headers = new Headers(cors(origin));
    for (const [name, value] of Object.entries(refusal.headers ?? {})) headers.set(name, value);
    return Response.json({ error: { code: refusal.code, message: refusal.message }, ...extra }, { status: refusal.status, headers });
  }

  function unavailable(message: string): Refusal {
    return { status: 503, code: 'unavailable', message, headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryMs / 1000))) } };
  }

  /** The checks every request passes: not closing, origin, the request's own checks (`precheck`), then the user. */
  async function admitRequest(
    request: Request,
    transport: 'sse' | 'http',
    precheck?: () => Refusal | undefined,
  ): Promise<{ user: AuthenticatedUser | undefined } | Refusal> {
    if (closing) return unavailable('This server is shutting down: retry, and you will reach another instance.');
    const origin = request.headers.get('origin');
    if (options.checkOrigin && !checkOrigin(origin)) {
      emit({ type: 'auth_failure', transport, code: 'forbidden', reason: `Origin ${String(origin)} is not allowed.` });
      return { status: 403, code: 'forbidden', message: `Requests from origin ${String(origin)} are not allowed.` };
    }
    const refused = precheck?.();
    if (refused) return refused;
    if (!options.authenticate) return { user: undefined };
    let result: AuthenticationResult;
    try {
      result = await options.authenticate(request);
    } catch (error) {
      onError(error);
      return { status: 500, code: 'server_error', message: 'Authentication failed on the server.' };
    }
    if (closing) return unavailable('This server is shutting down: retry, and you will reach another instance.');
    const verdict = readAuthResult(result, 'The request was not authenticated: get a fresh token, then reconnect.');
    if (verdict.ok) return { user: verdict.user };
    emit({ type: 'auth_failure', transport, code: verdict.code, reason: verdict.message });
    return { status: verdict.code === 'forbidden' ? 403 : 401, code: verdict.code, message: verdict.message };
  }

  function checkOrigin(origin: string | null): boolean {
    try {
      return options.checkOrigin?.(origin) === true;
    } catch (error) {
      onError(error);
      return false;
    }
  }

  async function openStream(request: Request): Promise<Response> {
    const origin = request.headers.get('origin');
    const url = new URL(request.url);
    const channels = parseChannels(url.searchParams);
    if (typeof channels === 'string') {
      emit({ type: 'refused', transport: 'sse', code: 'bad_frame' });
      return refuse(origin, { status: 400, code: 'bad_frame', message: channels });
    }
    if (channels.length > maxChannels) {
      emit({ type: 'refused', transport: 'sse', code: 'bad_frame' });
      return refuse(origin, { status: 400, code: 'bad_frame', message: `At most ${maxChannels} channels per stream; got ${channels.length}. Open another stream.` });
    }
    const lastEventId = request.headers.get('last-event-id') || url.searchParams.get('lastEventId') || undefined;
    const resume = lastEventId === undefined ? new Map<string, Cursor>() : parseResumeId(lastEventId);
    if (resume === undefined) {
      emit({ type: 'refused', transport: 'sse', code: 'bad_frame' });
      return refuse(origin, { status: 400, code: 'bad_frame', message: 'Last-Event-ID is not an id this endpoint sent: open a fresh stream without it.' });
    }
    const admitted = await admitRequest(request, 'sse');
    if (!('user' in admitted)) return refuse(origin, admitted);
    const { user } = admitted;

    // A channel's position enters the event id only once the hub has let the stream have it (its first frame of
    // that channel): the id never tells anything of a channel the user may not read. Resume points the client sent
    // stay as they came until then.
    const requested = new Set(channels);
    const cursors = new Map<string, Cursor>();
    for (const channel of channels) {
      const known = resume.get(channel);
      if (known) cursors.set(channel, known);
    }

    const stream = createEventStream(request, {
      retry: retryMs,
      heartbeatMs: options.heartbeatMs,
      maxQueuedBytes: options.maxQueuedBytes,
      coalesceMs: options.coalesceMs,
      headers: cors(origin),
      lastEventId,
    });
    const names = new Map(channels.map((channel) => [channel, encodeURIComponent(channel)]));
    let id: string | undefined;
    const eventId = (): string => {
      if (id !== undefined) return id;
      let text = '';
      for (const [channel, cursor] of cursors) {
        text += `${text === '' ? '' : ';'}${names.get(channel) ?? ''}:${cursor.seq}${cursor.epoch ? `.${cursor.epoch}` : ''}`;
      }
      return (id = text);
    };
    const advance = (channel: string, seq: number, epoch?: string) => {
      const current = cursors.get(channel);
      if (current === undefined) {
        if (!requested.has(channel)) return;
        cursors.set(channel, { seq, epoch });
        id = undefined;
        return;
      }
      if (epoch !== undefined && epoch !== current.epoch) cursors.set(channel, { seq, epoch });
      else if (seq > current.seq) cursors.set(channel, { seq, epoch: current.epoch });
      else return;
      id = undefined;
    };

    const userId = user?.userId;
    let session: HubSession | undefined;
    const send = (frame: ServerFrame) => {
      switch (frame.type) {
        case 'message':
        case 'gap':
        case 'subscribed':
        case 'reset': {
          // In a broadcast, streams of the same channels go from the same id to the same id: the new id (and so the
          // encoded event) is computed once and shared instead of being rebuilt per stream.
          const before = eventId();
          if (lastIdStep !== undefined && lastIdStep.frame === frame && lastIdStep.before === before) {
            cursors.set(frame.channel, lastIdStep.cursor);
            id = lastIdStep.after;
          } else {
            if (frame.type === 'reset') advance(frame.channel, 0, frame.epoch);
            else advance(frame.channel, frame.type === 'gap' ? frame.to : frame.seq, frame.type === 'subscribed' ? frame.epoch : undefined);
            lastIdStep = { frame, before, after: eventId(), cursor: cursors.get(frame.channel) ?? { seq: 0, epoch: undefined } };
          }
          writeEncoded(stream, encodeWholeFrameEvent(frame, 'event', id));
          return;
        }
        case 'presence':
        case 'signal':
          writeEncoded(stream, encodeWholeFrameEvent(frame, 'event'));
          return;
        case 'error':
          writeEncoded(stream, encodeWholeFrameEvent(frame, 'event'));
          if (frame.channel === undefined) return;
          // The channel is not on this stream after all: it leaves the resume id (and is never added to it).
          requested.delete(frame.channel);
          if (cursors.delete(frame.channel)) id = undefined;
          if (frame.error.code === 'unauthorized' && !rulesReport) {
            emit({ type: 'auth_failure', transport: 'sse', code: 'forbidden', reason: frame.error.message, channel: frame.channel, userId });
          } else if (frame.error.code === 'unavailable') {
            // The broker failed mid-subscribe: end the stream, the browser reconnects after `retry` and resumes.
            stream.close();
          }
          return;
        default:
          // welcome, ack, nack, pong: nothing a plain EventSource client needs.
          return;
      }
    };
    const opened: OpenStream = { stream };
    open.add(opened);
    let expiry: ReturnType<typeof setTimeout> | undefined;
    // A host that cuts streams after a while (serverless functions): end first, with a `retry:` hint, so the browser
    // comes back at once (to any instance) and resumes from its Last-Event-ID.
    const lifetime =
      maxDurationMs === undefined
        ? undefined
        : setTimeout(() => {
            writeEncoded(stream, encodeRetry(Math.min(retryMs, 1000)));
            stream.close();
          }, maxDurationMs);
    stream.onClose(() => {
      open.delete(opened);
      if (expiry !== undefined) clearTimeout(expiry);
      clearTimeout(lifetime);
      if (session) {
        session.close();
        emit({ type: 'disconnect', transport: 'sse', connectionId: session.id, userId });
      }
    });
    if (stream.closed) return stream.response;
    session = hub.connect({ send, userId, transport: 'sse', ...(user?.channels === undefined ? {} : { channels: user.channels }), close: () => stream.close() });
    emit({ type: 'connect', transport: 'sse', connectionId: session.id, userId });
    if (user?.expiresAt !== undefined) {
      const expire = () => {
        const frame: ServerFrame = { type: 'error', error: { code: 'token_expired', message: 'The stream token expired: reconnect with a fresh one.' } };
        writeEncoded(stream, encodeWholeFrameEvent(frame, 'event'));
        stream.close();
      };
      const delay = user.expiresAt - Date.now();
      if (delay <= 0) expire();
      else expiry = setTimeout(expire, Math.min(delay, MAX_TIMER_MS));
    }
    for (const channel of channels) {
      if (stream.closed) break;
      // The hub keeps the frames in order and answers over `send`; a rejection has been reported to its onError.
      const cursor = cursors.get(channel);
      const frame: ClientFrame = cursor ? { type: 'subscribe', channel, after: cursor.seq, ...(cursor.epoch ? { epoch: cursor.epoch } : {}) } : { type: 'subscribe', channel };
      const result = session.receive(frame);
      if (result) result.catch(onError);
    }
    return stream.response;
  }

  async function publish(request: Request): Promise<Response> {
    const origin = request.headers.get('origin');
    // Cross-site pages can POST text/plain or forms without a preflight: with cookie auth that would be a forged
    // publish (CSRF). JSON needs a preflight, which `checkOrigin` and `corsHeaders` decide. Checked before
    // `authenticate`, so a refused request never spends a (single-use) token.
    const admitted = await admitRequest(request, 'http', () => {
      if (isJsonContentType(request)) return undefined;
      emit({ type: 'refused', transport: 'http', code: 'bad_frame' });
      const type = request.headers.get('content-type');
      return { status: 415, code: 'bad_frame', message: `Send Content-Type: application/json (got ${type === null ? 'none' : JSON.stringify(type)}); the body is a JSON { channel, event, data, cid? }.` };
    });
    if (!('user' in admitted)) {
      discardBody(request);
      return refuse(origin, admitted);
    }
    const userId = admitted.user?.userId;
    const body = await readBody(request, maxBodyBytes);
    if (!body.ok && body.status === 413) {
      emit({ type: 'refused', transport: 'http', code: 'message_too_large', userId });
      return refuse(origin, { status: 413, code: 'message_too_large', message: `The body is larger than ${maxBodyBytes} bytes: send smaller payloads.` });
    }
    let parsed: unknown;
    try {
      parsed = body.ok ? JSON.parse(body.text) : undefined;
    } catch {
      parsed = undefined;
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    const problem = parsed === undefined ? 'The body is not valid UTF-8 JSON.' : items.length === 0 ? 'The array is empty.' : items.map(checkPublish).find((p) => p !== undefined);
    if (problem !== undefined) {
      emit({ type: 'refused', transport: 'http', code: 'bad_frame', userId });
      return refuse(origin, {
        status: 400,
        code: 'bad_frame',
        message: `${problem} POST { channel, event, data, cid? } (or an array of them) as JSON.`,
      });
    }

    // A transient hub session, so `authorize` and `admit` judge this publish exactly as any other.
    const reply: { frame?: ServerFrame } = {};
    const session = hub.connect({
      userId,
      transport: 'http',
      ...(admitted.user?.channels === undefined ? {} : { channels: admitted.user.channels }),
      send: (frame) => {
        if (frame.type === 'ack' || frame.type === 'nack' || frame.type === 'error') reply.frame = frame;
      },
    });
    const results: { id: string; seq: number }[] = [];
    try {
      for (const [index, item] of (items as PublishItem[]).entries()) {
        reply.frame = undefined;
        const cid = item.cid ?? `http-${crypto.randomUUID()}`;
        await session.receive({ type: 'publish', channel: item.channel, event: item.event, data: item.data, cid });
        const answer = reply.frame as ServerFrame | undefined;
        if (answer?.type === 'ack') {
          results.push({ id: answer.id, seq: answer.seq });
          if (!hubReports) emit({ type: 'publish', transport: 'http', channel: item.channel, event: item.event, seq: answer.seq, userId });
          continue;
        }
        const error: FrameError =
          answer?.type === 'nack' || answer?.type === 'error'
            ? answer.error
            : { code: 'server_error', message: 'The server did not answer the publish.' };
        const refusal = nackRefusal(error);
        if (rulesReport) {
          // createRealtime's rules made this refusal and reported it.
        } else if (error.code === 'unauthorized') {
          emit({ type: 'auth_failure', transport: 'http', code: 'forbidden', reason: error.message, channel: item.channel, userId });
        } else if (REFUSED_CODES.has(error.code)) {
          emit({ type: 'refused', transport: 'http', code: error.code as 'bad_frame', channel: item.channel, userId });
        }
        const extra: Record<string, unknown> = Array.isArray(parsed) ? { index, results } : {};
        return refuse(origin, refusal, extra);
      }
    } catch (error) {
      onError(error);
      return refuse(origin, { status: 500, code: 'server_error', message: 'The server failed to handle the publish.' });
    } finally {
      session.close();
    }
    return Response.json(Array.isArray(parsed) ? results : results[0], { status: 200, headers: cors(origin) });
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const done = () => inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  return {
    hub,
    get streams() {
      return open.size;
    },
    GET: (request) => track(openStream(request)),
    POST: (request) => track(publish(request)),
    async OPTIONS(request) {
      const origin = request.headers.get('origin');
      if (options.checkOrigin && !checkOrigin(origin)) {
        return refuse(origin, { status: 403, code: 'forbidden', message: `Requests from origin ${String(origin)} are not allowed.` });
      }
      const headers = new Headers({
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, Authorization, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      });
      for (const [name, value] of Object.entries(cors(origin))) headers.set(name, value);
      return new Response(null, { status: 204, headers });
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        const retry = encodeRetry(closeOptions.retryMs ?? retryMs);
        // Requests already past the checks finish first (a stream they open is closed just below).
        await Promise.allSettled([...inFlight]);
        const ended = [...open].map(({ stream }) => new Promise<void>((resolve) => stream.onClose(() => resolve())));
        for (const { stream } of [...open]) {
          writeEncoded(stream, retry);
          stream.close();
        }
        await Promise.all(ended);
      })();
      return closing;
    },
  };
}

/** Where a stream stands on one channel: the newest seq it was sent, in the log's epoch. */
interface Cursor {
  readonly seq: number;
  readonly epoch: string | undefined;
}

// The last id change a frame caused on a stream (see `send` in GET): shared by every stream in the same state.
let lastIdStep: { frame: ServerFrame; before: string; after: string; cursor: Cursor } | undefined;

interface PublishItem {
  channel: string;
  event: string;
  data: unknown;
  cid?: string;
}

function checkPublish(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'Each publish must be a JSON object.';
  const { channel, event, cid } = item as Partial<Record<keyof PublishItem, unknown>>;
  if (typeof channel !== 'string' || channel === '') return 'A publish needs a non-empty "channel" string.';
  if (typeof event !== 'string' || event === '' || /[\r\n]/.test(event)) return 'A publish needs a non-empty "event" string without line breaks.';
  if (event.startsWith(RESERVED_PREFIX)) return `Event names starting with "${RESERVED_PREFIX}" are reserved for the endpoint.`;
  if (!('data' in item)) return 'A publish needs "data" (null for none).';
  if (cid !== undefined && (typeof cid !== 'string' || cid === '')) return '"cid", when given, must be a non-empty string.';
  return undefined;
}

function nackRefusal(error: FrameError): Refusal {
  const status = NACK_STATUS[error.code] ?? (error.code === 'server_error' ? 500 : 400);
  const code = (error.code === 'unauthorized' ? 'forbidden' : error.code) as RealtimeErrorCode;
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  const headers: Record<string, string> = {};
  if (status === 429 && typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs)) {
    headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }
  return { status, code, message: error.message, headers };
}

/** `?channels=a,b` and repeated `?channel=`, deduplicated in order; a string says what is wrong. */
function parseChannels(params: URLSearchParams): string[] | string {
  const names: string[] = [];
  for (const list of params.getAll('channels')) names.push(...list.split(','));
  names.push(...params.getAll('channel'));
  if (names.length === 0) return 'Name the channels to stream: ?channels=a,b (or repeated ?channel=).';
  if (names.some((name) => name === '')) return 'Channel names must not be empty.';
  return [...new Set(names)];
}

/**
 * `room%3A42:12.3f9a…;news:4` → channel → seq and epoch (the epoch of the log the seq counts in; ids from before
 * epochs have none, and resume without the check); undefined when malformed.
 */
function parseResumeId(id: string): Map<string, Cursor> | undefined {
  const cursors = new Map<string, Cursor>();
  for (const part of id.split(';')) {
    const colon = part.lastIndexOf(':');
    if (colon <= 0) return undefined;
    const point = /^(\d{1,16})(?:\.([0-9a-z]{1,32}))?$/.exec(part.slice(colon + 1));
    if (!point) return undefined;
    const seq = Number(point[1]);
    if (!Number.isSafeInteger(seq)) return undefined;
    let channel: string;
    try {
      channel = decodeURIComponent(part.slice(0, colon));
    } catch {
      return undefined;
    }
    if (channel === '' || cursors.has(channel)) return undefined;
    cursors.set(channel, { seq, epoch: point[2] });
  }
  return cursors;
}
