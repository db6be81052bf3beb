import type { ServerFrame } from './frames.js';
import type { HubContext } from './hub-context.js';
import { occupancyChanged } from './hub-occupancy.js';
import { createChannelPresence } from './hub-presence.js';
import type { ChannelState, SessionState } from './hub-state.js';

/** The hub's state of channel `name`, made on first use with its presence wired to the channel's subscribers. */
export function channelState(context: HubContext, name: string): ChannelState {
  const { channels, send, now } = context;
  const state = channels.get(name);
  if (state) return state;
  const created: ChannelState = {
    name,
    subscribers: new Set(),
    occupancyWatchers: new Set(),
    subscription: null,
    presence: createChannelPresence({
      channel: name,
      broadcast: (frame) => {
        for (const subscriber of [...created.subscribers]) send(subscriber, frame);
      },
      localSubscribers: () => created.subscribers.size,
      occupancyChanged: () => occupancyChanged(created, now, send),
      settled: () => releaseChannel(context, created),
      cluster: context.cluster,
      now,
      onError: (error) => context.onError(error),
    }),
    occupancy: null,
    occupancySentAt: -Infinity,
    occupancyTimer: undefined,
  };
  channels.set(name, created);
  return created;
}

/**
 * A channel nobody here subscribes to any more stops following the broker; its state goes once its presence holds
 * nothing either (no member, no announcement pending), so memory follows what is in use.
 */
function releaseChannel(context: HubContext, state: ChannelState) {
  if (state.subscribers.size > 0) return;
  state.subscription?.close();
  state.subscription = null;
  state.presence.unfollow();
  clearTimeout(state.occupancyTimer);
  state.occupancyTimer = undefined;
  if (state.presence.idle && context.channels.get(state.name) === state) context.channels.delete(state.name);
}

export function unsubscribeSession(context: HubContext, session: SessionState, state: ChannelState) {
  const was = state.subscribers.delete(session);
  session.cursors.delete(state);
  state.occupancyWatchers.delete(session);
  if (was) state.presence.subscribersChanged();
  releaseChannel(context, state);
}

export function leavePresence(context: HubContext, session: SessionState, state: ChannelState) {
  session.present.delete(state);
  state.presence.leave(session, session.presenceKey);
  releaseChannel(context, state);
}

/**
 * Sends a signal to the channel's subscribers here but its sender, and (for a signal of one of our sessions) to the
 * other instances; a signal relayed from another instance (`session` undefined) stops here. Signals are not stored.
 */
export function relaySignal(
  context: HubContext,
  session: SessionState | undefined,
  channel: string,
  event: string,
  data: unknown,
  from: string,
) {
  const state = context.channels.get(channel);
  if (state) {
    const frame: ServerFrame = { type: 'signal', channel, event, data, from };
    for (const subscriber of [...state.subscribers]) if (subscriber !== session) context.send(subscriber, frame);
  }
  if (session && context.cluster) context.cluster.signal(channel, { event, data, from });
}
