import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { LiveMetrics } from "@/registry/realtime/blocks/live-metrics/live-metrics"
import {
  cards,
  liveMetricsMeta,
  nextFrame,
  rendered,
  root,
  sampleAt,
  serverMetrics,
  START,
  stream,
  valueOf,
} from "@/registry/realtime/blocks/live-metrics/live-metrics.story-fixtures"
import {
  connectAs,
  kitOf,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"

// Behaviour: connecting, streaming, the window, scrolling, losing and regaining the stream. Reduced motion, many
// metrics, locales, right to left and dark are in live-metrics-display.stories.tsx.
const meta = {
  ...liveMetricsMeta,
  title: "Realtime/LiveMetrics",
  component: LiveMetrics,
} satisfies Meta<typeof LiveMetrics>

export default meta
type Story = StoryObj<typeof meta>

/** Waiting for the server: a skeleton in each card, the grid marked busy. */
export const Connecting: Story = {
  beforeEach: ({ loaded }) => kitOf({ loaded }).server.respondWith("hang"),
  play: async ({ canvas, canvasElement }) => {
    await expect(root(canvasElement)).toHaveAttribute(
      "data-state",
      "connecting"
    )
    await expect(
      canvasElement.querySelector('[data-slot="live-metrics-grid"]')
    ).toHaveAttribute("aria-busy", "true")
    for (const card of cards(canvasElement))
      await expect(card).toHaveAttribute("data-state", "loading")
    await expect(canvas.queryByRole("img")).toBeNull()
    await expect(canvas.getByRole("status")).toHaveTextContent("Connecting…")
    // The labels are known before any data.
    await expect(canvas.getByText("Requests / s")).toBeVisible()
  },
}

/** The skeleton is exactly the size of a card with data: nothing moves when the first sample lands. */
export const SkeletonKeepsSize: Story = {
  // The first connect hangs (left), the second streams (right).
  beforeEach: ({ loaded }) =>
    kitOf({ loaded }).server.respondWith("hang", { times: 1 }),
  render: (args) => (
    <div className="grid grid-cols-2 gap-6">
      <LiveMetrics
        {...args}
        url="/metrics?host=a"
        title="Connecting"
        metrics={serverMetrics.slice(0, 1)}
      />
      <LiveMetrics
        {...args}
        url="/metrics?host=b"
        title="Live"
        metrics={serverMetrics.slice(0, 1)}
      />
    </div>
  ),
  play: async ({ canvasElement, loaded }) => {
    await stream(kitOf({ loaded }), 5)
    const [loading, live] = cards(canvasElement)
    await waitFor(() => expect(live).toHaveAttribute("data-state", "live"))
    await expect(loading).toHaveAttribute("data-state", "loading")
    await expect(loading!.getBoundingClientRect().height).toBe(
      live!.getBoundingClientRect().height
    )
  },
}

/** Samples stream in: value in the locale with its unit, the change with icon, sign and words, a chart with a summary. */
export const Live: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await stream(kit, 12)
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "live")
    )
    const cpu = within(cards(canvasElement)[0]!)
    // index 11: cpu 40 + 18 sin(11/3) + 6 sin(18.7) ≈ 31; index 10: ≈ 27 → up 4 (bad for CPU)
    const last = sampleAt(11)
    const before = sampleAt(10)
    await rendered(canvasElement, 12)
    await expect(valueOf(cards(canvasElement)[0])).toBe(`${last.cpu}%`)
    const cpuDelta = canvasElement.querySelector(
      '[data-slot="live-metrics-delta"]'
    )!
    const up = last.cpu > before.cpu
    await expect(cpuDelta).toHaveAttribute("data-direction", up ? "up" : "down")
    await expect(cpuDelta).toHaveAttribute("data-tone", up ? "bad" : "good")
    await expect(cpuDelta).toHaveTextContent(
      `${up ? "+" : "-"}${Math.abs(last.cpu - before.cpu)}%`
    )
    await expect(cpuDelta).toHaveTextContent(
      `${up ? "up" : "down"} ${Math.abs(last.cpu - before.cpu)}% from ${before.cpu}%`
    )
    // Compact notation and units.
    await expect(valueOf(cards(canvasElement)[1])).toBe(
      new Intl.NumberFormat("en-US", {
        notation: "compact",
        maximumFractionDigits: 1,
      }).format(last.rps)
    )
    await expect(valueOf(cards(canvasElement)[2])).toBe("3.8 GB")
    // A change below the value's rounding keeps two significant digits instead of a bare "0 GB".
    const memoryDelta = canvasElement.querySelectorAll(
      '[data-slot="live-metrics-delta"]'
    )[2]!
    await expect(memoryDelta).toHaveTextContent("+0.05 GB")
    await expect(memoryDelta).toHaveTextContent("up 0.05 GB from 3.7 GB")
    // The chart's text alternative compares with the start of the window.
    const first = sampleAt(0)
    const direction =
      last.cpu > first.cpu ? "up" : last.cpu < first.cpu ? "down" : "unchanged"
    const chart = cpu!.getByRole("img")
    await expect(chart).toHaveAccessibleName(
      direction === "unchanged"
        ? `CPU ${last.cpu}%, unchanged over the last 11 seconds`
        : `CPU ${last.cpu}%, ${direction} from ${first.cpu}% over the last 11 seconds`
    )
    // And the numbers behind it, in a table for screen readers.
    const table = cpu!.getByRole("table", { name: "CPU, recent values" })
    await expect(within(table).getAllByRole("row")).toHaveLength(13)
    // Values are not announced as they tick: only the connection status is a live region.
    await expect(canvas.getAllByRole("status")).toHaveLength(1)
    await expect(canvas.getByRole("status")).toHaveTextContent("Live")
  },
}

/** The charts keep a fixed window: 40 samples in, the last 20 shown (plus one off the edge to scroll in from). */
export const FixedWindow: Story = {
  play: async ({ canvasElement, loaded }) => {
    await stream(kitOf({ loaded }), 40)
    const table = await waitFor(() => {
      const found = canvasElement.querySelector<HTMLElement>(
        '[data-slot="live-metrics-table"]'
      )
      if (!found) throw new Error("no table yet")
      return found
    })
    await waitFor(() =>
      expect(within(table).getAllByRole("row")).toHaveLength(21)
    )
    await expect(
      within(cards(canvasElement)[0]!).getByRole("img")
    ).toHaveAccessibleName(/over the last 19 seconds$/)
  },
}

/** Each new sample scrolls the chart one step, and nothing around it moves. */
export const Scrolls: Story = {
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await stream(kit, 10)
    await rendered(canvasElement, 10)
    await nextFrame()
    const card = cards(canvasElement)[0]!
    const before = card.getBoundingClientRect()
    const series = card.querySelector<SVGGElement>(
      '[data-slot="live-metrics-series"]'
    )!
    kit.server.send({
      id: "10",
      event: "metrics",
      data: {
        at: START + 10_000,
        values: { cpu: 99, rps: 99_000_000, memory: 120 },
      },
    })
    await waitFor(() =>
      expect(series.getAnimations().length).toBeGreaterThan(0)
    )
    await expect(valueOf(card)).toBe("99%")
    // It starts one step to the end side, the new sample's dot beyond the edge, and slides into place.
    const [slide] = series.getAnimations()
    const chart = card
      .querySelector('[data-slot="live-metrics-chart"]')!
      .getBoundingClientRect()
    const latest = () =>
      card
        .querySelector('[data-slot="live-metrics-latest"]')!
        .getBoundingClientRect()
    slide!.pause()
    slide!.currentTime = 0
    await expect(latest().left).toBeGreaterThan(chart.right)
    slide!.finish()
    await expect(latest().right).toBeLessThanOrEqual(chart.right)
    await expect(latest().left).toBeGreaterThan(chart.right - 12)
    const after = card.getBoundingClientRect()
    await expect([after.width, after.height]).toEqual([
      before.width,
      before.height,
    ])
  },
}

/** Connected, no sample yet: each card says so, and so does its chart. */
export const NoDataYet: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    await kitOf({ loaded }).server.waitForConnections(1)
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "waiting")
    )
    await expect(canvas.getAllByText("No data yet")).toHaveLength(3)
    await expect(
      canvas.getByRole("img", { name: "CPU: No data yet" })
    ).toBeVisible()
    await expect(
      canvasElement.querySelector('[data-slot="live-metrics-grid"]')
    ).toHaveAttribute("aria-busy", "false")
  },
}

/** The stream dropped: the values stay, marked with the time they are from. */
export const Reconnecting: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await stream(kit, 8)
    await rendered(canvasElement, 8)
    kit.chaos.disconnect()
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "reconnecting")
    )
    await expect(canvas.getByRole("status")).toHaveTextContent("Reconnecting…")
    const time = new Intl.DateTimeFormat("en-US", {
      timeStyle: "medium",
    }).format(START + 7000)
    await expect(canvas.getByText(`Showing values from ${time}`)).toBeVisible()
    await expect(valueOf(cards(canvasElement)[0])).toBe(`${sampleAt(7).cpu}%`)
    for (const card of cards(canvasElement))
      await expect(card).toHaveAttribute("data-stale", "true")
  },
}

/** Back online, the stream resumes and the hint goes away. */
export const Recovers: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await stream(kit, 8)
    await rendered(canvasElement, 8)
    kit.chaos.offline()
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "offline")
    )
    await expect(canvas.getByText(/^Showing values from/)).toBeVisible()
    kit.chaos.online()
    await stream(kit, 1, 8)
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "live")
    )
    await expect(canvas.queryByText(/^Showing values from/)).toBeNull()
    await expect(kit.server.requests.at(-1)?.lastEventId).toBe("7")
  },
}

/** Offline: the last values stay; the connection waits for the network. */
export const Offline: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await stream(kit, 8)
    await rendered(canvasElement, 8)
    kit.chaos.offline()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Offline")
    )
    await expect(canvas.getByText(/^Showing values from/)).toBeVisible()
    await expect(
      within(cards(canvasElement)[0]!).getByRole("img")
    ).toHaveAccessibleName(/^CPU \d+%/)
  },
}

/** The server refused (401): an error with Retry, which connects again. */
export const Failed: Story = {
  beforeEach: ({ loaded }) =>
    kitOf({ loaded }).server.respondWith({ status: 401 }, { times: 1 }),
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "error")
    )
    await expect(canvas.getByText("Metrics are unavailable.")).toBeVisible()
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Connection failed"
    )
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    await stream(kit, 3)
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "live")
    )
    await expect(canvas.queryByRole("button", { name: "Retry" })).toBeNull()
  },
}

/** `channel` instead of `url`: the newest stored samples fill the charts at once, then every publish adds one. */
export const FromChannel: Story = {
  decorators: [withChannelTransport],
  args: { url: undefined, channel: "metrics:api-1" },
  beforeEach: async ({ loaded }) => {
    const host = await connectAs(kitOf({ loaded }), "api-1")
    for (let index = 0; index < 8; index++)
      await host.channel("metrics:api-1").publish("metrics", {
        at: START + index * 1000,
        values: sampleAt(index),
      })
  },
  play: async ({ canvasElement, loaded }) => {
    await waitFor(() =>
      expect(root(canvasElement)).toHaveAttribute("data-state", "live")
    )
    await rendered(canvasElement, 8)
    await expect(valueOf(cards(canvasElement)[0])).toBe(`${sampleAt(7).cpu}%`)
    const host = await connectAs(kitOf({ loaded }), "api-1b")
    await host.channel("metrics:api-1").publish("metrics", {
      at: START + 8000,
      values: sampleAt(8),
    })
    await rendered(canvasElement, 9)
    await expect(valueOf(cards(canvasElement)[0])).toBe(`${sampleAt(8).cpu}%`)
  },
}
