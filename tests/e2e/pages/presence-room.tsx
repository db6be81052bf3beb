/**
 * The page of presence-instances.test.ts: one user in a room, connected over WebSocket to the instance that served
 * the page. `?user=ada&name=Ada%20Lovelace`: the user id is the token (the endpoint's `authenticate` takes it
 * as the user id), the name goes in presence data. The registry's presence-avatars and typing-indicator show the
 * room; the message field signals typing like chat-room's composer does.
 */
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider, useChannel, useConnectionState, usePresence, useTyping } from '@realtime-kit/react';

import { PresenceAvatars } from '@/registry/realtime/ui/presence-avatars';
import { TypingIndicator } from '@/registry/realtime/ui/typing-indicator';

const params = new URLSearchParams(location.search);
const user = params.get('user') ?? '';
const name = params.get('name') ?? user;
const room = params.get('room') ?? 'room:lobby';

// Created once: a new transport identity would be a new client.
const transport = websocketTransport({ url: `ws://${location.host}/realtime`, auth: () => user });

function Lobby() {
  const channel = useChannel(room);
  usePresence(channel, { data: { name } });
  const { keystroke, stop } = useTyping(channel);
  const [text, setText] = React.useState('');
  const connection = useConnectionState();

  return (
    <main className="mx-auto flex w-full max-w-md flex-col gap-4 p-6" data-connection={connection.status}>
      <header className="flex items-center justify-between gap-4 border-b pb-3">
        <div>
          <h1 className="text-base font-semibold">Lobby</h1>
          <p className="text-xs text-muted-foreground">
            Signed in as {name} · {location.host}
          </p>
        </div>
        <PresenceAvatars channel={channel} align="end" locale="en-US" />
      </header>
      <form
        className="flex flex-col gap-1"
        onSubmit={(event) => {
          event.preventDefault();
          setText('');
          stop();
        }}
      >
        <TypingIndicator channel={channel} locale="en-US" />
        <div className="flex gap-2">
          <input
            aria-label="Message"
            placeholder="Write a message…"
            className="h-9 min-w-0 flex-1 rounded-md border border-input bg-background px-3 text-sm outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              if (event.target.value === '') stop();
              else keystroke();
            }}
          />
          <button type="submit" className="h-9 rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground">
            Send
          </button>
        </div>
      </form>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <React.StrictMode>
    <RealtimeProvider transport={transport}>
      <Lobby />
    </RealtimeProvider>
  </React.StrictMode>,
);
