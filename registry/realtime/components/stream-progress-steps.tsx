"use client"

import { cva } from "class-variance-authority"
import { Circle, CircleCheck, CircleX, LoaderCircle } from "lucide-react"

import type {
  StreamProgressLabels,
  StreamProgressPhase,
  StreamProgressStep,
} from "@/registry/realtime/components/stream-progress"
import { cn } from "@/registry/realtime/lib/utils"

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

interface StreamProgressBarProps {
  phase: StreamProgressPhase
  /** Done so far, 0–1, or null while it is not known yet (indeterminate). */
  fraction: number | null
  labelledBy?: string
  label?: string
  /** What screen readers hear for the value ("40%, Building"). */
  valueText?: string
}

/** A `role="progressbar"`: filled to `fraction`, or a pulsing third of the track while the amount is unknown. */
function StreamProgressBar({
  phase,
  fraction,
  labelledBy,
  label,
  valueText,
}: StreamProgressBarProps) {
  return (
    <div
      role="progressbar"
      aria-labelledby={labelledBy}
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      aria-valuetext={valueText}
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
  )
}

/** The steps, each with an icon for its state and the state in words for screen readers. */
function StreamProgressSteps({
  steps,
  labels,
}: {
  steps: readonly StreamProgressStep[]
  labels: StreamProgressLabels
}) {
  return (
    <ol data-slot="stream-progress-steps" className="flex flex-col gap-1.5">
      {steps.map((step) => {
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
  )
}

export { StreamProgressBar, StreamProgressSteps }
export type { StreamProgressBarProps }
