'use client';

import * as React from 'react';
import { useChat } from '@ai-sdk/react';
import { RealtimeProvider } from '@realtime-kit/react';

import { AiChat } from '@/registry/realtime/blocks/ai-chat/ai-chat';
import { useRealtimeChatTransport } from '@/registry/realtime/blocks/ai-chat/hooks/use-realtime-chat-transport';
import { Button } from '@/components/ui/button';
import { createDemoTransport } from '@/lib/demo-transport';
import {
  loadDemoChatSession,
  newDemoChatSession,
  useSaveDemoChat,
  type DemoChatSession,
} from '@/lib/use-demo-chat-session';

const SUGGESTIONS = ['How does a reload resume the answer?', 'What does Stop do?', 'What does a second tab see?'];

/** The wiring a user writes: `useChat` with the realtime transport, its result handed to the block. */
function DemoChat({ session }: { session: DemoChatSession }) {
  const transport = useRealtimeChatTransport({ api: '/api/demo/ai-chat' });
  const chat = useChat({ id: session.id, messages: session.messages, transport, resume: true });
  useSaveDemoChat(session.id, chat.messages, chat.status);
  const busy = chat.status === 'submitted' || chat.status === 'streaming';

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2" role="group" aria-label="Example questions">
        {SUGGESTIONS.map((question) => (
          <Button
            key={question}
            variant="outline"
            size="sm"
            disabled={busy}
            onClick={() => void chat.sendMessage({ text: question })}
          >
            {question}
          </Button>
        ))}
      </div>
      <AiChat chat={chat} className="h-[30rem] max-w-2xl" />
    </div>
  );
}

/**
 * A chat with a mock model (no network) that answers at about 40 words a second through a realtime channel: reload the
 * page mid-answer and it picks up where it was, duplicate the tab (the conversation is in the tab's sessionStorage, which
 * a duplicate copies) to follow the same answer twice, press Stop to abort the model on the server.
 */
export function AiChatDemo() {
  // One realtime transport for the page's lifetime: a new one would be a new client and a new connection.
  const [transport] = React.useState(() => createDemoTransport());
  // The conversation lives in sessionStorage, which the server cannot read: pick it up after hydration.
  const [session, setSession] = React.useState<DemoChatSession | null>(null);
  React.useEffect(() => setSession(loadDemoChatSession()), []);

  return (
    <div className="space-y-4">
      {session === null ? (
        <div aria-hidden="true" className="h-[33rem] max-w-2xl rounded-xl border bg-muted/30" />
      ) : (
        <RealtimeProvider transport={transport}>
          <DemoChat key={session.id} session={session} />
        </RealtimeProvider>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="outline" size="sm" onClick={() => setSession(newDemoChatSession())} disabled={!session}>
          New chat
        </Button>
        <p className="text-sm text-muted-foreground">
          Reload the page while it answers: the answer picks up where it was, with nothing repeated or missing.
        </p>
      </div>
    </div>
  );
}
