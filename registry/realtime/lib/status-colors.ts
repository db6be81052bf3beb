import type { ConnectionStatus } from "@realtime-kit/core"

/** A connection's state as the UI colours it: its status, or `error` for one that stopped because it failed. */
export type StatusTone = ConnectionStatus | "error"

/**
 * The one colour per connection state that every realtime item uses (connection dot, banner, toast, devtools,
 * editor status), so a state never looks different from one item to the next:
 *
 * - `open`: emerald, it is live.
 * - `connecting`, `reconnecting`: amber, on its way or trying again.
 * - `idle`, `offline`, `closed`: muted. Nothing failed: it has not started, the device is offline (it resumes by
 *   itself), or it was closed on purpose. Red here would cry wolf on every page that closes a connection it no
 *   longer needs.
 * - `error`: destructive, it stopped because it failed (the only state that needs the user).
 *
 * `dot` fills an indicator; `icon` colours an icon next to text. Text itself stays `foreground` or
 * `muted-foreground`: the hues are for shapes, where 3:1 contrast is enough.
 */
export const statusColors: Record<StatusTone, { dot: string; icon: string }> = {
  idle: { dot: "bg-muted-foreground/60", icon: "text-muted-foreground" },
  connecting: {
    dot: "bg-amber-500",
    icon: "text-amber-600 dark:text-amber-400",
  },
  open: {
    dot: "bg-emerald-500",
    icon: "text-emerald-600 dark:text-emerald-400",
  },
  reconnecting: {
    dot: "bg-amber-500",
    icon: "text-amber-600 dark:text-amber-400",
  },
  offline: { dot: "bg-muted-foreground", icon: "text-muted-foreground" },
  closed: { dot: "bg-muted-foreground", icon: "text-muted-foreground" },
  error: { dot: "bg-destructive", icon: "text-destructive" },
}

/** The tone of a connection: `error` when it closed because of an error, else its status. */
export function statusTone(
  status: ConnectionStatus,
  error: unknown | null | undefined
): StatusTone {
  return status === "closed" && error != null ? "error" : status
}
