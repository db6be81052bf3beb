import type { Channel } from '../channel/types.js';
import { errorOf, stateOf, type InspectorEntry } from './inspector-entry.js';
import type { ChaosAction, InspectedChannel, InspectedConnection } from './types.js';

const ALL_CHAOS: readonly ChaosAction[] = Object.freeze(['disconnect', 'offline', 'online', 'delay', 'drop', 'heal']);
const RAW_CHAOS: readonly ChaosAction[] = Object.freeze(['disconnect']);
const NO_CHANNELS: readonly InspectedChannel[] = Object.freeze([]);

/** What the inspector shows of one connection now; `channelOf` reads (and watches) one of a client's channels. */
export function snapshotConnection(
  entry: InspectorEntry,
  channelOf: (channel: Channel) => InspectedChannel,
): InspectedConnection {
  const { target } = entry;
  const state = stateOf(target);
  let channels: readonly InspectedChannel[] = NO_CHANNELS;
  let outbox = 0;
  let url: string | null;
  let transport: string;
  if (target.kind === 'client') {
    const client = target.client;
    // A transport that switches (fallbackTransport) names the one in use: "fallback (sse)".
    transport = state.transport ? `${client.transport.kind} (${state.transport})` : client.transport.kind;
    const maybeUrl = (client.transport as { url?: unknown }).url;
    url = typeof maybeUrl === 'string' ? maybeUrl : null;
    channels = Object.freeze(target.channels().map(channelOf));
    outbox = target.outbox();
  } else {
    transport = target.kind;
    url = target.connection.url;
  }
  return Object.freeze({
    id: entry.id,
    kind: target.kind,
    transport,
    url,
    status: state.status,
    attempt: state.attempt,
    retryAt: state.retryAt,
    error: errorOf(state),
    lastEventId: state.lastEventId,
    timeline: Object.freeze([...entry.timeline]),
    channels,
    outbox,
    chaos: entry.chaosState,
    supports: target.kind === 'client' ? ALL_CHAOS : RAW_CHAOS,
  });
}
