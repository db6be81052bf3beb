"use client"

import * as React from "react"
import {
  useSSE,
  type SSEMessage,
  type UseSSEOptions,
} from "@realtime-kit/react"
import { RotateCcw } from "lucide-react"

import { Button } from "@/components/ui/button"
import {
  StreamProgressBar,
  StreamProgressSteps,
} from "@/registry/realtime/components/stream-progress-steps"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { useRetryCountdown } from "@/registry/realtime/hooks/use-retry-countdown"
import {
  streamPhase,
  type StreamPhase,
} from "@/registry/realtime/lib/stream-phase"
import { cn } from "@/registry/realtime/lib/utils"

/*
 * The event protocol. Every event's data is JSON; send them with `createEventStream(request).send(...)`
 * from `@realtime-kit/server`, with an `id` on each so a dropped connection resumes where it stopped.
 *
 *   event: step      data: { "id": "build", "label": "Building", "status": "active" }
 *                    Adds or updates one step (matched by id; the label may be left out on updates).
 *                    status: "pending" | "active" | "done" | "error"; optional "detail" text.
 *   event: progress  data: { "value": 42, "max": 100 }
 *                    Overall progress (max defaults to 100). Without it, progress is done steps / all steps.
 *   event: done      data: { "message": "Deployed" }            (message optional)
 *                    The task finished: the bar fills, the stream is closed.
 *   event: error     data: { "message": "Out of disk space" }
 *                    The task failed: shown with a Retry button, the stream is closed.
 */

/** One step of the task, as the server describes it. */
interface StreamProgressStep {
  id: string
  label: string
  status: "pending" | "active" | "done" | "error"
  /** Optional secondary text, e.g. "12 of 40 files". */
  detail?: string
}

/** `step` event data: a new step, or an update to one (matched by `id`). */
type StreamProgressStepEvent = Partial<StreamProgressStep> & { id: string }
/** `progress` event data. */
interface StreamProgressProgressEvent {
  value: number
  /** Default 100. */
  max?: number
}
/** `done` and `error` event data. */
interface StreamProgressResultEvent {
  message?: string
}
type StreamProgressEventData =
  | StreamProgressStepEvent
  | StreamProgressProgressEvent
  | StreamProgressResultEvent

/** What the component is showing, also set as `data-state` on the root. */
type StreamProgressPhase = StreamPhase

interface StreamProgressLabels {
  /** Accessible name of the progress bar when there is no `title`. */
  progress: string
  idle: string
  connecting: string
  streaming: string
  reconnecting: string
  offline: string
  done: string
  error: string
  stopped: string
  retry: string
  retryNow: string
  /** Read by screen readers after each step's label. */
  pending: string
  active: string
  stepDone: string
  stepError: string
}

const defaultLabels: StreamProgressLabels = {
  progress: "Progress",
  idle: "Not started",
  connecting: "Connecting…",
  streaming: "In progress",
  reconnecting: "Connection lost. Reconnecting…",
  offline: "You are offline. Waiting for the network…",
  done: "Done",
  error: "Something went wrong",
  stopped: "Stopped",
  retry: "Retry",
  retryNow: "Retry now",
  pending: "pending",
  active: "in progress",
  stepDone: "done",
  stepError: "failed",
}

/** The names of the four protocol events, if your server uses others. */
interface StreamProgressEventNames {
  step: string
  progress: string
  done: string
  error: string
}

const defaultEventNames: StreamProgressEventNames = {
  step: "step",
  progress: "progress",
  done: "done",
  error: "error",
}

interface StreamProgressProps extends Omit<
  React.ComponentProps<"div">,
  "title"
> {
  /** The Server-Sent Events endpoint streaming the task (see the protocol above), or `null` to wait. */
  url: string | null
  /** A heading, which also names the progress bar for screen readers. */
  title?: React.ReactNode
  /** Steps you already know, shown as pending before the first event (and on the server). */
  steps?: readonly Pick<StreamProgressStep, "id" | "label">[]
  /** Replace any of the default texts, e.g. to translate them. */
  labels?: Partial<StreamProgressLabels>
  /** Locale for the percentage and countdown. Default: the user's. */
  locale?: string
  /** Called by the Retry button. Default: forget this run and connect afresh (`useSSE().reset()`). */
  onRetry?: () => void
  /** Called once when a `done` event arrives. */
  onDone?: (result: StreamProgressResultEvent) => void
  /** Event names, if your server's differ from `step` / `progress` / `done` / `error`. */
  eventNames?: Partial<StreamProgressEventNames>
  /** Any other `useSSE` option (headers, withCredentials, backoff…). */
  sseOptions?: Omit<
    UseSSEOptions<StreamProgressEventData>,
    "events" | "onMessage"
  >
}

interface TaskState {
  steps: StreamProgressStep[]
  progress: { value: number; max: number } | null
  done: StreamProgressResultEvent | null
  failed: StreamProgressResultEvent | null
}

/** Folds the received events into the task's state. Pure: the messages are the single source of truth. */
function reduceTask(
  planned: readonly Pick<StreamProgressStep, "id" | "label">[] | undefined,
  messages: readonly SSEMessage<StreamProgressEventData>[],
  names: StreamProgressEventNames
): TaskState {
  const steps = new Map<string, StreamProgressStep>()
  for (const step of planned ?? [])
    steps.set(step.id, { ...step, status: "pending" })
  let progress: TaskState["progress"] = null
  let done: TaskState["done"] = null
  let failed: TaskState["failed"] = null
  for (const { event, data } of messages) {
    if (typeof data !== "object" || data === null) continue
    if (event === names.step && "id" in data && typeof data.id === "string") {
      const previous = steps.get(data.id)
      steps.set(data.id, {
        id: data.id,
        label: data.label ?? previous?.label ?? data.id,
        status: data.status ?? previous?.status ?? "pending",
        detail: data.detail ?? previous?.detail,
      })
    } else if (
      event === names.progress &&
      "value" in data &&
      typeof data.value === "number"
    ) {
      progress = {
        value: data.value,
        max: data.max && data.max > 0 ? data.max : 100,
      }
    } else if (event === names.done) {
      done = data as StreamProgressResultEvent
    } else if (event === names.error) {
      failed = data as StreamProgressResultEvent
    }
  }
  return { steps: [...steps.values()], progress, done, failed }
}

/** The stream and what it says so far: the task folded from its events, and where the stream stands. */
function useStreamTask({
  url,
  plannedSteps,
  names,
  sseOptions,
  onDone,
}: {
  url: string | null
  plannedSteps: StreamProgressProps["steps"]
  names: StreamProgressEventNames
  sseOptions: StreamProgressProps["sseOptions"]
  onDone: StreamProgressProps["onDone"]
}) {
  const closeRef = React.useRef<() => void>(() => {})
  const onDoneRef = React.useRef(onDone)
  React.useEffect(() => {
    onDoneRef.current = onDone
  })

  const sse = useSSE<StreamProgressEventData>(url, {
    // Keep every event of the run: the step list is rebuilt from them.
    maxMessages: 10_000,
    ...sseOptions,
    events: [names.step, names.progress, names.done, names.error],
    onMessage: (message) => {
      // The task is over: stop here so the stream's end is not taken as a dropped connection.
      if (message.event === names.done || message.event === names.error)
        closeRef.current()
      if (message.event === names.done)
        onDoneRef.current?.(message.data as StreamProgressResultEvent)
    },
  })
  closeRef.current = sse.close

  // Keyed by the names' values: a new `eventNames` object with the same names does not refold the stream.
  const { step, progress, done, error } = names
  const task = React.useMemo(
    () =>
      reduceTask(plannedSteps, sse.messages, { step, progress, done, error }),
    [plannedSteps, sse.messages, step, progress, done, error]
  )

  const phase: StreamProgressPhase = streamPhase({
    url,
    status: sse.status,
    error: sse.error,
    done: Boolean(task.done),
    failed: Boolean(task.failed),
  })

  return { sse, task, phase }
}

/**
 * A progress bar and step list for a long task that streams its progress over Server-Sent Events.
 *
 * States: idle (no `url` yet), connecting, streaming, reconnecting (with a countdown and "Retry now"), offline, done, and
 * error (a failed task, or a connection the server refused, such as a 401) with a Retry button.
 * The bar is a `role="progressbar"` with `aria-valuenow`; the status line is a polite live region.
 *
 * @example
 * <StreamProgress url={`/api/jobs/${id}/events`} title="Deploying" />
 */
function StreamProgress({
  url,
  title,
  steps: plannedSteps,
  labels: labelOverrides,
  locale,
  onRetry,
  onDone,
  eventNames,
  sseOptions,
  className,
  ...props
}: StreamProgressProps) {
  const labels = { ...defaultLabels, ...labelOverrides }
  const names = { ...defaultEventNames, ...eventNames }
  const { sse, task, phase } = useStreamTask({
    url,
    plannedSteps,
    names,
    sseOptions,
    onDone,
  })

  const fraction = taskFraction(task)

  const resolvedLocale = useLocale(locale)
  const percentFormat = React.useMemo(
    () =>
      new Intl.NumberFormat(resolvedLocale, {
        style: "percent",
        maximumFractionDigits: 0,
      }),
    [resolvedLocale]
  )
  const active = task.steps.find((step) => step.status === "active")
  const percentText = fraction === null ? null : percentFormat.format(fraction)
  const statusText =
    phase === "streaming" && active
      ? active.label
      : phase === "done" && task.done?.message
        ? task.done.message
        : labels[phase]
  // The task's own failure message, or why the connection was refused (e.g. a 401).
  const errorMessage =
    phase === "error" ? (task.failed?.message ?? sse.error?.message) : undefined

  const retry = onRetry ?? sse.reset
  const titleId = React.useId()

  return (
    <div
      data-slot="stream-progress"
      data-state={phase}
      className={cn(
        "flex w-full flex-col gap-3 rounded-xl border bg-card p-4 text-card-foreground shadow-xs",
        className
      )}
      {...props}
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0 space-y-0.5">
          {title !== undefined && (
            <div
              id={titleId}
              data-slot="stream-progress-title"
              className="leading-snug font-medium break-words"
            >
              {title}
            </div>
          )}
          <StreamProgressStatus
            phase={phase}
            text={statusText}
            retryAt={phase === "reconnecting" ? sse.retryAt : null}
            locale={resolvedLocale}
          />
        </div>
        <span
          aria-hidden="true"
          className="min-w-[4ch] shrink-0 text-end text-sm font-medium tabular-nums"
        >
          {percentText}
        </span>
      </div>

      <StreamProgressBar
        phase={phase}
        fraction={fraction}
        labelledBy={title !== undefined ? titleId : undefined}
        label={title !== undefined ? undefined : labels.progress}
        valueText={
          percentText
            ? active
              ? `${percentText}, ${active.label}`
              : percentText
            : undefined
        }
      />

      {errorMessage && (
        <p
          data-slot="stream-progress-error"
          className="text-sm break-words text-muted-foreground"
        >
          {errorMessage}
        </p>
      )}

      {task.steps.length > 0 && (
        <StreamProgressSteps steps={task.steps} labels={labels} />
      )}

      {(phase === "error" ||
        phase === "stopped" ||
        phase === "reconnecting") && (
        <div className="flex justify-end">
          <Button
            type="button"
            variant="outline"
            size="sm"
            data-slot="stream-progress-retry"
            onClick={phase === "reconnecting" ? sse.reconnect : retry}
          >
            <RotateCcw
              aria-hidden="true"
              className="size-3.5 rtl:-scale-x-100"
            />
            {phase === "reconnecting" ? labels.retryNow : labels.retry}
          </Button>
        </div>
      )}
    </div>
  )
}

/** Done so far, 0–1: the task's own progress, else done steps of all once one has started, else unknown (null). */
function taskFraction(task: TaskState): number | null {
  if (task.done) return 1
  if (task.progress) return clamp(task.progress.value / task.progress.max)
  if (task.steps.some((step) => step.status !== "pending"))
    return (
      task.steps.filter((step) => step.status === "done").length /
      task.steps.length
    )
  return null
}

/** The status line, a polite live region; the retry countdown beside it is visual only. */
function StreamProgressStatus({
  phase,
  text,
  retryAt,
  locale,
}: {
  phase: StreamProgressPhase
  text: string
  retryAt: number | null
  locale: string
}) {
  const seconds = useRetryCountdown(retryAt)
  const countdownFormat = React.useMemo(
    () =>
      new Intl.RelativeTimeFormat(locale, {
        numeric: "always",
        style: "narrow",
      }),
    [locale]
  )
  return (
    <p
      role="status"
      aria-live="polite"
      data-slot="stream-progress-status"
      className={cn(
        "text-sm break-words text-muted-foreground",
        phase === "error" && "text-destructive"
      )}
    >
      {text}
      {seconds !== null && (
        // Visual only: the live region announces the state once, not every second.
        <span aria-hidden="true" className="ms-1 tabular-nums">
          ({countdownFormat.format(seconds, "second")})
        </span>
      )}
    </p>
  )
}

function clamp(value: number) {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0
}

export { StreamProgress, reduceTask as reduceStreamProgress }
export type {
  StreamProgressProps,
  StreamProgressStep,
  StreamProgressStepEvent,
  StreamProgressProgressEvent,
  StreamProgressResultEvent,
  StreamProgressPhase,
  StreamProgressLabels,
  StreamProgressEventNames,
}
