// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider, useConnectionState, useSSE } from './index.js';

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
});
