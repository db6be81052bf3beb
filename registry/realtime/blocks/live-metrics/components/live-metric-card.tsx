"use client"

import * as React from "react"
import { Minus, TrendingDown, TrendingUp } from "lucide-react"

import { Badge } from "@/components/ui/badge"
import { LiveMetricsSparkline } from "@/registry/realtime/blocks/live-metrics/components/live-metrics-sparkline"
import {
  formatSpan,
  type LiveMetric,
  type LiveMetricsDirection,
  type LiveMetricsLabels,
  type LiveMetricsSample,
  type Point,
} from "@/registry/realtime/blocks/live-metrics/lib/live-metrics-labels"
import { cn } from "@/registry/realtime/lib/utils"

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

/** One metric: its value, the change since the previous sample, a chart with a text summary, and a hidden table. */
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
  const { format, formatChange } = useMetricFormat(metric.format, locale)
  const stats = metricStats(metric, samples, size)
  const { latest, first, shown } = stats
  const summary = latest
    ? labels.summary({
        label: metric.label,
        value: format.format(latest.value),
        from: first && shown.length > 1 ? format.format(first.value) : null,
        direction: stats.windowDirection,
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
        {stats.delta !== null && stats.previous && stats.direction !== null && (
          <LiveMetricDelta
            delta={stats.delta}
            direction={stats.direction}
            tone={toneOf(stats.direction, metric.trend ?? "neutral")}
            previous={format.format(stats.previous.value)}
            formatChange={formatChange}
            labels={labels}
          />
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
          <LiveMetricsSparkline
            points={stats.points}
            size={size}
            total={total}
            min={metric.min}
            max={metric.max}
            color={color}
            summary={summary}
            stale={stale}
          />
        )}
        {shown.length > 0 && (
          <LiveMetricTable
            label={metric.label}
            points={shown}
            timeFormat={timeFormat}
            format={format}
            labels={labels}
          />
        )}
      </div>
    </div>
  )
}

type Known = { at: number; value: number }

/** What a card shows from the samples: its points, the latest and previous values, and the window's direction. */
function metricStats(
  metric: LiveMetric,
  samples: LiveMetricCardProps["samples"],
  size: number
) {
  const points: Point[] = samples.map((sample) => {
    const value = sample.values[metric.key]
    return {
      at: sample.at,
      value: typeof value === "number" && Number.isFinite(value) ? value : null,
    }
  })
  const known = points.filter((point): point is Known => point.value !== null)
  const latest = known.at(-1)
  const previous = known.at(-2)
  // The window the chart shows (without the extra sample kept off its edge).
  const shown = known.filter(
    (point) => point.at >= (points[Math.max(0, points.length - size)]?.at ?? 0)
  )
  const first = shown[0]
  const delta = latest && previous ? latest.value - previous.value : null
  const windowDirection =
    latest && first && shown.length > 1
      ? directionOf(latest.value - first.value)
      : null
  return {
    points,
    latest,
    previous,
    shown,
    first,
    delta,
    direction: delta === null ? null : directionOf(delta),
    windowDirection,
  }
}

function directionOf(change: number): LiveMetricsDirection {
  return change > 0 ? "up" : change < 0 ? "down" : "flat"
}

type Tone = "good" | "bad" | "neutral"

/** Good or bad by the metric's trend; flat changes and neutral metrics are neither. */
function toneOf(
  direction: LiveMetricsDirection,
  trend: NonNullable<LiveMetric["trend"]>
): Tone {
  if (direction === "flat" || trend === "neutral") return "neutral"
  return (direction === "up") === (trend === "up-is-good") ? "good" : "bad"
}

/**
 * The metric's formatters: the value, and its change signed ("+4%") or as a magnitude ("4%"). A change smaller than
 * the value's rounding (3.75 → 3.8 GB, +0.04 GB) keeps two significant digits rather than reading "0 GB" next to an
 * arrow.
 */
function useMetricFormat(
  options: Intl.NumberFormatOptions | undefined,
  locale: string
) {
  // By value (read back from its JSON): an inline `format` object must not rebuild the formatters every render.
  const formatKey = JSON.stringify(options ?? {})
  return React.useMemo(() => {
    const coarseOptions = JSON.parse(formatKey) as Intl.NumberFormatOptions
    const fineOptions: Intl.NumberFormatOptions = {
      ...coarseOptions,
      minimumFractionDigits: undefined,
      maximumFractionDigits: undefined,
      maximumSignificantDigits: 2,
    }
    const formatters = (base: Intl.NumberFormatOptions) => ({
      signed: new Intl.NumberFormat(locale, {
        ...base,
        signDisplay: "exceptZero",
      }),
      plain: new Intl.NumberFormat(locale, base),
    })
    const coarse = formatters(coarseOptions)
    const fine = formatters(fineOptions)
    const roundsToZero = (value: number) =>
      !coarse.signed
        .formatToParts(value)
        .some((part) => part.type === "plusSign" || part.type === "minusSign")
    return {
      format: coarse.plain,
      formatChange: (value: number, withSign: boolean) => {
        const set = value !== 0 && roundsToZero(value) ? fine : coarse
        return withSign
          ? set.signed.format(value)
          : set.plain.format(Math.abs(value))
      },
    }
  }, [locale, formatKey])
}

/** The change since the previous sample: icon, signed amount and colour, and the same in words for screen readers. */
function LiveMetricDelta({
  delta,
  direction,
  tone,
  previous,
  formatChange,
  labels,
}: {
  delta: number
  direction: LiveMetricsDirection
  tone: Tone
  previous: string
  formatChange: (value: number, withSign: boolean) => string
  labels: LiveMetricsLabels
}) {
  const DeltaIcon =
    direction === "up"
      ? TrendingUp
      : direction === "down"
        ? TrendingDown
        : Minus
  return (
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
        tone === "bad" && "bg-destructive/10 text-red-700 dark:text-red-400",
        tone === "neutral" && "bg-muted text-foreground"
      )}
    >
      <DeltaIcon
        aria-hidden="true"
        className="size-3.5 shrink-0 rtl:-scale-x-100"
      />
      <span aria-hidden="true">{formatChange(delta, true)}</span>
      <span className="sr-only">
        {labels.change(direction, formatChange(delta, false), previous)}
      </span>
    </Badge>
  )
}

/** The numbers behind the chart, for screen readers: a table they can move through at their own pace. */
function LiveMetricTable({
  label,
  points,
  timeFormat,
  format,
  labels,
}: {
  label: string
  points: readonly Known[]
  timeFormat: Intl.DateTimeFormat
  format: Intl.NumberFormat
  labels: LiveMetricsLabels
}) {
  return (
    <table data-slot="live-metrics-table" className="sr-only">
      <caption>{labels.tableCaption(label)}</caption>
      <thead>
        <tr>
          <th scope="col">{labels.time}</th>
          <th scope="col">{labels.value}</th>
        </tr>
      </thead>
      <tbody>
        {points.map((point, index) => (
          <tr key={`${point.at}-${index}`}>
            <td>{timeFormat.format(point.at)}</td>
            <td>{format.format(point.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export { LiveMetricCard }
export type { LiveMetricCardProps }
