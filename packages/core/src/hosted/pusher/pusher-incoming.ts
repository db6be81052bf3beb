import { RealtimeError } from '../../errors.js';
import { isRecord } from '../../lib/is-record.js';
import { randomId } from '../../lib/random-id.js';
import { safeText } from '../../lib/safe-json.js';
import { decodeEnvelope } from '../shared/envelope.js';
import { PUSHER_CLIENT_EVENT_PREFIX, PUSHER_PRESENCE_EVENT, PUSHER_SIGNAL_EVENT } from './pusher-constants.js';
import type { ChannelEntry, PusherContext } from './pusher-context.js';

/**
 * An event on a channel the client subscribed: a `message` frame numbered by the adapter (Pusher has no sequence).
 * Events triggered by your server arrive with their own names, client events without the `client-` prefix;
 * Pusher's internal events and realtime-kit's own (presence, signals) are not messages.
 */
export function deliverEvent(context: PusherContext, entry: ChannelEntry, eventName: string, data: unknown): void {
  if (typeof eventName !== 'string' || eventName.startsWith('pusher:') || eventName.startsWith('pusher_internal:'))
    return;
  if (eventName === PUSHER_PRESENCE_EVENT || eventName === PUSHER_SIGNAL_EVENT) return;
  if (!entry.wanted || !entry.ready) return;
  const event = eventName.startsWith(PUSHER_CLIENT_EVENT_PREFIX)
    ? eventName.slice(PUSHER_CLIENT_EVENT_PREFIX.length)
    : eventName;
  const seq = ++entry.seq;
  const envelope = decodeEnvelope(data);
  if (envelope) {
    const base = {
      type: 'message' as const,
      channel: entry.name,
      id: envelope.id,
      seq,
      event,
      data: envelope.data,
      at: envelope.at ?? Date.now(),
    };
    context.emit(envelope.cid === undefined ? base : { ...base, cid: envelope.cid });
    return;
  }
  context.emit({ type: 'message', channel: entry.name, id: randomId(), seq, event, data, at: Date.now() });
}

/**
 * A signal from another connection. `from` is the sender's user id on presence channels (from Pusher), else the
 * user id (or socket id) the sender put in it.
 */
export function deliverSignal(
  context: PusherContext,
  entry: ChannelEntry,
  data: unknown,
  metadata: { user_id?: string } | undefined,
): void {
  if (!isRecord(data) || typeof data.event !== 'string' || data.event === '') {
    context.reportError(
      new RealtimeError('bad_frame', `Dropped a malformed ${PUSHER_SIGNAL_EVENT} event on "${entry.name}".`, {
        raw: safeText(data),
      }),
    );
    return;
  }
  if (!entry.wanted || !entry.ready) return;
  const fromMeta = metadata?.user_id;
  const from =
    typeof fromMeta === 'string' || typeof fromMeta === 'number'
      ? String(fromMeta)
      : typeof data.from === 'string'
        ? data.from
        : 'unknown';
  context.emit({ type: 'signal', channel: entry.name, event: data.event, data: data.data, from });
}
