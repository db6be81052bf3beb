import { COMPACT_ENCODING, type ServerFrame } from '@realtime-kit/core';
import type { AuthenticatedUser } from '../auth/user.js';
import { channelScopeOf } from '../endpoint/admission.js';
import { encodeRetry } from '../encode-event.js';
import { encodeDataEvent, encodeWholeFrameEvent } from '../encode-frame.js';
import { createCompactSessionEncoder } from '../compact-session.js';
import { createEventStream, writeEncoded } from '../event-stream.js';
import { holdSession, releaseSession, type CarrierContext, type HttpSession } from './session-registry.js';

/** The `retry:` hint streams get when the endpoint closes: browsers come back (to another instance) after 1 s. */
export const CLOSE_RETRY_MS = 1000;

/** How the endpoint's streams are run. */
export interface StreamSettings {
  readonly heartbeatMs: number | false | undefined;
  readonly maxDurationMs: number | undefined;
  /** The client asked for compact frames (and the endpoint speaks them). */
  readonly compact: boolean;
}

/**
 * Opens a session carried by one event stream (the GET of `sseTransport`): its events are the session's frames,
 * `welcome` first. The session lives as long as the stream.
 */
export function openStreamSession(
  context: CarrierContext,
  request: Request,
  user: AuthenticatedUser | undefined,
  settings: StreamSettings,
): Response {
  const { hub, registry, admission } = context;
  const stream = createEventStream(request, { heartbeatMs: settings.heartbeatMs });
  const encode = settings.compact ? createCompactSessionEncoder() : undefined;
  // Each frame is encoded once for every stream it goes to (see encodeWholeFrameEvent and createCompactSessionEncoder).
  // Compact events carry no `id:` line: the client resumes by subscribing with `after`, never with Last-Event-ID.
  const send = (frame: ServerFrame) => {
    if (encode) return void writeEncoded(stream, encodeDataEvent(encode(frame)));
    const id = frame.type === 'message' ? `${encodeURIComponent(frame.channel)}:${frame.seq}` : undefined;
    writeEncoded(stream, encodeWholeFrameEvent(frame, 'frame', id));
  };
  const { token, secret } = registry.mint();
  const hubSession = hub.connect({
    send,
    userId: user?.userId,
    transport: 'sse',
    session: token,
    ...(settings.compact && { encoding: COMPACT_ENCODING }),
    close: () => stream.close(),
    ...channelScopeOf(user),
  });
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
  holdSession(context, session);
  // A host that cuts responses after a while: end first, so the client comes back at once and resumes.
  const lifetime =
    settings.maxDurationMs === undefined ? undefined : setTimeout(() => endWithRetry(0), settings.maxDurationMs);
  // The client is told why, then comes back with fresh credentials (a new GET is authenticated again).
  const stopExpiry = admission.expireWith(user, 'sse', () => {
    send(tokenExpired);
    stream.close();
  });
  admission.report({ type: 'connect', transport: 'sse', connectionId: hubSession.id, userId: user?.userId });
  stream.onClose(() => {
    clearTimeout(lifetime);
    stopExpiry();
    releaseSession(context, session);
    hubSession.close();
    admission.report({ type: 'disconnect', transport: 'sse', connectionId: hubSession.id, userId: user?.userId });
  });
  return stream.response;
}

/** The frame an HTTP carrier's session is sent when its token expires, before it ends. */
export const tokenExpired: ServerFrame = Object.freeze({
  type: 'error',
  error: Object.freeze({ code: 'token_expired', message: 'The token has expired: reconnecting with a fresh one.' }),
});
