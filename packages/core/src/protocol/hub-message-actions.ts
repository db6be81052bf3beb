import type { HubMessage, MessageState, PublishOutcome } from './broker.js';
import type { FrameError, ReactionChange, ReactionMode } from './frames.js';
import type { PublishFrame, PublishHost } from './hub-publish.js';
import { runPublishRule, type Refuse } from './hub-publish-rule.js';
import type { SessionState } from './hub-state.js';
import {
  changeReactions,
  DEFAULT_MAX_REACTION_KINDS,
  DEFAULT_REACTION_USERS,
  summarizeReactions,
} from './message-states.js';

/** One edit, deletion or reaction, in the channel's turn. */
export interface MessageActionRequest {
  readonly session: SessionState;
  readonly channel: string;
  readonly frame: PublishFrame;
  readonly size: number;
  readonly fence: string | undefined;
}

const NO_STATES: FrameError = {
  code: 'bad_frame',
  message: "This server's message broker keeps no message states: edits, deletions and reactions are not available.",
};

/**
 * Edits, deletions and reactions, each run in the channel's turn (`broker.exclusive`, on every instance): the target's
 * state is read (or made from the original, found by id in the log), the change authorized (`authorizeMessage`, by
 * default only the author edits or deletes), the new state written, then the change stored in the log as a message
 * with `action`, `target` and, for edits and deletions, the new `version`. Resolves with the stored outcome, or
 * undefined when the change was refused (already answered through `refuse`).
 */
export function createMessageActions(host: PublishHost) {
  const { broker } = host;
  const maxUsers = host.reactions?.maxUsers ?? DEFAULT_REACTION_USERS;
  const maxKinds = host.reactions?.maxKinds ?? DEFAULT_MAX_REACTION_KINDS;
  const modeOf = (channel: string): ReactionMode => {
    const mode = host.reactions?.mode ?? 'distinct';
    return typeof mode === 'function' ? mode(channel) : mode;
  };

  /** The target's current state, made from the original when it has none yet; undefined when it is not in the log. */
  async function currentState(channel: string, target: string): Promise<MessageState | undefined> {
    const states = broker.states!;
    const [{ epoch }, [state]] = await Promise.all([
      broker.history(channel, { limit: 0 }),
      states.get(channel, [target]),
    ]);
    if (state && state.epoch === epoch) return state;
    const original: HubMessage | undefined = await states.find(channel, target);
    if (!original || original.action !== undefined) return undefined;
    return {
      seq: original.seq,
      epoch,
      event: original.event,
      ...(original.from === undefined ? {} : { author: original.from }),
      version: 1,
    };
  }

  async function authorized(request: MessageActionRequest, state: MessageState, target: string): Promise<boolean> {
    const { session, channel, frame } = request;
    const isAuthor = state.author !== undefined && state.author === session.presenceKey;
    const action = frame.action!;
    if (!host.authorizeMessage) return action === 'reaction' || isAuthor;
    const message = { id: target, event: state.event, author: state.author };
    try {
      return (await host.authorizeMessage({ session: session.info, channel, action, message, isAuthor })) === true;
    } catch (error) {
      host.onError(error, session.info);
      return false;
    }
  }

  return async function actOn(request: MessageActionRequest, refuse: Refuse): Promise<PublishOutcome | undefined> {
    const { session, channel, frame, fence } = request;
    const { action, target, cid } = frame;
    if (!broker.states) return void refuse(NO_STATES);
    const state = await currentState(channel, target!);
    // Applied already, but its append failed: this retry appends it from the state.
    const retried = state !== undefined && state.cid === cid;
    if (!state || (state.deleted && !retried)) {
      return void refuse({
        code: 'not_found',
        message: `No message "${target}" to ${action === 'reaction' ? 'react to' : action === 'update' ? 'edit' : 'delete'} on "${channel}"${state ? ': it was deleted' : ' (it may have left the log)'}.`,
      });
    }
    if (action === 'update' && frame.event !== state.event) {
      // The payload schemas checked the edit under the event it names: it must be the original's.
      return void refuse({
        code: 'bad_frame',
        message: `An edit of message "${target}" must name its event "${state.event}" (got "${frame.event}"): pass the message, not only its id.`,
      });
    }
    if (!(await authorized(request, state, target!))) {
      return void refuse({
        code: 'forbidden',
        message:
          action === 'reaction'
            ? `Not allowed to react to message "${target}".`
            : `Only the author may ${action === 'update' ? 'edit' : 'delete'} message "${target}" (or a rule of the server's authorizeMessage).`,
      });
    }
    const from = session.presenceKey;
    const base = { event: state.event, cid, from, target: target! };
    if (action === 'reaction') {
      const { reaction, op } = frame.data as Pick<ReactionChange, 'reaction' | 'op'>;
      const reactions = retried
        ? state.reactions
        : changeReactions(state.reactions, { reaction, op, user: from }, modeOf(channel), maxKinds);
      if (!reactions) {
        return void refuse({
          code: 'rejected',
          message: `A message may carry at most ${maxKinds} different reactions.`,
        });
      }
      if (!retried) await broker.states.set(channel, target!, { ...state, reactions, cid }, { fence });
      const data: ReactionChange = { summary: summarizeReactions(reactions, maxUsers), reaction, op, user: from };
      return broker.publish(channel, { ...base, data, action, size: request.size }, { fence });
    }
    if (retried) {
      const data = state.deleted ? null : state.data;
      return broker.publish(channel, { ...base, data, action: action!, version: state.version }, { fence });
    }
    let data: unknown = null;
    let size = 0;
    if (action === 'update') {
      const ruled = await runPublishRule(
        host,
        session,
        { channel, event: state.event, data: frame.data, size: request.size, target: target! },
        refuse,
      );
      if (!ruled) return undefined;
      ({ data, size } = ruled);
    }
    const version = state.version + 1;
    const next: MessageState =
      action === 'update'
        ? { ...state, version, data, changedAt: host.now(), cid }
        : { ...withoutData(state), version, deleted: true, changedAt: host.now(), cid };
    await broker.states.set(channel, target!, next, { fence });
    return broker.publish(channel, { ...base, data, size, action: action!, version }, { fence });
  };
}

function withoutData(state: MessageState): MessageState {
  const { data: _data, ...rest } = state;
  return rest;
}
