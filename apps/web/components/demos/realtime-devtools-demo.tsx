'use client';

import * as React from 'react';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider, useChannel, useConnectionState, useEvent } from '@realtime-kit/react';

import { RealtimeDevtools } from '@/registry/realtime/components/realtime-devtools';
import { Button } from '@/components/ui/button';
import { usePostChatFromServer } from '@/lib/use-post-chat';

/** The channel `app/api/demo/chat/route.ts` publishes to. */
const CHANNEL = 'demo:chat';

/** What the demo app shows: the chat channel's messages as they arrive, and the connection status. */
function LiveFeed() {
  const room = useChannel<{ message: { text?: string } }>(CHANNEL);
  const { status } = useConnectionState();
  const [texts, setTexts] = React.useState<string[]>([]);
  useEvent(room, 'message', (message) =>
    setTexts((current) => [...current.slice(-4), message.data.text ?? '(no text)']),
  );
  return (
    <div className="max-w-md space-y-2 rounded-xl border p-4 text-sm">
      <p>
        Connection: <span className="font-medium">{status}</span>
      </p>
      {texts.length === 0 ? (
        <p className="text-muted-foreground">No messages yet: post one from the server.</p>
      ) : (
        <ul aria-label="Latest messages" className="list-disc space-y-1 ps-5">
          {texts.map((text, index) => (
            <li key={index}>{text}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The devtools over this app's own WebSocket connection (`/realtime`, served by `server.mjs`): open the panel with the
 * button in the corner or Ctrl+Shift+D, post from the server, then try Offline or "Drop next" and watch the client
 * resume without losing a message. `enabled` keeps it on in this production build of the docs.
 */
export function RealtimeDevtoolsDemo() {
  // One transport for the page's lifetime: a new one would be a new client and a new connection.
  const [transport] = React.useState(() => websocketTransport({ url: '/realtime' }));
  const { posting, post: postFromServer } = usePostChatFromServer();

  return (
    <RealtimeProvider transport={transport}>
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-3">
          <Button variant="outline" size="sm" onClick={() => void postFromServer()} disabled={posting === 'posting'}>
            Post from the server
          </Button>
          <p className="text-sm text-muted-foreground" role="status">
            {posting === 'failed'
              ? 'The route handler could not publish: is the app running with server.mjs?'
              : 'Open the devtools with the button in the corner (or Ctrl+Shift+D).'}
          </p>
        </div>
        <LiveFeed />
      </div>
      <RealtimeDevtools enabled />
    </RealtimeProvider>
  );
}
