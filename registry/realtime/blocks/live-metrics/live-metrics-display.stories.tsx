import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, waitFor, within } from "storybook/test"

import {
  LiveMetrics,
  type LiveMetric,
} from "@/registry/realtime/blocks/live-metrics/live-metrics"
import {
  cards,
  liveMetricsMeta,
  nextFrame,
  rendered,
  root,
  sampleAt,
  START,
  stream,
  valueOf,
} from "@/registry/realtime/blocks/live-metrics/live-metrics.story-fixtures"
import { kitOf } from "@/registry/realtime/testing/story-kit"

// Presentation and edge cases: reduced motion, many metrics, German and Arabic formatting, right to left, dark. The
// behaviour stories are in live-metrics.stories.tsx.
const meta = {
  ...liveMetricsMeta,
  title: "Realtime/LiveMetrics/Display",
  component: LiveMetrics,
} satisfies Meta<typeof LiveMetrics>

export default meta
type Story = StoryObj<typeof meta>

/** With reduced motion the chart redraws in place: no animation. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await stream(kit, 10)
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "live")
    )
    const card = cards(canvasElement)[0]!
    kit.server.send({
      id: "10",
      event: "metrics",
      data: { at: START + 10_000, values: { cpu: 77, rps: 1, memory: 1 } },
    })
    await waitFor(() => expect(valueOf(card)).toBe("77%"))
    await nextFrame()
    await expect(
      card
        .querySelector<SVGGElement>('[data-slot="live-metrics-series"]')!
        .getAnimations()
    ).toHaveLength(0)
  },
}

const manyMetrics: LiveMetric[] = Array.from({ length: 10 }, (_, index) => ({
  key: `m${index}`,
  label: [
    "CPU",
    "Memory",
    "Disk I/O",
    "Network in",
    "Network out",
    "Requests / s",
    "Errors / s",
    "p95 latency",
    "Queue depth",
    "Cache hit rate",
  ][index]!,
  format:
    index === 7
      ? { style: "unit", unit: "millisecond" }
      : index === 9
        ? { style: "percent" }
        : { notation: "compact" },
  trend: index === 6 || index === 7 ? "down-is-good" : "neutral",
}))

/** Ten metrics wrap onto several rows; nothing overflows. */
export const ManyMetrics: Story = {
  args: { metrics: manyMetrics, className: "max-w-4xl" },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    for (let index = 0; index < 6; index++) {
      const values = Object.fromEntries(
        manyMetrics.map((metric, m) => [
          metric.key,
          m === 9 ? 0.9 + index / 100 : (m + 1) * 1000 + index * 37,
        ])
      )
      kit.server.send({
        event: "metrics",
        data: { at: START + index * 1000, values },
      })
    }
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "live")
    )
    const all = cards(canvasElement)
    await expect(all).toHaveLength(10)
    const rows = new Set(
      all.map((card) => Math.round(card.getBoundingClientRect().top))
    )
    await expect(rows.size).toBeGreaterThan(1)
    const grid = canvasElement.querySelector<HTMLElement>(
      '[data-slot="live-metrics-grid"]'
    )!
    await expect(grid.scrollWidth).toBeLessThanOrEqual(grid.clientWidth)
    await expect(valueOf(all[9])).toBe("95%")
  },
}

/** German formatting: a space before the percent sign, comma decimals, "Mio." for compact millions. */
export const Locale: Story = {
  args: {
    locale: "de-DE",
    title: "Produktion",
    metrics: [
      {
        key: "cpu",
        label: "CPU",
        format: { style: "unit", unit: "percent", maximumFractionDigits: 1 },
        min: 0,
        max: 100,
      },
      { key: "rps", label: "Anfragen", format: { notation: "compact" } },
    ],
    labels: {
      noData: "Noch keine Daten",
      summary: ({ label, value, from, direction, span }) =>
        from && direction && span
          ? `${label} ${value}, ${direction === "up" ? "gestiegen" : direction === "down" ? "gesunken" : "unverändert"} von ${from} in den letzten ${span}`
          : `${label} ${value}`,
    },
  },
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.server.send({
      event: "metrics",
      data: { at: START, values: { cpu: 38.5, rps: 1_250_000 } },
    })
    kit.server.send({
      event: "metrics",
      data: { at: START + 60_000, values: { cpu: 42.25, rps: 2_400_000 } },
    })
    await rendered(canvasElement, 2)
    // German puts a no-break space before "%" and "Mio.": compare with spaces made plain.
    const plain = (text: string | null | undefined) => text?.replace(/\s/g, " ")
    await expect(plain(valueOf(cards(canvasElement)[0]))).toBe("42,3 %")
    await expect(plain(valueOf(cards(canvasElement)[1]))).toBe("2,4 Mio.")
    await expect(
      plain(canvas.getAllByRole("img")[0]!.getAttribute("aria-label"))
    ).toBe("CPU 42,3 %, gestiegen von 38,5 % in den letzten 60 Sekunden")
  },
}

/** Right to left, Arabic digits: the chart runs from the right, and the layout mirrors. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar-EG",
    title: "الخادم ١",
    metrics: [
      {
        key: "cpu",
        label: "المعالج",
        format: { style: "unit", unit: "percent", maximumFractionDigits: 0 },
        trend: "down-is-good",
        min: 0,
        max: 100,
      },
      {
        key: "rps",
        label: "الطلبات / ث",
        format: { notation: "compact" },
        trend: "up-is-good",
      },
    ],
  },
  play: async ({ canvasElement, loaded }) => {
    await stream(kitOf({ loaded }), 10)
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "live")
    )
    const cpu = new Intl.NumberFormat("ar-EG", {
      style: "unit",
      unit: "percent",
      maximumFractionDigits: 0,
    }).format(sampleAt(9).cpu)
    await expect(valueOf(cards(canvasElement)[0])).toBe(cpu)
    const [card] = cards(canvasElement)
    const label = within(card!).getByText("المعالج").getBoundingClientRect()
    // The label starts at the right edge of the card.
    await expect(label.right).toBeGreaterThan(
      card!.getBoundingClientRect().right - 40
    )
  },
}

/** Dark theme. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async ({ canvasElement, loaded }) => {
    await stream(kitOf({ loaded }), 12)
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "live")
    )
    await expect(document.documentElement).toHaveClass("dark")
  },
}
