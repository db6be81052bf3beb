import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, waitFor } from "storybook/test"

import {
  connectAs,
  kitOf,
  slowBackoff,
  testTransportLoader,
  withChannelTransport,
  withTestTransport,
} from "@/registry/realtime/testing/story-kit"
import { LiveCounter } from "@/registry/realtime/ui/live-counter"

const meta = {
  title: "Realtime/LiveCounter",
  component: LiveCounter,
  loaders: [testTransportLoader],
  decorators: [withTestTransport],
  args: {
    url: "/viewers",
    event: "count",
    field: "viewers",
    initialValue: 1204,
    label: "Viewers",
    locale: "en-US",
    className: "text-5xl",
    sseOptions: { backoff: slowBackoff },
  },
} satisfies Meta<typeof LiveCounter>

export default meta
type Story = StoryObj<typeof meta>

const valueOf = (root: HTMLElement) =>
  root.querySelector('[data-slot="live-counter-value"]')?.textContent

/** Before the first event (and on the server): `initialValue`, not 0. */
export const Connecting: Story = {
  beforeEach: ({ loaded }) => kitOf({ loaded }).server.respondWith("hang"),
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,204")
    await expect(valueOf(canvasElement)).toBe("1,204")
    await expect(
      canvasElement.querySelector('[data-slot="live-counter"]')
    ).toHaveAttribute("data-state", "connecting")
  },
}

/** Each event springs the number to its new value; screen readers get only the final value. */
export const Updating: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    // Watch the visible number frame by frame while it animates.
    const seen = new Set<string>()
    let watching = true
    const watch = () => {
      const text = valueOf(canvasElement)
      if (text) seen.add(text)
      if (watching) requestAnimationFrame(watch)
    }
    watch()
    kit.server.send({ event: "count", data: { viewers: 1500 } })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,500")
    )
    await waitFor(() => expect(valueOf(canvasElement)).toBe("1,500"), {
      timeout: 4000,
    })
    watching = false
    // It animated through values in between…
    await expect(
      [...seen].some((text) => text !== "1,204" && text !== "1,500")
    ).toBe(true)
    // …but the live region only ever held the final one.
    await expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,500")
  },
}

/** With reduced motion, the number jumps straight to the new value. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.server.send({ event: "count", data: { viewers: 98_765 } })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 98,765")
    )
    await waitFor(() => expect(valueOf(canvasElement)).toBe("98,765"), {
      timeout: 100,
    })
  },
}

/** The stream dropped: the last value stays, marked by `data-state`. */
export const Reconnecting: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.server.send({ event: "count", data: { viewers: 1300 } })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("1,300")
    )
    kit.chaos.disconnect()
    const root = canvasElement.querySelector('[data-slot="live-counter"]')
    await waitFor(() =>
      expect(root).toHaveAttribute("data-state", "reconnecting")
    )
    await expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,300")
  },
}

/** Offline: the value stays; the connection waits for the network. */
export const Offline: Story = {
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.chaos.offline()
    const root = canvasElement.querySelector('[data-slot="live-counter"]')
    await waitFor(() => expect(root).toHaveAttribute("data-state", "offline"))
    await expect(valueOf(canvasElement)).toBe("1,204")
  },
}

/** A 401 stops the connection; the counter keeps showing what it knows. */
export const Unauthorized: Story = {
  beforeEach: ({ loaded }) =>
    kitOf({ loaded }).server.respondWith({ status: 401 }),
  play: async ({ canvas, canvasElement }) => {
    const root = canvasElement.querySelector('[data-slot="live-counter"]')
    await waitFor(() => expect(root).toHaveAttribute("data-state", "closed"))
    await expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,204")
  },
}

/** A malformed event does not reset the number. */
export const IgnoresBadValues: Story = {
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.server.send({ event: "count", data: { viewers: "lots" } })
    kit.server.send({ event: "other", data: { viewers: 5 } })
    kit.server.send({ event: "count", data: { viewers: 1210 } })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,210")
    )
  },
}

/** `locale` and `formatOptions`: German grouping, a currency, compact notation. */
export const Formats: Story = {
  render: (args) => (
    <dl className="grid grid-cols-[auto_1fr] items-baseline gap-x-6 gap-y-3">
      <dt className="text-sm text-muted-foreground">de-DE</dt>
      <dd>
        <LiveCounter {...args} locale="de-DE" label="Zuschauer" />
      </dd>
      <dt className="text-sm text-muted-foreground">EUR</dt>
      <dd>
        <LiveCounter
          {...args}
          locale="de-DE"
          formatOptions={{ style: "currency", currency: "EUR" }}
          label="Umsatz"
        />
      </dd>
      <dt className="text-sm text-muted-foreground">compact</dt>
      <dd>
        <LiveCounter
          {...args}
          initialValue={1_250_000}
          formatOptions={{ notation: "compact" }}
          label="Downloads"
        />
      </dd>
    </dl>
  ),
  play: async ({ canvas }) => {
    const [viewers, revenue, downloads] = canvas.getAllByRole("status")
    await expect(viewers).toHaveTextContent("Zuschauer: 1.204")
    await expect(revenue).toHaveTextContent(/Umsatz: 1\.204,00\s€/)
    await expect(downloads).toHaveTextContent("Downloads: 1.3M")
  },
}

/** Growing from 9 to 10,000 does not shift what follows: the box takes the final width at once. */
export const NoLayoutShift: Story = {
  args: { initialValue: 9, className: "text-3xl" },
  render: (args) => (
    <p className="flex items-baseline gap-2">
      <LiveCounter {...args} />
      <span data-testid="after">people here</span>
    </p>
  ),
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.server.send({ event: "count", data: { viewers: 10_000 } })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("10,000")
    )
    await new Promise((resolve) => requestAnimationFrame(resolve))
    const settled = canvas.getByTestId("after").getBoundingClientRect().left
    // Mid-animation the visible digits change, but the text after the number stays put.
    for (let frame = 0; frame < 10; frame++) {
      await new Promise((resolve) => requestAnimationFrame(resolve))
      await expect(
        canvas.getByTestId("after").getBoundingClientRect().left
      ).toBe(settled)
    }
  },
}

/** Right-to-left with Arabic labels and Arabic-Indic digits. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: { locale: "ar-EG", label: "المشاهدون" },
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.server.send({ event: "count", data: { viewers: 2048 } })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("المشاهدون: ٢٬٠٤٨")
    )
  },
}

/** Dark theme. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async ({ canvas }) => {
    await expect(document.documentElement).toHaveClass("dark")
    await expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,204")
  },
}

/** `channel` instead of `url`: the newest stored value shows at once (a rewind of one), then every publish. */
export const FromChannel: Story = {
  decorators: [withChannelTransport],
  args: { url: undefined, channel: "stats:site", initialValue: 0 },
  beforeEach: async ({ loaded }) => {
    const stats = await connectAs(kitOf({ loaded }), "stats")
    await stats.channel("stats:site").publish("count", { viewers: 1500 })
  },
  play: async ({ canvas, canvasElement, loaded }) => {
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,500")
    )
    await expect(
      canvasElement.querySelector('[data-slot="live-counter"]')
    ).toHaveAttribute("data-source", "channel")
    const stats = await connectAs(kitOf({ loaded }), "stats-2")
    await stats.channel("stats:site").publish("count", { viewers: 1612 })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Viewers: 1,612")
    )
    // The spring settles on the exact value.
    await waitFor(() => expect(valueOf(canvasElement)).toBe("1,612"), {
      timeout: 5000,
    })
  },
}

/** `value`: a number the app already follows (its state, a query, shared state); no connection of its own. */
export const ControlledValue: Story = {
  args: { url: undefined, value: 42, label: "Moves", initialValue: 0 },
  play: async ({ canvas, canvasElement, loaded }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent("Moves: 42")
    await waitFor(() => expect(valueOf(canvasElement)).toBe("42"), {
      timeout: 5000,
    })
    await expect(kitOf({ loaded }).server.requests).toHaveLength(0)
  },
}
