import { relaySignal, unsubscribeSession } from './hub-channels.js';
import type { HubContext } from './hub-context.js';
import { createDelivery, type SubscribeFrom } from './hub-delivery.js';
import { occupancyFrame } from './hub-occupancy.js';
import { both, settle, type ChannelState, type Cursor, type SessionState } from './hub-state.js';

/** Subscribes a session to a channel (already authorized and admitted) from where it asked to start. */
export type Subscribe = (
  session: SessionState,
  state: ChannelState,
  from: SubscribeFrom,
  occupancy: boolean,
) => void | Promise<void>;

/**
 * Subscriptions: the first subscriber here makes the channel follow the broker (messages, and the other instances'
 * presence and signals); each session then gets what it is owed from its resume point, the presence `sync`, and
 * `subscribed` with the point it now stands at. A store that cannot be read refuses the subscribe `unavailable`.
 */
export function createSubscriber(context: HubContext): Subscribe {
  const { broker, send } = context;
  const delivery = createDelivery(context);

  return function subscribe(session, state, from, occupancy) {
    const fresh = !state.subscribers.has(session);
    state.subscribers.add(session);
    state.subscription ??= broker.subscribe(state.name, {
      message: (message, epoch) => delivery.deliver(state, message, epoch),
      cluster: (event) => {
        if (event.type === 'signal') relaySignal(context, undefined, state.name, event.event, event.data, event.from);
        else state.presence.apply(event);
      },
    });
    const following = state.presence.follow(state.subscription.ready);
    if (fresh) state.presence.subscribersChanged();
    if (occupancy) state.occupancyWatchers.add(session);
    else state.occupancyWatchers.delete(session);
    // Live messages are held from now until the replay (or the head, for a fresh subscription) is read.
    const cursor: Cursor = { sent: 0, epoch: '', held: [] };
    session.cursors.set(state, cursor);
    const refused = (error: unknown) => {
      if (session.closed || session.cursors.get(state) !== cursor) return;
      unsubscribeSession(context, session, state);
      context.refuse(
        session,
        'unavailable',
        `Could not subscribe to "${state.name}": the message store is unavailable. Retry shortly.`,
        state.name,
      );
      context.onError(error, session.info);
    };
    const subscription = state.subscription;
    return settle(
      () => both(subscription.ready, following),
      () =>
        delivery.start(
          session,
          state,
          cursor,
          from,
          (history) => {
            send(session, { type: 'presence', channel: state.name, action: 'sync', members: state.presence.members() });
            send(session, {
              type: 'subscribed',
              channel: state.name,
              seq: Math.max(history.head, cursor.sent),
              epoch: cursor.epoch,
            });
            if (occupancy) send(session, occupancyFrame(state));
          },
          refused,
        ),
      refused,
    );
  };
}
