"use client"

import * as React from "react"
import { useSSE, type UseSSEOptions } from "@realtime-kit/react"
import { RotateCcw, Square } from "lucide-react"

import { Button } from "@/components/ui/button"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { useRetryCountdown } from "@/registry/realtime/hooks/use-retry-countdown"
import { useSentenceAnnouncements } from "@/registry/realtime/hooks/use-sentence-announcements"
import {
  EMPTY_FOLD,
  foldTokens,
  type Folded,
} from "@/registry/realtime/lib/fold-tokens"
import {
  streamPhase,
  type StreamPhase,
} from "@/registry/realtime/lib/stream-phase"
import { cn } from "@/registry/realtime/lib/utils"

/*
 * The event protocol. Every event's data is JSON; send them with `createEventStream(request).send(...)` from
 * `@realtime-kit/server`.
 *
 *   event: token   id: "17"   data: { "text": " world" }      (a bare JSON string, " world", works too)
 *                  The next piece of the text. Give every token an id: after a dropped connection the client
 *                  reconnects with `Last-Event-ID: 17` and the server resumes with token 18. A token whose id was
 *                  already received is skipped, so a server that replays a few after a resume does no harm.
 *   event: done    data: {}
 *                  The text is complete: the caret goes, the stream is closed.
 *   event: error   data: { "message": "The model is overloaded" }
 *                  Generation failed: the text so far stays, with the message and a Retry button.
 */

/** `token` event data. */
type StreamingTextToken = string | { text: string }
/** `error` event data. */
interface StreamingTextErrorEvent {
  message?: string
}

/** What the component is showing, also set as `data-state` on the root. */
type StreamingTextPhase = StreamPhase

interface StreamingTextLabels {
  connecting: string
  streaming: string
  /** Followed by the countdown ("in 3s") while waiting, or "…" while an attempt is in flight. */
  reconnecting: string
  offline: string
  stopped: string
  done: string
  error: string
  stop: string
  retry: string
  retryNow: string
  regenerate: string
}

const defaultLabels: StreamingTextLabels = {
  connecting: "Connecting…",
  streaming: "Writing…",
  reconnecting: "Connection lost. Reconnecting",
  offline: "You are offline. It continues when the network is back.",
  stopped: "Stopped",
  done: "Done",
  error: "Something went wrong",
  stop: "Stop",
  retry: "Retry",
  retryNow: "Retry now",
  regenerate: "Regenerate",
}

/** The names of the three protocol events, if your server uses others. */
interface StreamingTextEventNames {
  token: string
  done: string
  error: string
}

const defaultEventNames: StreamingTextEventNames = {
  token: "token",
  done: "done",
  error: "error",
}

interface StreamingTextProps extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  /** The Server-Sent Events endpoint streaming the text (see the protocol above), or `null` to wait. */
  url: string | null
  /** Replace any of the default texts, e.g. to translate them. */
  labels?: Partial<StreamingTextLabels>
  /** Locale for splitting the text into sentences for screen readers, and for the countdown. Default: the user's. */
  locale?: string
  /** Show the Stop / Retry / Regenerate buttons. Default true. */
  controls?: boolean
  /** Called by Retry and Regenerate. Default: forget this text and stream afresh (`useSSE().reset()`). */
  onRetry?: () => void
  /** Called by Stop, after the stream is closed, with the text so far (e.g. to tell your server to stop generating). */
  onStop?: (text: string) => void
  /** Called once when a `done` event arrives, with the whole text. */
  onDone?: (text: string) => void
  /** Event names, if your server's differ from `token` / `done` / `error`. */
  eventNames?: Partial<StreamingTextEventNames>
  /** Any other `useSSE` option (method and body for POST endpoints, headers, backoff…). */
  sseOptions?: Omit<UseSSEOptions<unknown>, "events" | "onMessage">
}

/**
 * The stream and the text folded from it: closed at `done` or `error` (so the end of the response is not taken for a
 * dropped connection), `onDone` called once per finished run, and `stop` to close it early.
 */
function useStreamedText({
  url,
  names,
  sseOptions,
  onDone,
  onStop,
}: {
  url: string | null
  names: StreamingTextEventNames
  sseOptions: StreamingTextProps["sseOptions"]
  onDone: StreamingTextProps["onDone"]
  onStop: StreamingTextProps["onStop"]
}) {
  const closeRef = React.useRef<() => void>(() => {})
  const textRef = React.useRef("")
  const callbacks = React.useRef({ onDone, onStop })
  React.useLayoutEffect(() => {
    callbacks.current = { onDone, onStop }
  })

  const sse = useSSE<unknown>(url, {
    // Every token of the answer is kept: the text is folded from them.
    maxMessages: 100_000,
    ...sseOptions,
    events: [names.token, names.done, names.error],
    onMessage: (message) => {
      // The answer is over: stop here, so the end of the response is not taken for a dropped connection.
      if (message.event === names.done || message.event === names.error)
        closeRef.current()
    },
  })
  closeRef.current = sse.close

  const foldRef = React.useRef<Folded>(EMPTY_FOLD)
  // Keyed by the names' values: a new `eventNames` object with the same names does not refold the stream.
  const { token, done, error } = names
  const folded = React.useMemo(() => {
    const next = foldTokens(foldRef.current, sse.messages, {
      token,
      done,
      error,
    })
    foldRef.current = next
    return next
  }, [sse.messages, token, done, error])
  const { text } = folded

  const phase: StreamingTextPhase = streamPhase({
    url,
    status: sse.status,
    error: sse.error,
    done: folded.done,
    failed: Boolean(folded.failed),
  })
  const busy =
    phase === "connecting" ||
    phase === "streaming" ||
    phase === "reconnecting" ||
    phase === "offline"

  React.useLayoutEffect(() => {
    textRef.current = text
  })
  const doneReported = React.useRef(false)
  React.useEffect(() => {
    if (phase !== "done") {
      doneReported.current = false
      return
    }
    if (doneReported.current) return
    doneReported.current = true
    callbacks.current.onDone?.(text)
  }, [phase, text])

  const stop = () => {
    sse.close()
    callbacks.current.onStop?.(textRef.current)
  }
  return { sse, folded, phase, busy, stop }
}

/**
 * Text that streams in token by token over Server-Sent Events, as an AI answer does: a caret while it writes, a Stop
 * button that keeps what arrived, and Retry after a failure.
 *
 * - A dropped connection resumes where it stopped: the client sends `Last-Event-ID`, the server continues after it,
 *   and tokens already received are skipped by id, so nothing is lost or doubled.
 * - Screen readers hear the text a sentence at a time (a polite live region fed whole sentences, not every token);
 *   the text itself is `aria-busy` while it is still being written.
 * - Long words and URLs wrap; the text takes its own direction (`dir="auto"`), so Arabic or Hebrew reads right to left
 *   even in a left-to-right page. The caret blinks only when the user allows motion.
 *
 * @example
 * <StreamingText url={`/api/answers/${id}/stream`} />
 */
function StreamingText({
  url,
  labels: labelOverrides,
  locale,
  controls = true,
  onRetry,
  onStop,
  onDone,
  eventNames,
  sseOptions,
  className,
  ...props
}: StreamingTextProps) {
  const labels = { ...defaultLabels, ...labelOverrides }
  const names = { ...defaultEventNames, ...eventNames }
  const { sse, folded, phase, busy, stop } = useStreamedText({
    url,
    names,
    sseOptions,
    onDone,
    onStop,
  })
  const { text } = folded

  const resolvedLocale = useLocale(locale)
  const announced = useSentenceAnnouncements(text, busy, resolvedLocale)

  const retry = onRetry ?? sse.reset

  const statusText = phase === "idle" ? "" : labels[phase]
  // The failed run's own message, or why the connection was refused (e.g. a 401).
  const errorMessage =
    phase === "error"
      ? (folded.failed?.message ?? sse.error?.message)
      : undefined
  // One button stays in place and changes role (Stop → Retry / Regenerate), so keyboard focus is never dropped.
  const primary = busy
    ? { label: labels.stop, icon: Square, onClick: stop }
    : phase === "error" || phase === "stopped"
      ? { label: labels.retry, icon: RotateCcw, onClick: retry }
      : phase === "done"
        ? { label: labels.regenerate, icon: RotateCcw, onClick: retry }
        : null
  const PrimaryIcon = primary?.icon

  return (
    <div
      data-slot="streaming-text"
      data-state={phase}
      className={cn("flex w-full min-w-0 flex-col gap-3", className)}
      {...props}
    >
      <div
        data-slot="streaming-text-content"
        aria-busy={busy}
        dir="auto"
        className="min-h-[1.625em] text-start leading-relaxed [overflow-wrap:anywhere] break-words whitespace-pre-wrap"
      >
        {text}
        {busy && (
          <span
            aria-hidden="true"
            data-slot="streaming-text-caret"
            className={cn(
              "ms-0.5 inline-block h-[1.1em] w-[0.45em] translate-y-[0.2em] rounded-[1px] bg-foreground/80",
              // Blinks while text arrives; holds still while it waits for the connection, and under reduced motion.
              (phase === "streaming" || phase === "connecting") &&
                "motion-safe:animate-pulse"
            )}
          />
        )}
      </div>

      <div
        aria-live="polite"
        data-slot="streaming-text-announcer"
        className="sr-only"
      >
        {announced.map((chunk) => (
          <p key={chunk.key}>{chunk.text}</p>
        ))}
      </div>

      {/* Always rendered (and at least a button tall), so starting, stopping or finishing never moves what follows. */}
      {(controls || statusText !== "") && (
        <div
          data-slot="streaming-text-footer"
          className="flex min-h-8 flex-wrap items-center justify-between gap-x-3 gap-y-2"
        >
          <StreamingTextStatus
            phase={phase}
            text={statusText}
            errorMessage={errorMessage}
            retryAt={phase === "reconnecting" ? sse.retryAt : null}
            locale={resolvedLocale}
          />
          {controls && primary && PrimaryIcon && (
            <div className="flex shrink-0 gap-2">
              {phase === "reconnecting" && (
                <Button
                  type="button"
                  variant="outline"
                  size="sm"
                  data-slot="streaming-text-retry-now"
                  onClick={sse.reconnect}
                >
                  <RotateCcw
                    aria-hidden="true"
                    className="size-3.5 rtl:-scale-x-100"
                  />
                  {labels.retryNow}
                </Button>
              )}
              <Button
                key="primary"
                type="button"
                variant="outline"
                size="sm"
                data-slot="streaming-text-action"
                onClick={primary.onClick}
              >
                <PrimaryIcon
                  aria-hidden="true"
                  className={cn(
                    "size-3.5",
                    PrimaryIcon === Square ? "fill-current" : "rtl:-scale-x-100"
                  )}
                />
                {primary.label}
              </Button>
            </div>
          )}
        </div>
      )}
    </div>
  )
}

/** The status line (a polite live region) with the retry countdown (visual only) and the error's own words. */
function StreamingTextStatus({
  phase,
  text,
  errorMessage,
  retryAt,
  locale,
}: {
  phase: StreamingTextPhase
  text: string
  errorMessage: string | undefined
  retryAt: number | null
  locale: string
}) {
  const seconds = useRetryCountdown(retryAt)
  const relative = React.useMemo(
    () =>
      new Intl.RelativeTimeFormat(locale, {
        numeric: "always",
        style: "narrow",
      }),
    [locale]
  )
  return (
    <div className="min-w-0 text-sm">
      <p
        role="status"
        aria-live="polite"
        data-slot="streaming-text-status"
        className={cn(
          "break-words text-muted-foreground",
          phase === "error" && "text-destructive"
        )}
      >
        {text}
        {phase === "reconnecting" && (
          // Visual only: the live region announces the state once, not every second.
          <span aria-hidden="true" className="tabular-nums">
            {seconds === null ? "…" : ` ${relative.format(seconds, "second")}`}
          </span>
        )}
      </p>
      {errorMessage && (
        <p
          data-slot="streaming-text-error"
          className="break-words text-muted-foreground"
        >
          <bdi>{errorMessage}</bdi>
        </p>
      )}
    </div>
  )
}

export { StreamingText }
export type {
  StreamingTextProps,
  StreamingTextPhase,
  StreamingTextLabels,
  StreamingTextEventNames,
  StreamingTextToken,
  StreamingTextErrorEvent,
}
