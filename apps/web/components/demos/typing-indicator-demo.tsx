'use client';

import * as React from 'react';
import {
  createRealtimeClient,
  createTypingIndicator,
  type RealtimeClient,
  type TypingIndicator as Typist,
} from '@realtime-kit/core';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider, useChannel } from '@realtime-kit/react';

import { TypingIndicator } from '@/registry/realtime/ui/typing-indicator';
import { Button } from '@/components/ui/button';

const ROOM = 'demo:typing';
const people = ['Ada', 'Grace', 'Alan', 'Barbara', 'Linus', 'Margaret'];

interface Person {
  client: RealtimeClient;
  typist: Typist;
  timer: ReturnType<typeof setInterval> | null;
}

/**
 * A real room on this app's realtime server (`/realtime`, see server.mjs). The guests are connections this page opens
 * on your behalf; each "types" by sending a keystroke every second until stopped. Names come from their presence, as
 * in any room — other visitors typing here show up too.
 */
export function TypingIndicatorDemo() {
  const [transport] = React.useState(() => websocketTransport({ url: '/realtime' }));
  const crowd = React.useRef(new Map<string, Person>());
  const [typing, setTyping] = React.useState(0);

  React.useEffect(() => {
    const current = crowd.current;
    return () =>
      current.forEach((person) => {
        if (person.timer) clearInterval(person.timer);
        person.client.close();
      });
  }, []);

  const personFor = (name: string): Person => {
    let person = crowd.current.get(name);
    if (!person) {
      const client = createRealtimeClient({ transport: websocketTransport({ url: '/realtime' }) });
      client.channel(ROOM).presence.enter({ name });
      person = { client, typist: createTypingIndicator(client.channel(ROOM)), timer: null };
      crowd.current.set(name, person);
    }
    return person;
  };
  const countTyping = () => setTyping([...crowd.current.values()].filter((person) => person.timer !== null).length);

  const startTyping = (howMany: number) => {
    for (const name of people.slice(0, howMany)) {
      const person = personFor(name);
      if (person.timer) continue;
      person.typist.keystroke();
      person.timer = setInterval(() => person.typist.keystroke(), 1000);
    }
    countTyping();
  };
  const stopAll = () => {
    for (const person of crowd.current.values()) {
      if (person.timer) clearInterval(person.timer);
      person.timer = null;
      person.typist.stop();
    }
    countTyping();
  };

  return (
    <div className="space-y-4">
      <RealtimeProvider transport={transport}>
        <Watcher />
      </RealtimeProvider>
      <div className="flex flex-wrap gap-2">
        <Button variant="outline" size="sm" onClick={() => startTyping(1)}>
          Ada types
        </Button>
        <Button variant="outline" size="sm" onClick={() => startTyping(2)}>
          Ada and Grace type
        </Button>
        <Button variant="outline" size="sm" onClick={() => startTyping(people.length)}>
          Everyone types
        </Button>
        <Button variant="outline" size="sm" onClick={stopAll} disabled={typing === 0}>
          Stop
        </Button>
      </div>
      <p className="text-xs text-muted-foreground">
        Guests are real connections to this app's server. Someone whose signals stop (a closed tab) drops off after 5 s
        on their own.
      </p>
    </div>
  );
}

function Watcher() {
  const room = useChannel(ROOM);
  return (
    <div className="rounded-lg border px-4 py-3">
      <TypingIndicator channel={room} className="text-sm" />
    </div>
  );
}
