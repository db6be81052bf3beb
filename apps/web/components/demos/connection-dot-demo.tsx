'use client';

import { useSSE } from '@realtime-kit/react';

import { ConnectionDot, type ConnectionDotState } from '@/registry/realtime/ui/connection-dot';
import { Button } from '@/components/ui/button';

const states: ConnectionDotState[] = ['idle', 'connecting', 'open', 'reconnecting', 'offline', 'closed', 'error'];

export function ConnectionDotDemo() {
  // Same options as the live counter's, so both demos share one connection.
  const { connection, close, reconnect } = useSSE('/api/demo/counter', { events: ['count'], maxMessages: 1 });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <ConnectionDot connection={connection} variant="outline" />
        <Button variant="outline" size="sm" onClick={close}>
          Disconnect
        </Button>
        <Button variant="outline" size="sm" onClick={reconnect}>
          Reconnect
        </Button>
      </div>
      <div>
        <p className="mb-2 text-sm text-muted-foreground">Every state, from the status prop:</p>
        <ul className="flex flex-wrap gap-x-5 gap-y-2">
          {states.map((state) => (
            <li key={state}>
              <ConnectionDot status={state} />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
