"use client"

import * as React from "react"

import { Button } from "@/components/ui/button"
import { Textarea } from "@/components/ui/textarea"
import {
  ChatRoomMentionList,
  mentionOptionId,
} from "@/registry/realtime/blocks/chat-room/components/chat-room-mention-list"
import {
  useChatRoomMentions,
  type ChatMentionCandidate,
} from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-mentions"
import type { ChatRoomLabels } from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

interface ChatRoomMessageEditorProps {
  /** The text as it is now. */
  text: string
  /** Whom it mentions now (user ids). */
  mentions?: readonly string[]
  /** Whom `@` offers to mention. */
  mentionCandidates: readonly ChatMentionCandidate[]
  /** A name for a mentioned user id (one who left the room is still named). */
  getName: (userId: string) => string | undefined
  maxLength: number
  /** Saves the new text (trimmed, never empty, changed) and whom it mentions. */
  onSave: (text: string, mentions: string[]) => void
  onCancel: () => void
  labels: ChatRoomLabels
}

/**
 * Editing a message in place: the text in a field that has focus, Enter saves, Shift+Enter adds a line, Escape
 * cancels; `@` offers people to mention, as in the composer. Saving unchanged or empty text cancels (deleting is its
 * own action, with a confirm step).
 */
function ChatRoomMessageEditor({
  text,
  mentions: mentionedBefore,
  mentionCandidates,
  getName,
  maxLength,
  onSave,
  onCancel,
  labels,
}: ChatRoomMessageEditorProps) {
  const [draft, setDraft] = React.useState(text)
  const ids = React.useId()
  const listId = `${ids}-mentions`
  const textareaRef = React.useRef<HTMLTextAreaElement>(null)
  const [initiallyChosen] = React.useState(
    () =>
      new Map(
        (mentionedBefore ?? []).flatMap((id) => {
          const name = getName(id)
          return name ? [[id, name] as const] : []
        })
      )
  )
  const mentions = useChatRoomMentions({
    text: draft,
    setText: setDraft,
    textareaRef,
    candidates: mentionCandidates,
    initiallyChosen,
  })
  const save = () => {
    const body = draft.trim()
    if (body === "" || body === text) onCancel()
    else onSave(body, mentions.mentions())
  }
  return (
    <form
      data-slot="chat-message-editor"
      onSubmit={(event) => {
        event.preventDefault()
        save()
      }}
      className="relative flex w-full min-w-64 flex-col gap-1.5"
    >
      <ChatRoomMentionList
        id={listId}
        mentions={mentions}
        label={labels.mentionSuggestions}
      />
      <label htmlFor={`${ids}-text`} className="sr-only">
        {labels.editMessage}
      </label>
      <Textarea
        ref={textareaRef}
        id={`${ids}-text`}
        value={draft}
        maxLength={maxLength}
        dir="auto"
        aria-describedby={`${ids}-hint`}
        aria-autocomplete="list"
        aria-controls={mentions.open ? listId : undefined}
        aria-activedescendant={
          mentions.open ? mentionOptionId(listId, mentions.active) : undefined
        }
        // The field opens because you asked to edit: focus belongs in it, the caret at the end.
        autoFocus
        onFocus={(event) => {
          const end = event.currentTarget.value.length
          event.currentTarget.setSelectionRange(end, end)
        }}
        onChange={(event) => {
          setDraft(event.target.value)
          mentions.onCaretMove(event.target)
        }}
        onSelect={(event) => mentions.onCaretMove(event.currentTarget)}
        onKeyDown={(event) => {
          if (mentions.onKeyDown(event)) return
          if (event.key === "Escape") {
            event.preventDefault()
            event.stopPropagation()
            onCancel()
            return
          }
          if (
            event.key !== "Enter" ||
            event.shiftKey ||
            event.nativeEvent.isComposing
          )
            return
          event.preventDefault()
          save()
        }}
        className="max-h-40 min-h-10 resize-none text-sm md:text-sm"
      />
      <div className="flex items-center justify-end gap-2">
        <span
          id={`${ids}-hint`}
          className="me-auto text-xs text-muted-foreground"
        >
          {labels.editHint}
        </span>
        <Button type="button" variant="ghost" size="xs" onClick={onCancel}>
          {labels.cancel}
        </Button>
        <Button type="submit" size="xs">
          {labels.save}
        </Button>
      </div>
    </form>
  )
}

export { ChatRoomMessageEditor }
export type { ChatRoomMessageEditorProps }
