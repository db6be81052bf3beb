"use client"

import * as React from "react"
import { useRealtimeClient } from "@realtime-kit/react"

import type {
  NotificationCenterItem,
  NotificationCenterLabels,
} from "@/registry/realtime/blocks/notification-center/lib/notification-center-items"
import {
  CHAT_MENTION_SIGNAL,
  readChatMentionSignal,
} from "@/registry/realtime/lib/chat-mention-signal"

/**
 * Mentions of you in chat rooms: listens for the `chat:mention` signal a chat room sends on each of `channels`
 * and adds "Ada mentioned you in Launch room" for the ones that name `userId` (default: the id the server knows
 * you by). Signals are ephemeral: only mentions sent while this listens arrive.
 */
export function useMentionNotifications({
  channels,
  userId,
  add,
  labels,
}: {
  channels: readonly string[] | undefined
  userId: string | undefined
  add: (item: NotificationCenterItem) => void
  labels: NotificationCenterLabels
}) {
  const client = useRealtimeClient()
  const latest = React.useRef({ userId, add, labels })
  React.useLayoutEffect(() => {
    latest.current = { userId, add, labels }
  })
  // A new array with the same channels must not resubscribe.
  const channelKey = (channels ?? []).join("\n")
  React.useEffect(() => {
    if (channelKey === "") return
    const stops = channelKey.split("\n").map((name) => {
      const channel = client.channel(name)
      return channel.onSignal(CHAT_MENTION_SIGNAL, (signal) => {
        const mention = readChatMentionSignal(signal.data)
        const { userId: you, add: addItem, labels: texts } = latest.current
        const me = you ?? channel.userId
        // The sender is who the server says it is: a signal cannot speak for someone else.
        if (!mention || me === null || !mention.to.includes(me)) return
        if (signal.from !== mention.from.id || signal.from === me) return
        addItem({
          id: `mention:${name}:${mention.key}`,
          title: texts.mentioned(mention.from.name, mention.room),
          body: mention.excerpt,
          at: mention.sentAt,
        })
      })
    })
    return () => stops.forEach((stop) => stop())
  }, [client, channelKey])
}
