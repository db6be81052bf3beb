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
  /** Failures that are not the client's fault (a throwing `authenticate` or hub). Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** Route handlers for the channel protocol over SSE + POST: see {@link createChannelEndpoint}. */
export interface ChannelEndpoint {
  /** Opens the session's event stream; its first event is `welcome`. */
  GET(request: Request): Promise<Response>;
  /** Delivers one client frame (or an array of them, in order) to the session named by `x-realtime-session`. */
  POST(request: Request): Promise<Response>;
  readonly hub: ChannelHub<ChannelBroker>;
  /** Sessions with an open stream. */
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
  readonly stream: EventStream;
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
  const sessions = new Map<string, OpenSession>();
  const report = eventReporter(options.onEvent ?? options.realtime?.onEvent, onError);
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  const shuttingDown = () =>
    Response.json(
      { error: { code: 'unavailable', message: 'This server is shutting down: retry, and you will reach another instance.' } },
      { status: 503, headers: { 'Retry-After': String(Math.ceil(CLOSE_RETRY_MS / 1000)) } },
    );

  async function identify(request: Request, transport: 'sse' | 'sse-post'): Promise<{ user: AuthenticatedUser | undefined } | Response> {
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
      const identity = await identify(request, 'sse');
      if (identity instanceof Response) return identity;
      if (closing) return shuttingDown();
      const stream: EventStream = createEventStream(request, { heartbeatMs: options.heartbeatMs });
      // Each frame is encoded once for every stream it goes to (see encodeWholeFrameEvent).
      const send = (frame: ServerFrame) => {
        const id = frame.type === 'message' ? `${encodeURIComponent(frame.channel)}:${frame.seq}` : undefined;
        writeEncoded(stream, encodeWholeFrameEvent(frame, 'frame', id));
      };
      const session = hub.connect({ send, userId: identity.user?.userId, close: () => stream.close() });
      sessions.set(session.id, { session, userId: identity.user?.userId, stream });
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
        const retry = encodeRetry(CLOSE_RETRY_MS);
        const open = [...sessions.values()];
        const ended = open.map(({ stream }) => new Promise<void>((resolve) => stream.onClose(() => resolve())));
        for (const { stream } of open) {
          writeEncoded(stream, retry);
          stream.close();
        }
        await Promise.all(ended);
      })();
      return closing;
    },
  };

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

function refuse(status: number, code: RealtimeErrorCode, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
