import { RealtimeError } from '../errors.js';
import { randomId } from '../lib/random-id.js';
import type { ChannelBroker } from './broker.js';
import { createAdmission, type AdmissionCheck } from './hub-admission.js';
import { relaySignal } from './hub-channels.js';
import { checkChannelName, checkEventName, measureData } from './hub-checks.js';
import { createHubContext } from './hub-context.js';
import { createFrameHandler } from './hub-frames.js';
import { createPublisher } from './hub-publish.js';
import { connectSession, type SessionSettings } from './hub-session.js';
import { settle } from './hub-state.js';
import { createSubscriber } from './hub-subscribe.js';
import { createMemoryBroker, type MemoryBroker } from './memory-broker.js';
import { DEFAULT_REACTION_USERS, foldHistory } from './message-states.js';
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
  MessageActionContext,
  ReactionOptions,
  PublishContext,
  PublishVerdict,
  StoredInfo,
} from './hub-types.js';

export { DEFAULT_LOG_SIZE } from './memory-broker.js';

/** The `from` of a signal the server sends (`hub.signal`): no user id or presence key is empty. */
const SERVER_SIGNAL_FROM = '';
/** Sent in `welcome` unless `heartbeatMs` says otherwise: clients ping this often. */
const DEFAULT_HEARTBEAT_MS = 25_000;
/** Longest one client frame's handling may wait before its session is closed (see `frameTimeoutMs`). */
const DEFAULT_FRAME_TIMEOUT_MS = 15_000;

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
 *
 * The parts share one `HubContext` (`hub-context.ts`): sessions (`hub-session.ts`), the frame checks (`hub-frames.ts`) with
 * `authorize`/`admit` (`hub-admission.ts`), subscriptions and resume (`hub-subscribe.ts`, `hub-delivery.ts`), client
 * publishes (`hub-publish.ts`), channels and presence (`hub-channels.ts`, `hub-presence.ts`), occupancy.
 */
export function createChannelHub<B extends ChannelBroker = MemoryBroker>(
  options: ChannelHubOptions<B> = {},
): ChannelHub<B> {
  const broker = (options.broker ?? createMemoryBroker(options)) as B;
  const context = createHubContext(options, broker);
  const { limits, channels, sessions } = context;
  const checks = new Set<AdmissionCheck>();
  const settings: SessionSettings = {
    createId: options.createId ?? randomId,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    frameTimeoutMs: frameTimeoutOf(options.frameTimeoutMs),
    handle: createFrameHandler(context, {
      admission: createAdmission(context, options, checks),
      subscribe: createSubscriber(context),
      publish: createPublisher(context),
    }),
  };

  context.cluster?.onNotice((notice) => {
    for (const state of [...channels.values()]) {
      if (notice.type === 'down') state.presence.dropInstances(notice.instances);
      else state.presence.resync();
    }
  });

  return {
    broker,
    connect: (connection) => connectSession(context, settings, connection),
    publish(channel, event, data, publishOptions = {}) {
      const nameProblem = checkChannelName(channel, limits);
      if (nameProblem) throw new RealtimeError('bad_frame', `hub.publish: the channel ${nameProblem}.`);
      const eventProblem = checkEventName(event, limits, 'publish');
      if (eventProblem) throw new RealtimeError('bad_frame', `hub.publish to "${channel}": ${eventProblem}`);
      const measured = measureData(data, limits.maxDataDepth);
      if (!measured.ok)
        throw new RealtimeError('invalid_payload', `hub.publish to "${channel}": ${measured.error.message}`);
      return settle(
        () => broker.publish(channel, { event, data, cid: publishOptions.cid, size: measured.bytes }),
        (outcome) => {
          context.stored(undefined, channel, event, outcome);
          return { id: outcome.id, seq: outcome.seq };
        },
      ) as HubPublishResult<B>;
    },
    signal(channel, event, data, signalOptions = {}) {
      const nameProblem = checkChannelName(channel, limits);
      if (nameProblem) throw new RealtimeError('bad_frame', `hub.signal: the channel ${nameProblem}.`);
      const eventProblem = checkEventName(event, limits, 'signal');
      if (eventProblem) throw new RealtimeError('bad_frame', `hub.signal to "${channel}": ${eventProblem}`);
      const measured = measureData(data, limits.maxDataDepth);
      if (!measured.ok)
        throw new RealtimeError('invalid_payload', `hub.signal to "${channel}": ${measured.error.message}`);
      const { to } = signalOptions;
      if (to === undefined) {
        relaySignal(context, undefined, channel, event, data, SERVER_SIGNAL_FROM);
        context.cluster?.signal(channel, { event, data, from: SERVER_SIGNAL_FROM });
        return;
      }
      const state = channels.get(channel);
      const frame = { type: 'signal', channel, event, data, from: SERVER_SIGNAL_FROM } as const;
      for (const subscriber of state?.subscribers ?? []) if (subscriber.info.id === to) context.send(subscriber, frame);
    },
    addAdmission(check) {
      const added = (session: Parameters<AdmissionCheck>[0], frame: Parameters<AdmissionCheck>[1]) =>
        check(session, frame);
      checks.add(added);
      return () => void checks.delete(added);
    },
    history(channel, query, historyOptions = {}) {
      if (historyOptions.versions) return broker.history(channel, query);
      const maxUsers = options.reactions?.maxUsers ?? DEFAULT_REACTION_USERS;
      return settle(
        () => broker.history(channel, query),
        (history) => foldHistory(broker, channel, history, maxUsers),
      );
    },
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
      for (const session of [...sessions]) context.end(session, true);
      if (!resetOptions.dropLogs && !resetOptions.restartLogs) return;
      const memory = broker as Partial<MemoryBroker>;
      const step = resetOptions.restartLogs ? memory.restart : memory.clear;
      if (typeof step !== 'function') throw new TypeError('reset({ dropLogs | restartLogs }) needs the memory broker.');
      step.call(broker);
    },
  };
}

function frameTimeoutOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_FRAME_TIMEOUT_MS;
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`createChannelHub: frameTimeoutMs must be a positive number of ms (got ${String(value)}).`);
  return value;
}
