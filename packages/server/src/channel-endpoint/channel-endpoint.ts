import { createChannelHub, httpStatusOf, SESSION_HEADER } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, ClientFrame, HubSession, RealtimeErrorCode, ServerFrame } from '@realtime-kit/core';
import { readAuthResult, type AuthenticationResult } from '../auth/result.js';
import type { AuthenticatedUser } from '../auth/user.js';
import { encodeRetry } from '../encode-event.js';
import { encodeWholeFrameEvent } from '../encode-frame.js';
import { createEventStream, writeEncoded } from '../event-stream.js';
import { eventReporter, type ServerEventListener } from '../events.js';
import { discardBody, isJsonContentType, readBody } from '../http/read-body.js';
import type { Realtime } from '../realtime.js';
import { sessionRegistry, type HttpSession, type SessionAnswer } from './http-sessions.js';
import { createPollingQueue } from './polling-queue.js';

/** The request header naming the session a POSTed frame belongs to (as `sseTransport` sends it). */
export const CHANNEL_SESSION_HEADER = SESSION_HEADER;
/** The response header numbering a poll's answer: the client acknowledges it with `ack=<n>` on its next poll. */
export const POLL_BATCH_HEADER = 'x-realtime-batch';
/** Default largest accepted POST body: 64 KiB. */
export const DEFAULT_MAX_POST_BYTES = 64 * 1024;
/** Default most frames in one POST. */
export const DEFAULT_MAX_POST_FRAMES = 100;
/** Default longest a poll waits for frames before answering `[]`: 25 s (under common proxy idle timeouts). */
export const DEFAULT_POLL_WAIT_MS = 25_000;
/** Default time a polling session outlives its last poll: the client polls again at once, so this is generous. */
export const DEFAULT_POLL_SESSION_TIMEOUT_MS = 20_000;
/** Default bytes of frames a polling session may hold for a client that stopped polling before it is ended. */
export const DEFAULT_POLL_MAX_QUEUED_BYTES = 1024 * 1024;
/** Default most polling sessions one endpoint holds at once (each costs a hub session and a queue). */
export const DEFAULT_MAX_POLL_SESSIONS = 10_000;
/** Default most polling sessions of one user at once. */
export const DEFAULT_MAX_POLL_SESSIONS_PER_USER = 20;

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
  /** Larger POST bodies are refused with 413 `message_too_large` (read with this cap, never buffered whole). Default 64 KiB. */
  maxBodyBytes?: number;
  /**
   * Ends each event stream after this long with a `retry:` hint; the client opens a new session (on any instance)
   * and resumes, nothing lost. Set it under your host's limit on a response's duration (serverless functions are cut
   * at 300–800 s). Polls never wait longer than it either. Default: never.
   */
  maxDurationMs?: number;
  /**
   * Long polling (`pollingTransport`, the last step of `fallbackTransport`): how long a poll waits for frames before
   * answering `[]`, how long a session outlives its last poll, how many bytes of frames it may hold for a client
   * that stopped polling (more ends the session: the client starts a new one and resumes), and how many sessions
   * the endpoint and one user may hold. Defaults 25 000 ms, 20 000 ms, 1 MiB, 10 000 and 20.
   */
  polling?: { waitMs?: number; sessionTimeoutMs?: number; maxQueuedBytes?: number; maxSessions?: number; maxSessionsPerUser?: number };
  /** Failures that are not the client's fault (a throwing `authenticate` or hub). Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** Route handlers for the channel protocol over SSE + POST (or long polling + POST): see {@link createChannelEndpoint}. */
export interface ChannelEndpoint {
  /**
   * Opens the session's event stream; its first event is `welcome`. With `?transport=polling`, long polling
   * instead: without `session` it opens a session and answers `[welcome]`; with `session=<token>&ack=<batch>` it
   * answers the frames waiting for that session as a JSON array, or waits for some (at most `polling.waitMs`).
   */
  GET(request: Request): Promise<Response>;
  /** Delivers one client frame (or an array of them, in order) to the session named by `x-realtime-session`. */
  POST(request: Request): Promise<Response>;
  readonly hub: ChannelHub<ChannelBroker>;
  /** Open sessions held by this instance (streams and polling sessions, of every endpoint on the same hub). */
  readonly sessions: number;
  /**
   * Graceful shutdown: new requests get 503 `unavailable` with `Retry-After`; frames being handled finish (every
   * stored publish is acked); then every stream gets a `retry:` hint and ends, so clients reconnect elsewhere and
   * resume. Safe to call twice.
   */
  close(): Promise<void>;
}

/** The `retry:` hint streams get when the endpoint closes: browsers come back (to another instance) after 1 s. */
const CLOSE_RETRY_MS = 1000;

/**
 * The server side of `sseTransport` and `pollingTransport`, as Fetch-API route handlers (Next.js
 * `app/api/realtime/route.ts`):
 *
 * ```ts
 * const realtime = createChannelEndpoint({ realtime: await getRealtime(), authenticate: (request) => userFromCookie(request) })
 * export const { GET, POST } = realtime
 * ```
 *
 * Each GET is one hub session for as long as its stream lives. Its `welcome` carries the session token (the
 * instance holding it and a secret) that the client sends with every POST (`x-realtime-session`) and poll. **No sticky
 * sessions needed**: with Redis (`createRealtime` with `REDIS_URL`), a POST or poll reaching another instance is
 * routed to the one holding the session, so round-robin balancers and serverless hosts work (a stream is one
 * running function). Errors are JSON `{ error: { code, message } }` with the statuses of core's shared table
 * (`httpStatusOf`): 400 `bad_frame`, 401 `unauthorized`, 410 `session_gone` (the session is gone: the client starts a
 * new one at once and resumes), 413 `message_too_large`, 415 `bad_frame` (not JSON), 429 `rate_limited` (too many
 * polling sessions), 503 `unavailable`.
 */
export function createChannelEndpoint(options: ChannelEndpointOptions = {}): ChannelEndpoint {
  const hub = options.hub ?? options.realtime?.hub ?? createChannelHub<ChannelBroker>();
  const maxBodyBytes = positive(options.maxBodyBytes ?? DEFAULT_MAX_POST_BYTES, 'maxBodyBytes');
  const maxDurationMs = options.maxDurationMs === undefined ? undefined : positive(options.maxDurationMs, 'maxDurationMs');
  const onError = options.onError ?? ((error: unknown) => console.error('[realtime-kit] channel endpoint:', error));
  const pollWaitMs = Math.min(positive(options.polling?.waitMs ?? DEFAULT_POLL_WAIT_MS, 'polling.waitMs'), maxDurationMs ?? Infinity);
  const pollSessionTimeoutMs = positive(options.polling?.sessionTimeoutMs ?? DEFAULT_POLL_SESSION_TIMEOUT_MS, 'polling.sessionTimeoutMs');
  const pollMaxQueuedBytes = positive(options.polling?.maxQueuedBytes ?? DEFAULT_POLL_MAX_QUEUED_BYTES, 'polling.maxQueuedBytes');
  const maxPollSessions = positive(options.polling?.maxSessions ?? DEFAULT_MAX_POLL_SESSIONS, 'polling.maxSessions');
  const maxPollSessionsPerUser = positive(options.polling?.maxSessionsPerUser ?? DEFAULT_MAX_POLL_SESSIONS_PER_USER, 'polling.maxSessionsPerUser');
  const report = eventReporter(options.onEvent ?? options.realtime?.onEvent, onError);
  const registry = sessionRegistry(hub, onError);
  /** This endpoint's own sessions (the registry may hold other endpoints' too). */
  const mine = new Set<HttpSession>();
  const pollingByUser = new Map<string, number>();
  let pollingCount = 0;
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

  function track(session: HttpSession) {
    mine.add(session);
    registry.add(session);
  }

  function untrack(session: HttpSession) {
    mine.delete(session);
    registry.delete(session.secret);
  }

  function openStream(request: Request, user: AuthenticatedUser | undefined): Response {
    const stream = createEventStream(request, { heartbeatMs: options.heartbeatMs });
    // Each frame is encoded once for every stream it goes to (see encodeWholeFrameEvent).
    const send = (frame: ServerFrame) => {
      const id = frame.type === 'message' ? `${encodeURIComponent(frame.channel)}:${frame.seq}` : undefined;
      writeEncoded(stream, encodeWholeFrameEvent(frame, 'frame', id));
    };
    const { token, secret } = registry.mint();
    const hubSession = hub.connect({ send, userId: user?.userId, transport: 'sse', session: token, close: () => stream.close(), ...scope(user) });
    const ended = new Promise<void>((resolve) => stream.onClose(() => resolve()));
    const endWithRetry = (retryMs: number) => {
      writeEncoded(stream, encodeRetry(retryMs));
      stream.close();
    };
    const session: HttpSession = {
      secret,
      userId: user?.userId,
      hub: hubSession,
      end() {
        endWithRetry(CLOSE_RETRY_MS);
        return ended;
      },
    };
    track(session);
    // A host that cuts responses after a while: end first, so the client comes back at once and resumes.
    const lifetime = maxDurationMs === undefined ? undefined : setTimeout(() => endWithRetry(0), maxDurationMs);
    report({ type: 'connect', transport: 'sse', connectionId: hubSession.id, userId: user?.userId });
    stream.onClose(() => {
      clearTimeout(lifetime);
      untrack(session);
      hubSession.close();
      report({ type: 'disconnect', transport: 'sse', connectionId: hubSession.id, userId: user?.userId });
    });
    return stream.response;
  }

  /** A new polling session, answered with its `welcome` (batch 1). */
  async function openPolling(user: AuthenticatedUser | undefined): Promise<Response> {
    const userId = user?.userId;
    if (pollingCount >= maxPollSessions) return refuse(503, 'unavailable', 'This server holds as many polling sessions as it may: retry shortly.', 1);
    if (userId !== undefined && (pollingByUser.get(userId) ?? 0) >= maxPollSessionsPerUser) {
      return refuse(429, 'rate_limited', `At most ${maxPollSessionsPerUser} polling sessions per user: close some first.`, Math.ceil(pollSessionTimeoutMs / 1000));
    }
    const queue = createPollingQueue(pollMaxQueuedBytes);
    const { token, secret } = registry.mint();
    let expiry: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    const endPolling = () => {
      if (ended) return;
      ended = true;
      clearTimeout(expiry);
      queue.end();
      untrack(session);
      pollingCount -= 1;
      if (userId !== undefined) pollingByUser.set(userId, (pollingByUser.get(userId) ?? 1) - 1);
      if (pollingByUser.get(userId ?? '') === 0) pollingByUser.delete(userId ?? '');
      hubSession.close();
      report({ type: 'disconnect', transport: 'polling', connectionId: hubSession.id, userId });
    };
    const hubSession: HubSession = hub.connect({
      userId,
      transport: 'polling',
      session: token,
      ...scope(user),
      send(frame) {
        if (!ended && !queue.push(JSON.stringify(frame))) endPolling();
      },
      close: endPolling,
    });
    const session: HttpSession = {
      secret,
      userId,
      hub: hubSession,
      polling: queue,
      touch() {
        clearTimeout(expiry);
        expiry = setTimeout(endPolling, pollSessionTimeoutMs);
        (expiry as { unref?: () => void }).unref?.();
      },
      end() {
        endPolling();
        return Promise.resolve();
      },
    };
    track(session);
    pollingCount += 1;
    if (userId !== undefined) pollingByUser.set(userId, (pollingByUser.get(userId) ?? 0) + 1);
    session.touch!();
    report({ type: 'connect', transport: 'polling', connectionId: hubSession.id, userId });
    // The welcome is waiting already: it goes out at once as the first batch.
    const first = await queue.take(0, pollWaitMs);
    return pollAnswer({ status: 200, batch: first.batch, frames: first.frames });
  }

  async function handleGet(request: Request): Promise<Response> {
    const params = new URL(request.url).searchParams;
    const polling = params.get('transport') === 'polling';
    const identity = await identify(request, polling ? 'polling' : 'sse');
    if (identity instanceof Response) return identity;
    if (closing) return shuttingDown();
    if (!polling) return openStream(request, identity.user);
    const token = params.get('session');
    if (token === null) return openPolling(identity.user);
    const rawAck = params.get('ack');
    const ack = rawAck === null ? undefined : Number(rawAck);
    if (ack !== undefined && !(Number.isSafeInteger(ack) && ack >= 0)) return refuse(400, 'bad_frame', '"ack" must be the number of the last batch received.');
    const answer = await registry.request(token, { rk: 'poll', userId: identity.user?.userId, ack, waitMs: pollWaitMs }, request.signal);
    return fromAnswer(answer);
  }

  async function handlePost(request: Request): Promise<Response> {
    const identity = await identify(request, 'sse-post');
    if (identity instanceof Response) {
      discardBody(request);
      return identity;
    }
    const token = request.headers.get(CHANNEL_SESSION_HEADER) ?? new URL(request.url).searchParams.get('session');
    if (token === null) {
      discardBody(request);
      return refuse(httpStatusOf('session_gone'), 'session_gone', 'No session named (x-realtime-session): open the event stream first.');
    }
    const gone = registry.check(token);
    if (gone) {
      discardBody(request);
      return fromAnswer(gone);
    }
    if (!isJsonContentType(request)) {
      discardBody(request);
      report({ type: 'refused', transport: 'sse-post', code: 'bad_frame', userId: identity.user?.userId });
      return refuse(415, 'bad_frame', 'POST frames as JSON: send Content-Type: application/json.');
    }
    const body = await readBody(request, maxBodyBytes);
    if (!body.ok) {
      report({ type: 'refused', transport: 'sse-post', code: body.code, userId: identity.user?.userId });
      return refuse(body.status, body.code, body.code === 'message_too_large' ? `The body is larger than ${maxBodyBytes} bytes: send smaller payloads.` : body.message);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text);
    } catch {
      return refuse(400, 'bad_frame', 'The body is not valid JSON: POST one protocol frame (or an array of frames) as JSON.');
    }
    const frames = Array.isArray(parsed) ? parsed : [parsed];
    if (frames.length > DEFAULT_MAX_POST_FRAMES) return refuse(400, 'bad_frame', `At most ${DEFAULT_MAX_POST_FRAMES} frames per POST.`);
    if (!frames.every((frame) => typeof frame === 'object' && frame !== null && !Array.isArray(frame) && typeof (frame as { type?: unknown }).type === 'string')) {
      return refuse(400, 'bad_frame', 'Every frame must be a JSON object with a string "type".');
    }
    const answer = await registry.request(token, { rk: 'frames', userId: identity.user?.userId, frames: frames as ClientFrame[] });
    return fromAnswer(answer);
  }

  function tracked(handled: Promise<Response>): Promise<Response> {
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
    return handled;
  }

  return {
    hub,
    get sessions() {
      return registry.size;
    },
    async GET(request) {
      if (closing) return shuttingDown();
      // Not waited for by close(): a waiting poll ends (empty) with its session.
      return handleGet(request);
    },
    async POST(request) {
      if (closing) {
        discardBody(request);
        return shuttingDown();
      }
      return tracked(handlePost(request));
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await Promise.all([...mine].map((session) => session.end()));
      })();
      return closing;
    },
  };
}

/** The credentials' channel scope, for `hub.connect`. */
function scope(user: AuthenticatedUser | undefined): { channels?: readonly string[] } {
  return user?.channels === undefined ? {} : { channels: user.channels };
}

/** A poll's frames (already encoded as JSON text) as one JSON array, numbered; never cached by a proxy. */
function pollAnswer(answer: SessionAnswer): Response {
  const frames = answer.frames ?? [];
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (answer.batch) headers[POLL_BATCH_HEADER] = String(answer.batch);
  return new Response(`[${frames.join(',')}]`, { status: 200, headers });
}

function fromAnswer(answer: SessionAnswer): Response {
  if (answer.status === 200) return pollAnswer(answer);
  if (answer.status === 204) return new Response(null, { status: 204 });
  return refuse(answer.status, answer.error?.code ?? 'server_error', answer.error?.message ?? 'The request failed.');
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`createChannelEndpoint: ${name} must be a positive, finite number; got ${String(value)}.`);
  return value;
}

function refuse(status: number, code: RealtimeErrorCode, message: string, retryAfterSeconds?: number): Response {
  const headers = retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) };
  return Response.json({ error: { code, message } }, { status, headers });
}
