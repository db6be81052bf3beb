'use client';

import * as React from 'react';
import { useSSE } from '@realtime-kit/react';

import { Button } from '@/components/ui/button';
import { createSimulatedNetwork } from '@/lib/simulated-network';

/**
 * A real SSE connection to the demo counter, plus buttons that simulate an outage, going offline, or a connection
 * the server refuses — the states the connection banner and reconnect toast exist for.
 */
export function useSimulatedConnection() {
  const [simulated] = React.useState(createSimulatedNetwork);
  const [outage, setOutage] = React.useState(false);
  const [offline, setOffline] = React.useState(false);
  const sse = useSSE('/api/demo/counter', {
    events: ['count'],
    maxMessages: 1,
    fetch: simulated.fetch,
    network: simulated.network,
    backoff: { minMs: 4_000, maxMs: 8_000 },
  });

  const controls = (
    <div className="flex flex-wrap gap-2">
      <Button
        variant="outline"
        size="sm"
        aria-pressed={outage}
        onClick={() => {
          const next = !outage;
          setOutage(next);
          simulated.setOutage(next);
          // Cut the open stream so the outage is felt now, not at the next reconnect.
          if (next) sse.reconnect();
        }}
      >
        {outage ? 'End the outage' : 'Simulate an outage'}
      </Button>
      <Button
        variant="outline"
        size="sm"
        aria-pressed={offline}
        onClick={() => {
          setOffline(!offline);
          simulated.setOffline(!offline);
        }}
      >
        {offline ? 'Go back online' : 'Go offline'}
      </Button>
      <Button
        variant="outline"
        size="sm"
        onClick={() => {
          setOutage(false);
          simulated.setOutage(false);
          sse.reconnect();
        }}
      >
        Blip (drop and reconnect at once)
      </Button>
    </div>
  );

  return { connection: sse.connection, status: sse.status, controls };
}
