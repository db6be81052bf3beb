import type { ClientFrame, FrameError } from './frames.js';
import type { HubContext } from './hub-context.js';
import type { HubLimits } from './hub-checks.js';
import { settle, type ChannelState, type HubAction, type SessionState } from './hub-state.js';
import type { ChannelHubOptions } from './hub-types.js';

/** A well-formed client frame that asks for something (every type but `ping`). */
type AdmittedFrame = Exclude<ClientFrame, { type: 'ping' }>;

/** The server's say on a session's frames: `authorize` (kept per session) and `admit` (asked for every frame). */
export interface Admission {
  /** Runs `then` with the session's permission for `action` on `channel`: synchronously when `authorize` is. */
  withPermission(
    session: SessionState,
    channel: string,
    action: HubAction,
    then: (allowed: boolean) => void | Promise<void>,
  ): void | Promise<void>;
  /** Runs `then` unless `admit` refuses the frame; a refusal goes to `refused`. */
  withAdmission(
    session: SessionState,
    frame: AdmittedFrame,
    refused: (error: FrameError) => void,
    then: () => void | Promise<void>,
  ): void | Promise<void>;
}

export function createAdmission(
  context: HubContext,
  { authorize, admit }: Pick<ChannelHubOptions, 'authorize' | 'admit'>,
): Admission {
  const { onError } = context;
  /** Permission answers kept per session: every action on every channel it may hold at once, twice over. */
  const allowedCacheSize = 8 * context.limits.maxChannelsPerSession;

  return {
    withPermission(session, channel, action, then) {
      if (!authorize) return then(true);
      const key = `${action}\u0000${channel}`;
      let answer = session.allowed.get(key);
      if (answer === undefined) {
        try {
          answer = authorize(session.info, channel, action);
        } catch (error) {
          onError(error, session.info);
          answer = false;
        }
        session.allowed.set(key, answer);
        // Bounded: a session that walks through ever new channels must not grow its cache forever (oldest asked go first).
        if (session.allowed.size > allowedCacheSize)
          session.allowed.delete(session.allowed.keys().next().value as string);
      }
      if (typeof answer === 'boolean') return then(answer);
      return answer.then(
        (allowed) => {
          session.allowed.set(key, allowed === true);
          if (!session.closed) return then(allowed === true);
        },
        (error: unknown) => {
          session.allowed.set(key, false);
          onError(error, session.info);
          if (!session.closed) return then(false);
        },
      );
    },
    withAdmission(session, frame, refused, then) {
      if (!admit) return then();
      return settle(
        () => admit(session.info, frame),
        (verdict) => {
          if (session.closed) return;
          if (verdict) return refused(verdict);
          return then();
        },
        (error) => {
          onError(error, session.info);
          refused({ code: 'server_error', message: 'The server failed to check this frame.' });
        },
      );
    },
  };
}

/** Whether taking on `state` would put the session over its channel limit (subscribed or present, each counted once). */
export function overChannelLimit(session: SessionState, state: ChannelState | undefined, limits: HubLimits): boolean {
  if (state && (session.cursors.has(state) || session.present.has(state))) return false;
  let count = session.cursors.size;
  for (const present of session.present) if (!session.cursors.has(present)) count += 1;
  return count >= limits.maxChannelsPerSession;
}
