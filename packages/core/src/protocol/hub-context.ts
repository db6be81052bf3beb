import type { RealtimeErrorCode } from '../errors.js';
import { reportListenerError } from '../lib/report-listener-error.js';
import type { BrokerCluster, ChannelBroker, PublishOutcome } from './broker.js';
import type { ClientFrame, FrameError, ServerFrame } from './frames.js';
import { leavePresence, unsubscribeSession } from './hub-channels.js';
import { resolveHubLimits } from './hub-checks.js';
import type { DeliveryHost } from './hub-delivery.js';
import type { PublishHost } from './hub-publish.js';
import type { ChannelState, HubSessionInfo, SessionState } from './hub-state.js';
import type { ChannelHubOptions } from './hub-types.js';

/**
 * What the parts of one hub share: its broker and settings, the channels and sessions it holds, and the few steps
 * every part sends, ends sessions and reports through. It is also the host of the delivery and the publisher.
 */
export interface HubContext extends PublishHost, DeliveryHost {
  readonly broker: ChannelBroker;
  readonly cluster: BrokerCluster | undefined;
  readonly now: () => number;
  /** This process's view of each channel it holds state for (subscribers or present members). */
  readonly channels: Map<string, ChannelState>;
  readonly sessions: Set<SessionState>;
  /** Answers the session with an `error` frame (for `channel`, when given); the session goes on. */
  refuse(session: SessionState, code: RealtimeErrorCode, message: string, channel?: string): void;
  /** A publish was stored (or a repeated `cid` acknowledged again), for `onStored`; `session` undefined for `hub.publish`. */
  stored(session: HubSessionInfo | undefined, channel: string, event: string, outcome: PublishOutcome): void;
  /** Ends a session: it leaves every channel; `notifyConnection` also closes its connection (the hub ended it). */
  end(session: SessionState, notifyConnection: boolean): void;
  /** Reported to `onError`; without a session (the hub's own work, `hub.publish`), as an anonymous one. */
  onError(error: unknown, session?: HubSessionInfo): void;
}

/** The context of a hub over `broker`, with the limits, clock and hooks of `options`. */
export function createHubContext(options: ChannelHubOptions<ChannelBroker>, broker: ChannelBroker): HubContext {
  const { onStored, onRefused } = options;
  const report = options.onError ?? ((error: unknown) => reportListenerError(error));

  function onError(error: unknown, session: HubSessionInfo = { id: '', userId: undefined }) {
    report(error, session);
  }

  function send(session: SessionState, frame: ServerFrame) {
    if (session.closed) return;
    try {
      session.connection.send(frame);
    } catch (error) {
      // One broken connection must not stop a broadcast: it is closed, and the others go on.
      end(session, true);
      onError(error, session.info);
    }
  }

  /** A broker failure that leaves a session's stream uncertain: end it, so the client reconnects and resumes. */
  function fail(session: SessionState, error: unknown) {
    if (session.closed) return;
    end(session, true);
    onError(error, session.info);
  }

  function end(session: SessionState, notifyConnection: boolean) {
    if (session.closed) return;
    session.closed = true;
    context.sessions.delete(session);
    for (const state of [...session.cursors.keys()]) unsubscribeSession(context, session, state);
    for (const state of [...session.present]) leavePresence(context, session, state);
    if (notifyConnection) {
      try {
        session.connection.close?.();
      } catch (error) {
        onError(error, session.info);
      }
    }
  }

  function refuse(session: SessionState, code: RealtimeErrorCode, message: string, channel?: string) {
    send(session, { type: 'error', error: { code, message }, ...(channel === undefined ? {} : { channel }) });
  }

  function refused(
    session: SessionState,
    channel: string,
    frame: ClientFrame['type'],
    answer: (error: FrameError) => void,
    error: FrameError,
  ) {
    answer(error);
    try {
      onRefused?.(session.info, { channel, frame, error });
    } catch (thrown) {
      onError(thrown, session.info);
    }
  }

  function stored(session: HubSessionInfo | undefined, channel: string, event: string, outcome: PublishOutcome) {
    if (!onStored) return;
    try {
      onStored(session, { channel, event, id: outcome.id, seq: outcome.seq, fresh: outcome.fresh });
    } catch (error) {
      onError(error, session);
    }
  }

  const context: HubContext = {
    broker,
    cluster: broker.cluster,
    limits: resolveHubLimits(options.limits),
    beforePublish: options.beforePublish,
    authorizeMessage: options.authorizeMessage,
    reactions: options.reactions,
    now: options.now ?? Date.now,
    channels: new Map(),
    sessions: new Set(),
    send,
    fail,
    end,
    refuse,
    refused,
    stored,
    onError,
  };
  return context;
}
