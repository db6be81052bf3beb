"use client"

import * as React from "react"
import type { ConnectionStatus } from "@realtime-kit/react"
import { Paperclip, SendHorizontal } from "lucide-react"

import { Button } from "@/components/ui/button"
import { Textarea } from "@/components/ui/textarea"
import { ChatRoomAttachments } from "@/registry/realtime/blocks/chat-room/components/chat-room-attachments"
import {
  ChatRoomMentionList,
  mentionOptionId,
} from "@/registry/realtime/blocks/chat-room/components/chat-room-mention-list"
import { ChatRoomReplyPreview } from "@/registry/realtime/blocks/chat-room/components/chat-room-reply-preview"
import {
  DEFAULT_ATTACHMENT_LIMITS,
  useChatRoomAttachments,
  type ChatRoomAttachmentLimits,
  type ChatRoomUpload,
} from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-attachments"
import {
  useChatRoomMentions,
  type ChatMentionCandidate,
} from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-mentions"
import {
  connectionText,
  type ChatAttachment,
  type ChatReplyTo,
  type ChatRoomLabels,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"
import { TypingIndicator } from "@/registry/realtime/ui/typing-indicator"

/** What goes with a message's text. */
interface ChatRoomComposerExtras {
  /** The user ids mentioned with `@Name`. */
  mentions: string[]
  /** The uploaded files. */
  attachments: ChatAttachment[]
}

interface ChatRoomComposerProps {
  /** Sends a message (trimmed; never empty unless it carries files). */
  onSend: (text: string, extras: ChatRoomComposerExtras) => void
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
  textareaRef: React.RefObject<HTMLTextAreaElement | null>
  /** The message being answered: quoted above the field, with ✕ (and Escape) calling `onCancelReply`. */
  replyTo?: ChatReplyTo | undefined
  onCancelReply?: () => void
  /** Whom `@` offers to mention. */
  mentionCandidates?: readonly ChatMentionCandidate[]
  /** Uploads a file: without it there is no paperclip, and pasted or dropped files are ignored. */
  upload?: ChatRoomUpload | undefined
  attachmentLimits?: ChatRoomAttachmentLimits
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
  replyTo,
  onCancelReply,
  mentionCandidates = NO_CANDIDATES,
  upload,
  attachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
}: ChatRoomComposerProps) {
  const [text, setText] = React.useState("")
  const ids = React.useId()
  const hintId = `${ids}-hint`
  const listId = `${ids}-mentions`
  const fileInput = React.useRef<HTMLInputElement>(null)
  const [dragging, setDragging] = React.useState(false)
  const mentions = useChatRoomMentions({
    text,
    setText,
    textareaRef,
    candidates: mentionCandidates,
  })
  const files = useChatRoomAttachments({
    upload,
    limits: attachmentLimits,
    locale,
    labels,
  })
  const canSend =
    files.settled && (text.trim() !== "" || files.attachments.length > 0)
  const submit = () => {
    if (!canSend) return
    onSend(text.trim(), {
      mentions: mentions.mentions(),
      attachments: files.attachments,
    })
    setText("")
    mentions.reset()
    files.clear()
    onStopTyping()
  }
  const addFiles = (list: FileList | null | undefined) => {
    if (upload && list && list.length > 0) files.add(Array.from(list))
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
      {replyTo && onCancelReply && (
        <ChatRoomReplyPreview
          replyTo={replyTo}
          onCancel={onCancelReply}
          labels={labels}
        />
      )}
      <ChatRoomAttachments state={files} locale={locale} labels={labels} />
      <form
        onSubmit={(event) => {
          event.preventDefault()
          submit()
        }}
        onDragOver={(event) => {
          if (!upload || !event.dataTransfer.types.includes("Files")) return
          event.preventDefault()
          setDragging(true)
        }}
        onDragLeave={(event) => {
          // Leaving for a child of the form is not leaving the form.
          if (!event.currentTarget.contains(event.relatedTarget as Node | null))
            setDragging(false)
        }}
        onDrop={(event) => {
          setDragging(false)
          if (!upload || event.dataTransfer.files.length === 0) return
          event.preventDefault()
          addFiles(event.dataTransfer.files)
        }}
        data-dragging={dragging || undefined}
        className="relative flex items-end gap-2 rounded-md transition-shadow data-[dragging]:ring-2 data-[dragging]:ring-ring/50 data-[dragging]:ring-offset-2 data-[dragging]:ring-offset-background motion-reduce:transition-none"
      >
        <ChatRoomMentionList
          id={listId}
          mentions={mentions}
          label={labels.mentionSuggestions}
        />
        {upload && (
          <>
            <input
              ref={fileInput}
              type="file"
              multiple
              accept={attachmentLimits.accept.join(",")}
              tabIndex={-1}
              aria-hidden="true"
              className="sr-only"
              data-slot="chat-room-file-input"
              onChange={(event) => {
                addFiles(event.target.files)
                event.target.value = ""
              }}
            />
            <Button
              type="button"
              variant="ghost"
              size="icon-lg"
              aria-label={labels.attach}
              data-slot="chat-room-attach"
              onClick={() => fileInput.current?.click()}
              className="text-muted-foreground"
            >
              <Paperclip aria-hidden="true" />
            </Button>
          </>
        )}
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
          // The `@` autocomplete: focus stays here and points at the active suggestion. (A textarea may not take
          // role="combobox" in HTML, so it is a textbox with a list autocomplete.)
          aria-autocomplete="list"
          aria-controls={mentions.open ? listId : undefined}
          aria-activedescendant={
            mentions.open ? mentionOptionId(listId, mentions.active) : undefined
          }
          dir="auto"
          onChange={(event) => {
            setText(event.target.value)
            mentions.onCaretMove(event.target)
            if (event.target.value.trim() === "") onStopTyping()
            else onKeystroke()
          }}
          onSelect={(event) => mentions.onCaretMove(event.currentTarget)}
          onPaste={(event) => {
            if (!upload || event.clipboardData.files.length === 0) return
            event.preventDefault()
            addFiles(event.clipboardData.files)
          }}
          onKeyDown={(event) => {
            if (mentions.onKeyDown(event)) return
            if (event.key === "Escape" && replyTo && onCancelReply) {
              event.preventDefault()
              onCancelReply()
              return
            }
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
          disabled={!canSend}
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

const NO_CANDIDATES: readonly ChatMentionCandidate[] = []

export { ChatRoomComposer }
export type { ChatRoomComposerProps, ChatRoomComposerExtras }
