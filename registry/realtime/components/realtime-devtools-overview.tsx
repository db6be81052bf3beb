"use client"

import * as React from "react"
import type { InspectedConnection } from "@realtime-kit/core/devtools"

import {
  useTimeFormat,
  type DevtoolsConnectionStatus,
  type RealtimeDevtoolsLabels,
} from "@/registry/realtime/lib/realtime-devtools-labels"
import { statusColors, statusTone } from "@/registry/realtime/lib/status-colors"
import { cn } from "@/registry/realtime/lib/utils"

/** A connection's state as a dot in the shared status colours; it pulses while connecting (not under reduced motion). */
function RealtimeDevtoolsStatusDot({
  status,
  error,
}: {
  status: DevtoolsConnectionStatus
  error?: unknown
}) {
  const pulsing = status === "connecting" || status === "reconnecting"
  return (
    <span
      aria-hidden="true"
      data-slot="realtime-devtools-dot"
      className={cn(
        "inline-block size-2 shrink-0 rounded-full",
        statusColors[statusTone(status, error)].dot,
        pulsing && "motion-safe:animate-pulse"
      )}
    />
  )
}

interface RealtimeDevtoolsOverviewProps {
  connection: InspectedConnection
  labels: RealtimeDevtoolsLabels
  locale: string
}

/**
 * What a connection holds: a channel client's channels (subscribed, resume cursor, pending outbox, members), a raw
 * stream's last event id, and the timeline of its status changes.
 */
function RealtimeDevtoolsOverview({
  connection,
  labels,
  locale,
}: RealtimeDevtoolsOverviewProps) {
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale])
  const times = useTimeFormat(locale)
  return (
    <div className="flex flex-col gap-4 p-3 text-sm">
      {connection.kind === "client" ? (
        <section aria-label={labels.channels} className="flex flex-col gap-2">
          <h3 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
            {labels.channels} · {labels.outbox}{" "}
            {numbers.format(connection.outbox)}
          </h3>
          {connection.channels.length === 0 ? (
            <p className="text-muted-foreground">{labels.noChannels}</p>
          ) : (
            <ChannelTable
              connection={connection}
              labels={labels}
              numbers={numbers}
            />
          )}
        </section>
      ) : (
        connection.lastEventId !== null && (
          <p className="text-xs">
            {labels.lastEventId}:{" "}
            <span className="font-mono">{connection.lastEventId}</span>
          </p>
        )
      )}
      <section aria-label={labels.timeline} className="flex flex-col gap-2">
        <h3 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
          {labels.timeline}
        </h3>
        <ol
          data-slot="realtime-devtools-timeline"
          className="flex flex-col gap-1 border-s ps-3"
        >
          {connection.timeline.map((entry, index) => (
            <li
              key={`${entry.at}-${index}`}
              className="relative flex items-baseline gap-2 text-xs"
            >
              <span
                aria-hidden="true"
                className="absolute -start-[1.05rem] top-1 flex"
              >
                <RealtimeDevtoolsStatusDot
                  status={entry.status}
                  error={entry.error}
                />
              </span>
              <time
                dateTime={new Date(entry.at).toISOString()}
                className="font-mono text-muted-foreground tabular-nums"
              >
                {times.format(entry.at)}
              </time>
              <span className="font-medium">{labels.status[entry.status]}</span>
              {entry.attempt > 0 && (
                <span>{labels.attempt(numbers.format(entry.attempt))}</span>
              )}
              {entry.error && (
                <span className="truncate text-muted-foreground">
                  {entry.error.code}
                </span>
              )}
            </li>
          ))}
        </ol>
      </section>
    </div>
  )
}

/** A channel client's channels, one row each (the row's header is the channel name). */
function ChannelTable({
  connection,
  labels,
  numbers,
}: {
  connection: InspectedConnection
  labels: RealtimeDevtoolsLabels
  numbers: Intl.NumberFormat
}) {
  return (
    <table data-slot="realtime-devtools-channels" className="w-full text-xs">
      <thead>
        <tr className="text-start text-muted-foreground">
          <th scope="col" className="py-1 pe-2 text-start font-medium">
            {labels.channel}
          </th>
          <th scope="col" className="py-1 pe-2 text-start font-medium">
            {labels.subscribed}
          </th>
          <th scope="col" className="py-1 pe-2 text-end font-medium">
            {labels.resumeCursor}
          </th>
          <th scope="col" className="py-1 pe-2 text-end font-medium">
            {labels.pending}
          </th>
          <th scope="col" className="py-1 text-start font-medium">
            {labels.members}
          </th>
        </tr>
      </thead>
      <tbody className="divide-y">
        {connection.channels.map((channel) => (
          <tr key={channel.name} data-slot="realtime-devtools-channel">
            <th
              scope="row"
              className="max-w-32 truncate py-1 pe-2 text-start font-mono font-normal"
            >
              {channel.name}
            </th>
            <td className="py-1 pe-2">{channel.subscribed ? "✓" : "–"}</td>
            <td className="py-1 pe-2 text-end tabular-nums">
              {numbers.format(channel.lastSeq)}
            </td>
            <td className="py-1 pe-2 text-end tabular-nums">
              {numbers.format(channel.pending)}
            </td>
            <td className="py-1">
              {channel.members.map((member) => member.userId).join(", ") || "–"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export { RealtimeDevtoolsOverview, RealtimeDevtoolsStatusDot }
export type { RealtimeDevtoolsOverviewProps }
