import { randomBytes, randomUUID } from 'node:crypto';
import { httpStatusOf } from '@realtime-kit/core';
import type {
  BrokerCluster,
  ChannelBroker,
  ChannelHub,
  ClientFrame,
  HttpRefusalCode,
  HubSession,
} from '@realtime-kit/core';
import type { EndpointAdmission } from '../endpoint/admission.js';
import type { LongPollQueue } from './long-poll-queue.js';

/**
 * A session of an HTTP carrier (an SSE stream with POSTs, or long polling) as the instance holding it knows it. The
 * client names it with a token, `<instance>.<secret>`: the instance says where it lives (any other instance routes
 * the request there), the secret proves the client is the one that opened it (it is sent only in that client's
 * `welcome`, never shown to anyone else).
 */
export interface HttpSession {
  readonly secret: string;
  readonly userId: string | undefined;
  readonly hub: HubSession;
  /** Its queue, for a long-polling session. */
  readonly polling?: LongPollQueue;
  /** A poll arrived: the session is alive (polling sessions expire without polls). */
  touch?(): void;
  /** Ends the session's carrier for a graceful shutdown; resolves once ended. */
  end(): Promise<void>;
}

/**
 * What a request to a session comes to: the HTTP answer, whichever instance holds the session (it crosses the
 * cluster as JSON). A refusal's status is `httpStatusOf(error.code)`.
 */
export interface SessionAnswer {
  readonly status: number;
  readonly error?: { readonly code: HttpRefusalCode; readonly message: string };
  /** A poll's answer: the batch number (0 for empty) and the frames as JSON texts. */
  readonly batch?: number;
  readonly frames?: readonly string[];
}

/** A request for the instance holding a session: POSTed frames, or a poll. */
type SessionRequest =
  | {
      readonly rk: 'frames';
      readonly secret: string;
      readonly userId: string | undefined;
      readonly frames: readonly ClientFrame[];
    }
  | {
      readonly rk: 'poll';
      readonly secret: string;
      readonly userId: string | undefined;
      readonly ack: number | undefined;
      readonly waitMs: number;
    };

/** A {@link SessionRequest} as an endpoint makes it: the registry reads the secret out of the token. */
type SessionRequestFor = SessionRequest extends infer R
  ? R extends SessionRequest
    ? Omit<R, 'secret'>
    : never
  : never;

/**
 * The HTTP sessions this instance holds for one hub (shared by every channel endpoint on it), and the routing of
 * requests for sessions held elsewhere, through the broker's cluster (Redis): no sticky sessions needed.
 */
export interface SessionRegistry {
  /** This instance's name in tokens. */
  readonly instance: string;
  /** A new session's token and secret. */
  mint(): { token: string; secret: string };
  add(session: HttpSession): void;
  delete(secret: string): void;
  /** A 410 answer when `token` cannot name a session (malformed, or ours and gone), before any body is read. */
  check(token: string): SessionAnswer | undefined;
  /** Answers a request for the session named by `token`, here or on the instance holding it. */
  request(token: string, request: SessionRequestFor, signal?: AbortSignal): Promise<SessionAnswer>;
  readonly size: number;
  /** Sessions held here. */
  values(): IterableIterator<HttpSession>;
}

/** What opening a session's carrier needs from its endpoint. */
export interface CarrierContext {
  readonly hub: ChannelHub<ChannelBroker>;
  readonly registry: SessionRegistry;
  readonly admission: EndpointAdmission<ChannelHub<ChannelBroker>>;
  /** The endpoint's own sessions, which its `close()` ends (the registry may hold other endpoints' too). */
  readonly mine: Set<HttpSession>;
}

/** Registers a session opened by the endpoint of `context`. */
export function holdSession(context: CarrierContext, session: HttpSession): void {
  context.mine.add(session);
  context.registry.add(session);
}

/** Forgets a session that ended. */
export function releaseSession(context: CarrierContext, session: HttpSession): void {
  context.mine.delete(session);
  context.registry.delete(session.secret);
}

/** How much longer than a poll's own wait a routed poll may take before its instance counts as gone. */
const ROUTE_SLACK_MS = 5_000;
/** How long routed frames may take to be handled by the instance holding their session. */
const ROUTE_FRAMES_MS = 10_000;

const registries = new WeakMap<ChannelBroker, SessionRegistry>();

const GONE = 'No open session with that token (it ended, expired, or its server restarted): start a new one.';

/** A refused request to a session, with the status of core's table. */
function sessionRefusal(code: HttpRefusalCode, message: string): SessionAnswer {
  return { status: httpStatusOf(code), error: { code, message } };
}

/** The session is not known here or on any instance of the cluster: the client opens a new one and resumes. */
const sessionGone = (message: string): SessionAnswer => sessionRefusal('session_gone', message);

/** The registry of `hub`'s broker (one per process and broker, so every endpoint of one `realtime` shares it). */
export function sessionRegistry(hub: ChannelHub<ChannelBroker>, onError: (error: unknown) => void): SessionRegistry {
  let registry = registries.get(hub.broker);
  if (!registry) {
    registry = createRegistry(hub.broker.cluster, onError);
    registries.set(hub.broker, registry);
  }
  return registry;
}

function createRegistry(cluster: BrokerCluster | undefined, onError: (error: unknown) => void): SessionRegistry {
  const instance = cluster?.instanceId ?? randomUUID().replace(/-/g, '').slice(0, 16);
  const sessions = new Map<string, HttpSession>();

  async function local(request: SessionRequest, signal?: AbortSignal): Promise<SessionAnswer> {
    const open = sessions.get(request.secret);
    if (!open) return sessionGone(GONE);
    if (open.userId !== request.userId) return sessionRefusal('unauthorized', 'This session belongs to another user.');
    if (request.rk === 'poll') {
      if (!open.polling) return sessionGone('That session is not a long-polling session.');
      open.touch?.();
      const answer = await open.polling.take(request.ack, request.waitMs, signal);
      open.touch?.();
      return { status: 200, batch: answer.batch, frames: answer.frames };
    }
    // The hub answers over the session's own carrier and keeps one session's frames in order.
    try {
      await Promise.all(request.frames.map((frame) => open.hub.receive(frame)));
    } catch (error) {
      onError(error);
      return sessionRefusal('server_error', 'The server failed to handle the frame.');
    }
    return { status: 204 };
  }

  cluster?.onRequest(async (body) => {
    if (!isSessionRequest(body)) return sessionGone('Not a session request.');
    return local(body);
  });

  return {
    instance,
    mint() {
      const secret = randomBytes(18).toString('base64url');
      return { token: `${instance}.${secret}`, secret };
    },
    add: (session) => void sessions.set(session.secret, session),
    delete: (secret) => void sessions.delete(secret),
    check(token) {
      const dot = token.indexOf('.');
      if (dot <= 0 || dot === token.length - 1 || token.length > 128)
        return sessionGone('That is not a session token this server issued: start a new session.');
      if (token.slice(0, dot) === instance && !sessions.has(token.slice(dot + 1))) return sessionGone(GONE);
      return undefined;
    },
    async request(token, request, signal) {
      const refused = this.check(token);
      if (refused) return refused;
      const dot = token.indexOf('.');
      const owner = token.slice(0, dot);
      const routed = { ...request, secret: token.slice(dot + 1) } as SessionRequest;
      if (owner === instance) return local(routed, signal);
      if (!cluster) return sessionGone('That session lives on another server: start a new one here.');
      const timeoutMs = routed.rk === 'poll' ? routed.waitMs + ROUTE_SLACK_MS : ROUTE_FRAMES_MS;
      try {
        const answer = await cluster.request(owner, routed, timeoutMs);
        if (isSessionAnswer(answer)) return answer;
        return sessionRefusal(
          'server_error',
          'The instance holding the session gave an answer this server cannot read.',
        );
      } catch {
        // The instance is gone (killed, or shut down): the client opens a new session (anywhere) and resumes.
        return sessionGone('The server holding this session is gone: start a new session.');
      }
    },
    get size() {
      return sessions.size;
    },
    values: () => sessions.values(),
  };
}

function isSessionRequest(value: unknown): value is SessionRequest {
  if (typeof value !== 'object' || value === null) return false;
  const request = value as Partial<Record<string, unknown>>;
  if (typeof request.secret !== 'string' || (request.userId !== undefined && typeof request.userId !== 'string'))
    return false;
  if (request.rk === 'frames') return Array.isArray(request.frames);
  return (
    request.rk === 'poll' &&
    typeof request.waitMs === 'number' &&
    (request.ack === undefined || typeof request.ack === 'number')
  );
}

function isSessionAnswer(value: unknown): value is SessionAnswer {
  return typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'number';
}
