// ably is imported for types only: this entry has no runtime dependency on it (it is an optional peer), the app
// passes in the Realtime client it created.
import type { ServerFrame } from '../../protocol/frames.js';
import { createTransportListeners } from '../../transports/transport-events.js';
import { hostedTransportMembers } from '../shared/hosted-transport-members.js';
import { createAblyChannels } from './ably-channels.js';
import { createAblyConnection } from './ably-connection.js';
import type { AblyContext, AblySettings } from './ably-context.js';
import { createAblyRecovery } from './ably-history.js';
import { createAblyMessages } from './ably-messages.js';
import { createAblyPresence } from './ably-presence.js';
import {
  DEFAULT_ABLY_ECHO_TIMEOUT_MS,
  DEFAULT_ABLY_HISTORY_MAX_PAGES,
  DEFAULT_ABLY_HISTORY_PAGE_LIMIT,
  DEFAULT_ABLY_REPLAY_LIMIT,
  type AblyRealtimeLike,
  type AblyTransport,
  type AblyTransportOptions,
} from './ably-types.js';

/**
 * The channel transport over Ably. Pass the `Ably.Realtime` client you created with token auth (`authUrl` or
 * `authCallback`, so every reconnect gets a fresh token) and `autoConnect: false` (the client connects when the first
 * channel is used). Channel names are Ably channel names.
 *
 * - **Messages** are Ably messages named after the event, with our envelope as `data` and our `cid` as Ably's message
 *   `id` (Ably's idempotent publishing: a re-sent publish is stored once). Ids, timestamps and echoes are Ably's; the
 *   transport numbers what it delivers per channel (1, 2, 3, …) and acks a publish once Ably accepted it and echoed it.
 * - **Resume.** Short drops are Ably's connection recovery (the channel resumes, nothing lost). When Ably reports lost
 *   continuity (`resumed: false`, e.g. after `suspended`), the missed messages are read from `history({ untilAttach })`
 *   and delivered before live ones, once each; if history cannot reach back to the last message seen, a `gap` is
 *   reported (`channel.onGap`).
 * - **Presence** is Ably presence with `clientId` as the user id: one member per clientId, `connections` counting its
 *   Ably connections; our data and status travel inside the presence data.
 * - **Signals** are Ably messages named `ABLY_SIGNAL_NAME` with `extras: { ephemeral: true }`: never stored, and
 *   never delivered back to the sending connection.
 * - **Errors**: Ably's `ErrorInfo` codes become `RealtimeError` codes (40142 → `token_expired`, other 401xx →
 *   `unauthorized`, 4016x and 403 → `forbidden`, 429xx → `rate_limited`, …), in the connection state and in `nack`s.
 *
 * @example
 * import * as Ably from 'ably'
 * import { ablyTransport } from '@realtime-kit/core/ably'
 * const ably = new Ably.Realtime({ authUrl: '/api/ably-token', autoConnect: false })
 * const client = createRealtimeClient({ transport: ablyTransport(ably) })
 */
export function ablyTransport(ably: AblyRealtimeLike, options: AblyTransportOptions = {}): AblyTransport {
  const [addFrameListener, emit] = createTransportListeners<ServerFrame>();
  const connection = createAblyConnection(ably, emit);
  const context: AblyContext = {
    ably,
    settings: resolveSettings(options),
    channels: new Map(),
    emit,
    isOpen: connection.isOpen,
    session: connection.session,
    entryFor: (name) => channels.entryFor(name),
  };
  const messages = createAblyMessages(context);
  const presence = createAblyPresence(context);
  const recover = createAblyRecovery(context, { deliver: messages.deliver, syncPresence: presence.sync });
  const channels = createAblyChannels(context, () => ({ messages, presence, recover }));

  return {
    kind: 'ably',
    ably,
    ...hostedTransportMembers(
      connection,
      {
        subscribe: channels.subscribe,
        unsubscribe: channels.unsubscribe,
        publish: messages.publish,
        presence: presence.handleFrame,
        signal: messages.signal,
        ping({ t }) {
          queueMicrotask(() => emit({ type: 'pong', t }));
        },
      },
      emit,
      (listener) => {
        const off = addFrameListener(listener);
        const welcome = connection.welcome();
        if (welcome !== null && connection.isOpen()) listener(welcome);
        return off;
      },
    ),
  };
}

function resolveSettings(options: AblyTransportOptions): AblySettings {
  const replayLimit = Math.max(0, options.replayLimit ?? DEFAULT_ABLY_REPLAY_LIMIT);
  const historyPageLimit = options.historyPageLimit ?? DEFAULT_ABLY_HISTORY_PAGE_LIMIT;
  const historyMaxPages = Math.max(1, options.historyMaxPages ?? DEFAULT_ABLY_HISTORY_MAX_PAGES);
  return {
    echoTimeoutMs: options.echoTimeoutMs ?? DEFAULT_ABLY_ECHO_TIMEOUT_MS,
    echoes: options.echoMessages ?? true,
    replayLimit,
    historyPageLimit,
    historyMaxPages,
    seenLimit: Math.max(replayLimit, historyPageLimit * historyMaxPages) + 100,
  };
}
