"use client"

import * as React from "react"
import type {
  Channel,
  OptimisticItem,
  OptimisticSend,
} from "@realtime-kit/react"

import type { ChatRoomScroll } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-scroll"
import {
  firstLine,
  type ChatAttachment,
  type ChatMessage,
  type ChatMessageData,
  type ChatReplyTo,
  type ChatRoomEvents,
  type ChatUser,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import {
  CHAT_MENTION_SIGNAL,
  type ChatMentionSignal,
} from "@/registry/realtime/lib/chat-mention-signal"

interface ChatRoomSendOptions {
  room: Channel<ChatRoomEvents>
  send: OptimisticSend<ChatMessageData>
  user: ChatUser
  /** How mentions name the room ("Ada mentioned you in …"). */
  roomName: string
}

/** What a message carries besides its text. */
export interface ChatMessageExtras {
  mentions: string[]
  attachments: ChatAttachment[]
}

/**
 * Sends a message (with its reply, mentions and attachments) and tells the people mentioned: a `chat:mention` signal,
 * ephemeral like typing, for whoever listens now (a notification center).
 */
export function useChatRoomSend({
  room,
  send,
  user,
  roomName,
}: ChatRoomSendOptions) {
  return React.useCallback(
    (
      text: string,
      extras: ChatMessageExtras,
      replyTo: ChatReplyTo | undefined
    ) => {
      const data: ChatMessageData = {
        text,
        author: { ...user },
        sentAt: Date.now(),
        ...(replyTo ? { replyTo } : {}),
        ...(extras.mentions.length > 0 ? { mentions: extras.mentions } : {}),
        ...(extras.attachments.length > 0
          ? { attachments: extras.attachments }
          : {}),
      }
      const key = send(data)
      if (extras.mentions.length > 0)
        signalMention(room, {
          to: extras.mentions,
          user,
          roomName,
          text,
          key,
          sentAt: data.sentAt,
        })
    },
    [room, send, user, roomName]
  )
}

/** Tells the people `to` that `user` mentioned them (a new message, or an edit that names them). */
export function signalMention(
  room: Channel<ChatRoomEvents>,
  mention: {
    to: string[]
    user: ChatUser
    roomName: string
    text: string
    key: string
    sentAt: number
  }
) {
  room.signal(CHAT_MENTION_SIGNAL, {
    to: mention.to,
    from: { id: mention.user.id, name: mention.user.name },
    room: mention.roomName,
    excerpt: firstLine(mention.text),
    key: mention.key,
    sentAt: mention.sentAt,
  } satisfies ChatMentionSignal)
}

/**
 * Reloads the newest page of history after missed messages (undefined without `loadHistory`). Everything received so
 * far is in that page, or older than it (and loads on scroll-up), so the live rows it covers are set aside.
 */
export function chatRoomReload(
  loadHistory:
    | ((before: ChatMessage | undefined) => Promise<readonly ChatMessage[]>)
    | undefined,
  live: readonly OptimisticItem<unknown>[],
  {
    setHistory,
    setSuperseded,
  }: {
    setHistory: (history: readonly ChatMessage[]) => void
    setSuperseded: (keys: ReadonlySet<string>) => void
  },
  scroll: ChatRoomScroll
) {
  if (!loadHistory) return undefined
  return async () => {
    const received = new Set(
      live.filter((item) => item.status === "sent").map((item) => item.key)
    )
    const latest = await loadHistory(undefined)
    setSuperseded(received)
    setHistory(latest)
    scroll.restart()
  }
}
