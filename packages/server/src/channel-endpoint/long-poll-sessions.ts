import type { HubSession } from '@realtime-kit/core';
import type { AuthenticatedUser } from '../auth/user.js';
import { channelScopeOf } from '../endpoint/admission.js';
import { refusalResponse } from '../http/refusal-response.js';
import { createLongPollQueue } from './long-poll-queue.js';
import {
  holdSession,
  releaseSession,
  type CarrierContext,
  type HttpSession,
  type SessionAnswer,
} from './session-registry.js';
import { tokenExpired } from './stream-session.js';

/** The response header numbering a poll's answer: the client acknowledges it with `ack=<n>` on its next poll. */
export const POLL_BATCH_HEADER = 'x-realtime-batch';

/** How the endpoint's long-polling sessions are run and bounded. */
export interface LongPollSettings {
  readonly waitMs: number;
  readonly sessionTimeoutMs: number;
  readonly maxQueuedBytes: number;
  readonly maxSessions: number;
  readonly maxSessionsPerUser: number;
}

/** The long-polling sessions of one endpoint: how many there are, in all and per user. */
export interface LongPollSessions {
  /** Opens a session for `user` and answers its first poll (`[welcome]`), or refuses past a limit. */
  open(user: AuthenticatedUser | undefined): Promise<Response>;
}

/** Long polling (`?transport=polling`, the carrier of `pollingTransport`): sessions whose frames wait for polls. */
export function createLongPollSessions(context: CarrierContext, settings: LongPollSettings): LongPollSessions {
  const byUser = new Map<string, number>();
  let count = 0;

  function counted(userId: string | undefined, change: 1 | -1) {
    count += change;
    if (userId === undefined) return;
    const held = (byUser.get(userId) ?? 0) + change;
    if (held > 0) byUser.set(userId, held);
    else byUser.delete(userId);
  }

  return {
    async open(user) {
      const userId = user?.userId;
      if (count >= settings.maxSessions) {
        return refusalResponse({
          code: 'unavailable',
          message: 'This server holds as many polling sessions as it may: retry shortly.',
          retryAfterMs: 1000,
        });
      }
      if (userId !== undefined && (byUser.get(userId) ?? 0) >= settings.maxSessionsPerUser) {
        const message = `At most ${settings.maxSessionsPerUser} polling sessions per user: close some first.`;
        return refusalResponse({ code: 'rate_limited', message, retryAfterMs: settings.sessionTimeoutMs });
      }
      const session = openLongPollSession(context, user, settings, () => counted(userId, -1));
      counted(userId, 1);
      // The welcome is waiting already: it goes out at once as the first batch.
      const first = await session.polling!.take(0, settings.waitMs);
      return longPollResponse({ status: 200, batch: first.batch, frames: first.frames });
    },
  };
}

/** One long-polling session: it ends when nobody polls for `sessionTimeoutMs`, its queue overflows, or its token expires. */
function openLongPollSession(
  context: CarrierContext,
  user: AuthenticatedUser | undefined,
  settings: LongPollSettings,
  onEnd: () => void,
): HttpSession {
  const { hub, registry, admission } = context;
  const userId = user?.userId;
  const queue = createLongPollQueue(settings.maxQueuedBytes);
  const { token, secret } = registry.mint();
  let idle: ReturnType<typeof setTimeout> | undefined;
  let stopExpiry = () => {};
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(idle);
    stopExpiry();
    queue.end();
    releaseSession(context, session);
    onEnd();
    hubSession.close();
    admission.report({ type: 'disconnect', transport: 'polling', connectionId: hubSession.id, userId });
  };
  const hubSession: HubSession = hub.connect({
    userId,
    transport: 'polling',
    session: token,
    ...channelScopeOf(user),
    send(frame) {
      if (!ended && !queue.push(JSON.stringify(frame))) end();
    },
    close: end,
  });
  const session: HttpSession = {
    secret,
    userId,
    hub: hubSession,
    polling: queue,
    touch() {
      clearTimeout(idle);
      idle = setTimeout(end, settings.sessionTimeoutMs);
      (idle as { unref?: () => void }).unref?.();
    },
    end() {
      end();
      return Promise.resolve();
    },
  };
  // A waiting poll takes the frame along; the next poll then finds the session gone and the client starts over.
  stopExpiry = admission.expireWith(user, 'polling', () => {
    queue.push(JSON.stringify(tokenExpired));
    end();
  });
  holdSession(context, session);
  session.touch!();
  admission.report({ type: 'connect', transport: 'polling', connectionId: hubSession.id, userId });
  return session;
}

/** A poll's frames (already encoded as JSON text) as one JSON array, numbered; never cached by a proxy. */
export function longPollResponse(answer: SessionAnswer): Response {
  const frames = answer.frames ?? [];
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (answer.batch) headers[POLL_BATCH_HEADER] = String(answer.batch);
  return new Response(`[${frames.join(',')}]`, { status: 200, headers });
}
