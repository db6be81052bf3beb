"use client"

import * as React from "react"
import type { ConnectionStatus } from "@realtime-kit/react"
import { SendHorizontal } from "lucide-react"

import { Button } from "@/components/ui/button"
import { Textarea } from "@/components/ui/textarea"
import {
  connectionText,
  type ChatRoomLabels,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"
import { TypingIndicator } from "@/registry/realtime/ui/typing-indicator"

interface ChatRoomComposerProps {
  /** Sends a message (already trimmed, never empty). */
  onSend: (text: string) => void
  /** Typing signals: a keystroke while there is text, stop when it is cleared or sent. */
  onKeystroke: () => void
  onStopTyping: () => void
  /** Who is typing (user ids) and their names, for the line above the field. */
  typing: readonly string[]
  getName: (userId: string) => string | undefined
  status: ConnectionStatus
  maxLength: number
  locale: string
  labels: ChatRoomLabels
  textareaRef: React.Ref<HTMLTextAreaElement>
}

/**
 * Who is typing, the message field and Send, and a status line that says what happens to a message sent now.
 * Enter sends, Shift+Enter adds a line (and Enter while an input method composes does neither).
 */
function ChatRoomComposer({
  onSend,
  onKeystroke,
  onStopTyping,
  typing,
  getName,
  status,
  maxLength,
  locale,
  labels,
  textareaRef,
}: ChatRoomComposerProps) {
  const [text, setText] = React.useState("")
  const ids = React.useId()
  const hintId = `${ids}-hint`
  const submit = () => {
    const body = text.trim()
    if (body === "") return
    onSend(body)
    setText("")
    onStopTyping()
  }
  const connected = status === "open"

  return (
    <footer data-slot="chat-room-composer" className="border-t px-4 pt-1 pb-3">
      <TypingIndicator
        typing={typing}
        getName={getName}
        locale={locale}
        className="mb-1"
      />
      <form
        onSubmit={(event) => {
          event.preventDefault()
          submit()
        }}
        className="flex items-end gap-2"
      >
        <label htmlFor={`${ids}-text`} className="sr-only">
          {labels.message}
        </label>
        <Textarea
          ref={textareaRef}
          id={`${ids}-text`}
          rows={1}
          value={text}
          maxLength={maxLength}
          placeholder={labels.placeholder}
          aria-describedby={hintId}
          dir="auto"
          onChange={(event) => {
            setText(event.target.value)
            if (event.target.value.trim() === "") onStopTyping()
            else onKeystroke()
          }}
          onKeyDown={(event) => {
            if (
              event.key !== "Enter" ||
              event.shiftKey ||
              event.nativeEvent.isComposing
            )
              return
            event.preventDefault()
            submit()
          }}
          data-slot="chat-room-input"
          className="max-h-40 min-h-10 min-w-0 flex-1 resize-none text-sm md:text-sm"
        />
        <Button
          type="submit"
          size="icon-lg"
          disabled={text.trim() === ""}
          aria-label={labels.send}
          data-slot="chat-room-send"
        >
          <SendHorizontal aria-hidden="true" className="rtl:-scale-x-100" />
        </Button>
      </form>
      <p
        id={hintId}
        role="status"
        data-slot="chat-room-status"
        data-state={status}
        className={cn(
          "mt-1.5 min-h-4 truncate text-xs",
          connected ? "text-muted-foreground" : "text-foreground"
        )}
      >
        {connectionText(status, labels)}
      </p>
    </footer>
  )
}

export { ChatRoomComposer }
export type { ChatRoomComposerProps }
