"use client"

import { CircleAlert, CircleCheck, LoaderCircle, RotateCcw } from "lucide-react"

import { Button } from "@/components/ui/button"
import type {
  LiveFormLabels,
  LiveFormPhase,
} from "@/registry/realtime/blocks/live-form/lib/live-form-state"
import { cn } from "@/registry/realtime/lib/utils"

/** The submit button (busy while the work runs, yet focusable) and the status line beside it. */
function LiveFormSubmitRow({
  phase,
  busy,
  message,
  labels,
}: {
  phase: LiveFormPhase
  busy: boolean
  /** What the status line says ("Saved", "Please fix the errors"). */
  message: string | undefined
  labels: LiveFormLabels
}) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button
        type="submit"
        // aria-disabled, not disabled: the button keeps focus, and the submit handler refuses while busy.
        aria-disabled={busy || undefined}
        data-slot="live-form-submit"
        className="aria-disabled:cursor-not-allowed aria-disabled:opacity-60"
      >
        {busy && (
          <LoaderCircle
            aria-hidden="true"
            className="size-4 motion-safe:animate-spin"
          />
        )}
        {phase === "submitting"
          ? labels.submitting
          : busy
            ? labels.working
            : labels.submit}
      </Button>
      <p
        role="status"
        data-slot="live-form-status"
        className={cn(
          "flex min-w-0 items-center gap-1.5 text-sm break-words",
          phase === "success"
            ? "text-emerald-700 dark:text-emerald-400"
            : phase === "invalid"
              ? "text-destructive"
              : "text-muted-foreground"
        )}
      >
        {phase === "submitting" ? (
          <span className="sr-only">{labels.submitting}</span>
        ) : (
          message && (
            <>
              {phase === "success" && (
                <CircleCheck aria-hidden="true" className="size-4 shrink-0" />
              )}
              {message}
            </>
          )
        )}
      </p>
    </div>
  )
}

/** An alert region, always there; a failed submission shows in it with Retry. */
function LiveFormAlert({
  error,
  onRetry,
  labels,
}: {
  /** The server's message for a failed submission, or null. */
  error: string | null
  onRetry: () => void
  labels: LiveFormLabels
}) {
  return (
    <div role="alert" data-slot="live-form-alert" className="empty:hidden">
      {error !== null && (
        <div className="flex flex-wrap items-center gap-3 rounded-lg border border-destructive/40 bg-destructive/5 p-3 text-sm text-foreground dark:bg-destructive/10">
          <CircleAlert
            aria-hidden="true"
            className="size-4 shrink-0 text-destructive"
          />
          <p className="min-w-0 flex-1 break-words">{error}</p>
          <Button
            type="submit"
            variant="outline"
            size="sm"
            data-slot="live-form-retry"
            onClick={(event) => {
              // With JavaScript, send exactly what was sent before; without it, this button posts the form again.
              event.preventDefault()
              onRetry()
            }}
            className="text-foreground"
          >
            <RotateCcw
              aria-hidden="true"
              className="size-3.5 rtl:-scale-x-100"
            />
            {labels.retry}
          </Button>
        </div>
      )}
    </div>
  )
}

export { LiveFormAlert, LiveFormSubmitRow }
