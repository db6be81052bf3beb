'use client';

import * as React from 'react';
import { createRealtimeClient, type RealtimeClient } from '@realtime-kit/core';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider, useChannel, usePresence } from '@realtime-kit/react';

import { PresenceAvatars } from '@/registry/realtime/ui/presence-avatars';
import { Button } from '@/components/ui/button';

const ROOM = 'demo:presence';
const people = [
  'Ada Lovelace',
  'Grace Hopper',
  'Alan Turing',
  'Barbara Liskov',
  'Linus Torvalds',
  'Margaret Hamilton',
  'Ken Thompson',
  'Radia Perlman',
];

/**
 * A real room on this app's realtime server (`/realtime`, see server.mjs): you, anyone else on this page right now,
 * and guests this page connects on your behalf (each its own WebSocket connection), so a single visitor sees people
 * come and go.
 */
export function PresenceAvatarsDemo() {
  const [transport] = React.useState(() => websocketTransport({ url: '/realtime' }));
  const others = React.useRef<{ name: string; client: RealtimeClient; status: 'active' | 'idle' | 'away' }[]>([]);
  const [count, setCount] = React.useState(0);

  React.useEffect(() => () => others.current.forEach(({ client }) => client.close()), []);

  const join = () => {
    const name = people.find((candidate) => !others.current.some((other) => other.name === candidate));
    if (!name) return;
    const client = createRealtimeClient({ transport: websocketTransport({ url: '/realtime' }) });
    client.channel(ROOM).presence.enter({ name });
    others.current.push({ name, client, status: 'active' });
    setCount(others.current.length);
  };
  const leave = () => {
    others.current.pop()?.client.close();
    setCount(others.current.length);
  };
  const cycleStatus = () => {
    const first = others.current[0];
    if (!first) return;
    first.status = first.status === 'active' ? 'idle' : first.status === 'idle' ? 'away' : 'active';
    first.client.channel(ROOM).presence.setStatus(first.status);
  };

  return (
    <div className="space-y-4">
      <RealtimeProvider transport={transport}>
        <Room />
      </RealtimeProvider>
      <div className="flex flex-wrap gap-2">
        <Button variant="outline" size="sm" onClick={join} disabled={count >= people.length}>
          Someone joins
        </Button>
        <Button variant="outline" size="sm" onClick={leave} disabled={count === 0}>
          Someone leaves
        </Button>
        <Button variant="outline" size="sm" onClick={cycleStatus} disabled={count === 0}>
          First guest: active → idle → away
        </Button>
      </div>
      <p className="text-xs text-muted-foreground">
        Guests are real connections to this app's server. Tab to an avatar (or hover it) for its name; joins and leaves
        are announced to screen readers after they settle, and a leave is held for 3 s in case it was only a reconnect.
      </p>
    </div>
  );
}

function Room() {
  const room = useChannel(ROOM);
  usePresence(room, { data: { name: 'You' } });
  return <PresenceAvatars channel={room} max={4} size="lg" />;
}
