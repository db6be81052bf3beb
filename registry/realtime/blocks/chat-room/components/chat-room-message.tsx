"use client"

import * as React from "react"
import { Ban, CircleAlert, Clock, RotateCcw, X } from "lucide-react"

import { Button } from "@/components/ui/button"
import {
  ChatRoomMessageActions,
  ChatRoomMessageActionsSpace,
  type ChatRoomRowActions,
} from "@/registry/realtime/blocks/chat-room/components/chat-room-message-actions"
import { ChatRoomMessageBody } from "@/registry/realtime/blocks/chat-room/components/chat-room-message-body"
import { ChatRoomMessageEditor } from "@/registry/realtime/blocks/chat-room/components/chat-room-message-editor"
import { ChatRoomReactions } from "@/registry/realtime/blocks/chat-room/components/chat-room-reactions"
import { useChatRoomToolbarVisibility } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-toolbar-visibility"
import type {
  ChatRoomLabels,
  ChatRow,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"
import { PresenceAvatar } from "@/registry/realtime/ui/presence-avatars"

interface ChatRoomMessageProps {
  row: ChatRow
  /** It continues the previous author's messages: no avatar and no visible header. */
  grouped: boolean
  /** When it was sent, formatted for the reader ("" when unknown). */
  time: string
  /** The connection is open: a pending message is "Sending…", else it waits for the connection. */
  connected: boolean
  /** "Seen by …" under your last message. */
  seenBy: string | undefined
  labels: ChatRoomLabels
  /** Edit, delete and react (on stored messages; edit and delete on yours only). */
  actions: ChatRoomRowActions
  /** It replies to a message that is in the list and deleted. */
  originalDeleted?: boolean
}

/**
 * One message: the others' on the start side with their avatar, yours on the end side. A pending one is dimmed and
 * says whether it is sending or waiting for the connection; a failed one offers Retry, or shows why the server
 * refused it for good. A stored one has a toolbar (reply, react; edit and delete on yours) while it is hovered or
 * focused (Tab reaches each message, arrow keys move between them), its reactions under it, and "(edited)" once
 * edited; a deleted one is a tombstone with none of its text left.
 */
function ChatRoomMessage({
  row,
  grouped,
  time,
  connected,
  seenBy,
  labels,
  actions,
  originalDeleted = false,
}: ChatRoomMessageProps) {
  const { message, own, status } = row
  const author = message.author ?? { id: "", name: "" }
  // A tombstone that came in live has only its author's id: the name is the one the room knows.
  const authorName = author.name || (actions.getName(author.id) ?? "")
  const name = own ? labels.you : authorName
  const editing = row.id !== undefined && actions.editingId === row.id
  const toolbar = useChatRoomToolbarVisibility()
  const editButton = React.useRef<HTMLButtonElement>(null)
  /** Editing ended here (saved or cancelled): focus goes back to Edit, where it came from. */
  const returnFocus = React.useRef(false)
  React.useEffect(() => {
    if (editing || !returnFocus.current) return
    returnFocus.current = false
    editButton.current?.focus()
  }, [editing])
  const endEditing = () => {
    returnFocus.current = true
    toolbar.showForFocus()
    actions.setEditingId(undefined)
  }
  const stored = status === "sent" && row.id !== undefined && !row.deleted
  const refused =
    row.id !== undefined && actions.refused?.messageId === row.id
      ? actions.refused
      : undefined
  const header = (
    <>
      {name && <span className="font-medium text-foreground">{name}</span>}
      {time && (
        <>
          {" "}
          <time
            dateTime={new Date(message.sentAt).toISOString()}
            suppressHydrationWarning
            className="tabular-nums"
          >
            {time}
          </time>
        </>
      )}
    </>
  )
  return (
    <div
      data-slot="chat-message"
      data-status={status}
      data-own={own || undefined}
      data-deleted={row.deleted || undefined}
      data-edited={isEdited(row) || undefined}
      data-message-id={row.id}
      data-highlighted={
        (row.id !== undefined && actions.highlightedId === row.id) || undefined
      }
      // In the tab order: focusing a message shows its toolbar ("show the original" of a reply focuses it too).
      tabIndex={0}
      {...toolbar.rowProps}
      className={cn(
        "flex gap-2 px-4 transition-colors duration-500 outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset data-highlighted:bg-accent motion-reduce:transition-none",
        grouped ? "pt-0.5" : "pt-3",
        own && "flex-row-reverse"
      )}
    >
      {!own && (
        <div className="w-7 shrink-0">
          {!grouped && (
            <PresenceAvatar
              userId={author.id}
              name={authorName}
              avatarUrl={author.avatarUrl}
              size="sm"
              className="size-7 ring-0"
              aria-hidden="true"
            />
          )}
        </div>
      )}
      <div
        className={cn(
          "flex max-w-[80%] min-w-0 flex-col gap-1",
          own ? "items-end" : "items-start"
        )}
      >
        {grouped ? (
          <span className="sr-only">{header}</span>
        ) : (
          <div className="text-xs text-muted-foreground">{header}</div>
        )}
        {row.deleted ? (
          <div
            data-slot="chat-message-deleted"
            className="inline-flex items-center gap-1.5 rounded-2xl border border-dashed px-3 py-2 text-sm text-muted-foreground italic"
          >
            <Ban aria-hidden="true" className="size-3.5" />
            {labels.deleted}
          </div>
        ) : editing ? (
          <ChatRoomMessageEditor
            text={message.text}
            mentions={message.mentions}
            mentionCandidates={actions.mentionCandidates}
            getName={actions.getName}
            maxLength={actions.maxLength}
            onSave={(text, mentions) => {
              actions.edit(row, text, mentions)
              endEditing()
            }}
            onCancel={endEditing}
            labels={labels}
          />
        ) : (
          <ChatRoomMessageBody
            row={row}
            userId={actions.userId}
            getName={actions.getName}
            originalDeleted={originalDeleted}
            onShowOriginal={actions.showOriginal}
            locale={actions.locale}
            labels={labels}
          >
            {stored &&
              (toolbar.shown ? (
                <ChatRoomMessageActions
                  row={row}
                  actions={actions}
                  labels={labels}
                  editButtonRef={editButton}
                  onOpenChange={toolbar.setOpen}
                />
              ) : (
                <ChatRoomMessageActionsSpace own={row.own} />
              ))}
          </ChatRoomMessageBody>
        )}
        {!row.deleted && isEdited(row) && (
          <span
            data-slot="chat-message-edited"
            className="text-xs text-muted-foreground"
          >
            {labels.edited}
          </span>
        )}
        {stored && row.reactions && (
          <ChatRoomReactions
            reactions={row.reactions}
            userId={actions.userId}
            getName={actions.getName}
            onToggle={(reaction, reacted) =>
              actions.toggleReaction(row, reaction, reacted)
            }
            locale={actions.locale}
            labels={labels}
            className={own ? "justify-end" : undefined}
          />
        )}
        {refused && (
          <div
            role="alert"
            dir="auto"
            data-slot="chat-message-action-refused"
            className="flex max-w-full items-start gap-1.5 text-xs [overflow-wrap:anywhere] text-destructive"
          >
            <CircleAlert
              aria-hidden="true"
              className="mt-px size-3.5 shrink-0"
            />
            <p className="min-w-0">{refused.message}</p>
            <Button
              type="button"
              variant="ghost"
              size="icon-xs"
              aria-label={labels.dismiss}
              onClick={actions.dismissRefused}
              className="-my-1 text-foreground"
            >
              <X aria-hidden="true" />
            </Button>
          </div>
        )}
        <ChatRoomMessageStatus
          row={row}
          connected={connected}
          labels={labels}
        />
        {seenBy && (
          <span
            data-slot="chat-message-seen"
            className="text-xs text-muted-foreground"
          >
            {seenBy}
          </span>
        )}
      </div>
    </div>
  )
}

/** Edited since it was sent: its version is past 1. */
function isEdited(row: ChatRow) {
  return (row.version ?? 1) > 1
}

/** Under a message of yours that is not through: sending or queued, or failed with Retry or the server's reason. */
function ChatRoomMessageStatus({
  row,
  connected,
  labels,
}: Pick<ChatRoomMessageProps, "row" | "connected" | "labels">) {
  if (row.status === "pending") {
    return (
      <span
        data-slot="chat-message-status"
        className="inline-flex items-center gap-1 text-xs text-muted-foreground"
      >
        <Clock aria-hidden="true" className="size-3" />
        {connected ? labels.sending : labels.queued}
      </span>
    )
  }
  if (row.status !== "failed") return null
  return (
    <>
      <span
        data-slot="chat-message-status"
        className="inline-flex items-center gap-2 text-xs text-destructive"
      >
        <CircleAlert aria-hidden="true" className="size-3.5" />
        {labels.failed}
        {row.retry && (
          <Button
            type="button"
            variant="link"
            size="xs"
            onClick={row.retry}
            className="h-auto px-0 text-foreground underline has-[>svg]:px-0"
          >
            <RotateCcw aria-hidden="true" />
            {labels.retry}
          </Button>
        )}
      </span>
      {row.refusal && (
        <div
          dir="auto"
          data-slot="chat-message-refusal"
          className="max-w-full text-xs [overflow-wrap:anywhere] text-destructive"
        >
          <p>{row.refusal.message}</p>
          {row.refusal.issues.length > 0 && (
            <ul className="list-disc ps-4">
              {row.refusal.issues.map((issue, index) => (
                <li key={index}>{issue}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  )
}

export { ChatRoomMessage }
export type { ChatRoomMessageProps }
