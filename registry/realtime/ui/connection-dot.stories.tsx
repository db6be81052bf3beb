import { useSSE } from "@realtime-kit/react"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, waitFor } from "storybook/test"

import {
  kitOf,
  slowBackoff,
  testTransportLoader,
  withTestTransport,
} from "@/registry/realtime/testing/story-kit"
import {
  ConnectionDot,
  type ConnectionDotProps,
  type ConnectionDotState,
} from "@/registry/realtime/ui/connection-dot"

/** A ConnectionDot on a real `useSSE` connection, served by the story's in-memory test server. */
function LiveConnectionDot(props: ConnectionDotProps) {
  const { connection } = useSSE("/events", { backoff: slowBackoff })
  return <ConnectionDot connection={connection} {...props} />
}

const meta = {
  title: "Realtime/ConnectionDot",
  component: ConnectionDot,
  loaders: [testTransportLoader],
  decorators: [withTestTransport],
  render: (args) => <LiveConnectionDot {...args} />,
  args: { variant: "outline" },
  argTypes: {
    status: {
      control: "select",
      options: [
        "idle",
        "connecting",
        "open",
        "reconnecting",
        "offline",
        "closed",
        "error",
      ],
    },
    variant: { control: "inline-radio", options: ["default", "outline"] },
    size: { control: "inline-radio", options: ["sm", "default", "lg"] },
  },
} satisfies Meta<typeof ConnectionDot>

export default meta
type Story = StoryObj<typeof meta>

/** The server has not answered yet. */
export const Connecting: Story = {
  beforeEach: ({ loaded }) => kitOf({ loaded }).server.respondWith("hang"),
  play: async ({ canvas }) => {
    const status = canvas.getByRole("status")
    await expect(status).toHaveTextContent("Connecting…")
    await expect(status).toHaveAttribute("data-state", "connecting")
    await expect(status).toHaveAttribute("aria-live", "polite")
  },
}

/** Connected: the dot pulses (unless the user prefers reduced motion). */
export const Open: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    await kitOf({ loaded }).server.waitForConnections(1)
    const status = canvas.getByRole("status")
    await waitFor(() => expect(status).toHaveTextContent("Live"))
    await expect(status).toHaveAttribute("data-state", "open")
    const ping = canvasElement.querySelector(
      '[data-slot="connection-dot-pulse"]'
    )
    await expect(ping).not.toBeNull()
    await expect(getComputedStyle(ping!).animationName).not.toBe("none")
  },
}

/** The stream dropped: it says so, and counts down to the next attempt without announcing every second. */
export const Reconnecting: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Live")
    )
    kit.chaos.disconnect()
    const status = canvas.getByRole("status")
    await waitFor(() =>
      expect(status).toHaveAttribute("data-state", "reconnecting")
    )
    await expect(status).toHaveTextContent("Reconnecting…")
    const countdown = await waitFor(() => {
      const element = canvasElement.querySelector(
        '[data-slot="connection-dot-countdown"]'
      )
      expect(element).not.toBeNull()
      return element!
    })
    await expect(countdown).toHaveTextContent(/in [78]\s?s/)
    await expect(countdown).toHaveAttribute("aria-hidden", "true")
  },
}

/** The device is offline: no attempts until it is back. */
export const Offline: Story = {
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.chaos.offline()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Offline")
    )
    await expect(canvas.getByRole("status")).toHaveAttribute(
      "data-state",
      "offline"
    )
  },
}

/** Offline, then the network returns: it reconnects at once, without waiting out a backoff. */
export const BackOnline: Story = {
  play: async (context) => {
    const { canvas, loaded } = context
    const kit = kitOf({ loaded })
    await Offline.play?.(context)
    kit.chaos.online()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Live")
    )
    await expect(kit.server.requests).toHaveLength(2)
  },
}

/** The server answered 401: the connection stops for good and shows as failed. */
export const Unauthorized: Story = {
  beforeEach: ({ loaded }) =>
    kitOf({ loaded }).server.respondWith({ status: 401 }),
  play: async ({ canvas }) => {
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Connection failed")
    )
    await expect(canvas.getByRole("status")).toHaveAttribute(
      "data-state",
      "error"
    )
  },
}

/** Without a connection, the dot shows whether the browser is online. */
export const NoConnection: Story = {
  render: (args) => <ConnectionDot {...args} />,
  play: async ({ canvas }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent("Not connected")
  },
}

const allStates: ConnectionDotState[] = [
  "idle",
  "connecting",
  "open",
  "reconnecting",
  "offline",
  "closed",
  "error",
]

/** Every state side by side, from the `status` prop. */
export const AllStates: Story = {
  render: (args) => (
    <ul className="flex flex-col gap-3">
      {allStates.map((state) => (
        <li key={state}>
          <ConnectionDot {...args} status={state} />
        </li>
      ))}
    </ul>
  ),
  play: async ({ canvas }) => {
    const statuses = canvas.getAllByRole("status")
    await expect(statuses.map((status) => status.textContent)).toEqual([
      "Not connected",
      "Connecting…",
      "Live",
      "Reconnecting…",
      "Offline",
      "Disconnected",
      "Connection failed",
    ])
  },
}

/** Sizes and the plain variant. */
export const Sizes: Story = {
  render: () => (
    <div className="flex flex-wrap items-center gap-4">
      <ConnectionDot status="open" size="sm" />
      <ConnectionDot status="open" />
      <ConnectionDot status="open" size="lg" />
      <ConnectionDot status="open" variant="outline" size="lg" />
      <ConnectionDot status="error" hideLabel />
    </div>
  ),
  play: async ({ canvas }) => {
    // hideLabel keeps the label for screen readers.
    await expect(canvas.getAllByRole("status")[4]).toHaveTextContent(
      "Connection failed"
    )
  },
}

/** Translated labels that do not fit: the label truncates instead of wrapping the dot away. */
export const LongLabels: Story = {
  args: {
    status: "reconnecting",
    labels: {
      reconnecting:
        "Die Verbindung wurde unterbrochen und wird gleich automatisch wiederhergestellt",
    },
  },
  render: (args) => (
    <div className="w-64">
      <ConnectionDot {...args} className="max-w-full" />
    </div>
  ),
  play: async ({ canvas }) => {
    const status = canvas.getByRole("status")
    await expect(status).toHaveTextContent(/Die Verbindung wurde unterbrochen/)
    await expect(status.getBoundingClientRect().width).toBeLessThanOrEqual(256)
  },
}

/** Right-to-left, with Arabic labels and an Arabic countdown. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar",
    labels: {
      open: "متصل",
      connecting: "جارٍ الاتصال…",
      reconnecting: "إعادة الاتصال…",
    },
  },
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("متصل")
    )
    kit.chaos.disconnect()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("إعادة الاتصال…")
    )
    await expect(document.documentElement.dir).toBe("rtl")
  },
}

/** Dark theme (shadcn `.dark` tokens). */
export const Dark: Story = {
  globals: { theme: "dark" },
  render: (args) => (
    <ul className="flex flex-col gap-3">
      {allStates.map((state) => (
        <li key={state}>
          <ConnectionDot {...args} status={state} />
        </li>
      ))}
    </ul>
  ),
  play: async ({ canvas }) => {
    await expect(document.documentElement).toHaveClass("dark")
    await expect(canvas.getAllByRole("status")).toHaveLength(allStates.length)
  },
}

/** With reduced motion the open dot does not pulse. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  args: { status: "open" },
  render: (args) => <ConnectionDot {...args} />,
  play: async ({ canvasElement }) => {
    const ping = canvasElement.querySelector(
      '[data-slot="connection-dot-pulse"]'
    )
    await expect(getComputedStyle(ping!).animationName).toBe("none")
  },
}
