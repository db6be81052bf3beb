'use client';

import * as React from 'react';
import { RealtimeProvider, useConnectionState } from '@realtime-kit/react';

import { ChatRoom, type ChatMessage, type ChatUser } from '@/registry/realtime/blocks/chat-room/chat-room';
import { Button } from '@/components/ui/button';
import { usePostChatFromServer } from '@/lib/use-post-chat';
import { createDemoTransport } from '@/lib/demo-transport';

/** The channel `app/api/demo/chat/route.ts` publishes to. */
const CHANNEL = 'demo:chat';

const animals = ['Otter', 'Heron', 'Lynx', 'Badger', 'Puffin', 'Marten', 'Ibex', 'Gecko'];

/** Who you are in the demo: a guest name per tab, kept across reloads of that tab. */
function guest(): ChatUser {
  const stored = sessionStorage.getItem('realtime-kit-demo-guest');
  if (stored) return JSON.parse(stored) as ChatUser;
  const id = crypto.randomUUID();
  const user = { id, name: `${animals[Math.floor(Math.random() * animals.length)]} ${id.slice(0, 3).toUpperCase()}` };
  sessionStorage.setItem('realtime-kit-demo-guest', JSON.stringify(user));
  return user;
}

/** "Load older": earlier messages from the channel's own log (`GET /api/demo/chat?before=<seq>`, `realtime.history`). */
async function loadOlder(before: ChatMessage | undefined): Promise<ChatMessage[]> {
  const response = await fetch(`/api/demo/chat${before?.seq === undefined ? '' : `?before=${before.seq}`}`);
  if (!response.ok) throw new Error(`The history answered ${response.status}.`);
  return (await response.json()) as ChatMessage[];
}

/**
 * A real chat against this app's WebSocket endpoint (`/realtime`, served by `server.mjs`): open the page in a second
 * tab to talk to yourself. "Post from the server" publishes from a route handler with `publish()`.
 */
export function ChatRoomDemo() {
  // One transport for the page's lifetime: a new one would be a new client and a new connection.
  const [transport] = React.useState(() => createDemoTransport());
  const { status, transport: carrier } = useConnectionState(transport);
  // The guest name lives in sessionStorage, which the server cannot read: pick it after hydration.
  const [user, setUser] = React.useState<ChatUser | null>(null);
  React.useEffect(() => setUser(guest()), []);
  const { posting, post: postFromServer } = usePostChatFromServer();

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="outline" size="sm" onClick={() => void postFromServer()} disabled={posting === 'posting'}>
          Post from the server
        </Button>
        <p className="text-sm text-muted-foreground" role="status">
          {posting === 'failed'
            ? 'The route handler could not publish: is the app running with server.mjs?'
            : 'Open this page in a second tab to chat with yourself.'}
        </p>
      </div>
      {user === null ? (
        <div aria-hidden="true" className="h-[28rem] max-w-2xl rounded-xl border bg-muted/30" />
      ) : (
        <RealtimeProvider transport={transport}>
          <ChatRoom
            channel={CHANNEL}
            user={user}
            title="Demo chat"
            labels={{ anonymous: 'Server' }}
            loadHistory={loadOlder}
            className="h-[28rem] max-w-2xl"
          />
        </RealtimeProvider>
      )}
      <p className="text-xs text-muted-foreground">
        {status === 'open' && carrier ? (
          <>
            Connected over{' '}
            <strong className="font-medium text-foreground">
              {carrier === 'sse' ? 'SSE + POST' : carrier === 'polling' ? 'long polling' : 'WebSocket'}
            </strong>
            .{' '}
          </>
        ) : null}
        Runs over WebSocket at <code>/realtime</code> (start the app with <code>node server.mjs</code>), falling back to
        SSE and then long polling at <code>/api/realtime</code> when the WebSocket cannot get through. Add{' '}
        <code>?transport=sse</code> or <code>?transport=polling</code> to the page URL to try them.
      </p>
    </div>
  );
}
