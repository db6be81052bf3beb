"use client"

import * as React from "react"
import { CircleAlert, LoaderCircle, RotateCcw } from "lucide-react"

import { Button } from "@/components/ui/button"
import { ScrollArea } from "@/components/ui/scroll-area"
import { AiChatComposer } from "@/registry/realtime/blocks/ai-chat/components/ai-chat-composer"
import {
  AiChatCaret,
  AiChatMessage,
  type AiChatMessageProps,
} from "@/registry/realtime/blocks/ai-chat/components/ai-chat-message"
import { useAiChatScroll } from "@/registry/realtime/blocks/ai-chat/hooks/use-ai-chat-scroll"
import { useAiChatState } from "@/registry/realtime/blocks/ai-chat/hooks/use-ai-chat-state"
import {
  defaultAiChatLabels,
  messageText,
  type AiChatHelpers,
  type AiChatLabels,
  type AiChatPhase,
  type AiChatUIMessage,
} from "@/registry/realtime/blocks/ai-chat/lib/ai-chat-messages"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { useSentenceAnnouncements } from "@/registry/realtime/hooks/use-sentence-announcements"
import { cn } from "@/registry/realtime/lib/utils"

interface AiChatProps<M extends AiChatUIMessage = AiChatUIMessage>
  extends
    Omit<React.ComponentProps<"section">, "children">,
    Pick<AiChatMessageProps<M>, "renderText" | "renderTool"> {
  /**
   * The conversation: what `useChat()` from `@ai-sdk/react` returns (its messages, status, error, and sendMessage,
   * regenerate, stop). The block never creates a transport: pair it with `useRealtimeChatTransport` for answers that
   * survive a reload, or give it any `useChat`.
   */
  chat: AiChatHelpers<M>
  /**
   * Show "Resuming the answer…". By default it shows while `useChat({ resume: true })` reconnects (status `submitted`
   * with no new user message); `false` never shows it, `true` always (e.g. while your app loads the saved messages).
   */
  resuming?: boolean
  /** Replace any of the texts, e.g. to translate them. */
  labels?: Partial<AiChatLabels>
  /** Locale for cutting answers into sentences for screen readers. Default: the reader's. */
  locale?: string
  /** Longest question, in characters. Default 4000. */
  maxLength?: number
}

/**
 * A conversation with an AI model, driven by the AI SDK's `useChat`: the user's questions, the answers streaming in
 * with a caret, Stop while one is written, Regenerate on the last one, Retry after an error, tool calls in one line
 * each, reasoning folded away, and "Resuming…" while an answer in progress is picked up again after a reload.
 *
 * - The conversation is a `role="log"` that is `aria-busy` while an answer is written; its raw token updates are not
 *   live (they would be read a word at a time): a polite live region reads each new answer a sentence at a time.
 * - Stop, Regenerate and Retry are buttons in the tab order; Enter sends, Shift+Enter adds a line.
 * - The view follows the answer while you are at the bottom, and stays where you scrolled to read.
 * - Colours come from your theme's CSS variables (dark mode included); the caret holds still under reduced motion.
 *
 * @example
 * const transport = useRealtimeChatTransport({ api: "/api/chat" })
 * const chat = useChat({ id: chatId, messages: saved, transport, resume: true })
 * return <AiChat chat={chat} className="h-[36rem]" />
 */
function AiChat<M extends AiChatUIMessage>({
  chat,
  resuming,
  labels: labelOverrides,
  locale,
  maxLength = 4000,
  renderText,
  renderTool,
  className,
  ...props
}: AiChatProps<M>) {
  const labels = React.useMemo(
    () => ({ ...defaultAiChatLabels, ...labelOverrides }),
    [labelOverrides]
  )
  const { messages, error } = chat
  const state = useAiChatState(chat, resuming)
  const { phase, busy, stoppedAfter } = state
  const rootRef = React.useRef<HTMLElement>(null)
  const logRef = React.useRef<HTMLDivElement>(null)
  const { pin } = useAiChatScroll(rootRef, logRef)

  const last = messages.at(-1)
  const lastAnswerId = last?.role === "assistant" ? last.id : undefined
  const liveAnswer =
    last && last.id === state.liveAnswerId ? messageText(last) : ""
  const resolvedLocale = useLocale(locale)
  const announced = useSentenceAnnouncements(
    liveAnswer,
    phase === "streaming",
    resolvedLocale
  )

  const send = (text: string) => {
    pin()
    state.send(text)
  }
  const footerFor = (message: M) => {
    const isLastAnswer = message.id === lastAnswerId
    const stopped = message.id === stoppedAfter && !busy
    if (!isLastAnswer && !stopped) return undefined
    return (
      <AiChatAnswerFooter
        stopped={stopped}
        // While an answer is written its footer stays empty but keeps its height, so finishing never moves the page.
        onRegenerate={busy || phase === "error" ? undefined : state.regenerate}
        labels={labels}
      />
    )
  }

  return (
    <section
      ref={rootRef}
      data-slot="ai-chat"
      data-state={phase}
      className={cn(
        "flex h-[32rem] min-h-0 w-full flex-col overflow-hidden rounded-xl border bg-card text-card-foreground",
        className
      )}
      {...props}
    >
      <div className="relative min-h-0 flex-1">
        <ScrollArea className="h-full">
          <div
            ref={logRef}
            role="log"
            aria-label={labels.conversation}
            aria-live="off"
            aria-busy={busy}
            tabIndex={0}
            data-slot="ai-chat-log"
            className="flex flex-col gap-6 p-4 outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset"
          >
            {messages.map((message) => (
              <AiChatMessage
                key={message.id}
                message={message}
                labels={labels}
                streaming={phase === "streaming" && message === last}
                renderText={renderText}
                renderTool={renderTool}
                footer={footerFor(message)}
              />
            ))}
            <AiChatPending phase={phase} labels={labels} />
            {phase === "error" && (
              <AiChatError
                message={error?.message}
                onRetry={state.regenerate}
                labels={labels}
              />
            )}
          </div>
        </ScrollArea>
        {/* Over the log rather than in it: centred in the visible area, whatever the chat's height. */}
        {phase === "idle" && (
          <p
            data-slot="ai-chat-empty"
            className="pointer-events-none absolute inset-0 m-auto h-fit max-w-xs px-4 text-center text-sm text-muted-foreground"
          >
            {labels.empty}
          </p>
        )}
      </div>
      <div aria-live="polite" data-slot="ai-chat-announcer" className="sr-only">
        {announced.map((chunk) => (
          <p key={chunk.key}>{chunk.text}</p>
        ))}
      </div>
      <AiChatComposer
        onSend={send}
        onStop={state.stop}
        busy={busy}
        maxLength={maxLength}
        labels={labels}
      />
    </section>
  )
}

/** Where the answer will appear, before its first word: "Thinking…" for a new question, "Resuming…" after a reload. */
function AiChatPending({
  phase,
  labels,
}: {
  phase: AiChatPhase
  labels: AiChatLabels
}) {
  if (phase !== "submitted" && phase !== "resuming") return null
  return (
    <div
      role="status"
      data-slot="ai-chat-pending"
      data-state={phase}
      className="flex min-h-6 items-center gap-2 text-sm text-muted-foreground"
    >
      {phase === "resuming" ? (
        <LoaderCircle
          aria-hidden="true"
          className="size-4 motion-safe:animate-spin"
        />
      ) : (
        <AiChatCaret />
      )}
      {phase === "resuming" ? labels.resuming : labels.thinking}
    </div>
  )
}

/** Under the last answer: "Stopped" if the user stopped it, and Regenerate. Always a button tall, so nothing shifts. */
function AiChatAnswerFooter({
  stopped,
  onRegenerate,
  labels,
}: {
  stopped: boolean
  onRegenerate: (() => void) | undefined
  labels: AiChatLabels
}) {
  return (
    <div
      data-slot="ai-chat-answer-footer"
      className="flex min-h-8 items-center gap-3"
    >
      {stopped && (
        <span
          data-slot="ai-chat-stopped"
          className="text-xs text-muted-foreground"
        >
          {labels.stopped}
        </span>
      )}
      {onRegenerate && (
        <Button
          type="button"
          variant="ghost"
          size="sm"
          data-slot="ai-chat-regenerate"
          onClick={onRegenerate}
          className="text-muted-foreground"
        >
          <RotateCcw aria-hidden="true" className="size-3.5 rtl:-scale-x-100" />
          {labels.regenerate}
        </Button>
      )}
    </div>
  )
}

/** The failed request: what went wrong, in the error's own words, and Retry (which asks again). */
function AiChatError({
  message,
  onRetry,
  labels,
}: {
  message: string | undefined
  onRetry: () => void
  labels: AiChatLabels
}) {
  return (
    <div
      role="alert"
      data-slot="ai-chat-error"
      className="flex flex-wrap items-start gap-3 rounded-lg border border-destructive/40 px-3 py-2 text-sm"
    >
      <CircleAlert
        aria-hidden="true"
        className="mt-0.5 size-4 shrink-0 text-destructive"
      />
      <div className="min-w-0 flex-1">
        <p className="font-medium text-destructive">{labels.error}</p>
        {message && (
          <p className="[overflow-wrap:anywhere] text-muted-foreground">
            <bdi>{message}</bdi>
          </p>
        )}
      </div>
      <Button
        type="button"
        variant="outline"
        size="sm"
        data-slot="ai-chat-retry"
        onClick={onRetry}
      >
        <RotateCcw aria-hidden="true" className="size-3.5 rtl:-scale-x-100" />
        {labels.retry}
      </Button>
    </div>
  )
}

export { AiChat }
export type { AiChatProps }
export type {
  AiChatHelpers,
  AiChatLabels,
  AiChatPhase,
  AiChatUIMessage,
} from "@/registry/realtime/blocks/ai-chat/lib/ai-chat-messages"
