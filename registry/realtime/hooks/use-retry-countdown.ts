"use client"

import * as React from "react"

/**
 * Whole seconds left until `retryAt` (a wall-clock time in ms, as `useConnectionState().retryAt` gives it),
 * re-rendering once a second while it counts down. `null` when there is nothing to count down to.
 *
 * Presentation only: the connection decides when to retry; this just shows how long is left.
 *
 * @example
 * const { retryAt } = useConnectionState(connection)
 * const seconds = useRetryCountdown(retryAt) // 3, 2, 1, 0, then null once retryAt clears
 */
export function useRetryCountdown(
  retryAt: number | null | undefined
): number | null {
  const [now, setNow] = React.useState<number | null>(null)

  React.useEffect(() => {
    if (retryAt == null) return
    setNow(Date.now())
    // Tick on the second boundary of the countdown, not on an arbitrary 1 s grid, so 3 → 2 → 1 lands on time.
    let timer: ReturnType<typeof setTimeout>
    const tick = () => {
      const current = Date.now()
      setNow(current)
      const untilNext = (retryAt - current) % 1000 || 1000
      if (current < retryAt) timer = setTimeout(tick, untilNext)
    }
    timer = setTimeout(tick, Math.max(0, (retryAt - Date.now()) % 1000) || 1000)
    return () => clearTimeout(timer)
  }, [retryAt])

  // Before the first effect (and on the server) there is no clock reading: show nothing rather than guess.
  if (retryAt == null || now === null) return null
  return Math.max(0, Math.ceil((retryAt - now) / 1000))
}
