import type { ChannelBroker, ChannelHistory, HistoryQuery, HubMessage } from './broker.js';
import type { ServerFrame } from './frames.js';
import type { ChannelHubOptions } from './hub-types.js';
import { settle, type ChannelState, type Cursor, type SessionState } from './hub-state.js';
import { DEFAULT_REACTION_USERS, foldHistory } from './message-states.js';

/** What the delivery of one hub needs from it. */
export interface DeliveryHost {
  readonly broker: ChannelBroker;
  /** Replays fold edits, deletions and reactions into the originals, naming this many users per reaction. */
  readonly reactions: ChannelHubOptions['reactions'];
  send(session: SessionState, frame: ServerFrame): void;
  /** A broker failure left the session's stream uncertain: end it (the client reconnects and resumes). */
  fail(session: SessionState, error: unknown): void;
}

/** Where a subscription starts. */
export type SubscribeFrom =
  /** Replay what follows `after` in `epoch` (the client's resume point); a log of another epoch is replayed whole after a `reset`. */
  | { readonly after: number; readonly epoch: string | undefined }
  /** The newest `rewind` stored messages, then live (0: the live edge). */
  | { readonly rewind: number };

/**
 * Exactly-once, in-order delivery of stored messages to sessions: replays from a resume point, holds live messages
 * back while a replay is read, refills holes from the log, and follows a log that starts over (a new epoch) with a
 * `reset` frame instead of skipping its numbers as already seen.
 */
export interface Delivery {
  /** A stored message from the broker, to every subscriber of `state`. */
  deliver(state: ChannelState, message: HubMessage, epoch: string): void;
  /**
   * Sends the session what it is owed from `from` and sets its cursor live; then calls `then` with the log's state.
   * A broker failure goes to `failed`.
   */
  start(
    session: SessionState,
    state: ChannelState,
    cursor: Cursor,
    from: SubscribeFrom,
    then: (history: ChannelHistory) => void,
    failed: (error: unknown) => void,
  ): void | Promise<void>;
}

export function createDelivery(host: DeliveryHost): Delivery {
  const { send } = host;
  const read = (
    state: ChannelState,
    query: HistoryQuery,
    then: (history: ChannelHistory) => void,
    failed: (error: unknown) => void,
  ) => readFolded(host, state.name, query, then, failed);

  function live(session: SessionState, state: ChannelState): Cursor | undefined {
    if (session.closed) return undefined;
    return session.cursors.get(state);
  }

  /** Sends `message` to one session in seq order: duplicates are dropped, a hole is refilled from the log first. */
  function forward(session: SessionState, state: ChannelState, cursor: Cursor, message: HubMessage, epoch: string) {
    if (cursor.held) return void cursor.held.push([message, epoch]);
    if (epoch !== cursor.epoch) {
      // The log started over while the session followed it: its numbers start again, and the client must know.
      restart(session, state, cursor, epoch);
    }
    if (message.seq <= cursor.sent) return;
    if (message.seq > cursor.sent + 1) {
      cursor.held = [[message, epoch]];
      const refill = catchUp(session, state, cursor);
      if (refill instanceof Promise) refill.catch(() => {});
      return;
    }
    cursor.sent = message.seq;
    send(session, message);
  }

  /** Refills a hole from the log (the caller has set `cursor.held`), following the log into a new epoch if it started over. */
  function catchUp(session: SessionState, state: ChannelState, cursor: Cursor): void | Promise<void> {
    return read(
      state,
      { after: cursor.sent },
      (history) => {
        if (live(session, state) !== cursor) return;
        if (history.epoch !== cursor.epoch && cursor.sent > 0) {
          restart(session, state, cursor, history.epoch);
          return catchUp(session, state, cursor);
        }
        cursor.epoch = history.epoch;
        sendHistory(session, state, cursor, history, cursor.sent);
        release(session, state, cursor);
      },
      (error) => host.fail(session, error),
    );
  }

  function restart(session: SessionState, state: ChannelState, cursor: Cursor, epoch: string) {
    cursor.epoch = epoch;
    cursor.sent = 0;
    send(session, { type: 'reset', channel: state.name, epoch });
  }

  /** The messages of `history` after `after`, in order; what the log cannot supply any more is announced as a `gap`. */
  function sendHistory(
    session: SessionState,
    state: ChannelState,
    cursor: Cursor,
    history: ChannelHistory,
    after: number,
  ) {
    cursor.sent = after;
    for (const message of history.messages) {
      if (message.seq <= cursor.sent) continue;
      if (message.seq > cursor.sent + 1)
        send(session, { type: 'gap', channel: state.name, from: cursor.sent + 1, to: message.seq - 1 });
      cursor.sent = message.seq;
      send(session, message);
    }
    if (history.head > cursor.sent) {
      // The log kept nothing more past `after` (logSize 0, or trimmed away): the rest is a gap.
      send(session, { type: 'gap', channel: state.name, from: cursor.sent + 1, to: history.head });
      cursor.sent = history.head;
    }
  }

  /** The live messages held back during a replay, now in order (they may start a new epoch or show a new hole). */
  function release(session: SessionState, state: ChannelState, cursor: Cursor) {
    const waiting = cursor.held ?? [];
    cursor.held = null;
    for (let i = 0; i < waiting.length; i += 1) {
      const [message, epoch] = waiting[i]!;
      forward(session, state, cursor, message, epoch);
      const holding = cursor.held as [HubMessage, string][] | null;
      if (holding) {
        // A new hole: the refill holds the rest too.
        holding.push(...waiting.slice(i + 1));
        return;
      }
    }
  }

  return {
    deliver(state, message, epoch) {
      for (const session of [...state.subscribers]) {
        const cursor = session.cursors.get(state);
        if (cursor) forward(session, state, cursor, message, epoch);
      }
    },
    start(session, state, cursor, from, then, failed) {
      const finish = (history: ChannelHistory, after: number) => {
        if (live(session, state) !== cursor) return;
        cursor.epoch = history.epoch;
        sendHistory(session, state, cursor, history, after);
        release(session, state, cursor);
        then(history);
      };
      if ('rewind' in from) {
        return read(
          state,
          { limit: from.rewind },
          (history) => {
            const first = history.messages[0];
            finish(history, first === undefined ? history.head : first.seq - 1);
          },
          failed,
        );
      }
      return read(
        state,
        { after: from.after },
        (history) => {
          if (live(session, state) !== cursor) return;
          if (from.epoch === undefined || from.epoch === history.epoch) return finish(history, from.after);
          // The client's numbers count in a log that is gone: tell it, then give it the new log from its start.
          cursor.epoch = history.epoch;
          send(session, { type: 'reset', channel: state.name, epoch: history.epoch });
          if (from.after === 0) return finish(history, 0);
          return read(state, { after: 0 }, (whole) => finish(whole, 0), failed);
        },
        failed,
      );
    },
  };
}

/** Reads the log for a replay, folded into the messages' current states (see `foldHistory`). */
function readFolded(
  { broker, reactions }: DeliveryHost,
  channel: string,
  query: HistoryQuery,
  then: (history: ChannelHistory) => void,
  failed: (error: unknown) => void,
): void | Promise<void> {
  const maxUsers = reactions?.maxUsers ?? DEFAULT_REACTION_USERS;
  return settle(
    () =>
      settle(
        () => broker.history(channel, query),
        (history) => foldHistory(broker, channel, history, maxUsers),
      ),
    then,
    failed,
  );
}
