"use client"

import * as React from "react"
import {
  useSSE,
  type SSEMessage,
  type UseSSEOptions,
} from "@realtime-kit/react"
import {
  Minus,
  RotateCcw,
  TrendingDown,
  TrendingUp,
  TriangleAlert,
} from "lucide-react"
import { useReducedMotionConfig } from "motion/react"

import { Badge } from "@/components/ui/badge"
import { Button } from "@/components/ui/button"
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

/** `metrics` event data: one sample of every metric. */
interface LiveMetricsSample {
  /** When the sample was taken, in ms since epoch. Default: when it arrived. */
  at?: number
  values: Record<string, number | null | undefined>
}

/** Which way is good for a metric: colours its change green or red. The icon and text say the direction either way. */
type LiveMetricTrend = "up-is-good" | "down-is-good" | "neutral"

/** One metric card. */
interface LiveMetric {
  /** The key of the metric in each sample's `values`. */
  key: string
  /** What it measures: "CPU", "Requests / s". */
  label: string
  /**
   * `Intl.NumberFormat` options for the value and its change, e.g. `{ style: 'unit', unit: 'percent' }`,
   * `{ style: 'unit', unit: 'megabyte', notation: 'compact' }` or `{ notation: 'compact' }`.
   */
  format?: Intl.NumberFormatOptions
  /** Default `'neutral'`: the change is shown in the muted colour. */
  trend?: LiveMetricTrend
  /** Fix the chart's range (e.g. 0–100 for a percentage). Default: the window's own minimum and maximum. */
  min?: number
  max?: number
  /** The chart colour, any CSS colour. Default: `var(--chart-1)` … `var(--chart-5)` in turn. */
  color?: string
}

/** What the block is showing, also set as `data-state` on the root. */
type LiveMetricsPhase =
  | "idle"
  | "connecting"
  | "waiting"
  | "live"
  | "reconnecting"
  | "offline"
  | "error"
  | "closed"

type LiveMetricsDirection = "up" | "down" | "flat"

interface LiveMetricsSummary {
  label: string
  /** The latest value, formatted. */
  value: string
  /** The oldest value in the window, formatted; null with one point. */
  from: string | null
  direction: LiveMetricsDirection | null
  /** How long the window spans, formatted ("45 seconds", "2 minutes"); null with one point. */
  span: string | null
}

interface LiveMetricsLabels {
  noData: string
  /** The hint under the header while the values may be out of date, with the time of the last sample. */
  stale: (lastSampleTime: string) => string
  error: string
  retry: string
  /** Read after the change by screen readers: "up 4 % from 38 %". */
  change: (
    direction: LiveMetricsDirection,
    delta: string,
    previous: string
  ) => string
  /** The chart's text alternative. */
  summary: (summary: LiveMetricsSummary) => string
  /** The caption of the hidden table of recent values. */
  tableCaption: (label: string) => string
  time: string
  value: string
}

const defaultLabels: LiveMetricsLabels = {
  noData: "No data yet",
  stale: (time) => `Showing values from ${time}`,
  error: "Metrics are unavailable.",
  retry: "Retry",
  change: (direction, delta, previous) =>
    direction === "flat"
      ? `unchanged from ${previous}`
      : `${direction} ${delta} from ${previous}`,
  summary: ({ label, value, from, direction, span }) => {
    if (from === null || direction === null || span === null)
      return `${label} ${value}`
    if (direction === "flat")
      return `${label} ${value}, unchanged over the last ${span}`
    return `${label} ${value}, ${direction} from ${from} over the last ${span}`
  },
  tableCaption: (label) => `${label}, recent values`,
  time: "Time",
  value: "Value",
}

const chartColors = [
  "var(--chart-1)",
  "var(--chart-2)",
  "var(--chart-3)",
  "var(--chart-4)",
  "var(--chart-5)",
]

/** The chart's drawing box, in SVG user units; it is stretched to the card's width. */
const CHART_WIDTH = 100
const CHART_HEIGHT = 40
/** Room above and below the line so its stroke is not cut at the extremes. */
const CHART_PADDING = 4
/** Where the newest sample sits: short of the edge, so its dot is not cut in half (it slides in from beyond it). */
const CHART_END = CHART_WIDTH - 2

interface LiveMetricsProps extends Omit<
  React.ComponentProps<"section">,
  "title"
> {
  /** The Server-Sent Events endpoint streaming `metrics` events (see the protocol above), or `null` to wait. */
  url: string | null
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

interface Point {
  at: number
  value: number | null
}

/**
 * A row of metric cards that follow a Server-Sent Events stream: each shows its current value in the reader's
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
 *   url="/api/metrics"
 *   title="api-1"
 *   metrics={[
 *     { key: 'cpu', label: 'CPU', format: { style: 'unit', unit: 'percent' }, trend: 'down-is-good', min: 0, max: 100 },
 *     { key: 'rps', label: 'Requests / s', format: { notation: 'compact' }, trend: 'up-is-good' },
 *   ]}
 * />
 */
function LiveMetrics({
  url,
  metrics,
  title,
  window: windowSize = 30,
  event = "metrics",
  locale,
  labels: labelOverrides,
  sseOptions,
  className,
  ...props
}: LiveMetricsProps) {
  const labels = { ...defaultLabels, ...labelOverrides }
  const size = Math.max(2, Math.floor(windowSize))
  // One sample more than the window: the oldest sits just off the chart's edge, so the line scrolls in without a gap.
  const sse = useSSE<LiveMetricsSample>(url, {
    ...sseOptions,
    events: [event],
    maxMessages: size + 1,
  })

  // Samples without `at` are stamped when first seen: messages are stable objects, so each keeps its first stamp.
  const arrivals = React.useRef(
    new WeakMap<SSEMessage<LiveMetricsSample>, number>()
  ).current
  const samples = React.useMemo(
    () =>
      sse.messages.filter(isSample).map((message) => {
        let at = message.data.at
        if (typeof at !== "number") {
          at = arrivals.get(message) ?? Date.now()
          arrivals.set(message, at)
        }
        return { at, values: message.data.values }
      }),
    [sse.messages, arrivals]
  )
  const hasData = samples.length > 0

  const phase: LiveMetricsPhase =
    sse.status === "closed"
      ? sse.error
        ? "error"
        : "closed"
      : sse.status === "offline"
        ? "offline"
        : sse.status === "reconnecting"
          ? "reconnecting"
          : sse.status === "open"
            ? hasData
              ? "live"
              : "waiting"
            : url === null
              ? "idle"
              : "connecting"
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
          connection={sse.connection}
          // On the server and before the first effect the stream is idle, but about to connect: say so, not "Not connected".
          status={phase === "connecting" ? "connecting" : undefined}
          size="sm"
          showCountdown={false}
          locale={locale}
          className="ms-auto"
        />
      </div>

      {(stale || phase === "error") && (
        <div
          data-slot="live-metrics-hint"
          className={cn(
            "flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted-foreground",
            phase === "error" && "text-destructive"
          )}
        >
          {phase === "error" && (
            <TriangleAlert aria-hidden="true" className="size-4 shrink-0" />
          )}
          <span className="min-w-0 break-words">
            {phase === "error" && labels.error}
            {phase === "error" && stale && " "}
            {stale && last && labels.stale(timeFormat.format(last.at))}
          </span>
          {phase === "error" && (
            <Button
              type="button"
              variant="outline"
              size="xs"
              data-slot="live-metrics-retry"
              onClick={sse.reconnect}
              className="h-7 text-foreground"
            >
              <RotateCcw
                aria-hidden="true"
                className="size-3.5 rtl:-scale-x-100"
              />
              {labels.retry}
            </Button>
          )}
        </div>
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
            total={sse.total}
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

interface LiveMetricCardProps {
  metric: LiveMetric
  color: string
  samples: readonly { at: number; values: LiveMetricsSample["values"] }[]
  /** Samples received in total: how far the chart scrolls on each update. */
  total: number
  size: number
  loading: boolean
  stale: boolean
  locale: string
  timeFormat: Intl.DateTimeFormat
  labels: LiveMetricsLabels
}

function LiveMetricCard({
  metric,
  color,
  samples,
  total,
  size,
  loading,
  stale,
  locale,
  timeFormat,
  labels,
}: LiveMetricCardProps) {
  const formatKey = JSON.stringify(metric.format ?? {})
  const { format, formatChange } = React.useMemo(() => {
    const options = metric.format ?? {}
    const fineOptions: Intl.NumberFormatOptions = {
      ...options,
      minimumFractionDigits: undefined,
      maximumFractionDigits: undefined,
      maximumSignificantDigits: 2,
    }
    const formatters = {
      coarse: {
        signed: new Intl.NumberFormat(locale, {
          ...options,
          signDisplay: "exceptZero",
        }),
        plain: new Intl.NumberFormat(locale, options),
      },
      fine: {
        signed: new Intl.NumberFormat(locale, {
          ...fineOptions,
          signDisplay: "exceptZero",
        }),
        plain: new Intl.NumberFormat(locale, fineOptions),
      },
    }
    const roundsToZero = (value: number) =>
      !formatters.coarse.signed
        .formatToParts(value)
        .some((part) => part.type === "plusSign" || part.type === "minusSign")
    return {
      format: formatters.coarse.plain,
      /**
       * The change, signed ("+4%") or as a magnitude ("4%"). One smaller than the value's rounding (3.75 → 3.8 GB,
       * +0.04 GB) keeps two significant digits rather than reading "0 GB" next to an arrow.
       */
      formatChange: (value: number, withSign: boolean) => {
        const set =
          value !== 0 && roundsToZero(value)
            ? formatters.fine
            : formatters.coarse
        return withSign
          ? set.signed.format(value)
          : set.plain.format(Math.abs(value))
      },
    }
    // By value: an inline `format` object must not rebuild the formatters every render.
  }, [locale, formatKey])

  const points: Point[] = samples.map((sample) => {
    const value = sample.values[metric.key]
    return {
      at: sample.at,
      value: typeof value === "number" && Number.isFinite(value) ? value : null,
    }
  })
  const known = points.filter(
    (point): point is { at: number; value: number } => point.value !== null
  )
  const latest = known.at(-1)
  const previous = known.at(-2)
  // The window the chart shows (without the extra sample kept off its edge).
  const shown = known.filter(
    (point) => point.at >= (points[Math.max(0, points.length - size)]?.at ?? 0)
  )
  const first = shown[0]

  const delta = latest && previous ? latest.value - previous.value : null
  const direction: LiveMetricsDirection | null =
    delta === null ? null : delta > 0 ? "up" : delta < 0 ? "down" : "flat"
  const trend = metric.trend ?? "neutral"
  const tone =
    direction === null || direction === "flat" || trend === "neutral"
      ? "neutral"
      : (direction === "up") === (trend === "up-is-good")
        ? "good"
        : "bad"
  const DeltaIcon =
    direction === "up"
      ? TrendingUp
      : direction === "down"
        ? TrendingDown
        : Minus

  const windowDirection: LiveMetricsDirection | null =
    latest && first && shown.length > 1
      ? latest.value > first.value
        ? "up"
        : latest.value < first.value
          ? "down"
          : "flat"
      : null
  const summary = latest
    ? labels.summary({
        label: metric.label,
        value: format.format(latest.value),
        from: first && shown.length > 1 ? format.format(first.value) : null,
        direction: windowDirection,
        span:
          first && shown.length > 1
            ? formatSpan(latest.at - first.at, locale)
            : null,
      })
    : `${metric.label}: ${labels.noData}`

  const labelId = React.useId()

  return (
    <div
      role="group"
      aria-labelledby={labelId}
      data-slot="live-metrics-card"
      data-state={loading ? "loading" : latest ? "live" : "empty"}
      data-stale={stale || undefined}
      className="flex min-w-0 flex-col gap-1 overflow-hidden rounded-xl border bg-card p-4 text-card-foreground shadow-xs"
    >
      <div className="flex min-h-5 items-center justify-between gap-2">
        <div
          id={labelId}
          data-slot="live-metrics-label"
          className="min-w-0 truncate text-sm font-medium text-muted-foreground"
        >
          {metric.label}
        </div>
        {delta !== null && previous && direction !== null && (
          <Badge
            variant="secondary"
            data-slot="live-metrics-delta"
            data-direction={direction}
            data-tone={tone}
            className={cn(
              // No taller than the line it sits on: a delta appearing must not grow the card (no layout shift).
              "rounded-md px-1.5 py-0 tabular-nums",
              tone === "good" &&
                "bg-emerald-500/10 text-emerald-700 dark:text-emerald-400",
              tone === "bad" &&
                "bg-destructive/10 text-red-700 dark:text-red-400",
              tone === "neutral" && "bg-muted text-foreground"
            )}
          >
            <DeltaIcon
              aria-hidden="true"
              className="size-3.5 shrink-0 rtl:-scale-x-100"
            />
            <span aria-hidden="true">{formatChange(delta, true)}</span>
            <span className="sr-only">
              {labels.change(
                direction,
                formatChange(delta, false),
                format.format(previous.value)
              )}
            </span>
          </Badge>
        )}
      </div>
      <div className="flex flex-col gap-2">
        <span
          data-slot="live-metrics-value"
          className="flex h-9 items-center text-3xl font-semibold tracking-tight tabular-nums"
        >
          {loading ? (
            <span className="h-7 w-24 rounded-md bg-muted motion-safe:animate-pulse" />
          ) : latest ? (
            format.format(latest.value)
          ) : (
            <span className="text-sm font-normal tracking-normal text-muted-foreground">
              {labels.noData}
            </span>
          )}
        </span>
        {loading ? (
          <span
            aria-hidden="true"
            className="h-12 w-full rounded-md bg-muted motion-safe:animate-pulse"
          />
        ) : (
          <Sparkline
            points={points}
            size={size}
            total={total}
            min={metric.min}
            max={metric.max}
            color={color}
            summary={summary}
            stale={stale}
          />
        )}
        {/* The numbers behind the chart, for screen readers: a table they can move through at their own pace. */}
        {shown.length > 0 && (
          <table data-slot="live-metrics-table" className="sr-only">
            <caption>{labels.tableCaption(metric.label)}</caption>
            <thead>
              <tr>
                <th scope="col">{labels.time}</th>
                <th scope="col">{labels.value}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((point, index) => (
                <tr key={`${point.at}-${index}`}>
                  <td>{timeFormat.format(point.at)}</td>
                  <td>{format.format(point.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  )
}

interface SparklineProps {
  points: readonly Point[]
  size: number
  total: number
  min?: number
  max?: number
  color: string
  summary: string
  stale: boolean
}

/** A streaming area chart: the newest sample at the end edge, one step per sample, scrolling as samples arrive. */
function Sparkline({
  points,
  size,
  total,
  min,
  max,
  color,
  summary,
  stale,
}: SparklineProps) {
  const reduceMotion = useReducedMotionConfig() ?? false
  const step = CHART_END / (size - 1)
  const values = points.flatMap((point) =>
    point.value === null ? [] : [point.value]
  )
  const low = min ?? Math.min(...values)
  const high = max ?? Math.max(...values)
  const range = high - low
  const y = (value: number) => {
    // A flat series sits in the middle rather than on an edge.
    const ratio =
      range > 0 ? (Math.min(high, Math.max(low, value)) - low) / range : 0.5
    return (
      CHART_HEIGHT - CHART_PADDING - ratio * (CHART_HEIGHT - 2 * CHART_PADDING)
    )
  }
  // End-aligned: the newest sample at x = CHART_END, older ones a step further back each.
  const coordinates = points.map((point, index) => ({
    x: CHART_END - (points.length - 1 - index) * step,
    y: point.value === null ? null : y(point.value),
  }))
  const segments = splitAtGaps(coordinates)
  const line = segments.map(smoothPath).join(" ")
  const area = segments
    .filter((segment) => segment.length > 1)
    .map(
      (segment) =>
        `${smoothPath(segment)} L${segment.at(-1)!.x},${CHART_HEIGHT} L${segment[0]!.x},${CHART_HEIGHT} Z`
    )
    .join(" ")
  const lastPoint = segments.at(-1)?.at(-1)
  const newest = coordinates.at(-1)

  // Slide the drawing in from one step (per new sample) to the right, over about the time between samples.
  const groupRef = React.useRef<SVGGElement>(null)
  const seen = React.useRef({ total, at: 0, interval: 1000 })
  React.useLayoutEffect(() => {
    const previous = seen.current
    const added = total - previous.total
    const now = performance.now()
    if (added > 0 && previous.at > 0)
      previous.interval = Math.min(1000, Math.max(150, now - previous.at))
    seen.current = { total, at: now, interval: previous.interval }
    const group = groupRef.current
    if (
      reduceMotion ||
      added <= 0 ||
      added > size ||
      previous.total === 0 ||
      !group?.animate
    )
      return
    group.getAnimations().forEach((animation) => animation.cancel())
    group.animate(
      [
        { transform: `translateX(${added * step}px)` },
        { transform: "translateX(0)" },
      ],
      {
        duration: previous.interval,
        easing: "linear",
      }
    )
  }, [total, step, size, reduceMotion])

  const gradientId = React.useId()

  return (
    <svg
      role="img"
      aria-label={summary}
      data-slot="live-metrics-chart"
      viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
      preserveAspectRatio="none"
      className={cn(
        "block h-12 w-full overflow-hidden rtl:-scale-x-100",
        stale && "opacity-60 grayscale"
      )}
      style={{ color }}
    >
      <defs>
        <linearGradient id={gradientId} x1="0" x2="0" y1="0" y2="1">
          <stop offset="0%" stopColor="currentColor" stopOpacity={0.35} />
          <stop offset="100%" stopColor="currentColor" stopOpacity={0.02} />
        </linearGradient>
      </defs>
      <line
        x1={0}
        x2={CHART_WIDTH}
        y1={CHART_HEIGHT - 0.5}
        y2={CHART_HEIGHT - 0.5}
        className="stroke-border"
        strokeWidth={1}
        vectorEffect="non-scaling-stroke"
      />
      {/* The svg clips at its box: samples beyond the end edge slide into view. */}
      <g ref={groupRef} data-slot="live-metrics-series">
        {area && <path d={area} fill={`url(#${gradientId})`} stroke="none" />}
        {line && (
          <path
            d={line}
            fill="none"
            stroke="currentColor"
            strokeWidth={2}
            strokeLinejoin="round"
            strokeLinecap="round"
            vectorEffect="non-scaling-stroke"
          />
        )}
        {lastPoint && newest?.y !== null && lastPoint.x === CHART_END && (
          // The newest value as a dot (a zero-length round-capped line stays round however the chart is stretched).
          <line
            data-slot="live-metrics-latest"
            x1={lastPoint.x - 0.01}
            x2={lastPoint.x}
            y1={lastPoint.y}
            y2={lastPoint.y}
            stroke="currentColor"
            strokeWidth={6}
            strokeLinecap="round"
            vectorEffect="non-scaling-stroke"
          />
        )}
      </g>
    </svg>
  )
}

type Coordinate = { x: number; y: number }

function splitAtGaps(
  coordinates: readonly { x: number; y: number | null }[]
): Coordinate[][] {
  const segments: Coordinate[][] = []
  let current: Coordinate[] = []
  for (const { x, y } of coordinates) {
    if (y === null) {
      if (current.length > 0) segments.push(current)
      current = []
    } else current.push({ x, y })
  }
  if (current.length > 0) segments.push(current)
  return segments
}

/** A smooth line through the points that never overshoots them (monotone cubic interpolation, Fritsch–Carlson). */
function smoothPath(points: readonly Coordinate[]): string {
  const n = points.length
  if (n === 0) return ""
  const p = (i: number) => points[i]!
  if (n === 1) return `M${p(0).x},${p(0).y} h0`
  const slopes: number[] = []
  for (let i = 0; i < n - 1; i++)
    slopes.push((p(i + 1).y - p(i).y) / (p(i + 1).x - p(i).x))
  const tangents = points.map((_, i) => {
    if (i === 0) return slopes[0]!
    if (i === n - 1) return slopes[n - 2]!
    const a = slopes[i - 1]!
    const b = slopes[i]!
    // Flat at a peak or trough; otherwise the harmonic mean of the two slopes, which keeps the curve monotone.
    return a * b <= 0 ? 0 : (2 * a * b) / (a + b)
  })
  let d = `M${round(p(0).x)},${round(p(0).y)}`
  for (let i = 0; i < n - 1; i++) {
    const dx = (p(i + 1).x - p(i).x) / 3
    d += ` C${round(p(i).x + dx)},${round(p(i).y + dx * tangents[i]!)} ${round(p(i + 1).x - dx)},${round(p(i + 1).y - dx * tangents[i + 1]!)} ${round(p(i + 1).x)},${round(p(i + 1).y)}`
  }
  return d
}

const round = (value: number) => Math.round(value * 100) / 100

/** "45 seconds", "2 minutes", "1.5 hours" in the reader's locale. */
function formatSpan(ms: number, locale: string): string {
  const seconds = Math.max(1, Math.round(ms / 1000))
  const [value, unit] =
    seconds < 120
      ? [seconds, "second"]
      : seconds < 7200
        ? [Math.round(seconds / 60), "minute"]
        : [Math.round(seconds / 360) / 10, "hour"]
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit,
    unitDisplay: "long",
  }).format(value)
}

function isSample(message: SSEMessage<LiveMetricsSample>): boolean {
  const data = message.data as unknown
  return (
    typeof data === "object" &&
    data !== null &&
    typeof (data as LiveMetricsSample).values === "object" &&
    (data as LiveMetricsSample).values !== null
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
