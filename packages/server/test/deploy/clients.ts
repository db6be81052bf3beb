// The channel clients of the deployment-matrix tests: the real client over each transport a user picks, through
// the balancer, each naming itself (`?client=` for sticky balancing, `?user=` as its credentials).
import {
  createRealtimeClient,
  type ChannelGap,
  type ChannelMessage,
  type RealtimeClient,
  type Transport,
} from '@realtime-kit/core';
import { pollingTransport } from '@realtime-kit/core/polling';
import { socketIOTransport } from '@realtime-kit/core/socket-io';
import { sseTransport } from '@realtime-kit/core/sse-transport';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';

export type TransportKind = 'websocket' | 'sse' | 'polling' | 'socket.io';
export const TRANSPORTS: readonly TransportKind[] = ['websocket', 'sse', 'polling', 'socket.io'];

const BACKOFF = { minMs: 20, maxMs: 300 };
const online = { isOnline: () => true, subscribe: () => () => {} };

/** What a reader saw, in order: messages (with the epoch of the log they came from) and gaps. */
export type ReaderEvent =
  | { readonly kind: 'message'; readonly message: ChannelMessage; readonly epoch: string | undefined }
  | { readonly kind: 'gap'; readonly gap: ChannelGap; readonly epoch: string | undefined };

export interface MatrixClient {
  readonly name: string;
  readonly client: RealtimeClient;
  readonly transport: Transport;
  /** What the client delivered on the channel, in order, and the gaps it reported. */
  readonly received: ChannelMessage[];
  readonly gaps: ChannelGap[];
  readonly events: ReaderEvent[];
  /** How many sessions the transport opened (a reconnect opens one more). */
  readonly sessions: () => number;
  /** MATRIX_DEBUG: the last frames each way. */
  readonly trail: readonly string[];
  close(): void;
}

export function startMatrixClient(kind: TransportKind, base: string, name: string, channel: string): MatrixClient {
  const query = `client=${encodeURIComponent(name)}&user=${encodeURIComponent(name)}`;
  let transport: Transport;
  let closeExtra = () => {};
  switch (kind) {
    case 'websocket':
      transport = websocketTransport({
        url: `ws://${base}/realtime?${query}`,
        WebSocket: WebSocket as never,
        backoff: BACKOFF,
        network: online,
      });
      break;
    case 'sse':
      transport = sseTransport({ url: `http://${base}/api/realtime?${query}`, backoff: BACKOFF, network: online });
      break;
    case 'polling':
      transport = pollingTransport({
        url: `http://${base}/api/realtime?${query}`,
        backoff: BACKOFF,
        network: online,
        pollTimeoutMs: 6000,
      });
      break;
    case 'socket.io': {
      const socket = io(`http://${base}`, {
        autoConnect: false,
        forceNew: true,
        transports: ['websocket'],
        query: { client: name, user: name },
        reconnectionDelay: 20,
        reconnectionDelayMax: 300,
        randomizationFactor: 0.5,
      });
      transport = socketIOTransport(socket);
      closeExtra = () => void socket.disconnect();
      break;
    }
  }
  // MATRIX_DEBUG: the last frames each way, to tell a stalled publish's story.
  const trail: string[] = [];
  if (process.env.MATRIX_DEBUG) {
    const note = (line: string) => {
      trail.push(`${Date.now() % 100_000} ${line}`);
      if (trail.length > 2000) trail.shift();
    };
    const send = transport.send.bind(transport);
    transport = {
      ...transport,
      send(frame) {
        const sent = send(frame);
        if (frame.type === 'publish')
          note(`> publish ${frame.cid.replace(/^.*-(\d+)$/, '$1')}${sent ? '' : ' (not sent)'}`);
        else note(`> ${frame.type}`);
        return sent;
      },
    };
    transport.onFrame((frame) => {
      if (frame.type === 'ack' || frame.type === 'nack')
        note(
          `< ${frame.type} ${frame.cid.replace(/^.*-(\d+)$/, '$1')}${frame.type === 'nack' ? ` ${frame.error.code}: ${frame.error.message.slice(-40)}` : ''}`,
        );
      else if (frame.type !== 'message' && frame.type !== 'presence') note(`< ${frame.type}`);
    });
    transport.subscribe(() => note(`status ${transport.getSnapshot().status}`));
  }
  const client = createRealtimeClient({ transport, presenceGraceMs: 300 });
  let sessions = 0;
  let wasOpen = false;
  const offStatus = transport.subscribe(() => {
    const isOpen = transport.getSnapshot().status === 'open';
    if (isOpen && !wasOpen) sessions += 1;
    wasOpen = isOpen;
  });
  client.onError(() => {});
  const received: ChannelMessage[] = [];
  const gaps: ChannelGap[] = [];
  const events: ReaderEvent[] = [];
  const room = client.channel(channel);
  const offMessages = room.subscribe('*', (message) => {
    received.push(message);
    events.push({ kind: 'message', message, epoch: room.getSnapshot().epoch });
  });
  const offGaps = room.onGap((gap) => {
    gaps.push(gap);
    events.push({ kind: 'gap', gap, epoch: room.getSnapshot().epoch });
  });
  room.onError(() => {});
  return {
    name,
    client,
    transport,
    received,
    gaps,
    events,
    sessions: () => sessions,
    trail,
    close() {
      offStatus();
      offMessages();
      offGaps();
      client.close();
      closeExtra();
    },
  };
}
