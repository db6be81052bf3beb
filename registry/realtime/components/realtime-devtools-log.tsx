"use client"

import * as React from "react"
import type {
  EventLog,
  EventLogSnapshot,
  InspectedEvent,
  Inspector,
} from "@realtime-kit/core/devtools"
import {
  ArrowDownLeft,
  ArrowUpRight,
  Download,
  Pause,
  Play,
  Trash2,
} from "lucide-react"

import { Badge } from "@/components/ui/badge"
import { Button } from "@/components/ui/button"
import { Input } from "@/components/ui/input"
import { RealtimeDevtoolsJsonTree } from "@/registry/realtime/components/realtime-devtools-json-tree"
import {
  useStore,
  useTimeFormat,
  type RealtimeDevtoolsLabels,
} from "@/registry/realtime/lib/realtime-devtools-labels"
import { cn } from "@/registry/realtime/lib/utils"

interface RealtimeDevtoolsLogProps {
  connectionId: string
  inspector: Inspector
  log: EventLog
  labels: RealtimeDevtoolsLabels
  locale: string
}

/** A connection's frames, newest first: filter, pause (counting what is not recorded), clear, export as JSON. */
function RealtimeDevtoolsLog({
  connectionId,
  inspector,
  log,
  labels,
  locale,
}: RealtimeDevtoolsLogProps) {
  const snapshot = useStore<EventLogSnapshot | null>(log, null)
  const [filter, setFilter] = React.useState("")
  const deferredFilter = React.useDeferredValue(filter)
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale])
  // One set of formatters for the whole log, not one per row.
  const times = useTimeFormat(locale)
  const bytes = React.useMemo(
    () =>
      new Intl.NumberFormat(locale, {
        style: "unit",
        unit: "byte",
        unitDisplay: "narrow",
      }),
    [locale]
  )
  const filterId = React.useId()
  const events = snapshot?.events
  const visible = React.useMemo(() => {
    const needle = deferredFilter.trim().toLowerCase()
    const all = events ?? []
    const matching =
      needle === ""
        ? all
        : all.filter((event) => searchText(event).includes(needle))
    // Newest first: what just happened is at the top, without scrolling.
    return [...matching].reverse()
  }, [events, deferredFilter])
  const paused = snapshot?.paused ?? false

  return (
    <div className="flex h-full flex-col">
      <div className="flex flex-wrap items-center gap-1.5 border-b p-2">
        <label htmlFor={filterId} className="sr-only">
          {labels.filter}
        </label>
        <Input
          id={filterId}
          type="search"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder={labels.filter}
          data-slot="realtime-devtools-filter"
          className="h-8 min-w-0 flex-1"
        />
        <Button
          type="button"
          variant="outline"
          size="sm"
          aria-pressed={paused}
          onClick={() => (paused ? log.resume() : log.pause())}
          data-slot="realtime-devtools-pause"
          className="aria-pressed:bg-accent aria-pressed:text-accent-foreground"
        >
          {paused ? <Play aria-hidden="true" /> : <Pause aria-hidden="true" />}
          {paused ? labels.resume : labels.pause}
        </Button>
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => log.clear()}
          data-slot="realtime-devtools-clear"
        >
          <Trash2 aria-hidden="true" />
          {labels.clear}
        </Button>
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => downloadJSON(inspector, connectionId)}
          data-slot="realtime-devtools-export"
        >
          <Download aria-hidden="true" />
          {labels.exportJSON}
        </Button>
      </div>
      {paused && (
        <p
          data-slot="realtime-devtools-paused"
          className="border-b px-3 py-1.5 text-xs text-muted-foreground"
        >
          {labels.paused(numbers.format(snapshot?.discarded ?? 0))}
        </p>
      )}
      {visible.length === 0 ? (
        <p className="p-3 text-sm text-muted-foreground">{labels.noEvents}</p>
      ) : (
        <ol
          data-slot="realtime-devtools-events"
          aria-label={labels.events}
          className="min-h-0 flex-1 divide-y overflow-y-auto"
        >
          {visible.map((event) => (
            <EventRow
              key={event.seq}
              event={event}
              labels={labels}
              times={times}
              bytes={bytes}
            />
          ))}
        </ol>
      )}
    </div>
  )
}

/** Saves the connection's log as a JSON file. */
function downloadJSON(inspector: Inspector, connectionId: string) {
  const blob = new Blob([inspector.exportJSON(connectionId)], {
    type: "application/json",
  })
  const url = URL.createObjectURL(blob)
  const anchor = document.createElement("a")
  anchor.href = url
  anchor.download = `realtime-${connectionId}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`
  anchor.click()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

function searchText(event: InspectedEvent): string {
  let payload = ""
  try {
    payload = JSON.stringify(event.payload) ?? ""
  } catch {
    // An unserialisable payload is matched on its type, event and channel only.
  }
  return `${event.direction} ${event.type} ${event.event ?? ""} ${event.channel ?? ""} ${event.fault ?? ""} ${payload}`.toLowerCase()
}

interface EventRowProps {
  event: InspectedEvent
  labels: RealtimeDevtoolsLabels
  times: Intl.DateTimeFormat
  bytes: Intl.NumberFormat
}

/** Memoised: events are immutable, so a new event renders one row, not the whole log. */
const EventRow = React.memo(function EventRow({
  event,
  labels,
  times,
  bytes,
}: EventRowProps) {
  const [expanded, setExpanded] = React.useState(false)
  const payloadId = React.useId()
  const Arrow = event.direction === "in" ? ArrowDownLeft : ArrowUpRight
  return (
    <li
      data-slot="realtime-devtools-event"
      data-direction={event.direction}
      data-fault={event.fault}
    >
      <Button
        type="button"
        variant="ghost"
        aria-expanded={expanded}
        aria-controls={expanded ? payloadId : undefined}
        onClick={() => setExpanded((value) => !value)}
        className="h-auto w-full justify-start gap-2 rounded-none px-3 py-1.5 text-start text-xs font-normal focus-visible:ring-inset"
      >
        <Arrow
          aria-hidden="true"
          className={cn(
            "size-3.5",
            event.direction === "in"
              ? "text-sky-700 dark:text-sky-400"
              : "text-violet-700 dark:text-violet-400"
          )}
        />
        <span className="sr-only">
          {event.direction === "in" ? labels.directionIn : labels.directionOut}
        </span>
        <span className="font-mono font-medium">{event.type}</span>
        {event.event && (
          <span className="truncate font-mono">{event.event}</span>
        )}
        {event.channel && (
          <span className="truncate text-muted-foreground">
            {event.channel}
          </span>
        )}
        {event.fault && (
          <Badge
            variant="outline"
            className="rounded border-transparent bg-amber-100 px-1 py-0 font-normal text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          >
            {event.fault === "dropped" ? labels.dropped : labels.delayed}
          </Badge>
        )}
        <span
          dir="ltr"
          className="ms-auto shrink-0 text-muted-foreground tabular-nums"
        >
          {bytes.format(event.size)}
        </span>
        <time
          dateTime={new Date(event.at).toISOString()}
          className="shrink-0 font-mono text-muted-foreground tabular-nums"
        >
          {times.format(event.at)}
        </time>
      </Button>
      {expanded && (
        <div id={payloadId} className="bg-muted/40 px-3 pb-2">
          <RealtimeDevtoolsJsonTree
            value={event.payload}
            label={labels.payload}
          />
        </div>
      )}
    </li>
  )
})

export { RealtimeDevtoolsLog }
export type { RealtimeDevtoolsLogProps }
