import { createChannelHub, SESSION_HEADER } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, ClientFrame, HubSession, RealtimeErrorCode, ServerFrame } from '@realtime-kit/core';
import { encodeWholeFrameEvent } from './encode-frame.js';
import { encodeRetry } from './encode-event.js';
import { createEventStream, writeEncoded, type EventStream } from './event-stream.js';
import type { Realtime } from './realtime.js';
import { readAuthResult, type AuthenticationResult } from './auth/result.js';
import { eventReporter, type ServerEventListener } from './events.js';
import type { AuthenticatedUser } from './ws-endpoint.js';

/** The request header naming the session a POSTed frame belongs to (as `sseTransport` sends it). */
export const CHANNEL_SESSION_HEADER = SESSION_HEADER;
/** Default largest accepted POST body: 64 KiB. */
export const DEFAULT_MAX_POST_BYTES = 64 * 1024;
/** Default longest a poll waits for frames before answering `[]`: 25 s (under common proxy idle timeouts). */
export const DEFAULT_POLL_WAIT_MS = 25_000;
/** Default time a polling session outlives its last poll: the client polls again at once, so this is generous. */
export const DEFAULT_POLL_SESSION_TIMEOUT_MS = 20_000;
/** Default bytes of frames a polling session may hold for a client that stopped polling before it is ended. */
export const DEFAULT_POLL_MAX_QUEUED_BYTES = 1024 * 1024;

/** Options for {@link createChannelEndpoint}. */
export interface ChannelEndpointOptions {
  /** The shared state and rules of `createRealtime`; its hub is used and its `onEvent` gets this endpoint's events. */
  realtime?: Realtime;
  /** The channel hub that holds logs, subscriptions and presence. Default `realtime.hub`, else a new `createChannelHub()`. */
  hub?: ChannelHub<ChannelBroker>;
  /**
   * Identifies the user of every GET and POST (from a cookie or `Authorization` header). Return null (or a typed
   * refusal such as `{ ok: false, error: { code: 'token_expired' } }`) to refuse with 401 and that code. A POST must
   * come from the user who opened the session. Without it, every session is anonymous.
   */
  authenticate?: (request: Request) => Promise<AuthenticationResult> | AuthenticationResult;
  /** Whether a browser page from `origin` (null when the request has none) may use the endpoint; else 403 `forbidden`. */
  checkOrigin?: (origin: string | null) => boolean;
  /** Audit trail: connect, disconnect, auth failure, refused input. Default `realtime.onEvent`. */
  onEvent?: ServerEventListener;
  /** Heartbeat comments on the stream; see `createEventStream`. Default 15 000. */
  heartbeatMs?: number | false;
  /** Larger POST bodies are refused with 413 `message_too_large`. Default 64 KiB. */
  maxBodyBytes?: number;
  /**
   * Long polling (`pollingTransport`, the last step of `fallbackTransport`): how long a poll waits for frames before
   * answering `[]`, how long a session outlives its last poll, and how many bytes of frames it may hold for a client
   * that stopped polling (more ends the session: the client starts a new one and resumes). Defaults 25 000 ms,
   * 20 000 ms and 1 MiB.
   */
  polling?: { waitMs?: number; sessionTimeoutMs?: number; maxQueuedBytes?: number };
  /** Failures that are not the client's fault (a throwing `authenticate` or hub). Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** Route handlers for the channel protocol over SSE + POST (or long polling + POST): see {@link createChannelEndpoint}. */
export interface ChannelEndpoint {
  /**
   * Opens the session's event stream; its first event is `welcome`. With `?transport=polling`, long polling
   * instead: without `session` it opens a session and answers `[welcome]`; with `session=<id>` it answers the frames
   * waiting for that session as a JSON array, or waits for some (at most `polling.waitMs`, then `[]`).
   */
  GET(request: Request): Promise<Response>;
  /** Delivers one client frame (or an array of them, in order) to the session named by `x-realtime-session`. */
  POST(request: Request): Promise<Response>;
  readonly hub: ChannelHub<ChannelBroker>;
  /** Open sessions (streams and polling sessions). */
  readonly sessions: number;
  /**
   * Graceful shutdown: new requests get 503 `unavailable` with `Retry-After`; frames being handled finish (every
   * stored publish is acked); then every stream gets a `retry:` hint and ends, so clients reconnect elsewhere and
   * resume. Safe to call twice.
   */
  close(): Promise<void>;
}

interface OpenSession {
  readonly session: HubSession;
  readonly userId: string | undefined;
  /** Ends the session's carrier (the stream, or the polling session) for a graceful shutdown; resolves once ended. */
  end(): Promise<void>;
}

/** A long-polling session: frames wait in `queue` until a poll takes them. */
interface PollingSession {
  queue: string[];
  bytes: number;
  /** The poll waiting for frames, if one is. */
  waiting: ((frames: string[]) => void) | null;
  /** Ends the session when no poll came for `sessionTimeoutMs`. */
  expiry: ReturnType<typeof setTimeout> | undefined;
  ended: boolean;
}

/** The `retry:` hint streams get when the endpoint closes: browsers come back (to another instance) after 1 s. */
const CLOSE_RETRY_MS = 1000;

/**
 * The server side of `sseTransport`, as Fetch-API route handlers (Next.js `app/api/realtime/route.ts`):
 *
 * ```ts
 * const realtime = createChannelEndpoint({ authenticate: (request) => userFromCookie(request) })
 * export const { GET, POST } = realtime
 * ```
 *
 * Each GET is one hub session for as long as its stream lives (closed when the client goes away). Every server
 * frame is one SSE event of JSON; `message` events carry the id `channel:seq` (informational: clients resume by
 * subscribing with `after`). Errors of a POST are JSON `{ error: { code, message } }`: 400 `bad_frame`,
 * 401 `unauthorized`, 404 `not_found` (the session is gone: reconnect), 413 `message_too_large`.
 * Sessions live in this process's memory, so every request of a session must reach the same instance.
 */
export function createChannelEndpoint(options: ChannelEndpointOptions = {}): ChannelEndpoint {
  const hub = options.hub ?? options.realtime?.hub ?? createChannelHub<ChannelBroker>();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_POST_BYTES;
  if (!Number.isFinite(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(`maxBodyBytes must be a positive, finite number; got ${String(options.maxBodyBytes)}.`);
  }
  const onError = options.onError ?? ((error: unknown) => console.error('[realtime-kit] channel endpoint:', error));
  const pollWaitMs = positive(options.polling?.waitMs ?? DEFAULT_POLL_WAIT_MS, 'polling.waitMs');
  const pollSessionTimeoutMs = positive(options.polling?.sessionTimeoutMs ?? DEFAULT_POLL_SESSION_TIMEOUT_MS, 'polling.sessionTimeoutMs');
  const pollMaxQueuedBytes = positive(options.polling?.maxQueuedBytes ?? DEFAULT_POLL_MAX_QUEUED_BYTES, 'polling.maxQueuedBytes');
  const polls = new Map<string, PollingSession>();
  const sessions = new Map<string, OpenSession>();
  const report = eventReporter(options.onEvent ?? options.realtime?.onEvent, onError);
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  const shuttingDown = () =>
    Response.json(
      { error: { code: 'unavailable', message: 'This server is shutting down: retry, and you will reach another instance.' } },
      { status: 503, headers: { 'Retry-After': String(Math.ceil(CLOSE_RETRY_MS / 1000)) } },
    );

  async function identify(request: Request, transport: 'sse' | 'sse-post' | 'polling'): Promise<{ user: AuthenticatedUser | undefined } | Response> {
    const origin = request.headers.get('origin');
    if (options.checkOrigin && !options.checkOrigin(origin)) {
      report({ type: 'auth_failure', transport, code: 'forbidden', reason: `origin ${String(origin)} not allowed` });
      return refuse(403, 'forbidden', `Requests from origin ${String(origin)} are not allowed.`);
    }
    if (!options.authenticate) return { user: undefined };
    try {
      const verdict = readAuthResult(await options.authenticate(request), 'The request was not authenticated: sign in again, then reconnect.');
      if (verdict.ok) return { user: verdict.user };
      report({ type: 'auth_failure', transport, code: verdict.code, reason: verdict.message });
      return refuse(verdict.code === 'forbidden' ? 403 : 401, verdict.code, verdict.message);
    } catch (error) {
      onError(error);
      return refuse(500, 'server_error', 'Authentication failed on the server.');
    }
  }

  return {
    hub,
    get sessions() {
      return sessions.size;
    },
    async GET(request) {
      if (closing) return shuttingDown();
      const params = new URL(request.url).searchParams;
      const polling = params.get('transport') === 'polling';
      const identity = await identify(request, polling ? 'polling' : 'sse');
      if (identity instanceof Response) return identity;
      if (closing) return shuttingDown();
      if (polling) return poll(request, identity.user?.userId, params.get('session'));
      const stream: EventStream = createEventStream(request, { heartbeatMs: options.heartbeatMs });
      // Each frame is encoded once for every stream it goes to (see encodeWholeFrameEvent).
      const send = (frame: ServerFrame) => {
        const id = frame.type === 'message' ? `${encodeURIComponent(frame.channel)}:${frame.seq}` : undefined;
        writeEncoded(stream, encodeWholeFrameEvent(frame, 'frame', id));
      };
      const session = hub.connect({ send, userId: identity.user?.userId, close: () => stream.close() });
      const ended = new Promise<void>((resolve) => stream.onClose(() => resolve()));
      sessions.set(session.id, {
        session,
        userId: identity.user?.userId,
        end() {
          writeEncoded(stream, encodeRetry(CLOSE_RETRY_MS));
          stream.close();
          return ended;
        },
      });
      report({ type: 'connect', transport: 'sse', connectionId: session.id, userId: identity.user?.userId });
      stream.onClose(() => {
        sessions.delete(session.id);
        session.close();
        report({ type: 'disconnect', transport: 'sse', connectionId: session.id, userId: identity.user?.userId });
      });
      return stream.response;
    },
    async POST(request) {
      if (closing) return shuttingDown();
      const handled = handlePost(request);
      inFlight.add(handled);
      void handled.finally(() => inFlight.delete(handled));
      return handled;
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await Promise.all([...sessions.values()].map((open) => open.end()));
      })();
      return closing;
    },
  };

  /**
   * Long polling. Without `session`: a new hub session, answered with its `welcome` at once. With one: the frames
   * waiting for it, or the first ones to arrive within `pollWaitMs` (then `[]`). A newer poll of the same session
   * answers the older one with `[]`. A session nobody polls for `pollSessionTimeoutMs` ends (presence leaves).
   */
  async function poll(request: Request, userId: string | undefined, id: string | null): Promise<Response> {
    if (id === null) {
      const state: PollingSession = { queue: [], bytes: 0, waiting: null, expiry: undefined, ended: false };
      const session = hub.connect({
        userId,
        send(frame) {
          if (state.ended) return;
          const text = JSON.stringify(frame);
          state.queue.push(text);
          state.bytes += text.length;
          if (state.bytes > pollMaxQueuedBytes) return void endPolling(session.id, state, session);
          if (state.waiting) {
            // Frames of one tick (a replay, a burst) go out in one answer.
            const answer = state.waiting;
            state.waiting = null;
            queueMicrotask(() => answer(take(state)));
          }
        },
        close: () => endPolling(session.id, state, session),
      });
      polls.set(session.id, state);
      sessions.set(session.id, {
        session,
        userId,
        end() {
          endPolling(session.id, state, session);
          return Promise.resolve();
        },
      });
      report({ type: 'connect', transport: 'polling', connectionId: session.id, userId });
      expireLater(session.id, state, session);
      return framesResponse(take(state));
    }
    const open = sessions.get(id);
    const found = polls.get(id);
    if (open === undefined || found === undefined) {
      return refuse(404, 'not_found', 'No polling session with that id (it expired or the server restarted): start a new one.');
    }
    if (open.userId !== userId) return refuse(401, 'unauthorized', 'This session belongs to another user.');
    const state = found;
    clearTimeout(state.expiry);
    state.waiting?.([]);
    state.waiting = null;
    let frames: string[];
    if (state.queue.length > 0) frames = take(state);
    else {
      frames = await new Promise<string[]>((resolve) => {
        const timer = setTimeout(() => finish([]), pollWaitMs);
        const onAbort = () => finish([]);
        request.signal.addEventListener('abort', onAbort, { once: true });
        function finish(result: string[]) {
          clearTimeout(timer);
          request.signal.removeEventListener('abort', onAbort);
          if (state.waiting === finish) state.waiting = null;
          resolve(result);
        }
        state.waiting = finish;
      });
    }
    if (!state.ended) expireLater(id, state, open.session);
    return framesResponse(frames);
  }

  function take(state: PollingSession): string[] {
    const frames = state.queue;
    state.queue = [];
    state.bytes = 0;
    return frames;
  }

  function expireLater(id: string, state: PollingSession, session: HubSession) {
    clearTimeout(state.expiry);
    state.expiry = setTimeout(() => endPolling(id, state, session), pollSessionTimeoutMs);
    (state.expiry as { unref?: () => void }).unref?.();
  }

  function endPolling(id: string, state: PollingSession, session: HubSession) {
    if (state.ended) return;
    state.ended = true;
    clearTimeout(state.expiry);
    state.waiting?.([]);
    state.waiting = null;
    polls.delete(id);
    const open = sessions.get(id);
    sessions.delete(id);
    session.close();
    report({ type: 'disconnect', transport: 'polling', connectionId: id, userId: open?.userId });
  }

  async function handlePost(request: Request): Promise<Response> {
    const identity = await identify(request, 'sse-post');
    if (identity instanceof Response) return identity;
    const id = request.headers.get(CHANNEL_SESSION_HEADER) ?? new URL(request.url).searchParams.get('session');
    const open = id === null ? undefined : sessions.get(id);
    if (open === undefined) {
      return refuse(404, 'not_found', 'No open session with that id (its stream ended): reconnect the event stream.');
    }
    if (open.userId !== identity.user?.userId) {
      return refuse(401, 'unauthorized', 'This session belongs to another user.');
    }
    const declared = Number(request.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      report({ type: 'refused', transport: 'sse-post', code: 'message_too_large', userId: identity.user?.userId });
      return refuse(413, 'message_too_large', `The body is larger than ${maxBodyBytes} bytes: send smaller payloads.`);
    }
    const text = await request.text();
    if (Buffer.byteLength(text) > maxBodyBytes) {
      report({ type: 'refused', transport: 'sse-post', code: 'message_too_large', userId: identity.user?.userId });
      return refuse(413, 'message_too_large', `The body is larger than ${maxBodyBytes} bytes: send smaller payloads.`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, 'bad_frame', 'The body is not valid JSON: POST one protocol frame (or an array of frames) as JSON.');
    }
    const frames = Array.isArray(body) ? body : [body];
    if (!frames.every((frame) => typeof frame === 'object' && frame !== null && typeof (frame as { type?: unknown }).type === 'string')) {
      return refuse(400, 'bad_frame', 'Every frame must be a JSON object with a string "type".');
    }
    // The hub answers over the stream and keeps one session's frames in order, even with an async `authorize`.
    const pending = (frames as ClientFrame[]).map((frame) => open.session.receive(frame));
    try {
      await Promise.all(pending);
    } catch (error) {
      onError(error);
      return refuse(500, 'server_error', 'The server failed to handle the frame.');
    }
    return new Response(null, { status: 204 });
  }
}

/** Frames already encoded as JSON text, as one JSON array; never cached by a proxy. */
function framesResponse(frames: readonly string[]): Response {
  return new Response(`[${frames.join(',')}]`, {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`createChannelEndpoint: ${name} must be a positive, finite number; got ${String(value)}.`);
  return value;
}

function refuse(status: number, code: RealtimeErrorCode, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
