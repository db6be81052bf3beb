import type { ConnectionStatus, RealtimeError } from "@realtime-kit/react"

/** Where a finite stream (a task's progress, an answer being written) stands, as its UI shows it. */
export type StreamPhase =
  | "idle"
  | "connecting"
  | "streaming"
  | "reconnecting"
  | "offline"
  | "stopped"
  | "done"
  | "error"

export interface StreamPhaseInput {
  /** The stream's URL; null means nothing was asked for yet. */
  url: string | null
  /** The connection's status (`useSSE(url).status`). */
  status: ConnectionStatus
  /** The connection's error, if it stopped on one. */
  error: RealtimeError | null
  /** The server said the stream is complete. */
  done: boolean
  /** The server reported a failure of the work itself (not of the connection). */
  failed: boolean
}

/**
 * One reading of a stream's state for every streaming item: the server's own verdict (done, failed) first, then
 * the connection's (closed with an error, stopped by the user, offline, reconnecting, open), then whether a URL was
 * given at all.
 */
export function streamPhase({
  url,
  status,
  error,
  done,
  failed,
}: StreamPhaseInput): StreamPhase {
  if (failed) return "error"
  if (done) return "done"
  switch (status) {
    case "closed":
      return error ? "error" : "stopped"
    case "offline":
      return "offline"
    case "reconnecting":
      return "reconnecting"
    case "open":
      return "streaming"
    default:
      return url === null ? "idle" : "connecting"
  }
}
