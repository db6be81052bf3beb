"use client"

import * as React from "react"
import { useConnectionState } from "@realtime-kit/react"
import { cva, type VariantProps } from "class-variance-authority"

import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { useRetryCountdown } from "@/registry/realtime/hooks/use-retry-countdown"
import {
  statusColors,
  statusTone,
  type StatusTone,
} from "@/registry/realtime/lib/status-colors"
import { cn } from "@/registry/realtime/lib/utils"

/** What the dot shows: a connection status, or `error` for a connection that stopped because it failed. */
type ConnectionDotState = StatusTone

/** The text shown (and announced) for each state. Override any of them to translate. */
type ConnectionDotLabels = Record<ConnectionDotState, string>

const defaultLabels: ConnectionDotLabels = {
  idle: "Not connected",
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  closed: "Disconnected",
  error: "Connection failed",
}

const connectionDotVariants = cva(
  "inline-flex items-center gap-2 font-medium whitespace-nowrap text-foreground",
  {
    variants: {
      variant: {
        default: "",
        outline: "rounded-full border bg-background px-2.5 py-0.5 shadow-xs",
      },
      size: {
        sm: "text-xs [--dot-size:0.375rem]",
        default: "text-sm [--dot-size:0.5rem]",
        lg: "text-base [--dot-size:0.625rem]",
      },
    },
    defaultVariants: { variant: "default", size: "default" },
  }
)

interface ConnectionDotContextValue {
  state: ConnectionDotState
  label: string
  /** Seconds until the next attempt while reconnecting, else null. */
  retryInSeconds: number | null
  formatRetry: (seconds: number) => string
}

const ConnectionDotContext =
  React.createContext<ConnectionDotContextValue | null>(null)

function useConnectionDot(component: string): ConnectionDotContextValue {
  const context = React.useContext(ConnectionDotContext)
  if (!context)
    throw new Error(`<${component}> must be used inside <ConnectionDot>.`)
  return context
}

interface ConnectionDotProps
  extends
    React.ComponentProps<"div">,
    VariantProps<typeof connectionDotVariants> {
  /**
   * The connection to show, e.g. `useSSE(url).connection`. Without one (and without `status`), the dot shows
   * whether the browser is online.
   */
  connection?: Parameters<typeof useConnectionState>[0]
  /** Show this state instead of reading `connection`. `error` is a connection that stopped after a failure. */
  status?: ConnectionDotState
  /** Replace any of the default labels, e.g. to translate them. */
  labels?: Partial<ConnectionDotLabels>
  /** Show "in 3s" after the label while reconnecting. Visual only: the countdown is not announced every second. Default true. */
  showCountdown?: boolean
  /** Locale for the countdown (`Intl.RelativeTimeFormat`). Default: the user's. */
  locale?: string
  /** Format the countdown yourself; wins over `locale`. */
  formatRetry?: (seconds: number) => string
  /** Keep the label for screen readers only and show just the dot. */
  hideLabel?: boolean
}

/**
 * A connection status dot with a label. Reads `useConnectionState(connection)`, or shows an explicit `status`.
 * It is a polite live region (`role="status"`), so screen readers hear "Reconnecting…", "Live" as they happen.
 * The dot pulses while open, only when the user has not asked for reduced motion.
 *
 * Compose it yourself with `ConnectionDotIndicator` and `ConnectionDotLabel` as children.
 *
 * @example
 * const { connection } = useSSE('/api/events')
 * <ConnectionDot connection={connection} />
 */
function ConnectionDot({
  connection,
  status,
  labels,
  showCountdown = true,
  locale,
  formatRetry,
  hideLabel = false,
  variant,
  size,
  className,
  children,
  ...props
}: ConnectionDotProps) {
  const live = useConnectionState(connection)
  const state: ConnectionDotState =
    status ?? statusTone(live.status, live.error)
  const seconds = useRetryCountdown(
    state === "reconnecting" && showCountdown ? live.retryAt : null
  )
  const resolvedLocale = useLocale(locale)
  const format = React.useMemo(() => {
    if (formatRetry) return formatRetry
    const relative = new Intl.RelativeTimeFormat(resolvedLocale, {
      numeric: "always",
      style: "narrow",
    })
    return (value: number) => relative.format(value, "second")
  }, [formatRetry, resolvedLocale])

  const value: ConnectionDotContextValue = {
    state,
    label: labels?.[state] ?? defaultLabels[state],
    retryInSeconds: seconds,
    formatRetry: format,
  }

  return (
    <ConnectionDotContext.Provider value={value}>
      <div
        role="status"
        aria-live="polite"
        data-slot="connection-dot"
        data-state={state}
        className={cn(connectionDotVariants({ variant, size }), className)}
        {...props}
      >
        {children ?? (
          <>
            <ConnectionDotIndicator />
            <ConnectionDotLabel className={hideLabel ? "sr-only" : undefined} />
          </>
        )}
      </div>
    </ConnectionDotContext.Provider>
  )
}

/** The coloured dot. Decorative: the label carries the meaning. */
function ConnectionDotIndicator({
  className,
  ...props
}: React.ComponentProps<"span">) {
  const { state } = useConnectionDot("ConnectionDotIndicator")
  return (
    <span
      aria-hidden="true"
      data-slot="connection-dot-indicator"
      data-state={state}
      className={cn(
        "relative inline-flex size-(--dot-size) shrink-0",
        className
      )}
      {...props}
    >
      {state === "open" && (
        <span
          data-slot="connection-dot-pulse"
          className={cn(
            "absolute inline-flex size-full rounded-full opacity-75 motion-safe:animate-ping",
            statusColors.open.dot
          )}
        />
      )}
      <span
        className={cn(
          "relative inline-flex size-full rounded-full",
          statusColors[state].dot
        )}
      />
    </span>
  )
}

/** The state's label, plus the retry countdown while reconnecting. Pass children to replace the text. */
function ConnectionDotLabel({
  className,
  children,
  ...props
}: React.ComponentProps<"span">) {
  const { state, label, retryInSeconds, formatRetry } =
    useConnectionDot("ConnectionDotLabel")
  return (
    <span
      data-slot="connection-dot-label"
      data-state={state}
      className={cn("min-w-0 truncate", className)}
      {...props}
    >
      {children ?? label}
      {retryInSeconds !== null && (
        // Hidden from the accessibility tree so the live region does not re-announce every second.
        <span
          aria-hidden="true"
          data-slot="connection-dot-countdown"
          className="ms-1 text-muted-foreground tabular-nums"
        >
          {formatRetry(retryInSeconds)}
        </span>
      )}
    </span>
  )
}

export {
  ConnectionDot,
  ConnectionDotIndicator,
  ConnectionDotLabel,
  connectionDotVariants,
}
export type { ConnectionDotProps, ConnectionDotState, ConnectionDotLabels }
