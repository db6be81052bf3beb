import type { Transport } from '@realtime-kit/core';
import { fallbackTransport } from '@realtime-kit/core/fallback';
import { pollingTransport } from '@realtime-kit/core/polling';
import { sseTransport } from '@realtime-kit/core/sse-transport';
import { websocketTransport } from '@realtime-kit/core/websocket';

const CHAIN = ['websocket', 'sse', 'polling'] as const;
export type DemoTransportKind = (typeof CHAIN)[number];

/**
 * The demos' transport: the WebSocket at `/realtime` (server.mjs), falling back to SSE + POST and then long polling at
 * `/api/realtime` when it cannot get through, and probing back up later. `?transport=sse` or `?transport=polling` in
 * the page URL starts lower down the chain (leaving the better ones out), to see the other transports at work.
 */
export function createDemoTransport(start: DemoTransportKind = startFromLocation()): Transport {
  const factories = {
    websocket: () => websocketTransport({ url: '/realtime' }),
    sse: () => sseTransport({ url: '/api/realtime' }),
    polling: () => pollingTransport({ url: '/api/realtime' }),
  };
  const chain = CHAIN.slice(CHAIN.indexOf(start)).map((kind) => factories[kind]);
  return fallbackTransport(chain, { openTimeoutMs: 6000 });
}

function startFromLocation(): DemoTransportKind {
  if (typeof location === 'undefined') return 'websocket';
  const asked = new URLSearchParams(location.search).get('transport');
  return (CHAIN as readonly string[]).includes(asked ?? '') ? (asked as DemoTransportKind) : 'websocket';
}
