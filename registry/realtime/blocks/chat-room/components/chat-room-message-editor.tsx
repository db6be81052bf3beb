"use client"

import * as React from "react"

import { Button } from "@/components/ui/button"
import { Textarea } from "@/components/ui/textarea"
import type { ChatRoomLabels } from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

interface ChatRoomMessageEditorProps {
  /** The text as it is now. */
  text: string
  maxLength: number
  /** Saves the new text (trimmed, never empty, changed). */
  onSave: (text: string) => void
  onCancel: () => void
  labels: ChatRoomLabels
}

/**
 * Editing a message in place: the text in a field that has focus, Enter saves, Shift+Enter adds a line, Escape
 * cancels. Saving unchanged or empty text cancels (deleting is its own action, with a confirm step).
 */
function ChatRoomMessageEditor({
  text,
  maxLength,
  onSave,
  onCancel,
  labels,
}: ChatRoomMessageEditorProps) {
  const [draft, setDraft] = React.useState(text)
  const ids = React.useId()
  const save = () => {
    const body = draft.trim()
    if (body === "" || body === text) onCancel()
    else onSave(body)
  }
  return (
    <form
      data-slot="chat-message-editor"
      onSubmit={(event) => {
        event.preventDefault()
        save()
      }}
      className="flex w-full min-w-64 flex-col gap-1.5"
    >
      <label htmlFor={`${ids}-text`} className="sr-only">
        {labels.editMessage}
      </label>
      <Textarea
        id={`${ids}-text`}
        value={draft}
        maxLength={maxLength}
        dir="auto"
        aria-describedby={`${ids}-hint`}
        // The field opens because you asked to edit: focus belongs in it, the caret at the end.
        autoFocus
        onFocus={(event) => {
          const end = event.currentTarget.value.length
          event.currentTarget.setSelectionRange(end, end)
        }}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
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
