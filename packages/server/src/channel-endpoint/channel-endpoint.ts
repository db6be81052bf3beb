import { SESSION_HEADER } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, ClientFrame } from '@realtime-kit/core';
import type { AuthenticationResult } from '../auth/result.js';
import { createAdmission, type AdmissionVerdict } from '../endpoint/admission.js';
import type { ServerEventListener, ServerTransport } from '../events.js';
import { discardBody, isJsonContentType, readBody, refuseUnread } from '../http/read-body.js';
import { isHttpRefusalCode, refusalResponse, type HttpRefusal } from '../http/refusal-response.js';
import type { Realtime } from '../realtime.js';
import { createLongPollSessions, longPollResponse } from './long-poll-sessions.js';
import { sessionRegistry, type CarrierContext, type SessionAnswer } from './session-registry.js';
import { CLOSE_RETRY_MS, openStreamSession } from './stream-session.js';
import { wantsCompactFrames } from '../compact-session.js';

export { POLL_BATCH_HEADER } from './long-poll-sessions.js';

/** The request header naming the session a POSTed frame belongs to (as `sseTransport` sends it). */
export const CHANNEL_SESSION_HEADER = SESSION_HEADER;
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
   * come from the user who opened the session. A user's `expiresAt` ends the session then (an `error` frame
   * `token_expired` first): the client opens a new one with fresh credentials. Without it, every session is anonymous.
   */
  authenticate?: (request: Request) => Promise<AuthenticationResult> | AuthenticationResult;
  /** Whether a browser page from `origin` (null when the request has none) may use the endpoint; else 403 `forbidden` (a throw too). */
  checkOrigin?: (origin: string | null) => boolean;
  /** Audit trail: connect, disconnect, auth failure, refused input. Default `realtime.onEvent`. */
  onEvent?: ServerEventListener;
  /** Heartbeat comments on the stream; see `createEventStream`. Default 15 000. */
  heartbeatMs?: number | false;
  /**
   * Answer event streams that ask for the compact frame encoding (`?encoding=compact`, `compactFrames` in
   * `@realtime-kit/core`) with it (PROTOCOL.md, "Compact frames"). Default true; `false` streams plain JSON frames
   * to every client. Long polling always answers plain JSON frames.
   */
  compactFrames?: boolean;
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
  polling?: {
    waitMs?: number;
    sessionTimeoutMs?: number;
    maxQueuedBytes?: number;
    maxSessions?: number;
    maxSessionsPerUser?: number;
  };
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
 * running function). Errors are JSON `{ error: { code, message } }` with the status of core's `httpStatusOf`: 400
 * `bad_frame`, 401 `unauthorized`, 403 `forbidden`, 410 `session_gone` (the request names no session, or one no
 * server knows: it ended, expired or its server restarted; the client opens a new one at once and resumes), 413
 * `message_too_large`, 415 `bad_frame` (not JSON), 429 `rate_limited` (too many polling sessions), 503 `unavailable`.
 */
export function createChannelEndpoint(options: ChannelEndpointOptions = {}): ChannelEndpoint {
  const admission = createAdmission(options, 'channel endpoint');
  const { hub } = admission;
  const maxBodyBytes = positive(options.maxBodyBytes ?? DEFAULT_MAX_POST_BYTES, 'maxBodyBytes');
  const maxDurationMs =
    options.maxDurationMs === undefined ? undefined : positive(options.maxDurationMs, 'maxDurationMs');
  const pollWaitMs = Math.min(
    positive(options.polling?.waitMs ?? DEFAULT_POLL_WAIT_MS, 'polling.waitMs'),
    maxDurationMs ?? Infinity,
  );
  const context: CarrierContext = {
    hub,
    registry: sessionRegistry(hub, admission.onError),
    admission,
    mine: new Set(),
  };
  const { registry } = context;
  const longPolls = createLongPollSessions(context, {
    waitMs: pollWaitMs,
    sessionTimeoutMs: positive(
      options.polling?.sessionTimeoutMs ?? DEFAULT_POLL_SESSION_TIMEOUT_MS,
      'polling.sessionTimeoutMs',
    ),
    maxQueuedBytes: positive(
      options.polling?.maxQueuedBytes ?? DEFAULT_POLL_MAX_QUEUED_BYTES,
      'polling.maxQueuedBytes',
    ),
    maxSessions: positive(options.polling?.maxSessions ?? DEFAULT_MAX_POLL_SESSIONS, 'polling.maxSessions'),
    maxSessionsPerUser: positive(
      options.polling?.maxSessionsPerUser ?? DEFAULT_MAX_POLL_SESSIONS_PER_USER,
      'polling.maxSessionsPerUser',
    ),
  });
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  const shuttingDown = () =>
    refusalResponse({
      code: 'unavailable',
      message: 'This server is shutting down: retry, and you will reach another instance.',
      retryAfterMs: CLOSE_RETRY_MS,
    });

  function identify(request: Request, transport: ServerTransport): Promise<AdmissionVerdict> {
    const { authenticate } = options;
    return admission.admit(request.headers.get('origin'), {
      transport,
      authenticate: authenticate && (() => authenticate(request)),
      refusal: 'The request was not authenticated: sign in again, then reconnect.',
    });
  }

  async function handleGet(request: Request): Promise<Response> {
    const params = new URL(request.url).searchParams;
    const polling = params.get('transport') === 'polling';
    const identity = await identify(request, polling ? 'polling' : 'sse');
    if (!identity.ok) return refusalResponse(identity);
    if (closing) return shuttingDown();
    if (!polling)
      return openStreamSession(context, request, identity.user, {
        heartbeatMs: options.heartbeatMs,
        maxDurationMs,
        compact: wantsCompactFrames(request.url, options.compactFrames),
      });
    const token = params.get('session');
    if (token === null) return longPolls.open(identity.user);
    const rawAck = params.get('ack');
    const ack = rawAck === null ? undefined : Number(rawAck);
    if (ack !== undefined && !(Number.isSafeInteger(ack) && ack >= 0))
      return refusalResponse({ code: 'bad_frame', message: '"ack" must be the number of the last batch received.' });
    const answer = await registry.request(
      token,
      { rk: 'poll', userId: identity.user?.userId, ack, waitMs: pollWaitMs },
      request.signal,
    );
    return fromAnswer(answer);
  }

  async function handlePost(request: Request): Promise<Response> {
    const identity = await identify(request, 'sse-post');
    if (!identity.ok) return refuseUnread(request, identity);
    const userId = identity.user?.userId;
    const token = request.headers.get(CHANNEL_SESSION_HEADER) ?? new URL(request.url).searchParams.get('session');
    if (token === null)
      return refuseUnread(request, {
        code: 'session_gone',
        message: 'No session named (x-realtime-session): open the event stream first.',
      });
    const gone = registry.check(token);
    if (gone) {
      discardBody(request);
      return fromAnswer(gone);
    }
    if (!isJsonContentType(request)) {
      admission.report({ type: 'refused', transport: 'sse-post', code: 'bad_frame', userId });
      return refuseUnread(request, {
        code: 'bad_frame',
        precise: 'unsupported_media_type',
        message: 'POST frames as JSON: send Content-Type: application/json.',
      });
    }
    const body = await readBody(request, maxBodyBytes);
    if (!body.ok) {
      admission.report({ type: 'refused', transport: 'sse-post', code: body.code, userId });
      return refusalResponse(
        body.code === 'message_too_large'
          ? { code: body.code, message: `The body is larger than ${maxBodyBytes} bytes: send smaller payloads.` }
          : body,
      );
    }
    const frames = readFrames(body.text);
    if (!Array.isArray(frames)) return refusalResponse(frames);
    return fromAnswer(await registry.request(token, { rk: 'frames', userId, frames }));
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
        await Promise.all([...context.mine].map((session) => session.end()));
      })();
      return closing;
    },
  };
}

/** A POST body as the frames it carries, in order, or why it is not. */
function readFrames(text: string): ClientFrame[] | HttpRefusal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      code: 'bad_frame',
      message: 'The body is not valid JSON: POST one protocol frame (or an array of frames) as JSON.',
    };
  }
  const frames = Array.isArray(parsed) ? parsed : [parsed];
  if (frames.length > DEFAULT_MAX_POST_FRAMES)
    return { code: 'bad_frame', message: `At most ${DEFAULT_MAX_POST_FRAMES} frames per POST.` };
  if (
    !frames.every(
      (frame) =>
        typeof frame === 'object' &&
        frame !== null &&
        !Array.isArray(frame) &&
        typeof (frame as { type?: unknown }).type === 'string',
    )
  ) {
    return { code: 'bad_frame', message: 'Every frame must be a JSON object with a string "type".' };
  }
  return frames as ClientFrame[];
}

/** The HTTP answer of a request to a session (answered here or by the instance holding it). */
function fromAnswer(answer: SessionAnswer): Response {
  if (answer.status === 200) return longPollResponse(answer);
  if (answer.status === 204) return new Response(null, { status: 204 });
  const code = answer.error && isHttpRefusalCode(answer.error.code) ? answer.error.code : 'server_error';
  return refusalResponse({ code, message: answer.error?.message ?? 'The request failed.' });
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`createChannelEndpoint: ${name} must be a positive, finite number; got ${String(value)}.`);
  return value;
}
