/**
 * Shared setup of the LiveMetrics stories (live-metrics.stories.tsx and live-metrics-display.stories.tsx): the
 * metrics, a deterministic sample stream, the meta both files spread, and the queries their `play` functions use.
 * Not a registry item file and not a story file: nothing here ships.
 */
import type { TestTransport } from "@realtime-kit/core/testing"
import type { Meta } from "@storybook/react-vite"
import { expect, waitFor } from "storybook/test"

import type {
  LiveMetric,
  LiveMetrics,
} from "@/registry/realtime/blocks/live-metrics/live-metrics"
import {
  slowBackoff,
  testTransportLoader,
  withTestTransport,
} from "@/registry/realtime/testing/story-kit"

export const serverMetrics: LiveMetric[] = [
  {
    key: "cpu",
    label: "CPU",
    format: { style: "unit", unit: "percent", maximumFractionDigits: 0 },
    trend: "down-is-good",
    min: 0,
    max: 100,
  },
  {
    key: "rps",
    label: "Requests / s",
    format: { notation: "compact", maximumFractionDigits: 1 },
    trend: "up-is-good",
  },
  {
    key: "memory",
    label: "Memory",
    format: { style: "unit", unit: "gigabyte", maximumFractionDigits: 1 },
    trend: "neutral",
  },
]

/** The meta of both LiveMetrics story files, without their `title` and `component` (Storybook reads those statically). */
export const liveMetricsMeta = {
  loaders: [testTransportLoader],
  decorators: [withTestTransport],
  args: {
    url: "/metrics",
    title: "api-1",
    metrics: serverMetrics,
    window: 20,
    locale: "en-US",
    className: "max-w-3xl",
    sseOptions: { backoff: slowBackoff },
  },
} satisfies Meta<typeof LiveMetrics>

/** A fixed clock for the samples: 12:00:00 UTC, one sample a second. */
export const START = Date.UTC(2026, 0, 15, 12, 0, 0)

/** Deterministic, wavy values (no Math.random in tests). */
export function sampleAt(index: number) {
  return {
    cpu: Math.round(40 + 18 * Math.sin(index / 3) + 6 * Math.sin(index * 1.7)),
    rps: Math.round(1200 + 300 * Math.cos(index / 4) + 40 * index),
    memory: 3.2 + 0.05 * index,
  }
}

/** Opens the stream and sends `count` samples, one second apart. */
export async function stream(kit: TestTransport, count: number, from = 0) {
  await kit.server.waitForConnections(1)
  for (let index = from; index < from + count; index++) {
    kit.server.send({
      id: String(index),
      event: "metrics",
      data: { at: START + index * 1000, values: sampleAt(index) },
    })
  }
}

export const root = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>('[data-slot="live-metrics"]')!
export const cards = (canvasElement: HTMLElement) => [
  ...canvasElement.querySelectorAll<HTMLElement>(
    '[data-slot="live-metrics-card"]'
  ),
]
export const nextFrame = () =>
  new Promise((resolve) => requestAnimationFrame(resolve))
/** The big number of a card. */
export const valueOf = (card: HTMLElement | undefined) =>
  card?.querySelector('[data-slot="live-metrics-value"]')?.textContent

/** Waits until the first card's hidden table holds `rows` samples: everything sent so far has been rendered. */
export async function rendered(canvasElement: HTMLElement, rows: number) {
  await waitFor(() =>
    expect(
      cards(canvasElement)[0]?.querySelectorAll(
        '[data-slot="live-metrics-table"] tbody tr'
      )
    ).toHaveLength(rows)
  )
}
