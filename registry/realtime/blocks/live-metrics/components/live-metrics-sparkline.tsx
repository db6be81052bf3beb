"use client"

import * as React from "react"
import { useReducedMotionConfig } from "motion/react"

import {
  CHART_END,
  CHART_HEIGHT,
  CHART_PADDING,
  CHART_WIDTH,
  type Point,
} from "@/registry/realtime/blocks/live-metrics/lib/live-metrics-labels"
import { cn } from "@/registry/realtime/lib/utils"

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
function LiveMetricsSparkline({
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

export { LiveMetricsSparkline }
export type { SparklineProps as LiveMetricsSparklineProps }
