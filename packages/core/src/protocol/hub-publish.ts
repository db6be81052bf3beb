import { RealtimeError } from '../errors.js';
import type { ChannelBroker, PublishOutcome } from './broker.js';
import type { ClientFrame, FrameError, ServerFrame } from './frames.js';
import { measureData, type HubLimits } from './hub-checks.js';
import { settle, type HubSessionInfo, type SessionState } from './hub-state.js';
import type { ChannelHubOptions, PublishVerdict } from './hub-types.js';

type PublishFrame = Extract<ClientFrame, { type: 'publish' }>;

/** What publishing needs from the hub. */
export interface PublishHost {
  readonly broker: ChannelBroker;
  readonly limits: HubLimits;
  readonly beforePublish: ChannelHubOptions['beforePublish'];
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

const RULE_FAILED: FrameError = {
  code: 'server_error',
  message: 'The server rule for this publish failed: nothing was published.',
};
const STORE_DOWN: FrameError = {
  code: 'unavailable',
  message: 'The message could not be stored (the message store is unavailable): nothing was published. Retry.',
};

/**
 * Stores a client publish (already authorized and admitted) and answers it. Without `beforePublish` it is one broker
 * step. With it, the rule and the append run in the channel's turn (`broker.exclusive`, across instances): a
 * repeated `cid` is acknowledged without asking the rule again, a rule's `{ data }` is checked like client data.
 */
export function createPublisher(host: PublishHost): Publish {
  const { broker, limits, beforePublish } = host;

  return function publish(session, channel, frame, size) {
    const { cid, event } = frame;
    const nack = (error: FrameError) => host.send(session, { type: 'nack', cid, channel, error });
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
      host.refused(session, channel, 'publish', nack, STORE_DOWN);
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
        let verdict: PublishVerdict;
        try {
          verdict = await beforePublish({
            session: session.info,
            channel,
            event,
            data: frame.data,
            latest: async (name = event) => broker.latest(channel, name),
          });
        } catch (error) {
          host.onError(error, session.info);
          return host.refused(session, channel, 'publish', nack, RULE_FAILED);
        }
        if (verdict && 'reject' in verdict) {
          const message =
            typeof verdict.reject === 'string' && verdict.reject !== ''
              ? verdict.reject
              : 'The server refused this publish.';
          return host.refused(session, channel, 'publish', nack, {
            code: 'rejected',
            message,
            ...(verdict.details === undefined ? {} : { details: verdict.details }),
          });
        }
        let data = frame.data;
        if (verdict && 'data' in verdict) {
          data = verdict.data;
          const measured = measureData(data, limits.maxDataDepth);
          if (!measured.ok) {
            host.onError(
              new RealtimeError(
                'invalid_payload',
                `beforePublish returned data with no safe JSON form: ${measured.error.message}`,
              ),
              session.info,
            );
            return host.refused(session, channel, 'publish', nack, RULE_FAILED);
          }
          size = measured.bytes;
        }
        ack(await broker.publish(channel, { event, data, cid, from: session.presenceKey, size }, { fence }));
      })
      .catch(unavailable);
  };
}
