"use client"

import * as React from "react"
import { useConnectionState, type RealtimeError } from "@realtime-kit/react"

/** A connection as `useConnectionState` takes it: `useSSE(url).connection`, a channel client, or `undefined` for the provider's client. */
type FeedbackConnection = Parameters<typeof useConnectionState>[0]

/**
 * What to tell the user about a connection:
 * - `hidden`: nothing (connected, not started, closed on purpose, or a problem shorter than `delayMs`);
 * - `connecting`: the first connect is taking longer than `delayMs`;
 * - `reconnecting`: the connection dropped (or cannot be made) and it retries — see `retryAt`;
 * - `offline`: the device is offline;
 * - `failed`: it stopped for good after an error (shown at once, no delay) — see `error`;
 * - `restored`: a problem that was shown is over; lasts `restoredMs`, then `hidden`.
 */
type ConnectionFeedbackPhase =
  "hidden" | "connecting" | "reconnecting" | "offline" | "failed" | "restored"

interface ConnectionFeedback {
  phase: ConnectionFeedbackPhase
  /** While `restored`: whether the device came back online (`offline`) or the connection came back (`reconnecting`). */
  restoredFrom: "offline" | "reconnecting" | null
  /** Whether the connection was ever open: "Connection lost" versus "Can't connect". */
  wasOpen: boolean
  /** Wall-clock time (ms) of the next attempt while waiting to retry (status `reconnecting`), for `useRetryCountdown`; else null. */
  retryAt: number | null
  /** Why it failed (`failed`), or the last failure while reconnecting. */
  error: RealtimeError | null
  /** Reconnect now (resets backoff; reopens a failed connection), or null when the connection offers no way to. */
  reconnect: (() => void) | null
}

interface ConnectionFeedbackOptions {
  /** How long a problem must last before it is shown, so a blip does not flash. Default 1500 ms. */
  delayMs?: number
  /** How long "Back online" / "Reconnected" stays. Default 3000 ms. */
  restoredMs?: number
}

type Problem = Exclude<ConnectionFeedbackPhase, "hidden" | "restored">

/** `reconnect()` of an SSE connection, or of a channel client's transport. */
function reconnectOf(connection: FeedbackConnection): (() => void) | null {
  if (!connection) return null
  const candidate = connection as {
    reconnect?: unknown
    transport?: { reconnect?: unknown }
  }
  if (typeof candidate.reconnect === "function")
    return () => (candidate.reconnect as () => void).call(connection)
  const transport = candidate.transport
  if (transport && typeof transport.reconnect === "function")
    return () => (transport.reconnect as () => void).call(transport)
  return null
}

/**
 * Turns a connection's raw state into what a banner or a toast should say, and when: problems show only once they
 * have lasted `delayMs` (a blip shows nothing), a failure shows at once, and a problem that was shown ends with a
 * short "restored" phase. Used by `connection-banner` and `reconnect-toast`.
 *
 * @example
 * const { connection } = useSSE('/api/events')
 * const feedback = useConnectionFeedback(connection)
 * if (feedback.phase === 'reconnecting') … useRetryCountdown(feedback.retryAt) …
 */
function useConnectionFeedback(
  connection?: FeedbackConnection,
  { delayMs = 1500, restoredMs = 3000 }: ConnectionFeedbackOptions = {}
): ConnectionFeedback {
  const live = useConnectionState(connection)

  // "Connection lost" needs to know the connection was ever open; a new connection starts over.
  const [wasOpen, setWasOpen] = React.useState(false)
  const [openOf, setOpenOf] = React.useState(connection)
  if (openOf !== connection) {
    setOpenOf(connection)
    setWasOpen(false)
  }
  if (live.status === "open" && !wasOpen) setWasOpen(true)

  const problem: Problem | null =
    live.status === "closed"
      ? live.error
        ? "failed"
        : null
      : !live.online || live.status === "offline"
        ? "offline"
        : live.status === "reconnecting" ||
            (live.status === "connecting" && (wasOpen || live.attempt > 0))
          ? "reconnecting"
          : live.status === "connecting"
            ? "connecting"
            : null

  // `shown`: a problem is on screen. `episode`: what this run of problems included, for the "restored" wording.
  const [shown, setShown] = React.useState(false)
  const [episodeOffline, setEpisodeOffline] = React.useState(false)
  const [episodeSerious, setEpisodeSerious] = React.useState(false)
  const [restoredFrom, setRestoredFrom] =
    React.useState<ConnectionFeedback["restoredFrom"]>(null)

  // State adjusted during render (not in effects), so a change never paints one stale frame first.
  if (problem === "failed" && !shown) setShown(true)
  if (shown && problem === "offline" && !episodeOffline) setEpisodeOffline(true)
  if (
    shown &&
    (problem === "reconnecting" || problem === "failed") &&
    !episodeSerious
  )
    setEpisodeSerious(true)
  if (shown && restoredFrom !== null) setRestoredFrom(null)
  if (shown && problem === null) {
    setShown(false)
    setEpisodeOffline(false)
    setEpisodeSerious(false)
    // Only a connection that is back says so; one closed on purpose just goes quiet.
    if (live.status === "open" && (episodeOffline || episodeSerious))
      setRestoredFrom(episodeOffline ? "offline" : "reconnecting")
  }

  // A problem is shown once it has lasted `delayMs`. Keyed by whether there is one, not which: offline turning into
  // reconnecting is one problem, and does not restart the delay.
  const hasProblem = problem !== null
  const problemRef = React.useRef(problem)
  React.useLayoutEffect(() => {
    problemRef.current = problem
  })
  React.useEffect(() => {
    if (!hasProblem || shown) return
    const timer = setTimeout(() => {
      if (problemRef.current !== null) setShown(true)
    }, delayMs)
    return () => clearTimeout(timer)
  }, [hasProblem, shown, delayMs])

  React.useEffect(() => {
    if (restoredFrom === null) return
    const timer = setTimeout(() => setRestoredFrom(null), restoredMs)
    return () => clearTimeout(timer)
  }, [restoredFrom, restoredMs])

  const reconnect = React.useMemo(() => reconnectOf(connection), [connection])
  const phase: ConnectionFeedbackPhase =
    shown && problem !== null
      ? problem
      : restoredFrom !== null
        ? "restored"
        : "hidden"

  return {
    phase,
    restoredFrom: phase === "restored" ? restoredFrom : null,
    wasOpen,
    // Also while a problem is still within its delay, so a countdown is already running when the banner appears.
    retryAt: live.status === "reconnecting" ? live.retryAt : null,
    error: live.error,
    reconnect,
  }
}

export { useConnectionFeedback }
export type {
  ConnectionFeedback,
  ConnectionFeedbackOptions,
  ConnectionFeedbackPhase,
  FeedbackConnection,
}
