"use client"

import * as React from "react"
import { ArrowUp, Square } from "lucide-react"

import { Button } from "@/components/ui/button"
import { Textarea } from "@/components/ui/textarea"
import type { AiChatLabels } from "@/registry/realtime/blocks/ai-chat/lib/ai-chat-messages"
import { cn } from "@/registry/realtime/lib/utils"

interface AiChatComposerProps {
  /** Sends the trimmed text (never empty). */
  onSend: (text: string) => void
  onStop: () => void
  /** An answer is being written: Send becomes Stop, and Enter waits. */
  busy: boolean
  maxLength: number
  labels: AiChatLabels
}

/**
 * The question field and its one button: Send, or Stop while an answer is being written. Enter sends, Shift+Enter
 * adds a line (and Enter while an input method composes does neither).
 *
 * The field stays editable while an answer is written (the next question can be typed meanwhile); only sending waits.
 * Send and Stop are one button that changes role, and an empty Send is `aria-disabled` rather than disabled: either
 * way keyboard focus stays on it instead of falling back to the page.
 */
function AiChatComposer({
  onSend,
  onStop,
  busy,
  maxLength,
  labels,
}: AiChatComposerProps) {
  const [text, setText] = React.useState("")
  const ids = React.useId()
  const hintId = `${ids}-hint`
  const empty = text.trim() === ""
  const submit = () => {
    if (busy || empty) return
    onSend(text.trim())
    setText("")
  }

  return (
    <form
      data-slot="ai-chat-composer"
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
      className="border-t p-3"
    >
      <div className="flex items-end gap-2">
        <label htmlFor={`${ids}-text`} className="sr-only">
          {labels.message}
        </label>
        <Textarea
          id={`${ids}-text`}
          rows={1}
          value={text}
          maxLength={maxLength}
          placeholder={labels.placeholder}
          aria-describedby={hintId}
          dir="auto"
          data-slot="ai-chat-input"
          onChange={(event) => setText(event.target.value)}
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
          className="max-h-40 min-h-10 min-w-0 flex-1 resize-none text-sm md:text-sm"
        />
        <Button
          type={busy ? "button" : "submit"}
          size="icon-lg"
          variant={busy ? "outline" : "default"}
          aria-label={busy ? labels.stop : labels.send}
          aria-disabled={!busy && empty ? true : undefined}
          data-slot={busy ? "ai-chat-stop" : "ai-chat-send"}
          onClick={busy ? onStop : undefined}
          className={cn(
            !busy && empty && "cursor-not-allowed opacity-50 hover:bg-primary"
          )}
        >
          {busy ? (
            <Square aria-hidden="true" className="size-3.5 fill-current" />
          ) : (
            <ArrowUp aria-hidden="true" />
          )}
        </Button>
      </div>
      <p
        id={hintId}
        data-slot="ai-chat-hint"
        className="mt-1.5 min-h-4 truncate text-xs text-muted-foreground"
      >
        {busy ? labels.busyHint : labels.hint}
      </p>
    </form>
  )
}

export { AiChatComposer }
export type { AiChatComposerProps }
