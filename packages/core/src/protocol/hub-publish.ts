import type { ChannelBroker, PublishOutcome } from './broker.js';
import type { ClientFrame, FrameError, ServerFrame } from './frames.js';
import type { HubLimits } from './hub-checks.js';
import { settle, type HubSessionInfo, type SessionState } from './hub-state.js';
import type { ChannelHubOptions } from './hub-types.js';
import { createMessageActions } from './hub-message-actions.js';
import { runPublishRule } from './hub-publish-rule.js';

export type PublishFrame = Extract<ClientFrame, { type: 'publish' }>;

/** What publishing needs from the hub. */
export interface PublishHost {
  readonly broker: ChannelBroker;
  readonly limits: HubLimits;
  readonly beforePublish: ChannelHubOptions['beforePublish'];
  readonly authorizeMessage: ChannelHubOptions['authorizeMessage'];
  readonly reactions: ChannelHubOptions['reactions'];
  readonly now: () => number;
  send(session: SessionState, frame: ServerFrame): void;
  /** A stored (or re-acknowledged) publish, for `onStored`. */
  stored(session: HubSessionInfo, channel: string, event: string, outcome: PublishOutcome): void;
  /** A refusal the hub made on its own: answered, and reported to `onRefused`. */
  refused(
    session: SessionState,
    channel: string,
    frame: ClientFrame['type'],
    answer: (error: FrameError) => void,
    error: FrameError,
  ): void;
  onError(error: unknown, session: HubSessionInfo): void;
}

/** Stores a client publish of `size` bytes (as measured at admission) and answers the session with `ack` or `nack`. */
export type Publish = (
  session: SessionState,
  channel: string,
  frame: PublishFrame,
  size: number,
) => void | Promise<void>;

const STORE_DOWN: FrameError = {
  code: 'unavailable',
  message: 'The message could not be stored (the message store is unavailable): nothing was published. Retry.',
};

/**
 * Stores a client publish (already authorized and admitted) and answers it. Without `beforePublish` it is one broker
 * step. With it, the rule and the append run in the channel's turn (`broker.exclusive`, across instances): a
 * repeated `cid` is acknowledged without asking the rule again, a rule's `{ data }` is checked like client data.
 * Edits, deletions and reactions (`action`) always run in the turn (see `createMessageActions`).
 */
export function createPublisher(host: PublishHost): Publish {
  const { broker, beforePublish } = host;
  const actOn = createMessageActions(host);

  return function publish(session, channel, frame, size) {
    const { cid, event } = frame;
    const nack = (error: FrameError) => host.send(session, { type: 'nack', cid, channel, error });
    const refuse = (error: FrameError) => host.refused(session, channel, 'publish', nack, error);
    const ack = (outcome: PublishOutcome) => {
      host.stored(session.info, channel, event, outcome);
      host.send(session, {
        type: 'ack',
        cid,
        channel,
        id: outcome.id,
        seq: outcome.seq,
        ...(outcome.epoch ? { epoch: outcome.epoch } : {}),
      });
    };
    const unavailable = (error: unknown) => {
      host.onError(error, session.info);
      // Later publishes of this session on this channel must not overtake this one: they are refused the same way
      // until it comes again (the client re-sends its outbox in order, this one first).
      if (!session.blocked.has(channel)) session.blocked.set(channel, cid);
      refuse(STORE_DOWN);
    };
    const blockedBy = session.blocked.get(channel);
    if (blockedBy !== undefined) {
      if (blockedBy !== cid)
        return void nack({
          ...STORE_DOWN,
          message: `${STORE_DOWN.message} An earlier publish on this channel waits to be sent again first.`,
        });
      session.blocked.delete(channel);
    }
    if (frame.action !== undefined) {
      return broker
        .exclusive(channel, async (fence) => {
          const known = await broker.lookup(channel, cid);
          if (known) return ack({ ...known, fresh: false });
          const outcome = await actOn({ session, channel, frame, size, fence }, refuse);
          if (outcome) ack(outcome);
        })
        .catch(unavailable);
    }
    if (!beforePublish) {
      return settle(
        () => broker.publish(channel, { event, data: frame.data, cid, from: session.presenceKey, size }),
        ack,
        unavailable,
      );
    }
    return broker
      .exclusive(channel, async (fence) => {
        const known = await broker.lookup(channel, cid);
        if (known) return ack({ ...known, fresh: false });
        const ruled = await runPublishRule(host, session, { channel, event, data: frame.data, size }, refuse);
        if (!ruled) return;
        const draft = { event, data: ruled.data, cid, from: session.presenceKey, size: ruled.size };
        ack(await broker.publish(channel, draft, { fence }));
      })
      .catch(unavailable);
  };
}
