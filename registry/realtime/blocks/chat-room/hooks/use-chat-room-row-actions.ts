"use client"

import * as React from "react"
import type { UseMessageActionsResult } from "@realtime-kit/react"

import type { ChatRoomRowActions } from "@/registry/realtime/blocks/chat-room/components/chat-room-message-actions"
import type { ChatMentionCandidate } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-mentions"
import {
  refusalOf,
  type ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

interface ChatRoomRowActionsOptions {
  /** `useMessageActions(room)`. */
  messageActions: UseMessageActionsResult
  channel: string
  userId: string
  getName: (userId: string) => string | undefined
  reactions: readonly string[]
  /** Whom `@` offers to mention while editing. */
  mentionCandidates: readonly ChatMentionCandidate[]
  maxLength: number
  locale: string
  onDeleted: () => void
  /** An edit names people it did not before: tell them. */
  onMentioned: (row: ChatRow, to: string[], text: string) => void
  onReply: (row: ChatRow) => void
  showOriginal: (id: string) => boolean
  highlightedId: string | undefined
}

/** Ignored: a refused change is rolled back and shown by its message through `refused`, not thrown at the reader. */
const shownByTheRow = () => {}

/**
 * What every row gets to edit, delete and react: the room's message actions for a row, which message is being
 * edited, and the last refusal, in the server's words.
 */
export function useChatRoomRowActions({
  messageActions,
  channel,
  userId,
  getName,
  reactions,
  mentionCandidates,
  maxLength,
  locale,
  onDeleted,
  onMentioned,
  onReply,
  showOriginal,
  highlightedId,
}: ChatRoomRowActionsOptions): ChatRoomRowActions {
  const [editingId, setEditingId] = React.useState<string | undefined>()
  const { edit, remove, react, unreact, refused, dismiss } = messageActions
  // Called from events only: new identities every render must not rebuild every row's actions.
  const latest = React.useRef({ onDeleted, onMentioned, onReply, showOriginal })
  React.useLayoutEffect(() => {
    latest.current = { onDeleted, onMentioned, onReply, showOriginal }
  })
  const refusedMessage = React.useMemo(
    () =>
      refused
        ? {
            messageId: refused.messageId,
            message: refusalOf(refused.error, channel)?.message ?? "",
          }
        : undefined,
    [refused, channel]
  )
  return React.useMemo<ChatRoomRowActions>(
    () => ({
      userId,
      editingId,
      setEditingId,
      edit: (row: ChatRow, text: string, mentions: readonly string[]) => {
        if (row.id === undefined) return
        // The reply and files stay with the message; its text changes, and whom the new text mentions.
        const { mentions: before = [], ...kept } = row.message
        edit(row.id, {
          ...kept,
          text,
          ...(mentions.length > 0 ? { mentions: [...mentions] } : {}),
        }).catch(shownByTheRow)
        const added = mentions.filter((id) => !before.includes(id))
        if (added.length > 0) latest.current.onMentioned(row, added, text)
      },
      remove: (row: ChatRow) => {
        if (row.id !== undefined) remove(row.id).catch(shownByTheRow)
      },
      toggleReaction: (row: ChatRow, reaction: string, reacted: boolean) => {
        if (row.id === undefined) return
        ;(reacted ? unreact : react)(row.id, reaction).catch(shownByTheRow)
      },
      refused: refusedMessage,
      dismissRefused: dismiss,
      getName,
      onDeleted: () => latest.current.onDeleted(),
      reply: (row: ChatRow) => latest.current.onReply(row),
      showOriginal: (id: string) => latest.current.showOriginal(id),
      highlightedId,
      reactions,
      mentionCandidates,
      maxLength,
      locale,
    }),
    [
      userId,
      editingId,
      edit,
      remove,
      react,
      unreact,
      refusedMessage,
      dismiss,
      getName,
      reactions,
      mentionCandidates,
      maxLength,
      locale,
      highlightedId,
    ]
  )
}
