import type { HubSessionInfo } from '../protocol/hub-state.js';
import type { ChannelHubOptions, PublishContext, PublishVerdict } from '../protocol/hub-types.js';
import {
  entryOf,
  initialStateOf,
  isActionRefusal,
  SHARED_STATE_EVENT,
  type ActionContext,
  type SharedStateDefinition,
  type SharedStateEntry,
} from './definition.js';

/**
 * Which channels hold shared state: a map from a channel name or prefix (`'game:'` matches `game:7`; the longest key
 * that matches wins) to its definition, or a function of the channel name.
 */
export type SharedStateChannels =
  Readonly<Record<string, SomeSharedState>> | ((channel: string) => SomeSharedState | undefined);

/** A shared-state definition of any state and action types (what a channel map holds). */
export interface SomeSharedState {
  readonly initial: unknown;
  reducer(state: never, action: never, context: ActionContext): unknown;
}

type AnyDefinition = SharedStateDefinition<unknown, unknown>;

/** The definition `channels` gives `channel`, or undefined. */
export function sharedStateFor(channels: SharedStateChannels, channel: string): AnyDefinition | undefined {
  if (typeof channels === 'function') return channels(channel) as unknown as AnyDefinition | undefined;
  let best: string | undefined;
  for (const key of Object.keys(channels)) {
    if ((channel === key || channel.startsWith(key)) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : (channels[best] as unknown as AnyDefinition);
}

type Rules = Pick<ChannelHubOptions, 'beforePublish' | 'authorizeMessage'>;

/**
 * The hub rules that make `channels` server-authoritative shared state, wrapped around your own (`rules`, which keep
 * deciding every other channel). On a shared-state channel, in the channel's turn (one at a time across instances):
 * the newest stored entry is read, the reducer applied with the acting user, and `{ action, state, version }` stored
 * — or the publish refused `rejected` (the reducer's `refuseAction`) or `server_error` (it threw). Other events,
 * edits, deletions and reactions are refused there: the log is the state's history.
 *
 * `createRealtime({ sharedState })` applies these for you; spread them into `createChannelHub` (or the test kit's
 * `hub` option) to run shared state on a hub of your own.
 */
export function sharedStateRules(channels: SharedStateChannels, rules: Rules = {}): Required<Rules> {
  const { beforePublish, authorizeMessage } = rules;
  const now = () => Date.now();
  return {
    beforePublish: async (context: PublishContext): Promise<PublishVerdict> => {
      const definition = sharedStateFor(channels, context.channel);
      if (!definition) return beforePublish?.(context);
      return reduceInTurn(definition, context, now());
    },
    authorizeMessage: (context) => {
      if (sharedStateFor(channels, context.channel)) return false;
      return authorizeMessage ? authorizeMessage(context) : context.isAuthor || context.action === 'reaction';
    },
  };
}

async function reduceInTurn(definition: AnyDefinition, context: PublishContext, at: number): Promise<PublishVerdict> {
  const { channel, event, session } = context;
  if (event !== SHARED_STATE_EVENT || context.action !== undefined) {
    return {
      reject: `"${channel}" holds shared state: only "${SHARED_STATE_EVENT}" publishes (dispatch) are taken there.`,
    };
  }
  const latest = await context.latest(SHARED_STATE_EVENT);
  const current: Pick<SharedStateEntry, 'state' | 'version'> = entryOf(latest?.data) ?? {
    state: initialStateOf(definition, channel),
    version: 0,
  };
  let state: unknown;
  try {
    state = definition.reducer(current.state, context.data, { userId: actorOf(session), at });
  } catch (error) {
    if (!isActionRefusal(error)) throw error;
    return { reject: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
  }
  const entry: SharedStateEntry = { action: context.data, state, version: current.version + 1 };
  return { data: entry };
}

function actorOf(session: HubSessionInfo): string | null {
  return session.userId ?? null;
}
