// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createTestTransport } from '@realtime-kit/core/testing';
import {
  RealtimeProvider,
  useChannel,
  useChannelMessages,
  useConnectionState,
  useEvent,
  useOccupancy,
  useOptimisticPublish,
  usePresence,
  useSSE,
  useWebSocket,
} from './index.js';

function Live() {
  const sse = useSSE<number>('/events');
  const state = useConnectionState(sse.connection);
  return (
    <p>
      {sse.status}:{sse.messages.length}:{String(state.online)}
    </p>
  );
}

describe('server rendering', () => {
  it('renders the idle snapshot without touching window or opening a connection', () => {
    expect(typeof window).toBe('undefined');
    const kit = createTestTransport();
    const html = renderToString(
      <RealtimeProvider fetch={kit.fetch} network={kit.network}>
        <Live />
      </RealtimeProvider>,
    );
    expect(html.replace(/<!-- -->/g, '')).toContain('idle:0:true');
    expect(kit.server.requests).toHaveLength(0);
  });

  it('renders channel hooks from their initial state without connecting', () => {
    const kit = createTestTransport();
    function Room() {
      const room = useChannel<{ message: { text: string } }>('room:1');
      useEvent(room, 'message', () => {});
      const messages = useChannelMessages(room, 'message');
      const [items] = useOptimisticPublish(room, 'message', [{ text: 'history' }]);
      const { members } = usePresence(room, { data: { name: 'Ada' } });
      const ws = useWebSocket('wss://example.test/ws');
      const { status } = useConnectionState();
      return (
        <p>
          {status}:{messages.length}:{items.map((item) => `${item.data.text}/${item.status}`).join()}:{members.length}:
          {ws.status}
        </p>
      );
    }
    const html = renderToString(
      <RealtimeProvider transport={kit.transport}>
        <Room />
      </RealtimeProvider>,
    );
    expect(html.replace(/<!-- -->/g, '')).toContain('idle:0:history/sent:0:idle');
    expect(kit.server.hub.sessions).toBe(0);
    expect(kit.transport.getSnapshot().status).toBe('idle');
  });

  it('renders useOccupancy as null and a rewinding channel without connecting', () => {
    const kit = createTestTransport();
    kit.server.publish('auction:7', 'bid', { amount: 120 });
    function Auction() {
      const auction = useChannel<{ bid: { amount: number } }>('auction:7', { rewind: 50 });
      const bids = useChannelMessages(auction, 'bid', { onGap: () => {} });
      const occupancy = useOccupancy(auction);
      return (
        <p>
          {bids.length}:{occupancy === null ? 'null' : occupancy.connections}
        </p>
      );
    }
    const html = renderToString(
      <RealtimeProvider transport={kit.transport}>
        <Auction />
      </RealtimeProvider>,
    );
    expect(html.replace(/<!-- -->/g, '')).toContain('0:null');
    expect(kit.server.hub.sessions).toBe(0);
    expect(kit.transport.getSnapshot().status).toBe('idle');
  });
});
