/** `metrics` event data: one sample of every metric. */
export interface LiveMetricsSample {
  /** When the sample was taken, in ms since epoch. Default: when it arrived. */
  at?: number
  values: Record<string, number | null | undefined>
}

/** Which way is good for a metric: colours its change green or red. The icon and text say the direction either way. */
export type LiveMetricTrend = "up-is-good" | "down-is-good" | "neutral"

/** One metric card. */
export interface LiveMetric {
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
export type LiveMetricsPhase =
  | "idle"
  | "connecting"
  | "waiting"
  | "live"
  | "reconnecting"
  | "offline"
  | "error"
  | "closed"

export type LiveMetricsDirection = "up" | "down" | "flat"

export interface LiveMetricsSummary {
  label: string
  /** The latest value, formatted. */
  value: string
  /** The oldest value in the window, formatted; null with one point. */
  from: string | null
  direction: LiveMetricsDirection | null
  /** How long the window spans, formatted ("45 seconds", "2 minutes"); null with one point. */
  span: string | null
}

export interface LiveMetricsLabels {
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

export const defaultLiveMetricsLabels: LiveMetricsLabels = {
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

export const chartColors = [
  "var(--chart-1)",
  "var(--chart-2)",
  "var(--chart-3)",
  "var(--chart-4)",
  "var(--chart-5)",
]

/** The chart's drawing box, in SVG user units; it is stretched to the card's width. */
export const CHART_WIDTH = 100
export const CHART_HEIGHT = 40
/** Room above and below the line so its stroke is not cut at the extremes. */
export const CHART_PADDING = 4
/** Where the newest sample sits: short of the edge, so its dot is not cut in half (it slides in from beyond it). */
export const CHART_END = CHART_WIDTH - 2

export interface Point {
  at: number
  value: number | null
}

/** "45 seconds", "2 minutes", "1.5 hours" in the reader's locale. */
export function formatSpan(ms: number, locale: string): string {
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

export function isSample(message: { readonly data: unknown }): boolean {
  const data = message.data as unknown
  return (
    typeof data === "object" &&
    data !== null &&
    typeof (data as LiveMetricsSample).values === "object" &&
    (data as LiveMetricsSample).values !== null
  )
}
