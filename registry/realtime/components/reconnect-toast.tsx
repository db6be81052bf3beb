"use client"

import * as React from "react"
import { WifiOff } from "lucide-react"
import { toast, Toaster, type ExternalToast, type ToasterProps } from "sonner"

import {
  useConnectionFeedback,
  type ConnectionFeedbackOptions,
  type FeedbackConnection,
} from "@/registry/realtime/hooks/use-connection-feedback"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { useRetryCountdown } from "@/registry/realtime/hooks/use-retry-countdown"
import { statusColors } from "@/registry/realtime/lib/status-colors"

/** The texts of the toasts. Override any of them to translate. */
interface ReconnectToastLabels {
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

const defaultLabels: ReconnectToastLabels = {
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

interface ReconnectToastOptions extends ConnectionFeedbackOptions {
  /** Replace any of the texts, e.g. to translate them. */
  labels?: Partial<ReconnectToastLabels>
  /** Locale of the countdown (`Intl.RelativeTimeFormat`). Default: the user's. */
  locale?: string
  /** Called by "Retry now" / "Retry". Default: the connection's own `reconnect()`; without either there is no button. */
  onRetry?: () => void
  /** The toast's id: every state updates this one toast in place. Default: one per hook. */
  id?: string
  /** Send the toasts to the `<Toaster id={…}>` with this id (sonner's `toasterId`). Default: the Toaster without an id. */
  toasterId?: string
}

/** "Reconnecting in 5s", ticking in place. Only "Reconnecting" is announced: the seconds are visual. */
function Countdown({
  retryAt,
  label,
  locale,
}: {
  retryAt: number | null
  label: string
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
    <>
      {label}
      <span
        aria-hidden="true"
        data-slot="reconnect-toast-countdown"
        className="tabular-nums"
      >
        {seconds === null ? "…" : ` ${relative.format(seconds, "second")}`}
      </span>
    </>
  )
}

/**
 * Shows a connection's trouble as one sonner toast, updated in place: "Connection lost · Reconnecting in 5s" with
 * "Retry now", "You are offline", "Connection failed" with the error and Retry, then "Reconnected" / "Back online",
 * which closes by itself. Problems shorter than `delayMs` (default 1.5 s) show nothing.
 *
 * Works with the `<Toaster />` your app already has. A toast raised before that Toaster mounts is not lost: sonner
 * (2.0.8+) replays the toasts still active when a Toaster subscribes, and since every state updates the same toast
 * id, what it replays is the latest state, never a stale stack.
 *
 * @example
 * const { connection } = useSSE('/api/events')
 * useReconnectToasts(connection)
 */
function useReconnectToasts(
  connection?: FeedbackConnection,
  options: ReconnectToastOptions = {}
): void {
  const {
    delayMs,
    restoredMs = 3000,
    labels: labelOverrides,
    locale,
    onRetry,
    toasterId,
  } = options
  const feedback = useConnectionFeedback(connection, { delayMs, restoredMs })
  const generatedId = React.useId()
  const id = options.id ?? `reconnect-toast-${generatedId}`
  const resolvedLocale = useLocale(locale)

  // The latest labels and retry, read when a toast is (re)built or its button is pressed, so an inline object or
  // function does not re-issue the toast on every render.
  const labelsKey = JSON.stringify(labelOverrides ?? {})
  const labels = React.useMemo<ReconnectToastLabels>(
    () => ({
      ...defaultLabels,
      ...(JSON.parse(labelsKey) as Partial<ReconnectToastLabels>),
    }),
    [labelsKey]
  )
  const retry = onRetry ?? feedback.reconnect
  const retryRef = React.useRef(retry)
  React.useLayoutEffect(() => {
    retryRef.current = retry
  })
  const canRetry = retry !== null

  const { phase, restoredFrom, retryAt, wasOpen } = feedback
  const errorMessage = feedback.error?.message
  const shownRef = React.useRef(false)

  React.useEffect(() => {
    // Every field is set on every call: sonner merges updates into the toast, so a field left out would keep the
    // previous state's value (a "Retry now" button on the "Reconnected" toast).
    const base: ExternalToast = {
      id,
      toasterId,
      dismissible: true,
      icon: undefined,
      action: undefined,
      description: undefined,
    }
    const iconColor = (className: string): ExternalToast["classNames"] => ({
      icon: className,
    })
    const action = (label: string): ExternalToast["action"] =>
      canRetry
        ? {
            label,
            onClick: (event) => {
              // Keep the toast: it turns into "Reconnected" (or a new countdown) by itself.
              event.preventDefault()
              retryRef.current?.()
            },
          }
        : undefined

    if (phase === "reconnecting") {
      shownRef.current = true
      toast.warning(wasOpen ? labels.lost : labels.unreachable, {
        ...base,
        duration: Infinity,
        classNames: iconColor(statusColors.reconnecting.icon),
        description: (
          <Countdown
            retryAt={retryAt}
            label={labels.reconnecting}
            locale={resolvedLocale}
          />
        ),
        action: action(labels.retryNow),
      })
    } else if (phase === "offline") {
      shownRef.current = true
      toast.info(labels.offline, {
        ...base,
        duration: Infinity,
        icon: <WifiOff aria-hidden="true" className="size-4" />,
        classNames: iconColor(statusColors.offline.icon),
        description: labels.offlineDescription,
      })
    } else if (phase === "failed") {
      shownRef.current = true
      toast.error(labels.failed, {
        ...base,
        duration: Infinity,
        classNames: iconColor(statusColors.error.icon),
        description: <bdi>{errorMessage || labels.failedDescription}</bdi>,
        action: action(labels.retry),
      })
    } else if (phase === "restored") {
      shownRef.current = false
      toast.success(
        restoredFrom === "offline" ? labels.backOnline : labels.reconnected,
        {
          ...base,
          duration: restoredMs,
          classNames: iconColor(statusColors.open.icon),
        }
      )
    } else if (phase === "hidden" && shownRef.current) {
      // The problem ended without the connection coming back (it was closed on purpose): take the toast down.
      shownRef.current = false
      toast.dismiss(id)
    }
  }, [
    phase,
    restoredFrom,
    retryAt,
    wasOpen,
    errorMessage,
    labels,
    canRetry,
    resolvedLocale,
    id,
    toasterId,
    restoredMs,
  ])

  // The toast belongs to this connection's view: it goes when the component does.
  React.useEffect(() => () => void toast.dismiss(id), [id])
}

/** The shadcn tokens for sonner's colours, so the toasts follow the theme (and `.dark`) like the rest of the UI. */
const toasterStyle = {
  "--normal-bg": "var(--popover)",
  "--normal-text": "var(--popover-foreground)",
  "--normal-border": "var(--border)",
  "--border-radius": "var(--radius)",
} as React.CSSProperties

const subscribeToDocumentClass = (listener: () => void) => {
  const observer = new MutationObserver(listener)
  observer.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["class"],
  })
  return () => observer.disconnect()
}
const getDocumentTheme = () =>
  document.documentElement.classList.contains("dark") ? "dark" : "light"
const getServerTheme = () => "light" as const

interface ReconnectToasterProps
  extends ReconnectToastOptions, Omit<ToasterProps, "id" | "dir"> {
  /** The connection to report on: `useSSE(url).connection`, or a channel client. Without one, the provider's client. */
  connection?: FeedbackConnection
}

/**
 * A sonner `<Toaster>` of its own that shows {@link useReconnectToasts} for `connection`. Its toasts go to this
 * Toaster only (a `toasterId`), so an app `<Toaster />` elsewhere does not show them twice. Themed with the shadcn
 * tokens, following the `.dark` class; sonner itself honours reduced motion.
 *
 * @example
 * <ReconnectToaster connection={useSSE('/api/events').connection} position="bottom-center" />
 */
function ReconnectToaster({
  connection,
  delayMs,
  restoredMs,
  labels,
  locale,
  onRetry,
  id,
  toasterId,
  theme,
  style,
  ...toasterProps
}: ReconnectToasterProps) {
  const generatedId = React.useId()
  const ownToasterId = toasterId ?? `reconnect-toaster-${generatedId}`
  useReconnectToasts(connection, {
    delayMs,
    restoredMs,
    labels,
    locale,
    onRetry,
    id,
    toasterId: ownToasterId,
  })
  const documentTheme = React.useSyncExternalStore(
    subscribeToDocumentClass,
    getDocumentTheme,
    getServerTheme
  )
  return (
    // `contents`: a hook for styling and tests (`data-slot`, as every item has) that takes no box of its own.
    <div data-slot="reconnect-toast" className="contents">
      <Toaster
        id={ownToasterId}
        theme={theme ?? documentTheme}
        style={{ ...toasterStyle, ...style }}
        {...toasterProps}
      />
    </div>
  )
}

export { ReconnectToaster, useReconnectToasts }
export type {
  ReconnectToasterProps,
  ReconnectToastOptions,
  ReconnectToastLabels,
}
