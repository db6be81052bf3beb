/**
 * The page of ai-chat-reload.test.ts, written as an app would: the registry's AiChat block fed by `useChat` from
 * @ai-sdk/react over `useRealtimeChatTransport` (answers through the realtime WebSocket of the server that served the
 * page), `resume: true`, and the conversation saved in sessionStorage so a reload starts from it. React's development
 * build under StrictMode, as `next dev` runs it.
 */
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { useChat } from '@ai-sdk/react';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider } from '@realtime-kit/react';
import type { UIMessage } from 'ai';

import { AiChat } from '@/registry/realtime/blocks/ai-chat/ai-chat';
import { useRealtimeChatTransport } from '@/registry/realtime/blocks/ai-chat/hooks/use-realtime-chat-transport';

const CHAT_ID = 'e2e-chat';
const STORAGE_KEY = 'ai-chat-e2e';

// Created once: a new transport identity would be a new client.
const transport = websocketTransport({ url: `ws://${location.host}/realtime` });
const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]') as UIMessage[];

function Chat() {
  const chatTransport = useRealtimeChatTransport({ api: '/api/chat' });
  const chat = useChat({ id: CHAT_ID, messages: saved, transport: chatTransport, resume: true });
  const { messages, status } = chat;
  React.useEffect(() => {
    // An answer still being written is not saved: after a reload the resume replays it from its first word.
    const answering = (status === 'submitted' || status === 'streaming') && messages.at(-1)?.role === 'assistant';
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(answering ? messages.slice(0, -1) : messages));
  }, [messages, status]);
  return (
    <main className="mx-auto w-full max-w-2xl p-6">
      <AiChat chat={chat} locale="en-US" className="h-[36rem]" />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <React.StrictMode>
    <RealtimeProvider transport={transport}>
      <Chat />
    </RealtimeProvider>
  </React.StrictMode>,
);
