import type { ChannelBroker, ChannelHub, ServerFrame } from '@realtime-kit/core';
import type { AuthenticationResult } from './auth/result.js';
import { createAdmission } from './endpoint/admission.js';
import type { ServerEventListener } from './events.js';
import { refusalOfFrameError, refusalResponse } from './http/refusal-response.js';
import type { Realtime } from './realtime.js';

/** Default of {@link HistoryPollEndpointOptions.maxMessages}: at most 500 messages per answer. */
export const DEFAULT_POLL_MAX_MESSAGES = 500;

/** Options for {@link createHistoryPollEndpoint}. */
export interface HistoryPollEndpointOptions {
  /** The shared state and rules of `createRealtime`: its hub (authorization, rate limits, log) and `onEvent`. */
  realtime?: Realtime;
  /** The channel hub to read. Default `realtime.hub`, else a new `createChannelHub()`. */
  hub?: ChannelHub<ChannelBroker>;
  /**
   * Identifies the user of a request (cookie, `Authorization` header). Null, or a typed refusal, answers 401 with
   * its code (`forbidden`: 403). Without it every request is anonymous.
   */
  authenticate?: (request: Request) => Promise<AuthenticationResult> | AuthenticationResult;
  /** Whether a browser page from `origin` (null when the request has none) may poll; else 403 `forbidden`. */
  checkOrigin?: (origin: string | null) => boolean;
  /** Most messages in one answer; with more waiting it says `more: true`. Default {@link DEFAULT_POLL_MAX_MESSAGES}. */
  maxMessages?: number;
  /** Audit trail (auth failures). Default `realtime.onEvent`. */
  onEvent?: ServerEventListener;
  /** Failures that are not the client's fault (a throwing `authenticate` or hub). Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** One message as a poll answers it: the fields of a channel `message` frame. */
export interface PolledMessage {
  readonly id: string;
  readonly seq: number;
  readonly event: string;
  readonly data: unknown;
  /** The publisher's client message id. */
  readonly cid?: string;
  /** When it was stored (ms since epoch). */
  readonly at: number;
}

/** The JSON body of a successful history poll. */
export interface HistoryPollAnswer {
  readonly channel: string;
  /** Messages with `seq > after`, oldest first (empty without `after`). */
  readonly messages: readonly PolledMessage[];
  /**
   * Pass it as the next `after`: the channel's newest seq, or with `more` the last seq this answer covers. Every
   * message up to it was in this answer or in `gap`.
   */
  readonly seq: number;
  /** Messages with `from <= seq <= to` are no longer in the log: refetch them another way (spans every hole). */
  readonly gap?: { readonly from: number; readonly to: number };
  /** More messages are waiting past `seq` (the answer hit `maxMessages`): poll again at once. */
  readonly more?: true;
  /** The epoch `seq` counts in: pass it as the next `epoch` with `after`. */
  readonly epoch?: string;
  /**
   * The channel's log started over since the `epoch` you passed (a restart without a persistent log): what you had
   * after your `after` may be lost, and `messages` start from the new log's beginning.
   */
  readonly reset?: true;
}

/** The route handler of {@link createHistoryPollEndpoint}. */
export interface HistoryPollEndpoint {
  /** `GET ?channel=…&after=…`: see {@link createHistoryPollEndpoint}. */
  GET(request: Request): Promise<Response>;
  readonly hub: ChannelHub<ChannelBroker>;
}

/**
 * The REST history poll: a stateless HTTP endpoint for clients that poll (`usePolling`, `createPoller`) instead of
 * holding a connection. (Not the long polling of `createChannelEndpoint`, which carries a session.) It answers from
 * the same replay log as a channel subscription:
 *
 * ```ts
 * // app/api/messages/route.ts
 * export const { GET } = createHistoryPollEndpoint({ realtime, authenticate: (request) => userFromCookie(request) })
 * ```
 *
 * `GET /api/messages?channel=room:1&after=41` answers `{ channel, messages: [{ id, seq, event, data, cid?, at }],
 * seq, gap?, more? }`: exactly what subscribing with `after: 41` replays. Keep `seq` and send it as the next
 * `after`. Without `after`, only the head (`messages: []`, `seq`): the starting point of a new client.
 *
 * `after` is a message's `seq` (a non-negative integer). Message `id`s are random, not derived from `seq`, so they
 * are not accepted: finding one would mean scanning the log, and a trimmed id could not be told from a wrong one.
 *
 * Each request is one short hub session: it subscribes with `after`, collects the replay up to `subscribed`, and
 * closes. So the hub's rules apply as they do to connections: `authorize` / `authorizeChannel`, rate limits,
 * gaps. Errors are JSON `{ error: { code, message } }` with the status of core's `httpStatusOf`: 400 `bad_frame`
 * (no channel, a bad `after`), 401 `unauthorized` / `token_expired`, 403 `forbidden` (origin) or `unauthorized`
 * (the channel is not allowed: the hub's name for it), 429 `rate_limited`, 503 `unavailable` (the message store
 * is down), 500 `server_error`.
 */
export function createHistoryPollEndpoint(options: HistoryPollEndpointOptions = {}): HistoryPollEndpoint {
  const admission = createAdmission(options, 'history poll endpoint');
  const { hub, onError } = admission;
  const maxMessages = options.maxMessages ?? DEFAULT_POLL_MAX_MESSAGES;
  if (!Number.isSafeInteger(maxMessages) || maxMessages <= 0) {
    throw new RangeError(`maxMessages must be a positive integer; got ${String(options.maxMessages)}.`);
  }
  const { authenticate } = options;

  return {
    hub,
    async GET(request) {
      const admitted = await admission.admit(request.headers.get('origin'), {
        transport: 'http',
        authenticate: authenticate && (() => authenticate(request)),
        refusal: 'The request was not authenticated: sign in again, then poll.',
      });
      if (!admitted.ok) return refusalResponse({ code: admitted.code, message: admitted.message });
      const params = new URL(request.url).searchParams;
      const channel = params.get('channel');
      if (channel === null || channel === '')
        return refusalResponse({ code: 'bad_frame', message: 'Name the channel: ?channel=<name>.' });
      const epoch = params.get('epoch') ?? undefined;
      const rawAfter = params.get('after');
      const after = rawAfter === null ? undefined : parseSeq(rawAfter);
      if (after === null) {
        return refusalResponse({
          code: 'bad_frame',
          message: `"after" must be the seq of the last message you have, a non-negative integer (got "${rawAfter}").`,
        });
      }

      const frames: ServerFrame[] = [];
      let ended = false;
      const session = hub.connect({
        send: (frame) => frames.push(frame),
        userId: admitted.user?.userId,
        transport: 'http',
        ...(admitted.user?.channels === undefined ? {} : { channels: admitted.user.channels }),
        close: () => {
          ended = true;
        },
      });
      try {
        await session.receive({
          type: 'subscribe',
          channel,
          ...(after === undefined ? {} : { after, ...(epoch ? { epoch } : {}) }),
        });
      } catch (error) {
        onError(error);
        return refusalResponse({ code: 'server_error', message: 'The server failed to read the channel.' });
      } finally {
        session.close();
      }
      return answer(channel, after, frames, ended);
    },
  };

  function answer(
    channel: string,
    after: number | undefined,
    frames: readonly ServerFrame[],
    ended: boolean,
  ): Response {
    const messages: PolledMessage[] = [];
    let gap: { from: number; to: number } | undefined;
    let cursor = after ?? 0;
    let reset = false;
    const subscribed = frames.find((frame) => frame.type === 'subscribed' && frame.channel === channel);
    const epoch = subscribed?.type === 'subscribed' ? subscribed.epoch : undefined;
    const marks = () => ({ ...(epoch ? { epoch } : {}), ...(reset ? { reset: true as const } : {}) });
    for (const frame of frames) {
      if (frame.type === 'reset' && frame.channel === channel) {
        reset = true;
        cursor = 0;
        continue;
      }
      if (frame.type === 'error' && frame.channel === channel) {
        const refusal = refusalOfFrameError(frame.error);
        // This endpoint names a refused channel as the hub does (`unauthorized`), with the status of `forbidden`.
        return refusalResponse(frame.error.code === 'unauthorized' ? { ...refusal, named: 'unauthorized' } : refusal);
      }
      if (frame.type === 'subscribed' && frame.channel === channel) {
        return ok({ channel, messages, seq: Math.max(frame.seq, cursor), ...(gap ? { gap } : {}), ...marks() });
      }
      if (
        (frame.type === 'message' || frame.type === 'gap') &&
        frame.channel === channel &&
        messages.length >= maxMessages
      ) {
        return ok({ channel, messages, seq: cursor, ...(gap ? { gap } : {}), more: true, ...marks() });
      }
      if (frame.type === 'gap' && frame.channel === channel) {
        gap = { from: gap?.from ?? frame.from, to: frame.to };
        cursor = frame.to;
      } else if (frame.type === 'message' && frame.channel === channel) {
        const { id, seq, event, data, cid, at } = frame;
        messages.push(cid === undefined ? { id, seq, event, data, at } : { id, seq, event, data, cid, at });
        cursor = seq;
      }
    }
    // Neither `subscribed` nor a refusal: the hub ended the session (its broker failed).
    const reason = ended ? 'the message store is unavailable' : 'the subscription did not complete';
    return refusalResponse({ code: 'unavailable', message: `Could not read "${channel}": ${reason}. Retry shortly.` });
  }
}

/**
 * The same function as {@link createHistoryPollEndpoint}, by its first name.
 * @alias
 */
export const createPollHandler = createHistoryPollEndpoint;
/** The same as {@link HistoryPollEndpointOptions}, by its first name. */
export type PollHandlerOptions = HistoryPollEndpointOptions;
/** The same as {@link HistoryPollEndpoint}, by its first name. */
export type PollHandler = HistoryPollEndpoint;
/** The same as {@link HistoryPollAnswer}, by its first name. */
export type PollAnswer = HistoryPollAnswer;

/** A seq from a query string: digits only, a safe integer; null otherwise. */
function parseSeq(raw: string): number | null {
  if (!/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : null;
}

function ok(body: HistoryPollAnswer): Response {
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
}
