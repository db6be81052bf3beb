import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import { reportListenerError } from '../lib/report-listener-error.js';
import { randomId } from '../lib/random-id.js';
import type { ChannelBroker, HubMessage, MaybePromise, PublishOutcome } from './broker.js';
import { PROTOCOL_VERSION, type ClientFrame, type FrameError, type PresenceStatus, type ServerFrame } from './frames.js';
import { checkChannelName, checkEventName, measureData, resolveHubLimits } from './hub-checks.js';
import { occupancyChanged, occupancyFrame } from './hub-occupancy.js';
import { createDelivery, type SubscribeFrom } from './hub-delivery.js';
import { createPublisher } from './hub-publish.js';
import { createChannelPresence } from './hub-presence.js';
import { both, settle, type ChannelState, type HubAction, type HubSessionInfo, type SessionState } from './hub-state.js';
import { createMemoryBroker, type MemoryBroker } from './memory-broker.js';

import type { ChannelHub, ChannelHubOptions, HubPublishResult } from './hub-types.js';

export type { HubMessage } from './broker.js';
export type { HubAction, HubSessionInfo } from './hub-state.js';
export type { HubLimits } from './hub-checks.js';
export type {
  ChannelHub,
  ChannelHubOptions,
  HubConnection,
  HubPublishResult,
  HubReceipt,
  HubResetOptions,
  HubSession,
  PublishContext,
  PublishVerdict,
  StoredInfo,
} from './hub-types.js';

export { DEFAULT_LOG_SIZE } from './memory-broker.js';
const DEFAULT_HEARTBEAT_MS = 25_000;
const FRAME_TYPES: ReadonlySet<string> = new Set<ClientFrame['type']>(['subscribe', 'unsubscribe', 'publish', 'presence', 'signal', 'ping']);
const PRESENCE_STATUSES: ReadonlySet<unknown> = new Set<PresenceStatus>(['active', 'idle', 'away']);

type Admitted = Exclude<ClientFrame, { type: 'ping' }>;

/**
 * The reference server semantics of the channel protocol (see `frames.ts` and PROTOCOL.md), with no transport:
 * `@realtime-kit/server` puts it behind WebSockets, SSE and Socket.io, the test kit behind an in-memory transport.
 * Messages live in a {@link ChannelBroker} (default in memory; Redis for many instances).
 *
 * - Every channel numbers its messages 1, 2, 3, … within an epoch of its log; the broker keeps the newest for replay.
 * - `subscribe { after, epoch }` replays every kept message with `seq > after` (a `gap` first for what the log lost;
 *   a `reset` and the whole new log when the log started over since `epoch`); `rewind: n` gives the newest `n`.
 *   Then presence `sync`, then `subscribed`. Each session gets every seq at most once and in order.
 * - `publish` is idempotent by `cid` per channel; an ack is sent only once the broker has stored the message. Every
 *   stored message carries `from`, the publisher as the server knows it.
 * - Presence is one member per `userId`, counting that user's connections on every instance sharing the broker.
 * - Bad input (names, nesting, sizes, too many channels) is refused with a typed error; the session goes on.
 * @example
 * const hub = createChannelHub({ authorize: (session, channel) => !channel.startsWith('private-') })
 * const session = hub.connect({ send: (frame) => socket.send(JSON.stringify(frame)), userId })
 * socket.onmessage = (event) => session.receive(JSON.parse(event.data))
 * socket.onclose = () => session.close()
 */
export function createChannelHub<B extends ChannelBroker = MemoryBroker>(options: ChannelHubOptions<B> = {}): ChannelHub<B> {
  const broker = (options.broker ?? createMemoryBroker(options)) as B;
  const createId = options.createId ?? randomId;
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const limits = resolveHubLimits(options.limits);
  /** Permission answers kept per session: every action on every channel it may hold at once, twice over. */
  const allowedCacheSize = 8 * limits.maxChannelsPerSession;
  const { authorize, admit, onStored, beforePublish } = options;
  const onError = options.onError ?? ((error: unknown) => reportListenerError(error));
  const { cluster } = broker;

  const channels = new Map<string, ChannelState>();
  const sessions = new Set<SessionState>();

  const delivery = createDelivery({ broker, send, fail });
  const publish = createPublisher({ broker, limits, beforePublish, send, stored, refused, onError });

  cluster?.onNotice((notice) => {
    for (const state of [...channels.values()]) {
      if (notice.type === 'down') state.presence.dropInstances(notice.instances);
      else state.presence.resync();
    }
  });

  function channelState(name: string): ChannelState {
    let state = channels.get(name);
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
        settled: () => release(created),
        cluster,
        now,
        onError: (error) => onError(error, { id: '', userId: undefined }),
      }),
      occupancy: null,
      occupancySentAt: -Infinity,
      occupancyTimer: undefined,
    };
    channels.set(name, created);
    return created;
  }

  function release(state: ChannelState) {
    if (state.subscribers.size > 0) return;
    state.subscription?.close();
    state.subscription = null;
    state.presence.unfollow();
    clearTimeout(state.occupancyTimer);
    state.occupancyTimer = undefined;
    if (state.presence.idle && channels.get(state.name) === state) channels.delete(state.name);
  }

  function send(session: SessionState, frame: ServerFrame) {
    if (session.closed) return;
    try {
      session.connection.send(frame);
    } catch (error) {
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

  function relaySignal(session: SessionState | undefined, channel: string, event: string, data: unknown, from: string) {
    const state = channels.get(channel);
    if (state) {
      const frame: ServerFrame = { type: 'signal', channel, event, data, from };
      for (const subscriber of [...state.subscribers]) if (subscriber !== session) send(subscriber, frame);
    }
    if (session && cluster) cluster.signal(channel, { event, data, from });
  }

  function subscribe(session: SessionState, state: ChannelState, from: SubscribeFrom, occupancy: boolean): void | Promise<void> {
    const fresh = !state.subscribers.has(session);
    state.subscribers.add(session);
    state.subscription ??= broker.subscribe(state.name, {
      message: (message, epoch) => delivery.deliver(state, message, epoch),
      cluster: (event) => {
        if (event.type === 'signal') relaySignal(undefined, state.name, event.event, event.data, event.from);
        else state.presence.apply(event);
      },
    });
    const following = state.presence.follow();
    if (fresh) state.presence.subscribersChanged();
    if (occupancy) state.occupancyWatchers.add(session);
    else state.occupancyWatchers.delete(session);
    // Live messages are held from now until the replay (or the head, for a fresh subscription) is read.
    const cursor = { sent: 0, epoch: '', held: [] as [HubMessage, string][] };
    session.cursors.set(state, cursor);
    const refused = (error: unknown) => {
      if (session.closed || session.cursors.get(state) !== cursor) return;
      unsubscribe(session, state);
      refuse(session, 'unavailable', `Could not subscribe to "${state.name}": the message store is unavailable. Retry shortly.`, state.name);
      onError(error, session.info);
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
            send(session, { type: 'subscribed', channel: state.name, seq: Math.max(history.head, cursor.sent), epoch: cursor.epoch });
            if (occupancy) send(session, occupancyFrame(state));
          },
          refused,
        ),
      refused,
    );
  }

  function unsubscribe(session: SessionState, state: ChannelState) {
    const was = state.subscribers.delete(session);
    session.cursors.delete(state);
    state.occupancyWatchers.delete(session);
    if (was) state.presence.subscribersChanged();
    release(state);
  }

  function presenceLeave(session: SessionState, state: ChannelState) {
    session.present.delete(state);
    state.presence.leave(session, session.presenceKey);
    release(state);
  }

  function end(session: SessionState, notifyConnection: boolean) {
    if (session.closed) return;
    session.closed = true;
    sessions.delete(session);
    for (const state of [...session.cursors.keys()]) unsubscribe(session, state);
    for (const state of [...session.present]) presenceLeave(session, state);
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

  /** Runs `then` with the session's permission for `action` on `channel`: synchronously when `authorize` is. */
  function withPermission(session: SessionState, channel: string, action: HubAction, then: (allowed: boolean) => void | Promise<void>): void | Promise<void> {
    if (!authorize) return then(true);
    const key = `${action}\u0000${channel}`;
    let answer = session.allowed.get(key);
    if (answer === undefined) {
      try {
        answer = authorize(session.info, channel, action);
      } catch (error) {
        onError(error, session.info);
        answer = false;
      }
      session.allowed.set(key, answer);
      // Bounded: a session that walks through ever new channels must not grow its cache forever (oldest asked go first).
      if (session.allowed.size > allowedCacheSize) session.allowed.delete(session.allowed.keys().next().value as string);
    }
    if (typeof answer === 'boolean') return then(answer);
    return answer.then(
      (allowed) => {
        session.allowed.set(key, allowed === true);
        if (!session.closed) return then(allowed === true);
      },
      (error: unknown) => {
        session.allowed.set(key, false);
        onError(error, session.info);
        if (!session.closed) return then(false);
      },
    );
  }

  /** Runs `then` unless `admit` refuses the frame; a refusal goes to `refused`. */
  function withAdmission(session: SessionState, frame: Admitted, refused: (error: FrameError) => void, then: () => void | Promise<void>): void | Promise<void> {
    if (!admit) return then();
    return settle(
      () => admit(session.info, frame),
      (verdict) => {
        if (session.closed) return;
        if (verdict) return refused(verdict);
        return then();
      },
      (error) => {
        onError(error, session.info);
        refused({ code: 'server_error', message: 'The server failed to check this frame.' });
      },
    );
  }

  function refused(session: SessionState, channel: string, frame: ClientFrame['type'], answer: (error: FrameError) => void, error: FrameError) {
    answer(error);
    try {
      options.onRefused?.(session.info, { channel, frame, error });
    } catch (thrown) {
      onError(thrown, session.info);
    }
  }

  function stored(session: HubSessionInfo | undefined, channel: string, event: string, outcome: PublishOutcome) {
    if (!onStored) return;
    try {
      onStored(session, { channel, event, id: outcome.id, seq: outcome.seq, fresh: outcome.fresh });
    } catch (error) {
      onError(error, session ?? { id: '', userId: undefined });
    }
  }

  /** Whether taking on `state` would put the session over its channel limit. */
  function overChannelLimit(session: SessionState, state: ChannelState | undefined): boolean {
    if (state && (session.cursors.has(state) || session.present.has(state))) return false;
    let count = session.cursors.size;
    for (const present of session.present) if (!session.cursors.has(present)) count += 1;
    return count >= limits.maxChannelsPerSession;
  }

  function handle(session: SessionState, frame: ClientFrame): void | Promise<void> {
    if (session.closed) return;
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return refuse(session, 'bad_frame', 'A frame must be a JSON object.');
    if (!FRAME_TYPES.has(frame.type)) {
      return refuse(session, 'bad_frame', `Unknown frame type "${String((frame as { type?: unknown }).type).slice(0, 64)}".`);
    }
    if (frame.type === 'ping') {
      send(session, { type: 'pong', t: frame.t });
      return;
    }
    const nameProblem = checkChannelName((frame as { channel?: unknown }).channel, limits);
    if (nameProblem) return refuse(session, 'bad_frame', `A "${frame.type}" frame ${nameProblem}.`);
    const name = frame.channel;
    const unauthorized = `Not allowed to use channel "${name}": check the server's authorize() for this user.`;
    const scope = session.info.channels;
    const outOfScope: FrameError | undefined =
      scope && !scope.includes(name) ? { code: 'forbidden', message: `The credentials of this connection are limited to other channels than "${name}".` } : undefined;
    // `admit`'s refusal goes out whole: a rate limit keeps its `retryAfterMs`.
    const refuseOnChannel = (error: FrameError) => send(session, { type: 'error', error, channel: name });
    const limited = (code: RealtimeErrorCode, message: string, answer = refuseOnChannel) =>
      refused(session, name, frame.type, answer, { code, message });
    switch (frame.type) {
      case 'subscribe': {
        const { after, rewind, epoch } = frame;
        if (after !== undefined && (typeof after !== 'number' || !Number.isFinite(after) || after < 0)) {
          return refuse(session, 'bad_frame', `"after" must be a non-negative number (got ${String(after)}).`, name);
        }
        if (rewind !== undefined && (typeof rewind !== 'number' || !Number.isFinite(rewind) || rewind < 0)) {
          return refuse(session, 'bad_frame', `"rewind" must be a non-negative number (got ${String(rewind)}).`, name);
        }
        if (epoch !== undefined && typeof epoch !== 'string') return refuse(session, 'bad_frame', '"epoch" must be a string.', name);
        if (outOfScope) return refuseOnChannel(outOfScope);
        if (overChannelLimit(session, channels.get(name))) {
          return limited('too_many_channels', `A connection may use at most ${limits.maxChannelsPerSession} channels at once: unsubscribe from some first.`);
        }
        const from: SubscribeFrom =
          after !== undefined ? { after: Math.floor(after), epoch } : { rewind: Math.min(Math.floor(rewind ?? 0), Number.MAX_SAFE_INTEGER) };
        return withPermission(session, name, 'subscribe', (allowed) => {
          if (!allowed) return refuse(session, 'unauthorized', unauthorized, name);
          return withAdmission(session, frame, refuseOnChannel, () => subscribe(session, channelState(name), from, frame.occupancy === true));
        });
      }
      case 'unsubscribe': {
        const state = channels.get(name);
        if (state) unsubscribe(session, state);
        return;
      }
      case 'publish': {
        const { cid, event } = frame;
        if (typeof cid !== 'string' || cid === '' || cid.length > limits.maxEventNameLength) {
          return refuse(session, 'bad_frame', `A publish needs a non-empty "cid" string of at most ${limits.maxEventNameLength} characters.`, name);
        }
        const nack = (error: FrameError) => send(session, { type: 'nack', cid, channel: name, error });
        const eventProblem = checkEventName(event, limits, 'publish');
        if (eventProblem) return limited('bad_frame', eventProblem, nack);
        const measured = measureData(frame.data, limits.maxDataDepth);
        if (!measured.ok) return limited(measured.error.code as RealtimeErrorCode, measured.error.message, nack);
        if (outOfScope) return nack(outOfScope);
        return withPermission(session, name, 'publish', (allowed) => {
          if (!allowed) return nack({ code: 'unauthorized', message: unauthorized });
          return withAdmission(session, frame, nack, () => publish(session, name, frame, measured.bytes));
        });
      }
      case 'presence': {
        const { action, status } = frame;
        if (action !== 'enter' && action !== 'update' && action !== 'leave') {
          return refuse(session, 'bad_frame', `Unknown presence action "${String(action).slice(0, 64)}": use enter, update or leave.`, name);
        }
        if (action === 'leave') {
          // Leaving a channel the session is not present in changes nothing and allocates nothing.
          const state = channels.get(name);
          if (state && session.present.has(state)) presenceLeave(session, state);
          return;
        }
        if (status !== undefined && !PRESENCE_STATUSES.has(status)) {
          return refuse(session, 'bad_frame', `Unknown presence status "${String(status).slice(0, 64)}": use active, idle or away.`, name);
        }
        const measured = measureData(frame.data, limits.maxDataDepth);
        if (!measured.ok) return limited('bad_frame', measured.error.message);
        if (measured.bytes > limits.maxPresenceDataBytes) {
          return limited('message_too_large', `Presence data is limited to ${limits.maxPresenceDataBytes} bytes (got about ${measured.bytes}): keep large data elsewhere.`);
        }
        if (outOfScope) return refuseOnChannel(outOfScope);
        const known = channels.get(name);
        if (action === 'update' && !(known && session.present.has(known))) {
          return refuse(session, 'bad_frame', 'A presence "update" needs an "enter" first on this connection.', name);
        }
        if (overChannelLimit(session, known)) {
          return limited('too_many_channels', `A connection may use at most ${limits.maxChannelsPerSession} channels at once: leave some first.`);
        }
        return withPermission(session, name, 'presence', (allowed) => {
          if (!allowed) return refuse(session, 'unauthorized', unauthorized, name);
          return withAdmission(session, frame, refuseOnChannel, () => {
            const state = channelState(name);
            session.present.add(state);
            state.presence.enter(session, session.presenceKey, frame.data, status);
          });
        });
      }
      case 'signal': {
        const { event } = frame;
        const eventProblem = checkEventName(event, limits, 'signal');
        if (eventProblem) return refuse(session, 'bad_frame', eventProblem, name);
        const measured = measureData(frame.data, limits.maxDataDepth);
        if (!measured.ok) return limited('bad_frame', measured.error.message);
        if (outOfScope) return refuseOnChannel(outOfScope);
        return withPermission(session, name, 'signal', (allowed) => {
          if (!allowed) return refuse(session, 'unauthorized', unauthorized, name);
          return withAdmission(session, frame, refuseOnChannel, () => relaySignal(session, name, event, frame.data, session.presenceKey));
        });
      }
      default: {
        const unknown: never = frame;
        return refuse(session, 'bad_frame', `Unknown frame type "${String((unknown as { type?: unknown }).type)}".`);
      }
    }
  }

  return {
    broker,
    connect(connection) {
      const id = createId();
      const info: HubSessionInfo = Object.freeze({
        id,
        userId: connection.userId,
        ...(connection.transport === undefined ? {} : { transport: connection.transport }),
        ...(connection.channels === undefined ? {} : { channels: Object.freeze([...connection.channels]) }),
      });
      const session: SessionState = {
        info,
        // Anonymous sessions are shown to others under an id of their own, never the session id (which could be used
        // to reach the session over an HTTP carrier).
        presenceKey: connection.userId ?? `anon-${randomId().replace(/-/g, '').slice(0, 16)}`,
        connection,
        cursors: new Map(),
        present: new Set(),
        allowed: new Map(),
        blocked: new Map(),
        chain: null,
        closed: false,
      };
      sessions.add(session);
      send(session, {
        type: 'welcome',
        v: PROTOCOL_VERSION,
        connectionId: id,
        heartbeatMs,
        ...(connection.userId === undefined ? {} : { userId: connection.userId }),
        ...(connection.session === undefined ? {} : { session: connection.session }),
      });
      return {
        id,
        info,
        receive(frame) {
          const run = () => handle(session, frame);
          const result = session.chain ? session.chain.then(run, run) : run();
          if (result === undefined) return;
          session.chain = result;
          const clear = () => {
            if (session.chain === result) session.chain = null;
          };
          void result.then(clear, clear);
          return result;
        },
        close() {
          end(session, false);
        },
      };
    },
    publish(channel, event, data, publishOptions = {}) {
      const nameProblem = checkChannelName(channel, limits);
      if (nameProblem) throw new RealtimeError('bad_frame', `hub.publish: the channel ${nameProblem}.`);
      const eventProblem = checkEventName(event, limits, 'publish');
      if (eventProblem) throw new RealtimeError('bad_frame', `hub.publish to "${channel}": ${eventProblem}`);
      const measured = measureData(data, limits.maxDataDepth);
      if (!measured.ok) throw new RealtimeError('invalid_payload', `hub.publish to "${channel}": ${measured.error.message}`);
      return settle(
        () => broker.publish(channel, { event, data, cid: publishOptions.cid, size: measured.bytes }),
        (outcome) => {
          stored(undefined, channel, event, outcome);
          return { id: outcome.id, seq: outcome.seq };
        },
      ) as HubPublishResult<B>;
    },
    history: (channel, query) => broker.history(channel, query),
    presence(channel) {
      return channels.get(channel)?.presence.members() ?? [];
    },
    get sessions() {
      return sessions.size;
    },
    get channels() {
      return channels.size;
    },
    reset(resetOptions = {}) {
      for (const session of [...sessions]) end(session, true);
      if (!resetOptions.dropLogs && !resetOptions.restartLogs) return;
      const memory = broker as Partial<MemoryBroker>;
      const step = resetOptions.restartLogs ? memory.restart : memory.clear;
      if (typeof step !== 'function') throw new TypeError('reset({ dropLogs | restartLogs }) needs the memory broker.');
      step.call(broker);
    },
  };
}
