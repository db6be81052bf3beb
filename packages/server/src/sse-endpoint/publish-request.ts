import type { ChannelBroker, FrameError, ServerFrame } from '@realtime-kit/core';
import type { AuthenticatedUser } from '../auth/user.js';
import { channelScopeOf } from '../endpoint/admission.js';
import { discardBody, isJsonContentType, readBody } from '../http/read-body.js';
import { refusalOfFrameError, type HttpRefusal } from '../http/refusal-response.js';
import type { SSEEndpointContext } from './sse-context.js';

/** Event names the endpoint uses for its own events: publishers may not use the prefix. */
const RESERVED_PREFIX = 'rk:';
/** Refusals the endpoint reports itself when the hub's rules are not `createRealtime`'s (which report their own). */
const REFUSED_CODES = new Set(['message_too_large', 'invalid_payload', 'bad_frame', 'unavailable']);

/** One publish as POSTed. */
interface PublishItem {
  channel: string;
  event: string;
  data: unknown;
  cid?: string;
}

/**
 * The POST of `createSSEEndpoint`: publishes `{ channel, event, data, cid? }` (or an array of them, in order) and
 * answers `{ id, seq }` (or an array of them) once stored. A batch stops at its first refusal, which says where
 * (`index`) and what was stored before it (`results`).
 */
export async function publishFromRequest<B extends ChannelBroker>(
  context: SSEEndpointContext<B>,
  request: Request,
): Promise<Response> {
  const { admission, settings } = context;
  const origin = request.headers.get('origin');
  // Cross-site pages can POST text/plain or forms without a preflight: with cookie auth that would be a forged
  // publish (CSRF). JSON needs a preflight, which `checkOrigin` and `corsHeaders` decide.
  const admitted = await context.admitRequest(request, 'http', () => {
    if (isJsonContentType(request)) return undefined;
    admission.report({ type: 'refused', transport: 'http', code: 'bad_frame' });
    const type = request.headers.get('content-type');
    const message = `Send Content-Type: application/json (got ${type === null ? 'none' : JSON.stringify(type)}); the body is a JSON { channel, event, data, cid? }.`;
    return { code: 'bad_frame', precise: 'unsupported_media_type', message };
  });
  if (!('user' in admitted)) {
    discardBody(request);
    return context.refuse(origin, admitted);
  }
  const userId = admitted.user?.userId;
  const body = await readBody(request, settings.maxBodyBytes);
  if (!body.ok && body.code === 'message_too_large') {
    admission.report({ type: 'refused', transport: 'http', code: 'message_too_large', userId });
    return context.refuse(origin, {
      code: 'message_too_large',
      message: `The body is larger than ${settings.maxBodyBytes} bytes: send smaller payloads.`,
    });
  }
  const parsed = body.ok ? parseJson(body.text) : undefined;
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const problem =
    parsed === undefined
      ? 'The body is not valid UTF-8 JSON.'
      : items.length === 0
        ? 'The array is empty.'
        : items.map(checkPublish).find((p) => p !== undefined);
  if (problem !== undefined) {
    admission.report({ type: 'refused', transport: 'http', code: 'bad_frame', userId });
    return context.refuse(origin, {
      code: 'bad_frame',
      message: `${problem} POST { channel, event, data, cid? } (or an array of them) as JSON.`,
    });
  }
  const outcome = await publishItems(context, items as PublishItem[], admitted.user);
  if ('refusal' in outcome) {
    const { refusal, stoppedAt } = outcome;
    return context.refuse(origin, Array.isArray(parsed) && stoppedAt ? { ...refusal, beside: stoppedAt } : refusal);
  }
  return Response.json(Array.isArray(parsed) ? outcome.results : outcome.results[0], {
    status: 200,
    headers: context.cors(origin),
  });
}

type Receipt = { id: string; seq: number };

/** Publishes the items in order through a transient hub session, so `authorize` and `admit` judge them as any other. */
async function publishItems<B extends ChannelBroker>(
  context: SSEEndpointContext<B>,
  items: readonly PublishItem[],
  user: AuthenticatedUser | undefined,
): Promise<{ results: Receipt[] } | { refusal: HttpRefusal; stoppedAt?: { index: number; results: Receipt[] } }> {
  const { admission } = context;
  const userId = user?.userId;
  const reply: { frame?: ServerFrame } = {};
  const session = admission.hub.connect({
    userId,
    transport: 'http',
    ...channelScopeOf(user),
    send: (frame) => {
      if (frame.type === 'ack' || frame.type === 'nack' || frame.type === 'error') reply.frame = frame;
    },
  });
  const results: Receipt[] = [];
  try {
    for (const [index, item] of items.entries()) {
      reply.frame = undefined;
      const cid = item.cid ?? `http-${crypto.randomUUID()}`;
      await session.receive({ type: 'publish', channel: item.channel, event: item.event, data: item.data, cid });
      const answer = reply.frame as ServerFrame | undefined;
      if (answer?.type === 'ack') {
        results.push({ id: answer.id, seq: answer.seq });
        if (!context.hubReports)
          admission.report({
            type: 'publish',
            transport: 'http',
            channel: item.channel,
            event: item.event,
            seq: answer.seq,
            userId,
          });
        continue;
      }
      const error: FrameError =
        answer?.type === 'nack' || answer?.type === 'error'
          ? answer.error
          : { code: 'server_error', message: 'The server did not answer the publish.' };
      reportRefusal(context, error, item.channel, userId);
      return { refusal: refusalOfFrameError(error), stoppedAt: { index, results } };
    }
  } catch (error) {
    admission.onError(error);
    return { refusal: { code: 'server_error', message: 'The server failed to handle the publish.' } };
  } finally {
    session.close();
  }
  return { results };
}

function reportRefusal<B extends ChannelBroker>(
  context: SSEEndpointContext<B>,
  error: FrameError,
  channel: string,
  userId: string | undefined,
) {
  // createRealtime's rules made this refusal and reported it.
  if (context.rulesReport) return;
  if (error.code === 'unauthorized') {
    context.admission.report({
      type: 'auth_failure',
      transport: 'http',
      code: 'forbidden',
      reason: error.message,
      channel,
      userId,
    });
  } else if (REFUSED_CODES.has(error.code)) {
    context.admission.report({ type: 'refused', transport: 'http', code: error.code as 'bad_frame', channel, userId });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function checkPublish(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'Each publish must be a JSON object.';
  const { channel, event, cid } = item as Partial<Record<keyof PublishItem, unknown>>;
  if (typeof channel !== 'string' || channel === '') return 'A publish needs a non-empty "channel" string.';
  if (typeof event !== 'string' || event === '' || /[\r\n]/.test(event))
    return 'A publish needs a non-empty "event" string without line breaks.';
  if (event.startsWith(RESERVED_PREFIX))
    return `Event names starting with "${RESERVED_PREFIX}" are reserved for the endpoint.`;
  if (!('data' in item)) return 'A publish needs "data" (null for none).';
  if (cid !== undefined && (typeof cid !== 'string' || cid === ''))
    return '"cid", when given, must be a non-empty string.';
  return undefined;
}
