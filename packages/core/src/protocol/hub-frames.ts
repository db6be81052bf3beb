import type { RealtimeErrorCode } from '../errors.js';
import type { ClientFrame, FrameError, PresenceStatus } from './frames.js';
import { overChannelLimit, type Admission } from './hub-admission.js';
import { channelState, leavePresence, relaySignal, unsubscribeSession } from './hub-channels.js';
import { checkChannelName, checkEventName, checkMessageAction, measureData } from './hub-checks.js';
import type { HubContext } from './hub-context.js';
import type { Publish } from './hub-publish.js';
import type { SubscribeFrom } from './hub-delivery.js';
import type { SessionState } from './hub-state.js';
import type { Subscribe } from './hub-subscribe.js';

const FRAME_TYPES: ReadonlySet<string> = new Set<ClientFrame['type']>([
  'subscribe',
  'unsubscribe',
  'publish',
  'presence',
  'signal',
  'ping',
]);
const PRESENCE_STATUSES: ReadonlySet<unknown> = new Set<PresenceStatus>(['active', 'idle', 'away']);

type FrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/** What the handlers of one frame share: its session and channel, and the ways to refuse it. */
interface FrameTurn {
  readonly session: SessionState;
  readonly name: string;
  /** The `unauthorized` message for this channel. */
  readonly unauthorized: string;
  /** Set when the session's credentials are limited to other channels: the frame is refused `forbidden`. */
  readonly outOfScope: FrameError | undefined;
  /** Answers with an `error` frame for the channel, the error whole (a rate limit keeps its `retryAfterMs`). */
  refuseOnChannel(error: FrameError): void;
  /** A refusal the hub makes on its own (a limit): answered (on the channel by default) and reported to `onRefused`. */
  refuseAndReport(code: RealtimeErrorCode, message: string, answer?: (error: FrameError) => void): void;
}

/** What the frame handler hands accepted frames to. */
export interface FrameParts {
  readonly admission: Admission;
  readonly subscribe: Subscribe;
  readonly publish: Publish;
}

/** The hub and the parts a frame's handler may hand it to. */
interface HandlerParts extends FrameParts {
  readonly context: HubContext;
}

function onSubscribe(parts: HandlerParts, turn: FrameTurn, frame: FrameOf<'subscribe'>) {
  const { context, admission, subscribe } = parts;
  const { limits, channels, refuse } = context;
  const { withPermission, withAdmission } = admission;
  const { session, name } = turn;
  const { after, rewind, epoch } = frame;
  if (after !== undefined && (typeof after !== 'number' || !Number.isFinite(after) || after < 0)) {
    return refuse(session, 'bad_frame', `"after" must be a non-negative number (got ${String(after)}).`, name);
  }
  if (rewind !== undefined && (typeof rewind !== 'number' || !Number.isFinite(rewind) || rewind < 0)) {
    return refuse(session, 'bad_frame', `"rewind" must be a non-negative number (got ${String(rewind)}).`, name);
  }
  if (epoch !== undefined && typeof epoch !== 'string')
    return refuse(session, 'bad_frame', '"epoch" must be a string.', name);
  if (turn.outOfScope) return turn.refuseOnChannel(turn.outOfScope);
  if (overChannelLimit(session, channels.get(name), limits)) {
    return turn.refuseAndReport(
      'too_many_channels',
      `A connection may use at most ${limits.maxChannelsPerSession} channels at once: unsubscribe from some first.`,
    );
  }
  const from: SubscribeFrom =
    after !== undefined
      ? { after: Math.floor(after), epoch }
      : { rewind: Math.min(Math.floor(rewind ?? 0), Number.MAX_SAFE_INTEGER) };
  return withPermission(session, name, 'subscribe', (allowed) => {
    if (!allowed) return refuse(session, 'unauthorized', turn.unauthorized, name);
    return withAdmission(session, frame, turn.refuseOnChannel, () =>
      subscribe(session, channelState(context, name), from, frame.occupancy === true),
    );
  });
}

function onPublish(parts: HandlerParts, turn: FrameTurn, frame: FrameOf<'publish'>) {
  const { context, admission, publish } = parts;
  const { limits, send, refuse } = context;
  const { withPermission, withAdmission } = admission;
  const { session, name } = turn;
  const { cid, event } = frame;
  if (typeof cid !== 'string' || cid === '' || cid.length > limits.maxEventNameLength) {
    return refuse(
      session,
      'bad_frame',
      `A publish needs a non-empty "cid" string of at most ${limits.maxEventNameLength} characters.`,
      name,
    );
  }
  const nack = (error: FrameError) => send(session, { type: 'nack', cid, channel: name, error });
  const eventProblem = checkEventName(event, limits, 'publish') ?? checkMessageAction(frame);
  if (eventProblem) return turn.refuseAndReport('bad_frame', eventProblem, nack);
  const measured = measureData(frame.data, limits.maxDataDepth);
  if (!measured.ok) return turn.refuseAndReport(measured.error.code as RealtimeErrorCode, measured.error.message, nack);
  if (turn.outOfScope) return nack(turn.outOfScope);
  return withPermission(session, name, 'publish', (allowed) => {
    if (!allowed) return nack({ code: 'unauthorized', message: turn.unauthorized });
    return withAdmission(session, frame, nack, () => publish(session, name, frame, measured.bytes));
  });
}

function onPresence({ context, admission }: HandlerParts, turn: FrameTurn, frame: FrameOf<'presence'>) {
  const { limits, channels, refuse } = context;
  const { withPermission, withAdmission } = admission;
  const { session, name } = turn;
  const { action, status } = frame;
  if (action !== 'enter' && action !== 'update' && action !== 'leave') {
    return refuse(
      session,
      'bad_frame',
      `Unknown presence action "${String(action).slice(0, 64)}": use enter, update or leave.`,
      name,
    );
  }
  if (action === 'leave') {
    // Leaving a channel the session is not present in changes nothing and allocates nothing.
    const state = channels.get(name);
    if (state && session.present.has(state)) leavePresence(context, session, state);
    return;
  }
  if (status !== undefined && !PRESENCE_STATUSES.has(status)) {
    return refuse(
      session,
      'bad_frame',
      `Unknown presence status "${String(status).slice(0, 64)}": use active, idle or away.`,
      name,
    );
  }
  const measured = measureData(frame.data, limits.maxDataDepth);
  if (!measured.ok) return turn.refuseAndReport('bad_frame', measured.error.message);
  if (measured.bytes > limits.maxPresenceDataBytes) {
    return turn.refuseAndReport(
      'message_too_large',
      `Presence data is limited to ${limits.maxPresenceDataBytes} bytes (got about ${measured.bytes}): keep large data elsewhere.`,
    );
  }
  if (turn.outOfScope) return turn.refuseOnChannel(turn.outOfScope);
  const known = channels.get(name);
  if (action === 'update' && !(known && session.present.has(known))) {
    return refuse(session, 'bad_frame', 'A presence "update" needs an "enter" first on this connection.', name);
  }
  if (overChannelLimit(session, known, limits)) {
    return turn.refuseAndReport(
      'too_many_channels',
      `A connection may use at most ${limits.maxChannelsPerSession} channels at once: leave some first.`,
    );
  }
  return withPermission(session, name, 'presence', (allowed) => {
    if (!allowed) return refuse(session, 'unauthorized', turn.unauthorized, name);
    return withAdmission(session, frame, turn.refuseOnChannel, () => {
      const state = channelState(context, name);
      session.present.add(state);
      state.presence.enter(session, session.presenceKey, frame.data, status);
    });
  });
}

function onSignal({ context, admission }: HandlerParts, turn: FrameTurn, frame: FrameOf<'signal'>) {
  const { limits, refuse } = context;
  const { withPermission, withAdmission } = admission;
  const { session, name } = turn;
  const { event } = frame;
  const eventProblem = checkEventName(event, limits, 'signal');
  if (eventProblem) return refuse(session, 'bad_frame', eventProblem, name);
  const measured = measureData(frame.data, limits.maxDataDepth);
  if (!measured.ok) return turn.refuseAndReport('bad_frame', measured.error.message);
  if (turn.outOfScope) return turn.refuseOnChannel(turn.outOfScope);
  return withPermission(session, name, 'signal', (allowed) => {
    if (!allowed) return refuse(session, 'unauthorized', turn.unauthorized, name);
    return withAdmission(session, frame, turn.refuseOnChannel, () =>
      relaySignal(context, session, name, event, frame.data, session.presenceKey),
    );
  });
}

/**
 * Checks each client frame (its shape, names, sizes, the session's scope and channel limit), asks `authorize` and
 * `admit`, and hands it to the part that carries it out. Every refusal is a typed answer; the session goes on.
 */
export function createFrameHandler(context: HubContext, { admission, subscribe, publish }: FrameParts) {
  const { limits, channels, send, refuse } = context;
  const parts: HandlerParts = { context, admission, subscribe, publish };

  return function handle(session: SessionState, frame: ClientFrame): void | Promise<void> {
    if (session.closed) return;
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame))
      return refuse(session, 'bad_frame', 'A frame must be a JSON object.');
    if (!FRAME_TYPES.has(frame.type)) {
      return refuse(
        session,
        'bad_frame',
        `Unknown frame type "${String((frame as { type?: unknown }).type).slice(0, 64)}".`,
      );
    }
    if (frame.type === 'ping') return send(session, { type: 'pong', t: frame.t });
    const nameProblem = checkChannelName((frame as { channel?: unknown }).channel, limits);
    if (nameProblem) return refuse(session, 'bad_frame', `A "${frame.type}" frame ${nameProblem}.`);
    const name = frame.channel;
    const scope = session.info.channels;
    const refuseOnChannel = (error: FrameError) => send(session, { type: 'error', error, channel: name });
    const turn: FrameTurn = {
      session,
      name,
      unauthorized: `Not allowed to use channel "${name}": check the server's authorize() for this user.`,
      outOfScope:
        scope && !scope.includes(name)
          ? {
              code: 'forbidden',
              message: `The credentials of this connection are limited to other channels than "${name}".`,
            }
          : undefined,
      refuseOnChannel,
      refuseAndReport: (code, message, answer = refuseOnChannel) =>
        context.refused(session, name, frame.type, answer, { code, message }),
    };
    switch (frame.type) {
      case 'subscribe':
        return onSubscribe(parts, turn, frame);
      case 'unsubscribe': {
        const state = channels.get(name);
        if (state) unsubscribeSession(context, session, state);
        return;
      }
      case 'publish':
        return onPublish(parts, turn, frame);
      case 'presence':
        return onPresence(parts, turn, frame);
      case 'signal':
        return onSignal(parts, turn, frame);
      default: {
        const unknown: never = frame;
        return refuse(session, 'bad_frame', `Unknown frame type "${String((unknown as { type?: unknown }).type)}".`);
      }
    }
  };
}
