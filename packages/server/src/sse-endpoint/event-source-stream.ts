import type { ChannelBroker, ClientFrame, HubSession, ServerFrame } from '@realtime-kit/core';
import { channelScopeOf } from '../endpoint/admission.js';
import { encodeRetry } from '../encode-event.js';
import { encodeWholeFrameEvent } from '../encode-frame.js';
import { createEventStream, writeEncoded, type EventStream } from '../event-stream.js';
import type { SSEEndpointContext } from './sse-context.js';
import {
  createStreamCursors,
  parseChannels,
  parseResumeId,
  type Cursor,
  type StreamCursors,
} from './stream-cursors.js';

/**
 * The GET of `createSSEEndpoint`: an event stream of the channels in `?channels=a,b`, resumed from `Last-Event-ID`.
 * The stream is one hub session that subscribes each channel (after its resume point, when the id carried one).
 */
export async function openEventSourceStream<B extends ChannelBroker>(
  context: SSEEndpointContext<B>,
  request: Request,
): Promise<Response> {
  const { admission, settings } = context;
  const origin = request.headers.get('origin');
  const url = new URL(request.url);
  const channels = parseChannels(url.searchParams);
  const malformed = (message: string) => {
    admission.report({ type: 'refused', transport: 'sse', code: 'bad_frame' });
    return context.refuse(origin, { code: 'bad_frame', message });
  };
  if (typeof channels === 'string') return malformed(channels);
  if (channels.length > settings.maxChannels)
    return malformed(
      `At most ${settings.maxChannels} channels per stream; got ${channels.length}. Open another stream.`,
    );
  const lastEventId = request.headers.get('last-event-id') || url.searchParams.get('lastEventId') || undefined;
  const resume = lastEventId === undefined ? new Map<string, Cursor>() : parseResumeId(lastEventId);
  if (resume === undefined)
    return malformed('Last-Event-ID is not an id this endpoint sent: open a fresh stream without it.');
  const admitted = await context.admitRequest(request, 'sse');
  if (!('user' in admitted)) return context.refuse(origin, admitted);
  const { user } = admitted;
  const userId = user?.userId;

  const stream = createEventStream(request, {
    retry: settings.retryMs,
    heartbeatMs: settings.heartbeatMs,
    maxQueuedBytes: settings.maxQueuedBytes,
    coalesceMs: settings.coalesceMs,
    headers: context.cors(origin),
    lastEventId,
  });
  const cursors = createStreamCursors(channels, resume);
  // Declared before the close handler, which can run while the hub is still connecting the session.
  // eslint-disable-next-line prefer-const
  let session: HubSession | undefined;
  context.open.add(stream);
  // A host that cuts streams after a while (serverless functions): end first, with a `retry:` hint, so the browser
  // comes back at once (to any instance) and resumes from its Last-Event-ID.
  const lifetime =
    settings.maxDurationMs === undefined
      ? undefined
      : setTimeout(() => endWithRetry(stream, Math.min(settings.retryMs, 1000)), settings.maxDurationMs);
  // The browser retries with the same token and is refused: the app reconnects with a fresh one.
  const stopExpiry = admission.expireWith(user, 'sse', () => {
    writeEncoded(stream, encodeWholeFrameEvent(tokenExpired, 'event'));
    stream.close();
  });
  stream.onClose(() => {
    context.open.delete(stream);
    stopExpiry();
    clearTimeout(lifetime);
    if (session) {
      session.close();
      admission.report({ type: 'disconnect', transport: 'sse', connectionId: session.id, userId });
    }
  });
  if (stream.closed) return stream.response;
  const send = (frame: ServerFrame) => sendToStream(context, stream, cursors, frame, userId);
  session = admission.hub.connect({
    send,
    userId,
    transport: 'sse',
    ...channelScopeOf(user),
    close: () => stream.close(),
  });
  admission.report({ type: 'connect', transport: 'sse', connectionId: session.id, userId });
  for (const channel of channels) {
    if (stream.closed) break;
    // The hub keeps the frames in order and answers over `send`; a rejection has been reported to its onError.
    const cursor = resume.get(channel);
    const frame: ClientFrame = cursor
      ? { type: 'subscribe', channel, after: cursor.seq, ...(cursor.epoch ? { epoch: cursor.epoch } : {}) }
      : { type: 'subscribe', channel };
    const result = session.receive(frame);
    if (result) result.catch(admission.onError);
  }
  return stream.response;
}

/** The event a stream gets when its token expires, before it ends. */
const tokenExpired: ServerFrame = Object.freeze({
  type: 'error',
  error: Object.freeze({ code: 'token_expired', message: 'The stream token expired: reconnect with a fresh one.' }),
});

/** Writes one hub frame as the stream's event: channel positions carry the resume id; welcome, acks and pongs are not for EventSource. */
function sendToStream<B extends ChannelBroker>(
  context: SSEEndpointContext<B>,
  stream: EventStream,
  cursors: StreamCursors,
  frame: ServerFrame,
  userId: string | undefined,
) {
  switch (frame.type) {
    case 'message':
    case 'gap':
    case 'subscribed':
    case 'reset':
      writeEncoded(stream, encodeWholeFrameEvent(frame, 'event', cursors.idAfter(frame)));
      return;
    case 'presence':
    case 'signal':
      writeEncoded(stream, encodeWholeFrameEvent(frame, 'event'));
      return;
    case 'error':
      writeEncoded(stream, encodeWholeFrameEvent(frame, 'event'));
      if (frame.channel === undefined) return;
      cursors.forget(frame.channel);
      if (frame.error.code === 'unauthorized' && !context.rulesReport) {
        context.admission.report({
          type: 'auth_failure',
          transport: 'sse',
          code: 'forbidden',
          reason: frame.error.message,
          channel: frame.channel,
          userId,
        });
      } else if (frame.error.code === 'unavailable') {
        // The broker failed mid-subscribe: end the stream, the browser reconnects after `retry` and resumes.
        stream.close();
      }
      return;
    default:
      // welcome, ack, nack, pong: nothing a plain EventSource client needs.
      return;
  }
}

/** Ends a stream with a `retry:` hint: the browser comes back after `retryMs`. */
function endWithRetry(stream: EventStream, retryMs: number): void {
  writeEncoded(stream, encodeRetry(retryMs));
  stream.close();
}
