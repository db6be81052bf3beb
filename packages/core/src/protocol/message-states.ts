import type { ChannelBroker, ChannelHistory, HubMessage, MaybePromise, MessageState } from './broker.js';
import type { ReactionChange, ReactionMode, ReactionSummary } from './frames.js';

/** Default most users a reaction summary names per reaction (the count stays exact; `clipped` says more reacted). */
export const DEFAULT_REACTION_USERS = 20;
/** Default most different reactions one message may carry; a new one past it is refused `rejected`. */
export const DEFAULT_MAX_REACTION_KINDS = 50;
/** Most characters of one reaction's name (an emoji, a short word). */
export const MAX_REACTION_LENGTH = 32;

type Reactions = NonNullable<MessageState['reactions']>;

/** The summary clients see: counts, and the first `maxUsers` users of each reaction. */
export function summarizeReactions(reactions: Reactions | undefined, maxUsers: number): ReactionSummary {
  const summary: Record<string, ReactionSummary[string]> = {};
  if (!reactions) return summary;
  for (const [name, byUser] of Object.entries(reactions)) {
    const users = Object.keys(byUser);
    let count = 0;
    for (const user of users) count += byUser[user]!;
    summary[name] = { count, users: users.slice(0, maxUsers), clipped: users.length > maxUsers };
  }
  return summary;
}

/**
 * The reactions after `user` adds or removes `reaction` under `mode`: `unique` keeps one reaction per user (a new one
 * replaces it), `distinct` one of each, `multiple` counts every add (a remove takes all of the user's back). Undefined
 * when the change would add a kind past `maxKinds`.
 */
export function changeReactions(
  reactions: Reactions | undefined,
  change: Pick<ReactionChange, 'reaction' | 'op' | 'user'>,
  mode: ReactionMode,
  maxKinds: number,
): Reactions | undefined {
  const { reaction, op, user } = change;
  const next: Record<string, Record<string, number>> = {};
  for (const [name, byUser] of Object.entries(reactions ?? {})) next[name] = { ...byUser };
  if (op === 'remove') {
    if (next[reaction]) delete next[reaction][user];
  } else {
    if (mode === 'unique') for (const byUser of Object.values(next)) delete byUser[user];
    if (!next[reaction]) {
      if (Object.keys(next).filter((name) => Object.keys(next[name]!).length > 0).length >= maxKinds) return undefined;
      next[reaction] = {};
    }
    const byUser = next[reaction];
    byUser[user] = mode === 'multiple' ? (byUser[user] ?? 0) + 1 : 1;
  }
  for (const name of Object.keys(next)) if (Object.keys(next[name]!).length === 0) delete next[name];
  return next;
}

/** `message` as a late joiner should see it, given its target's state (a stale state of another epoch changes nothing). */
function foldMessage(
  message: HubMessage,
  state: MessageState | undefined,
  epoch: string,
  maxUsers: number,
): HubMessage {
  if (!state || state.epoch !== epoch) return message;
  if (message.action === undefined) {
    const reactions = state.reactions && Object.keys(state.reactions).length > 0 ? state.reactions : undefined;
    return {
      ...message,
      data: state.deleted ? null : 'data' in state ? state.data : message.data,
      version: state.version,
      ...(state.deleted ? { deleted: true } : {}),
      ...(reactions ? { reactions: summarizeReactions(reactions, maxUsers) } : {}),
    };
  }
  // An earlier version of a message deleted since: its text goes too.
  if (message.action === 'update' && state.deleted) return { ...message, data: null };
  return message;
}

/**
 * `history` with each message folded into its current state (edits applied, deleted text gone, reactions summed), so
 * replays and history reads never show what was deleted. Synchronous on a synchronous broker.
 */
export function foldHistory(
  broker: ChannelBroker,
  channel: string,
  history: ChannelHistory,
  maxUsers: number,
): MaybePromise<ChannelHistory> {
  const states = broker.states;
  if (!states || history.messages.length === 0) return history;
  const ids = [...new Set(history.messages.map((message) => message.target ?? message.id))];
  const apply = (found: readonly (MessageState | undefined)[]): ChannelHistory => {
    const byId = new Map<string, MessageState>();
    ids.forEach((id, index) => {
      const state = found[index];
      if (state) byId.set(id, state);
    });
    if (byId.size === 0) return history;
    const messages = history.messages.map((message) =>
      foldMessage(message, byId.get(message.target ?? message.id), history.epoch, maxUsers),
    );
    return { ...history, messages };
  };
  const found = states.get(channel, ids);
  return found instanceof Promise ? found.then(apply) : apply(found);
}
