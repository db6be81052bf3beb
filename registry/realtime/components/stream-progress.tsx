"use client"

import * as React from "react"
import {
  useSSE,
  type SSEMessage,
  type UseSSEOptions,
} from "@realtime-kit/react"
import { cva } from "class-variance-authority"
import {
  Circle,
  CircleCheck,
  CircleX,
  LoaderCircle,
  RotateCcw,
} from "lucide-react"

import { Button } from "@/components/ui/button"
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

const barVariants = cva(
  "h-full rounded-full ease-out motion-safe:transition-[width] motion-safe:duration-300",
  {
    variants: {
      phase: {
        idle: "bg-primary/50",
        connecting: "bg-primary",
        streaming: "bg-primary",
        reconnecting: "bg-primary/50",
        offline: "bg-primary/50",
        stopped: "bg-primary/50",
        done: "bg-emerald-600 dark:bg-emerald-500",
        error: "bg-destructive",
      },
    },
  }
)

const stepIcon = {
  pending: Circle,
  active: LoaderCircle,
  done: CircleCheck,
  error: CircleX,
} as const

const stepIconClass: Record<StreamProgressStep["status"], string> = {
  pending: "text-muted-foreground",
  active: "text-primary motion-safe:animate-spin",
  done: "text-emerald-600 dark:text-emerald-400",
  error: "text-destructive",
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

  const task = React.useMemo(
    () => reduceTask(plannedSteps, sse.messages, names),
    [
      plannedSteps,
      sse.messages,
      names.step,
      names.progress,
      names.done,
      names.error,
    ]
  )

  const phase: StreamProgressPhase = streamPhase({
    url,
    status: sse.status,
    error: sse.error,
    done: Boolean(task.done),
    failed: Boolean(task.failed),
  })

  const fraction = task.done
    ? 1
    : task.progress
      ? clamp(task.progress.value / task.progress.max)
      : task.steps.length > 0 &&
          task.steps.some((step) => step.status !== "pending")
        ? task.steps.filter((step) => step.status === "done").length /
          task.steps.length
        : null
  const percent = fraction === null ? null : Math.round(fraction * 100)

  const resolvedLocale = useLocale(locale)
  const percentFormat = React.useMemo(
    () =>
      new Intl.NumberFormat(resolvedLocale, {
        style: "percent",
        maximumFractionDigits: 0,
      }),
    [resolvedLocale]
  )
  const countdownFormat = React.useMemo(
    () =>
      new Intl.RelativeTimeFormat(resolvedLocale, {
        numeric: "always",
        style: "narrow",
      }),
    [resolvedLocale]
  )
  const seconds = useRetryCountdown(
    phase === "reconnecting" ? sse.retryAt : null
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
          <p
            role="status"
            aria-live="polite"
            data-slot="stream-progress-status"
            className={cn(
              "text-sm break-words text-muted-foreground",
              phase === "error" && "text-destructive"
            )}
          >
            {statusText}
            {seconds !== null && (
              // Visual only: the live region announces the state once, not every second.
              <span aria-hidden="true" className="ms-1 tabular-nums">
                ({countdownFormat.format(seconds, "second")})
              </span>
            )}
          </p>
        </div>
        <span
          aria-hidden="true"
          className="min-w-[4ch] shrink-0 text-end text-sm font-medium tabular-nums"
        >
          {percentText}
        </span>
      </div>

      <div
        role="progressbar"
        aria-labelledby={title !== undefined ? titleId : undefined}
        aria-label={title !== undefined ? undefined : labels.progress}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={
          percentText
            ? active
              ? `${percentText}, ${active.label}`
              : percentText
            : undefined
        }
        aria-busy={
          phase === "streaming" ||
          phase === "connecting" ||
          phase === "reconnecting"
        }
        data-slot="stream-progress-bar"
        data-state={phase}
        className="h-2 w-full overflow-hidden rounded-full bg-primary/15"
      >
        <div
          className={cn(
            barVariants({ phase }),
            // Indeterminate until the first step or progress event: a pulsing third of the track.
            fraction === null &&
              phase !== "idle" &&
              "w-1/3 opacity-60 motion-safe:animate-pulse"
          )}
          style={
            fraction === null
              ? phase === "idle"
                ? { width: 0 }
                : undefined
              : { width: `${fraction * 100}%` }
          }
        />
      </div>

      {errorMessage && (
        <p
          data-slot="stream-progress-error"
          className="text-sm break-words text-muted-foreground"
        >
          {errorMessage}
        </p>
      )}

      {task.steps.length > 0 && (
        <ol data-slot="stream-progress-steps" className="flex flex-col gap-1.5">
          {task.steps.map((step) => {
            const Icon = stepIcon[step.status]
            return (
              <li
                key={step.id}
                data-slot="stream-progress-step"
                data-state={step.status}
                aria-current={step.status === "active" ? "step" : undefined}
                className={cn(
                  "flex items-start gap-2 text-sm",
                  step.status === "pending"
                    ? "text-muted-foreground"
                    : "text-foreground"
                )}
              >
                <Icon
                  aria-hidden="true"
                  className={cn(
                    "mt-0.5 size-4 shrink-0",
                    stepIconClass[step.status]
                  )}
                />
                <span className="min-w-0 break-words">
                  {step.label}
                  <span className="sr-only">
                    {" "}
                    (
                    {
                      labels[
                        step.status === "done"
                          ? "stepDone"
                          : step.status === "error"
                            ? "stepError"
                            : step.status
                      ]
                    }
                    )
                  </span>
                  {step.detail && (
                    <span className="block text-xs text-muted-foreground">
                      {/* Server text may be in another script than the UI: isolate its direction. */}
                      <bdi>{step.detail}</bdi>
                    </span>
                  )}
                </span>
              </li>
            )
          })}
        </ol>
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
