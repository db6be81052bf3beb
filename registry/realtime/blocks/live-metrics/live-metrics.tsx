"use client"

import * as React from "react"
import {
  useChannelMessages,
  useConnectionState,
  useRealtimeClient,
  useSSE,
  type Channel,
  type UseSSEOptions,
} from "@realtime-kit/react"
import { RotateCcw, TriangleAlert } from "lucide-react"

import { Button } from "@/components/ui/button"
import { LiveMetricCard } from "@/registry/realtime/blocks/live-metrics/components/live-metric-card"
import {
  chartColors,
  defaultLiveMetricsLabels,
  isSample,
  type LiveMetric,
  type LiveMetricsLabels,
  type LiveMetricsPhase,
  type LiveMetricsSample,
  type LiveMetricsSummary,
  type LiveMetricTrend,
} from "@/registry/realtime/blocks/live-metrics/lib/live-metrics-labels"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { cn } from "@/registry/realtime/lib/utils"
import { ConnectionDot } from "@/registry/realtime/ui/connection-dot"

/*
 * The event protocol. One `metrics` event per sample, its data JSON; send them with
 * `createEventStream(request).send({ event: 'metrics', data })` from `@realtime-kit/server`:
 *
 *   event: metrics   data: { "at": 1764000000000, "values": { "cpu": 42.5, "memory": 3.1e9, "rps": 1240 } }
 *
 * `at` is when the sample was taken (ms since epoch; default: when it arrived). `values` holds one number per
 * metric key; a missing or null key is a gap for that metric. Send the last few samples right after connecting
 * and the charts start full instead of empty.
 */

interface LiveMetricsProps extends Omit<
  React.ComponentProps<"section">,
  "title"
> {
  /** The Server-Sent Events endpoint streaming `metrics` events (see the protocol above), or `null` to wait. */
  url?: string | null
  /**
   * Follow a channel instead of an SSE URL (a name or a `Channel`; needs a `<RealtimeProvider>`): its `event`
   * messages are the samples, the newest `window` stored ones first, so the charts start full.
   */
  channel?: string | Channel
  /** The metrics to show, one card each, in this order. */
  metrics: readonly LiveMetric[]
  /** A heading for the block. */
  title?: React.ReactNode
  /** How many samples each chart shows. Default 30. */
  window?: number
  /** The event name carrying samples. Default `'metrics'`. */
  event?: string
  /** BCP 47 locale for numbers and times. Default: the browser's. */
  locale?: string
  /** Replace any of the default texts, e.g. to translate them. */
  labels?: Partial<LiveMetricsLabels>
  /** Any other `useSSE` option (headers, withCredentials, backoff…). */
  sseOptions?: Omit<UseSSEOptions<LiveMetricsSample>, "events" | "maxMessages">
}

/**
 * A row of metric cards that follow a Server-Sent Events stream (or a channel): each shows its current value in the reader's
 * locale, the change since the previous sample (icon, sign and colour), and a streaming area chart of the last
 * `window` samples drawn in plain SVG.
 *
 * - Cards keep their size whatever the values: a skeleton of the same size while connecting, nothing moves when
 *   numbers grow. The grid wraps when there are many metrics.
 * - Each chart is `role="img"` with a summary ("CPU 42 %, up from 38 % over the last 30 seconds") and a hidden
 *   table of the recent values for screen readers. Values are not announced as they tick; the connection dot is.
 * - The chart scrolls to each new sample; with reduced motion it redraws in place.
 * - Reconnecting and offline keep the last values with a "Showing values from 12:03:04" hint.
 *
 * @example
 * <LiveMetrics
 *   url="/api/metrics" // or channel="metrics:api-1" inside a <RealtimeProvider>
 *   title="api-1"
 *   metrics={[
 *     { key: 'cpu', label: 'CPU', format: { style: 'unit', unit: 'percent' }, trend: 'down-is-good', min: 0, max: 100 },
 *     { key: 'rps', label: 'Requests / s', format: { notation: 'compact' }, trend: 'up-is-good' },
 *   ]}
 * />
 */
function LiveMetrics({
  url = null,
  channel,
  window: windowSize = 30,
  event = "metrics",
  sseOptions,
  ...view
}: LiveMetricsProps) {
  const size = Math.max(2, Math.floor(windowSize))
  return channel !== undefined ? (
    <ChannelMetrics channel={channel} event={event} size={size} {...view} />
  ) : (
    <StreamMetrics
      url={url}
      event={event}
      size={size}
      sseOptions={sseOptions}
      {...view}
    />
  )
}

type MetricsViewProps = Omit<
  LiveMetricsProps,
  "url" | "channel" | "window" | "event" | "sseOptions"
>

/** Samples from a Server-Sent Events stream. */
function StreamMetrics({
  url,
  event,
  size,
  sseOptions,
  ...view
}: MetricsViewProps & {
  url: string | null
  event: string
  size: number
  sseOptions: LiveMetricsProps["sseOptions"]
}) {
  // One sample more than the window: the oldest sits just off the chart's edge, so the line scrolls in without a gap.
  const sse = useSSE<LiveMetricsSample>(url, {
    ...sseOptions,
    events: [event],
    maxMessages: size + 1,
  })
  const samples = useSamples(sse.messages)
  return (
    <LiveMetricsView
      {...view}
      size={size}
      samples={samples}
      phase={metricsPhase(url !== null, sse, samples.length > 0)}
      connection={sse.connection}
      total={sse.total}
      onRetry={sse.reconnect}
    />
  )
}

/** Samples from a channel's messages (the newest stored ones first). */
function ChannelMetrics({
  channel,
  event,
  size,
  ...view
}: MetricsViewProps & {
  channel: string | Channel
  event: string
  size: number
}) {
  const client = useRealtimeClient()
  const followed = React.useMemo(
    () =>
      typeof channel === "string"
        ? client.channel(channel, { rewind: size + 1 })
        : channel,
    [client, channel, size]
  )
  const messages = useChannelMessages(followed, event, {
    maxMessages: size + 1,
  })
  const state = useConnectionState()
  const samples = useSamples(messages as readonly SampleMessage[])
  return (
    <LiveMetricsView
      {...view}
      size={size}
      samples={samples}
      phase={metricsPhase(true, state, samples.length > 0)}
      connection={client}
      total={messages.at(-1)?.seq ?? 0}
      onRetry={() => client.connect()}
    />
  )
}

/** The block itself, whatever the samples come from. */
function LiveMetricsView({
  metrics,
  title,
  locale,
  labels: labelOverrides,
  size,
  samples,
  phase,
  connection,
  total,
  onRetry,
  className,
  ...props
}: MetricsViewProps & {
  size: number
  samples: readonly { at: number; values: LiveMetricsSample["values"] }[]
  phase: LiveMetricsPhase
  connection: React.ComponentProps<typeof ConnectionDot>["connection"]
  total: number
  onRetry: () => void
}) {
  const labels = { ...defaultLiveMetricsLabels, ...labelOverrides }
  const hasData = samples.length > 0
  const loading = phase === "connecting" && !hasData
  const stale =
    hasData &&
    (phase === "reconnecting" ||
      phase === "offline" ||
      phase === "error" ||
      phase === "closed")

  const resolvedLocale = useLocale(locale)
  const timeFormat = React.useMemo(
    () => new Intl.DateTimeFormat(resolvedLocale, { timeStyle: "medium" }),
    [resolvedLocale]
  )
  const last = samples.at(-1)
  const titleId = React.useId()

  return (
    <section
      data-slot="live-metrics"
      data-state={phase}
      aria-labelledby={title !== undefined ? titleId : undefined}
      className={cn("flex w-full flex-col gap-3", className)}
      {...props}
    >
      <div
        data-slot="live-metrics-header"
        className="flex min-h-6 flex-wrap items-center justify-between gap-x-4 gap-y-1"
      >
        {title !== undefined && (
          <h2
            id={titleId}
            data-slot="live-metrics-title"
            className="leading-snug font-semibold"
          >
            {title}
          </h2>
        )}
        <ConnectionDot
          connection={connection}
          // On the server and before the first effect the stream is idle, but about to connect: say so, not "Not connected".
          status={phase === "connecting" ? "connecting" : undefined}
          size="sm"
          showCountdown={false}
          locale={locale}
          className="ms-auto"
        />
      </div>

      {(stale || phase === "error") && (
        <LiveMetricsHint
          failed={phase === "error"}
          staleSince={stale && last ? timeFormat.format(last.at) : null}
          onRetry={onRetry}
          labels={labels}
        />
      )}

      <div
        data-slot="live-metrics-grid"
        aria-busy={loading}
        className="grid grid-cols-[repeat(auto-fill,minmax(min(100%,13rem),1fr))] gap-3"
      >
        {metrics.map((metric, index) => (
          <LiveMetricCard
            key={metric.key}
            metric={metric}
            color={metric.color ?? chartColors[index % chartColors.length]!}
            samples={samples}
            total={total}
            size={size}
            loading={loading}
            stale={stale}
            locale={resolvedLocale}
            timeFormat={timeFormat}
            labels={labels}
          />
        ))}
      </div>
    </section>
  )
}

/** A stream event or channel message carrying a sample. */
type SampleMessage = { readonly data: LiveMetricsSample }

/** The samples of the stream; one without `at` is stamped when first seen (messages are stable objects). */
function useSamples(messages: readonly SampleMessage[]) {
  const arrivals = React.useRef(new WeakMap<SampleMessage, number>()).current
  return React.useMemo(
    () =>
      messages.filter(isSample).map((message) => {
        let at = message.data.at
        if (typeof at !== "number") {
          at = arrivals.get(message) ?? Date.now()
          arrivals.set(message, at)
        }
        return { at, values: message.data.values }
      }),
    [messages, arrivals]
  )
}

/** Where the block stands, from the stream's status and whether a sample has arrived. */
function metricsPhase(
  active: boolean,
  sse: { status: string; error?: unknown },
  hasData: boolean
): LiveMetricsPhase {
  switch (sse.status) {
    case "closed":
      return sse.error ? "error" : "closed"
    case "offline":
      return "offline"
    case "reconnecting":
      return "reconnecting"
    case "open":
      return hasData ? "live" : "waiting"
    default:
      return active ? "connecting" : "idle"
  }
}

/** Under the header: the values may be out of date (since when), or the stream failed, with Retry. */
function LiveMetricsHint({
  failed,
  staleSince,
  onRetry,
  labels,
}: {
  failed: boolean
  staleSince: string | null
  onRetry: () => void
  labels: LiveMetricsLabels
}) {
  return (
    <div
      data-slot="live-metrics-hint"
      className={cn(
        "flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted-foreground",
        failed && "text-destructive"
      )}
    >
      {failed && (
        <TriangleAlert aria-hidden="true" className="size-4 shrink-0" />
      )}
      <span className="min-w-0 break-words">
        {failed && labels.error}
        {failed && staleSince !== null && " "}
        {staleSince !== null && labels.stale(staleSince)}
      </span>
      {failed && (
        <Button
          type="button"
          variant="outline"
          size="xs"
          data-slot="live-metrics-retry"
          onClick={onRetry}
          className="h-7 text-foreground"
        >
          <RotateCcw aria-hidden="true" className="size-3.5 rtl:-scale-x-100" />
          {labels.retry}
        </Button>
      )}
    </div>
  )
}

export { LiveMetrics }
export type {
  LiveMetricsProps,
  LiveMetric,
  LiveMetricTrend,
  LiveMetricsSample,
  LiveMetricsPhase,
  LiveMetricsLabels,
  LiveMetricsSummary,
}
