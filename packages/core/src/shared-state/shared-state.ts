import type { Channel, ChannelMessage, PublishReceipt } from '../channel/types.js';
import { RealtimeError } from '../errors.js';
import { randomId } from '../lib/random-id.js';
import { reportListenerError } from '../lib/report-listener-error.js';
import { createStore, type Store } from '../store.js';
import {
  entryOf,
  initialStateOf,
  isActionRefusal,
  SHARED_STATE_EVENT,
  type ActionContext,
  type SharedStateEntry,
  type SharedStateDefinition,
} from './definition.js';

/** What a UI renders from shared state. */
export interface SharedStateSnapshot<S> {
  /** The server's state with this client's unconfirmed actions applied on top (what to show). */
  readonly state: S;
  /** The server's state as last received. */
  readonly confirmed: S;
  /** The number of actions the server's state has taken (0 before the first). */
  readonly version: number;
  /** This client's actions sent (or waiting offline) that the server has not confirmed yet. */
  readonly pending: number;
  /** The state has been read from the server at least once (false: `state` is still the initial one). */
  readonly synced: boolean;
  /** The newest of this client's actions that was refused (by the reducer, here or on the server), until the next dispatch. */
  readonly refusal: RealtimeError | null;
}

/** Shared state on one channel: a store of {@link SharedStateSnapshot} plus `dispatch`. */
export interface SharedState<S, A> extends Store<SharedStateSnapshot<S>> {
  /**
   * Applies `action` at once (prediction) and sends it; resolves once the server stored it, rejects with a
   * `RealtimeError` when refused (`rejected` with the reducer's message — the prediction is rolled back — or a
   * transport error). An action the reducer refuses here is not sent at all (once the state was read and the user is
   * known; before that the server decides).
   */
  dispatch(action: A): Promise<void>;
  /** Stops following the channel (unconfirmed actions already sent still reach the server). */
  destroy(): void;
}

export interface SharedStateOptions {
  /** Clock for predicted actions' `at`. Default `Date.now`. */
  now?: () => number;
}

/**
 * The newest entry each channel delivered to a shared state, so one created while the channel stays subscribed (React
 * StrictMode's second effect, a remount) starts from it: such a subscription replays nothing.
 */
const newestEntries = /* @__PURE__ */ new WeakMap<
  Channel,
  { readonly entry: SharedStateEntry; readonly seq: number }
>();

interface PendingAction<A> {
  readonly cid: string;
  readonly action: A;
  readonly at: number;
  receipt?: PublishReceipt;
}

/**
 * Follows server-authoritative shared state on `channel` (see `defineSharedState`; the server runs the same
 * definition through `createRealtime({ sharedState })`). Every accepted action is stored with the state after it, so a
 * late joiner needs only the newest entry: get the channel with `client.channel(name, { rewind: 1 })` (React's
 * `useSharedState` does). Actions are predicted at once; when the server's order differs (someone else acted first)
 * the pending ones are replayed on the server's state, and one the server refuses disappears (with `refusal` set).
 *
 * Needs a realtime-kit server (any of its carriers: WebSocket, SSE + POST, long polling, Socket.io): the reducer runs
 * there. Hosted services (Pusher, Ably, Supabase) cannot run it.
 */
export function createSharedState<S, A>(
  channel: Channel,
  definition: SharedStateDefinition<S, A>,
  options: SharedStateOptions = {},
): SharedState<S, A> {
  const now = options.now ?? Date.now;
  const initial = initialStateOf(definition, channel.name);
  let confirmed = initial;
  let version = 0;
  let synced = false;
  let sawEntry = false;
  let refusal: RealtimeError | null = null;
  let pending: PendingAction<A>[] = [];
  let warnedRewind = false;
  const known = newestEntries.get(channel);
  if (known && channel.getSnapshot().subscribed && channel.getSnapshot().lastSeq === known.seq) {
    confirmed = known.entry.state as S;
    version = known.entry.version;
    synced = sawEntry = true;
  }

  const predict = (): S => {
    let state = confirmed;
    for (const entry of pending) {
      try {
        state = definition.reducer(state, entry.action, context(entry.at));
      } catch {
        // No longer legal on the server's newer state (someone acted first): the server will refuse it too.
      }
    }
    return state;
  };
  const snapshot = (): SharedStateSnapshot<S> => ({
    state: predict(),
    confirmed,
    version,
    pending: pending.length,
    synced,
    refusal,
  });
  const store = createStore<SharedStateSnapshot<S>>(snapshot());
  const publish = () => store.set(snapshot());
  const context = (at: number): ActionContext => ({ userId: channel.userId, at });

  const settle = (message: ChannelMessage) => {
    const entry = entryOf<S, A>(message.data);
    if (!entry) return;
    newestEntries.set(channel, { entry, seq: message.seq });
    confirmed = entry.state;
    version = entry.version;
    synced = true;
    sawEntry = true;
    pending = pending.filter(
      (item) => item.cid !== message.cid && !(item.receipt !== undefined && item.receipt.seq <= message.seq),
    );
    publish();
  };

  const offMessages = channel.subscribe(SHARED_STATE_EVENT, settle);
  const offGap = channel.onGap((gap) => {
    if (gap.reason !== 'reset') return;
    // The log started over: so did the state. What was stored in the old log is gone with it.
    newestEntries.delete(channel);
    confirmed = initial;
    version = 0;
    pending = pending.filter((item) => item.receipt === undefined);
    publish();
  });
  const onSubscribed = () => {
    const { subscribed, lastSeq } = channel.getSnapshot();
    if (!subscribed || synced) return;
    synced = true;
    publish();
    if (lastSeq > 0 && !sawEntry && !warnedRewind) {
      warnedRewind = true;
      reportListenerError(
        new RealtimeError(
          'bad_data',
          `createSharedState("${channel.name}"): the channel holds ${lastSeq} stored actions but none was replayed, so ` +
            'the state shown is the initial one until the next action. Get the channel with ' +
            '`client.channel(name, { rewind: 1 })` before anything subscribes it.',
        ),
      );
    }
  };
  // The channel tells it is subscribed just before it delivers what the subscription replayed: look after that.
  const offChannel = channel.subscribe(() => queueMicrotask(onSubscribed));

  return {
    getSnapshot: store.getSnapshot,
    subscribe: store.subscribe,
    dispatch(action) {
      const at = now();
      try {
        definition.reducer(predict(), action, context(at));
      } catch (error) {
        if (!isActionRefusal(error)) return Promise.reject(error);
        // Final only when this client knows the state and who it is; before that the server decides.
        if (synced && channel.userId !== null) {
          refusal = new RealtimeError('rejected', error.message, { details: error.details });
          publish();
          return Promise.reject(refusal);
        }
      }
      const entry: PendingAction<A> = { cid: randomId(), action, at };
      pending = [...pending, entry];
      refusal = null;
      publish();
      return channel.publish(SHARED_STATE_EVENT, action, { cid: entry.cid }).then(
        (receipt) => {
          if (!pending.includes(entry)) return;
          // Stored: the echo (or any later entry) settles it; a reset before that drops it with the old log.
          entry.receipt = receipt;
          if (channel.getSnapshot().lastSeq >= receipt.seq && sawEntry) {
            pending = pending.filter((item) => item !== entry);
            publish();
          }
        },
        (error: unknown) => {
          pending = pending.filter((item) => item !== entry);
          if (error instanceof RealtimeError) refusal = error;
          publish();
          throw error;
        },
      );
    },
    destroy() {
      offMessages();
      offGap();
      offChannel();
    },
  };
}
