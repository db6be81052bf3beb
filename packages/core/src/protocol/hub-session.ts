import { RealtimeError } from '../errors.js';
import { randomId } from '../lib/random-id.js';
import { unrefTimer } from '../lib/unref-timer.js';
import { PROTOCOL_VERSION, type ClientFrame } from './frames.js';
import type { HubContext } from './hub-context.js';
import type { HubSessionInfo, SessionState } from './hub-state.js';
import type { HubConnection, HubSession } from './hub-types.js';

/** What opening a session needs beyond the context. */
export interface SessionSettings {
  createId(): string;
  /** Sent in `welcome`: how often the client should ping. */
  readonly heartbeatMs: number;
  /** Carries out one client frame. */
  handle(session: SessionState, frame: ClientFrame): void | Promise<void>;
  /** Longest a frame's handling may wait (`authorize`, `admit`, `beforePublish`, the broker) before the session ends. */
  readonly frameTimeoutMs: number;
}

/**
 * Opens a session for a new connection and sends it `welcome`. Its frames are handled one at a time in arrival
 * order: a frame that waits for `authorize`, `admit` or the broker holds back the ones after it, and a session
 * whose steps are all synchronous never builds a chain. A frame still waiting after `frameTimeoutMs` ends the
 * session (reported `timeout` to `onError`): its client reconnects and re-sends what was not acknowledged, instead
 * of waiting behind it for ever.
 */
export function connectSession(context: HubContext, settings: SessionSettings, connection: HubConnection): HubSession {
  const id = settings.createId();
  const info: HubSessionInfo = Object.freeze({
    id,
    userId: connection.userId,
    ...(connection.transport === undefined ? {} : { transport: connection.transport }),
    ...(connection.channels === undefined ? {} : { channels: Object.freeze([...connection.channels]) }),
  });
  const session: SessionState = {
    info,
    // Anonymous sessions are shown to others under an id of their own, never the session id (which could be used
    // to reach the session over an HTTP carrier).
    presenceKey: connection.userId ?? `anon-${randomId().replace(/-/g, '').slice(0, 16)}`,
    connection,
    cursors: new Map(),
    present: new Set(),
    allowed: new Map(),
    blocked: new Map(),
    chain: null,
    closed: false,
  };
  context.sessions.add(session);
  context.send(session, {
    type: 'welcome',
    v: PROTOCOL_VERSION,
    connectionId: id,
    heartbeatMs: settings.heartbeatMs,
    ...(connection.userId === undefined ? {} : { userId: connection.userId }),
    ...(connection.session === undefined ? {} : { session: connection.session }),
    ...(connection.encoding === undefined ? {} : { encoding: connection.encoding }),
  });
  return {
    id,
    info,
    receive(frame) {
      const run = () => bounded(context, settings, session, frame, settings.handle(session, frame));
      const result = session.chain ? session.chain.then(run, run) : run();
      if (result === undefined) return;
      session.chain = result;
      const clear = () => {
        if (session.chain === result) session.chain = null;
      };
      void result.then(clear, clear);
      return result;
    },
    close() {
      context.end(session, false);
    },
  };
}

/** `handling`, settled within `frameTimeoutMs` at the latest: past it the session fails (the carrier closes). */
function bounded(
  context: HubContext,
  settings: SessionSettings,
  session: SessionState,
  frame: ClientFrame,
  handling: void | Promise<void>,
): void | Promise<void> {
  if (!(handling instanceof Promise)) return handling;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      const channel =
        'channel' in frame && typeof frame.channel === 'string' ? ` on "${frame.channel.slice(0, 200)}"` : '';
      context.fail(
        session,
        new RealtimeError(
          'timeout',
          `A "${frame.type}" frame${channel} was not handled within ${settings.frameTimeoutMs} ms (authorize, admit, beforePublish or the message store did not answer): the session was closed, its client reconnects and sends again what was not acknowledged.`,
        ),
      );
      resolve();
    }, settings.frameTimeoutMs);
    unrefTimer(timer);
  });
  return Promise.race([handling, expired]).finally(() => clearTimeout(timer));
}
