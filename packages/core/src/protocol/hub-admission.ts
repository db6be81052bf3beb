import type { ClientFrame, FrameError } from './frames.js';
import type { HubContext } from './hub-context.js';
import type { HubLimits } from './hub-checks.js';
import {
  settle,
  type ChannelState,
  type HubAction,
  type HubSessionInfo,
  type MaybePromise,
  type SessionState,
} from './hub-state.js';
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

/** An admission check: the `admit` option, or one added with `hub.addAdmission`. */
export type AdmissionCheck = NonNullable<ChannelHubOptions['admit']>;

/**
 * The hub's admission: `authorize` and `admit` from the options, then the `checks` server code added at runtime
 * (`hub.addAdmission`), in the order added; the first error refuses the frame.
 */
export function createAdmission(
  context: HubContext,
  { authorize, admit: admitOption }: Pick<ChannelHubOptions, 'authorize' | 'admit'>,
  checks: ReadonlySet<AdmissionCheck> = new Set(),
): Admission {
  const admit: AdmissionCheck | undefined = (session, frame) => {
    // The common case (no check added) stays one call, as before checks could be added.
    if (checks.size === 0 && admitOption) return admitOption(session, frame);
    const all = admitOption ? [admitOption, ...checks] : [...checks];
    return runChecks(all, 0, session, frame);
  };
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
      if (!admitOption && checks.size === 0) return then();
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

/** Asks `checks[index…]` in order, synchronously while they answer synchronously; the first error wins. */
function runChecks(
  checks: readonly AdmissionCheck[],
  index: number,
  session: HubSessionInfo,
  frame: AdmittedFrame,
): MaybePromise<FrameError | null | undefined> {
  for (let at = index; at < checks.length; at += 1) {
    const verdict = checks[at]!(session, frame);
    if (verdict instanceof Promise) return verdict.then((error) => error ?? runChecks(checks, at + 1, session, frame));
    if (verdict) return verdict;
  }
  return undefined;
}
