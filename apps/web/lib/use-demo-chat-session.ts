'use client';

import * as React from 'react';
import type { ChatStatus, UIMessage } from 'ai';

const STORAGE_KEY = 'realtime-kit-demo-ai-chat';

/** This tab's demo conversation: the chat id (`useChat`'s `id`, the channel's) and its messages. */
export interface DemoChatSession {
  readonly id: string;
  readonly messages: UIMessage[];
}

/** A new, empty conversation, saved as this tab's. */
export function newDemoChatSession(): DemoChatSession {
  const session = { id: `demo-${crypto.randomUUID()}`, messages: [] };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  return session;
}

/** This tab's conversation as it was saved (kept across reloads of the tab), or a new one. */
export function loadDemoChatSession(): DemoChatSession {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<DemoChatSession> | null;
    if (saved && typeof saved.id === 'string' && Array.isArray(saved.messages))
      return { id: saved.id, messages: saved.messages };
  } catch {
    // Unreadable: start over.
  }
  return newDemoChatSession();
}

/**
 * Saves the conversation as it changes, the way an app would store it in its database. While an answer is being
 * written only the messages up to its question are saved: after a reload `useChat({ resume: true })` replays the
 * answer from its first word, so a half answer saved here would show twice.
 */
export function useSaveDemoChat(id: string, messages: UIMessage[], status: ChatStatus) {
  React.useEffect(() => {
    const busy = status === 'submitted' || status === 'streaming';
    const answering = busy && messages.at(-1)?.role === 'assistant';
    const settled = answering ? messages.slice(0, -1) : messages;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ id, messages: settled }));
  }, [id, messages, status]);
}
