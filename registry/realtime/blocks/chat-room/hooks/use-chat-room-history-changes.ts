"use client"

import * as React from "react"
import type {
  Channel,
  ChannelMessage,
  ReactionChange,
} from "@realtime-kit/react"

import type {
  ChatMessage,
  ChatMessageData,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

/**
 * Edits, deletions and reactions of stored messages (the history rows), folded into the history as they arrive.
 * The live rows need nothing: `useOptimisticPublish` folds changes into its own items, and ignores the ones whose
 * target it never listed, which are these.
 */
export function useChatRoomHistoryChanges(
  room: Pick<Channel, "subscribe">,
  setHistory: React.Dispatch<React.SetStateAction<readonly ChatMessage[]>>
) {
  React.useEffect(
    () =>
      room.subscribe("*", (message) => {
        if (message.action === undefined) return
        setHistory((history) => foldChange(history, message))
      }),
    [room, setHistory]
  )
}

/** `history` with one change applied to its target (unchanged when the target is not in it); versions only grow. */
export function foldChange(
  history: readonly ChatMessage[],
  change: ChannelMessage
): readonly ChatMessage[] {
  const index = history.findIndex((message) => message.id === change.target)
  const target = history[index]
  if (target === undefined) return history
  let changed: ChatMessage
  if (change.action === "reaction") {
    changed = {
      ...target,
      reactions: (change.data as ReactionChange).summary,
    }
  } else {
    if ((change.version ?? 0) <= (target.version ?? 1)) return history
    const data = change.data as Partial<ChatMessageData> | null
    changed =
      change.action === "update"
        ? {
            ...target,
            text: typeof data?.text === "string" ? data.text : target.text,
            version: change.version,
          }
        : // The text goes: a deleted message must not linger in the page.
          { ...target, text: "", version: change.version, deleted: true }
  }
  const next = history.slice()
  next[index] = changed
  return next
}
