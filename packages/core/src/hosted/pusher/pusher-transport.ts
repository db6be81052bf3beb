// pusher-js is imported for types only: this entry has no runtime dependency on it (it is an optional peer), the
// app passes in the Pusher client it created.
import type Pusher from 'pusher-js';
import type { Transport } from '../../channel/transport.js';
import type { RealtimeError } from '../../errors.js';
import { randomId } from '../../lib/random-id.js';
import type { ServerFrame } from '../../protocol/frames.js';
import { createTransportListeners } from '../../transports/transport-events.js';
import { hostedTransportMembers } from '../shared/hosted-transport-members.js';
import { installChannelAuthorizer } from './pusher-authorizer.js';
import { createPusherChannels } from './pusher-channels.js';
import { createPusherConnection } from './pusher-connection.js';
import type { ChannelEntry, PusherContext } from './pusher-context.js';
import { connectionRefusal, pusherErrorCode, readPusherError } from './pusher-errors.js';
import { createPusherPresence } from './pusher-presence.js';
import { createPusherPublisher, type PusherPublisher } from './pusher-publish.js';

/** Options for {@link pusherTransport}. */
export interface PusherTransportOptions {
  /**
   * Who this client is, for `welcome.userId` (and so `presence.self()`) from the first connection. Without it the
   * user id is learned from the first presence channel's `members.me`, and a second `welcome` carries it.
   */
  userId?: string;
  /**
   * Headers for every channel authorization request, asked again for each one (so a refreshed token is sent on
   * the next subscribe). With it the transport posts the authorization itself (`fetch`, form-encoded `socket_id`
   * and `channel_name`, like pusher-js) to the Pusher client's `channelAuthorization.endpoint`, adding its static
   * `headers`/`params` and `headersProvider`/`paramsProvider`. pusher-js's own `headersProvider` cannot wait for a
   * promise, which a token refresh usually needs; a `customHandler` cannot be combined with this option.
   */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
}

/** A {@link Transport} over a pusher-js client. */
export interface PusherTransport extends Transport {
  readonly kind: 'pusher';
  /** The Pusher client it runs on. */
  readonly pusher: Pusher;
  /**
   * Messages from Pusher that could not be used (not JSON, or a malformed realtime-kit presence or signal event):
   * code `bad_frame`. Without a listener they are logged with `console.warn`. (Errors Pusher reports reach the
   * client as `error` frames: the channel's `onError`, or the client's.)
   */
  onError(listener: (error: RealtimeError) => void): () => void;
}

/**
 * The channel transport over Pusher Channels. Create the pusher-js client yourself (with `channelAuthorization`
 * pointing at a route made with `createPusherAuthHandler` from `@realtime-kit/server/pusher`) and pass it in.
 *
 * @example
 * ```ts
 * import Pusher from 'pusher-js'
 * import { pusherTransport } from '@realtime-kit/core/pusher'
 * const pusher = new Pusher(key, { cluster: 'eu', channelAuthorization: { endpoint: '/api/pusher/auth', transport: 'ajax' } })
 * const client = createRealtimeClient({ transport: pusherTransport(pusher, { headers: async () => ({ authorization: `Bearer ${await getToken()}` }) }) })
 * const room = client.channel('presence-room-1')
 * ```
 *
 * How realtime-kit maps onto Pusher:
 * - **Connection.** pusher-js states map onto the connection state: `initialized` → `idle`, `connecting` →
 *   `connecting` (`reconnecting` after a lost connection), `connected` → `open` (with a `welcome` whose
 *   `connectionId` is the socket id), `unavailable` → `reconnecting`, `failed` → `closed` with
 *   `RealtimeError('unavailable')`, `disconnected` → `closed` (with `unauthorized` or `policy_violation` when Pusher
 *   refused the connection). pusher-js does the reconnecting.
 * - **Publishing.** `publish(event, data)` is the client event `client-<event>`: Pusher allows those only on
 *   `private-` and `presence-` channels, so a publish on a public channel is refused with `forbidden` (publish from
 *   your server with `pusherPublisher` instead). Pusher does not echo a client event to its sender, so the
 *   publisher gets its own message from the transport, then the ack. Events triggered by your server arrive
 *   with their own names; Pusher's internal events are dropped.
 * - **No replay.** Pusher keeps no history: messages sent while this client was disconnected are lost, and a
 *   resubscribe starts at the live edge (no `gap` is reported, since Pusher cannot tell). Refetch from your API
 *   after a reconnect when that matters. Sequence numbers are counted by the transport, per channel.
 * - **Presence** needs a `presence-` channel. Pusher fixes `user_info` when it authorizes the channel, so
 *   `enter(data)`, `update` and status travel as the client event `PUSHER_PRESENCE_EVENT`, and every
 *   connection announces itself again when a new one arrives. Members are deduplicated by user id with a count
 *   of entered connections. A Pusher member that never announces (a plain pusher-js client) is listed after
 *   `PUSHER_UNANNOUNCED_MEMBER_MS` with its `user_info` as data.
 * - **Signals** are the client event `PUSHER_SIGNAL_EVENT`; `from` is the sender's user id on presence
 *   channels (from Pusher), its announced user id or socket id elsewhere. Not on public channels.
 * - **Limits.** Client events count against Pusher's limit (10 per second per connection by default). Pusher
 *   confirms nothing, so a publish is acked once pusher-js sent it: an event Pusher then drops for the rate limit
 *   is reported as an `error` (`rate_limited`) on the client, not as a `nack`.
 * - A tab that vanishes without closing (a crash) while its user stays through another tab keeps counting in
 *   `connections` until it reconnects or the user's last connection leaves: Pusher reports members per user only.
 *
 * The transport subscribes and unsubscribes the channels the client uses on the Pusher client: do not
 * unsubscribe them yourself.
 */
export function pusherTransport(pusher: Pusher, options: PusherTransportOptions = {}): PusherTransport {
  const [addFrameListener, emit] = createTransportListeners<ServerFrame>();
  const [addErrorListener, emitError] = createTransportListeners<RealtimeError>();
  let userId: string | null = options.userId ?? null;
  let order = 0;
  const authFailures = new Map<string, { status: number; message: string }>();
  if (options.headers) installChannelAuthorizer(pusher, options.headers, authFailures);

  const context: PusherContext = {
    pusher,
    tabId: randomId(),
    entries: new Map(),
    emit,
    reportError(error) {
      if (!emitError(error)) console.warn(`[realtime-kit] ${error.message}`);
    },
    userId: () => userId,
    learnUserId(id) {
      userId = id;
      if (connection.isOpen()) connection.welcome();
    },
    nextOrder: () => ++order,
  };
  const presence = createPusherPresence(context);
  const channels = createPusherChannels(context, { presence, publisher: () => publisher, authFailures });
  const publisher: PusherPublisher = createPusherPublisher(context, (entry: ChannelEntry) => channels.hold(entry));
  const connection = createPusherConnection(context, {
    sessionEnded: channels.sessionEnded,
    sayGone: channels.sayGone,
  });

  pusher.connection.bind('error', (raw: unknown) => {
    const report = readPusherError(raw);
    if (report.kind === 'ignored') return;
    if (report.kind === 'unparsable') return context.reportError(report.error);
    // A refused subscription, as Pusher reports it on the connection: the channel is named in the message.
    if (channels.refusedBySignature(report.message)) return;
    const refusal = connectionRefusal(report.code, report.message);
    if (refusal !== null) return connection.refused(refusal);
    channels.reportPusherError(pusherErrorCode(report.code, report.message), report.code, report.message);
  });

  return {
    kind: 'pusher',
    pusher,
    ...hostedTransportMembers(
      connection,
      {
        subscribe: channels.subscribe,
        unsubscribe: channels.unsubscribe,
        publish: publisher.publish,
        presence: presence.handleFrame,
        signal: publisher.signal,
      },
      emit,
      addFrameListener,
    ),
    onError: addErrorListener,
  };
}
