'use client';

import * as React from 'react';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider } from '@realtime-kit/react';

import { LiveCursors, type LiveCursorsUser } from '@/registry/realtime/components/live-cursors';

/** Everyone on this page (every tab, every visitor) shares this channel. */
const CHANNEL = 'demo:cursors';

const animals = ['Otter', 'Heron', 'Lynx', 'Badger', 'Puffin', 'Marten', 'Ibex', 'Gecko'];

function guest(): LiveCursorsUser {
  const id = crypto.randomUUID();
  return { id, name: `${animals[Math.floor(Math.random() * animals.length)]} ${id.slice(0, 3).toUpperCase()}` };
}

/**
 * Two "windows" on this page, each with its own WebSocket connection to this app's `/realtime` endpoint
 * (`server.mjs`): move your pointer over one and your cursor shows up in the other, as it would for someone
 * else. Open the page in more tabs to add more people.
 */
export function LiveCursorsDemo() {
  // One transport per window for the page's lifetime: each is its own client, its own connection, its own member.
  const [transports] = React.useState(() => [
    websocketTransport({ url: '/realtime' }),
    websocketTransport({ url: '/realtime' }),
  ]);
  // Random names cannot be rendered on the server (hydration would disagree): pick them after mounting.
  const [guests, setGuests] = React.useState<LiveCursorsUser[] | null>(null);
  React.useEffect(() => setGuests([guest(), guest()]), []);

  return (
    <div className="space-y-3">
      <div className="grid gap-4 sm:grid-cols-2">
        {transports.map((transport, index) => {
          const user = guests?.[index];
          const title = `Window ${index === 0 ? 'A' : 'B'}`;
          if (!user) return <div key={title} aria-hidden="true" className="h-56 rounded-xl border bg-muted/30" />;
          return (
            <RealtimeProvider key={title} transport={transport}>
              <LiveCursors channel={CHANNEL} user={user} className="h-56 rounded-xl border bg-muted/30">
                <div className="flex h-full flex-col justify-between p-4">
                  <p className="text-sm font-medium">{title}</p>
                  <p className="text-xs text-muted-foreground">You are {user.name} here. Move your pointer over me.</p>
                </div>
              </LiveCursors>
            </RealtimeProvider>
          );
        })}
      </div>
      <p className="text-xs text-muted-foreground">
        Runs over WebSocket at <code>/realtime</code>: start the app with <code>node server.mjs</code> (plain{' '}
        <code>next dev</code> has no WebSocket endpoint, so no cursors arrive). Positions are signals: nothing is
        stored.
      </p>
    </div>
  );
}
