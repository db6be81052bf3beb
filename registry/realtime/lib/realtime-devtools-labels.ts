"use client"

import * as React from "react"
import type { InspectedConnection } from "@realtime-kit/core/devtools"

/** A connection's public status, as the inspector reports it. */
export type DevtoolsConnectionStatus = InspectedConnection["status"]

export interface RealtimeDevtoolsLabels {
  /** The floating button's accessible name. */
  toggle: string
  heading: string
  close: string
  back: string
  empty: string
  emptyDetail: string
  status: Record<DevtoolsConnectionStatus, string>
  /** "Attempt 3" */
  attempt: (formatted: string) => string
  /** "Retry in 4 s" */
  retryIn: (seconds: string) => string
  overview: string
  events: string
  chaos: string
  timeline: string
  channels: string
  noChannels: string
  channel: string
  subscribed: string
  resumeCursor: string
  pending: string
  members: string
  outbox: string
  lastEventId: string
  /** Announced when the selected connection's status changes. */
  statusChanged: (status: string) => string
  filter: string
  pause: string
  resume: string
  clear: string
  exportJSON: string
  noEvents: string
  /** Shown while paused: how many events were not recorded. */
  paused: (formatted: string) => string
  directionIn: string
  directionOut: string
  dropped: string
  delayed: string
  payload: string
  disconnect: string
  offline: string
  latency: string
  latencyOff: string
  dropNext: string
  dropCount: string
  /** "3 messages left to drop" */
  dropping: (formatted: string) => string
  heal: string
  rawChaos: string
}

export const defaultRealtimeDevtoolsLabels: RealtimeDevtoolsLabels = {
  toggle: "Realtime devtools",
  heading: "Realtime devtools",
  close: "Close devtools",
  back: "All connections",
  empty: "No live connections",
  emptyDetail: "Connections show up here as soon as they are created.",
  status: {
    idle: "Idle",
    connecting: "Connecting",
    open: "Open",
    reconnecting: "Reconnecting",
    offline: "Offline",
    closed: "Closed",
  },
  attempt: (formatted) => `Attempt ${formatted}`,
  retryIn: (seconds) => `retry in ${seconds} s`,
  overview: "Overview",
  events: "Events",
  chaos: "Chaos",
  timeline: "Status timeline",
  channels: "Channels",
  noChannels: "No channels yet.",
  channel: "Channel",
  subscribed: "Subscribed",
  resumeCursor: "Last seq",
  pending: "Pending",
  members: "Members",
  outbox: "Outbox",
  lastEventId: "Last event id",
  statusChanged: (status) => `Connection ${status.toLowerCase()}`,
  filter: "Filter events",
  pause: "Pause",
  resume: "Resume",
  clear: "Clear",
  exportJSON: "Export JSON",
  noEvents: "No events yet.",
  paused: (formatted) => `Paused: ${formatted} not recorded`,
  directionIn: "In",
  directionOut: "Out",
  dropped: "dropped",
  delayed: "delayed",
  payload: "Payload",
  disconnect: "Disconnect",
  offline: "Offline",
  latency: "Latency",
  latencyOff: "None",
  dropNext: "Drop next",
  dropCount: "Messages to drop",
  dropping: (formatted) => `${formatted} left to drop`,
  heal: "Heal",
  rawChaos: "Raw connections support Disconnect only.",
}

/** How a connection is named in the list and the panel's heading: its transport and URL (or id). */
export function connectionTitle(connection: InspectedConnection): string {
  return connection.url
    ? `${connection.transport} ${connection.url}`
    : `${connection.transport} (${connection.id})`
}

/** A core store's snapshot, or `fallback` while there is no store. */
export function useStore<T>(
  store: {
    subscribe(listener: () => void): () => void
    getSnapshot(): T
  } | null,
  fallback: T
): T {
  const subscribe = React.useCallback(
    (listener: () => void) => store?.subscribe(listener) ?? (() => {}),
    [store]
  )
  const getSnapshot = React.useCallback(
    () => (store ? store.getSnapshot() : fallback),
    [store, fallback]
  )
  return React.useSyncExternalStore(subscribe, getSnapshot, getSnapshot)
}

/** Times to the millisecond, 24-hour, in the reader's locale: one formatter for a whole list. */
export function useTimeFormat(locale: string): Intl.DateTimeFormat {
  return React.useMemo(
    () =>
      new Intl.DateTimeFormat(locale, {
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        fractionalSecondDigits: 3,
        hour12: false,
      }),
    [locale]
  )
}

/** The current time, ticking every `intervalMs` (null: not ticking, and null before hydration). */
export function useNow(intervalMs: number | null): number | null {
  const [now, setNow] = React.useState<number | null>(null)
  React.useEffect(() => {
    if (intervalMs === null) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}
