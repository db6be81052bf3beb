"use client"

import * as React from "react"
import { Pencil, Reply, SmilePlus, Trash2 } from "lucide-react"

import { Button } from "@/components/ui/button"
import {
  Popover,
  PopoverContent,
  PopoverTrigger,
} from "@/components/ui/popover"
import type { ChatMentionCandidate } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-mentions"
import type {
  ChatRoomLabels,
  ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"

/** The reactions the picker offers by default. */
export const DEFAULT_CHAT_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "😢"]

/** What a row needs to edit, delete and react: the room hands one of these down to every message. */
export interface ChatRoomRowActions {
  /** You: your reactions are the ones with your id. */
  userId: string
  /** The message being edited (its id), if any: one at a time, kept while its row scrolls out of view. */
  editingId: string | undefined
  setEditingId: (id: string | undefined) => void
  /** Saves an edit: the new text and whom it mentions (user ids). */
  edit: (row: ChatRow, text: string, mentions: readonly string[]) => void
  remove: (row: ChatRow) => void
  toggleReaction: (row: ChatRow, reaction: string, reacted: boolean) => void
  /** The server refused a change to this message (it is rolled back): why, to show by it. */
  refused: { messageId: string; message: string } | undefined
  dismissRefused: () => void
  /** A member's display name by user id (presence, then message authors). */
  getName: (userId: string) => string | undefined
  /** Where focus goes once a message you deleted has become a tombstone (its toolbar is gone). */
  onDeleted: () => void
  /** Start a reply to this message in the composer. */
  reply: (row: ChatRow) => void
  /** Scrolls to a message and highlights it; false when it is not in the list (not loaded). */
  showOriginal: (id: string) => boolean
  /** The message just shown by a reply's quote (highlighted for a moment). */
  highlightedId: string | undefined
  /** The reactions the picker offers. */
  reactions: readonly string[]
  /** Whom `@` offers to mention while editing. */
  mentionCandidates: readonly ChatMentionCandidate[]
  maxLength: number
  locale: string
}

interface ChatRoomMessageActionsProps {
  row: ChatRow
  actions: ChatRoomRowActions
  labels: ChatRoomLabels
  /** The Edit button: focus comes back to it when editing ends. */
  editButtonRef: React.Ref<HTMLButtonElement>
  /** Whether the reaction picker or the delete confirmation is open (the row keeps the toolbar while it is). */
  onOpenChange?: (open: boolean) => void
  className?: string
}

/**
 * A message's toolbar: reply, react (a picker), and on your own messages Edit and Delete (with a confirm step). The
 * message mounts it while hovered or focused (a tap focuses it on touch screens) and keeps
 * {@link ChatRoomMessageActionsSpace} in its place otherwise, so nothing moves when it appears.
 */
function ChatRoomMessageActions({
  row,
  actions,
  labels,
  editButtonRef,
  onOpenChange,
  className,
}: ChatRoomMessageActionsProps) {
  const [picking, setPicking] = React.useState(false)
  const [confirming, setConfirming] = React.useState(false)
  const open = picking || confirming
  React.useEffect(() => {
    if (!open) return
    onOpenChange?.(true)
    return () => onOpenChange?.(false)
  }, [open, onOpenChange])
  const reacted = (reaction: string) =>
    row.reactions?.[reaction]?.users.includes(actions.userId) ?? false
  const confirmId = `${React.useId()}-confirm`
  /** Deleted from the confirm step: its trigger is gone with the message, so focus goes elsewhere. */
  const deleted = React.useRef(false)

  return (
    <div
      role="group"
      aria-label={labels.messageActions}
      data-slot="chat-message-actions"
      data-open={open || undefined}
      className={cn("flex shrink-0 items-center gap-0.5", className)}
    >
      <Button
        type="button"
        variant="ghost"
        size="icon-xs"
        aria-label={labels.reply}
        data-slot="chat-message-reply"
        onClick={() => actions.reply(row)}
        className="text-muted-foreground"
      >
        <Reply aria-hidden="true" className="rtl:-scale-x-100" />
      </Button>
      <Popover open={picking} onOpenChange={setPicking}>
        <PopoverTrigger asChild>
          <Button
            type="button"
            variant="ghost"
            size="icon-xs"
            aria-label={labels.addReaction}
            data-slot="chat-message-react"
            className="text-muted-foreground"
          >
            <SmilePlus aria-hidden="true" />
          </Button>
        </PopoverTrigger>
        <PopoverContent
          aria-label={labels.addReaction}
          side="top"
          className="flex w-auto gap-0.5 p-1"
        >
          {actions.reactions.map((reaction) => (
            <Button
              key={reaction}
              type="button"
              variant="ghost"
              size="icon-sm"
              aria-label={labels.reactWith(reaction)}
              aria-pressed={reacted(reaction)}
              onClick={() => {
                actions.toggleReaction(row, reaction, reacted(reaction))
                setPicking(false)
              }}
              className="text-lg aria-pressed:bg-accent"
            >
              {reaction}
            </Button>
          ))}
        </PopoverContent>
      </Popover>
      {row.own && (
        <>
          <Button
            ref={editButtonRef}
            type="button"
            variant="ghost"
            size="icon-xs"
            aria-label={labels.edit}
            data-slot="chat-message-edit"
            onClick={() => actions.setEditingId(row.id)}
            className="text-muted-foreground"
          >
            <Pencil aria-hidden="true" />
          </Button>
          <Popover open={confirming} onOpenChange={setConfirming}>
            <PopoverTrigger asChild>
              <Button
                type="button"
                variant="ghost"
                size="icon-xs"
                aria-label={labels.delete}
                data-slot="chat-message-delete"
                className="text-muted-foreground hover:text-destructive"
              >
                <Trash2 aria-hidden="true" />
              </Button>
            </PopoverTrigger>
            <PopoverContent
              role="alertdialog"
              aria-labelledby={confirmId}
              onCloseAutoFocus={(event) => {
                if (!deleted.current) return
                event.preventDefault()
                actions.onDeleted()
              }}
              side="top"
              className="flex w-64 flex-col gap-3 p-3"
            >
              <p id={confirmId} className="text-sm">
                {labels.deleteConfirm}
              </p>
              {/* Cancel first: the safe choice is the one focus lands on. */}
              <div className="flex justify-end gap-2">
                <Button
                  type="button"
                  variant="outline"
                  size="sm"
                  onClick={() => setConfirming(false)}
                >
                  {labels.cancel}
                </Button>
                <Button
                  type="button"
                  variant="destructive"
                  size="sm"
                  onClick={() => {
                    deleted.current = true
                    setConfirming(false)
                    actions.remove(row)
                  }}
                >
                  {labels.delete}
                </Button>
              </div>
            </PopoverContent>
          </Popover>
        </>
      )}
    </div>
  )
}

/** The toolbar's room while it is not mounted: as wide as its buttons (two, or four on yours), so text never reflows. */
function ChatRoomMessageActionsSpace({ own }: { own: boolean }) {
  const buttons = own ? 4 : 2
  return (
    <div
      aria-hidden="true"
      data-slot="chat-message-actions-space"
      className="shrink-0"
      // Buttons of size-6 with gap-0.5 between them, in the theme's spacing unit.
      style={{
        width: `calc(var(--spacing) * ${buttons * 6 + (buttons - 1) * 0.5})`,
      }}
    />
  )
}

export { ChatRoomMessageActions, ChatRoomMessageActionsSpace }
export type { ChatRoomMessageActionsProps }
