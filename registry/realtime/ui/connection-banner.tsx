"use client"

import * as React from "react"
import { cva, type VariantProps } from "class-variance-authority"
import {
  CircleAlert,
  CircleCheck,
  RotateCcw,
  Unplug,
  Wifi,
  WifiOff,
  type LucideIcon,
} from "lucide-react"
import {
  AnimatePresence,
  domAnimation,
  LazyMotion,
  m,
  useReducedMotionConfig,
} from "motion/react"

import { Button } from "@/components/ui/button"
import {
  useConnectionFeedback,
  type ConnectionFeedbackOptions,
  type ConnectionFeedbackPhase,
  type FeedbackConnection,
} from "@/registry/realtime/hooks/use-connection-feedback"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { useRetryCountdown } from "@/registry/realtime/hooks/use-retry-countdown"
import {
  statusColors,
  type StatusTone,
} from "@/registry/realtime/lib/status-colors"
import { cn } from "@/registry/realtime/lib/utils"

/** The texts of the banner. Override any of them to translate. */
interface ConnectionBannerLabels {
  connecting: string
  /** Title when a connection that was open dropped. */
  lost: string
  /** Title when the connection could not be made at all. */
  unreachable: string
  /** Followed by the countdown ("in 5s") while waiting, or "…" while an attempt is in flight. */
  reconnecting: string
  offline: string
  offlineDescription: string
  failed: string
  /** Shown under `failed` when the error has no message. */
  failedDescription: string
  backOnline: string
  reconnected: string
  retryNow: string
  retry: string
}

const defaultLabels: ConnectionBannerLabels = {
  connecting: "Connecting…",
  lost: "Connection lost",
  unreachable: "Can’t reach the server",
  reconnecting: "Reconnecting",
  offline: "You are offline",
  offlineDescription: "It reconnects when the network is back.",
  failed: "Connection failed",
  failedDescription: "The server closed the connection.",
  backOnline: "Back online",
  reconnected: "Reconnected",
  retryNow: "Retry now",
  retry: "Retry",
}

/** Where the banner floats: over the top or bottom of the viewport (`fixed`) or of its positioned parent (`absolute`). */
const connectionBannerVariants = cva(
  "pointer-events-none inset-x-0 z-50 grid justify-items-center p-3",
  {
    variants: {
      placement: { top: "top-0", bottom: "bottom-0" },
      strategy: { fixed: "fixed", absolute: "absolute" },
    },
    defaultVariants: { placement: "top", strategy: "fixed" },
  }
)

const boxVariants = cva(
  "pointer-events-auto flex w-full max-w-md items-start gap-3 rounded-lg border bg-popover px-4 py-3 text-sm text-popover-foreground shadow-lg",
  {
    variants: {
      tone: {
        default: "",
        destructive: "border-destructive/40",
      },
    },
    defaultVariants: { tone: "default" },
  }
)

type VisiblePhase = Exclude<ConnectionFeedbackPhase, "hidden">

const phaseIcon: Record<VisiblePhase, LucideIcon> = {
  connecting: Wifi,
  reconnecting: Unplug,
  offline: WifiOff,
  failed: CircleAlert,
  restored: CircleCheck,
}

/** Each phase in the colour of the connection state it reports. */
const phaseTone: Record<VisiblePhase, StatusTone> = {
  connecting: "connecting",
  reconnecting: "reconnecting",
  offline: "offline",
  failed: "error",
  restored: "open",
}

interface ConnectionBannerProps
  extends
    Omit<React.ComponentProps<"div">, "children">,
    VariantProps<typeof connectionBannerVariants>,
    ConnectionFeedbackOptions {
  /**
   * The connection to report on: `useSSE(url).connection`, or a channel client (`useRealtimeClient()`). Without one it
   * follows the nearest RealtimeProvider's client, or just whether the browser is online.
   */
  connection?: FeedbackConnection
  /** Replace any of the texts, e.g. to translate them. */
  labels?: Partial<ConnectionBannerLabels>
  /** Locale of the countdown (`Intl.RelativeTimeFormat`). Default: the user's. */
  locale?: string
  /** Called by "Retry now" / "Retry". Default: the connection's own `reconnect()`; without either there is no button. */
  onRetry?: () => void
}

/**
 * A banner that tells the user when their realtime connection is in trouble, and when it is back.
 *
 * - A problem shows only after it has lasted `delayMs` (default 1.5 s), so a blip never flashes; a failure shows at once.
 * - "Connection lost · Reconnecting in 5s" with a "Retry now" button, "You are offline", "Connection failed" with the
 *   error and a Retry button, then "Reconnected" / "Back online" for `restoredMs`.
 * - It floats over the page (`fixed`, or `absolute` inside a positioned container) instead of pushing content down:
 *   a banner that comes and goes with the network must not move what the user is reading or about to click.
 * - A polite live region (`role="status"`); a failure is an `alert`. It never moves focus; the countdown is not
 *   announced every second. Slides in and out, and simply appears under reduced motion.
 *
 * @example
 * const { connection } = useSSE('/api/events')
 * <ConnectionBanner connection={connection} />
 */
function ConnectionBanner({
  connection,
  delayMs,
  restoredMs,
  labels: labelOverrides,
  locale,
  onRetry,
  placement,
  strategy,
  className,
  ...props
}: ConnectionBannerProps) {
  const labels = { ...defaultLabels, ...labelOverrides }
  const feedback = useConnectionFeedback(connection, { delayMs, restoredMs })
  const { phase } = feedback
  const motionProps = useBannerMotion(placement ?? "top")
  const content =
    phase === "hidden" ? null : (
      <ConnectionBannerBox
        key="banner"
        phase={phase}
        feedback={feedback}
        labels={labels}
        locale={locale}
        onRetry={onRetry ?? feedback.reconnect}
        motionProps={motionProps}
      />
    )

  return (
    <LazyMotion features={domAnimation} strict>
      <div
        data-slot="connection-banner"
        data-state={phase}
        className={cn(
          connectionBannerVariants({ placement, strategy }),
          className
        )}
        {...props}
      >
        {/*
          Two live regions, both always in the DOM so screen readers are listening before anything changes: a polite
          status for everything, and an alert for a failure. They share one grid cell, so a box leaving one while the
          next enters the other overlap instead of stacking.
        */}
        <div
          role="status"
          aria-live="polite"
          aria-atomic="true"
          data-slot="connection-banner-status"
          className="col-start-1 row-start-1 flex w-full justify-center"
        >
          <AnimatePresence initial={false}>
            {phase !== "failed" && content}
          </AnimatePresence>
        </div>
        <div
          role="alert"
          aria-atomic="true"
          data-slot="connection-banner-alert"
          className="col-start-1 row-start-1 flex w-full justify-center"
        >
          <AnimatePresence initial={false}>
            {phase === "failed" && content}
          </AnimatePresence>
        </div>
      </div>
    </LazyMotion>
  )
}

/** Slides in from its edge and out again; under reduced motion it simply appears and disappears. */
function useBannerMotion(placement: "top" | "bottom") {
  const reduceMotion = useReducedMotionConfig() ?? false
  const offset = placement === "top" ? -12 : 12
  return reduceMotion
    ? {
        initial: false as const,
        exit: { opacity: 0, transition: { duration: 0 } },
      }
    : {
        initial: { opacity: 0, y: offset },
        animate: {
          opacity: 1,
          y: 0,
          transition: { duration: 0.2, ease: "easeOut" as const },
        },
        exit: {
          opacity: 0,
          y: offset,
          transition: { duration: 0.15, ease: "easeIn" as const },
        },
      }
}

/** The title for a phase: a lost connection and one never made are told apart, and so is coming back from offline. */
function bannerTitle(
  phase: VisiblePhase,
  feedback: ReturnType<typeof useConnectionFeedback>,
  labels: ConnectionBannerLabels
): string {
  switch (phase) {
    case "connecting":
      return labels.connecting
    case "reconnecting":
      return feedback.wasOpen ? labels.lost : labels.unreachable
    case "offline":
      return labels.offline
    case "failed":
      return labels.failed
    case "restored":
      return feedback.restoredFrom === "offline"
        ? labels.backOnline
        : labels.reconnected
  }
}

interface ConnectionBannerBoxProps {
  phase: VisiblePhase
  feedback: ReturnType<typeof useConnectionFeedback>
  labels: ConnectionBannerLabels
  locale: string | undefined
  onRetry: (() => void) | null | undefined
  motionProps: ReturnType<typeof useBannerMotion>
}

/** The floating box: the phase's icon in its status colour, title, description and Retry. */
function ConnectionBannerBox({
  phase,
  feedback,
  labels,
  locale,
  onRetry,
  motionProps,
}: ConnectionBannerBoxProps) {
  const seconds = useRetryCountdown(feedback.retryAt)
  const resolvedLocale = useLocale(locale)
  const relative = React.useMemo(
    () =>
      new Intl.RelativeTimeFormat(resolvedLocale, {
        numeric: "always",
        style: "narrow",
      }),
    [resolvedLocale]
  )
  const Icon = phaseIcon[phase]
  const description =
    phase === "reconnecting" ? (
      <>
        {labels.reconnecting}
        {/* Visual only: the live region announces "Reconnecting" once, not every second. */}
        <span
          aria-hidden="true"
          data-slot="connection-banner-countdown"
          className="tabular-nums"
        >
          {seconds === null ? "…" : ` ${relative.format(seconds, "second")}`}
        </span>
      </>
    ) : phase === "offline" ? (
      labels.offlineDescription
    ) : phase === "failed" ? (
      // Server text may be in another script than the UI: isolate its direction.
      <bdi>{feedback.error?.message || labels.failedDescription}</bdi>
    ) : null
  const action =
    onRetry && (phase === "reconnecting" || phase === "failed")
      ? phase === "failed"
        ? labels.retry
        : labels.retryNow
      : null

  return (
    <m.div
      data-slot="connection-banner-box"
      data-state={phase}
      className={boxVariants({
        tone: phase === "failed" ? "destructive" : "default",
      })}
      {...motionProps}
    >
      <Icon
        aria-hidden="true"
        className={cn(
          "mt-0.5 size-4 shrink-0",
          statusColors[phaseTone[phase]].icon
        )}
      />
      <div className="min-w-0 flex-1 space-y-0.5">
        <p
          data-slot="connection-banner-title"
          className="leading-5 font-medium break-words"
        >
          {bannerTitle(phase, feedback, labels)}
        </p>
        {description !== null && (
          <p
            data-slot="connection-banner-description"
            className="leading-5 break-words text-muted-foreground"
          >
            {description}
          </p>
        )}
      </div>
      {action && (
        <Button
          type="button"
          variant="outline"
          size="sm"
          data-slot="connection-banner-retry"
          onClick={onRetry ?? undefined}
          className="shrink-0"
        >
          <RotateCcw aria-hidden="true" className="rtl:-scale-x-100" />
          {action}
        </Button>
      )}
    </m.div>
  )
}

export { ConnectionBanner, connectionBannerVariants }
export type { ConnectionBannerProps, ConnectionBannerLabels }
