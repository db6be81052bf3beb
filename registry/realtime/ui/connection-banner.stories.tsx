import * as React from "react"
import {
  RealtimeProvider,
  useRealtimeClient,
  useSSE,
} from "@realtime-kit/react"
import type { Decorator, Meta, StoryObj } from "@storybook/react-vite"
import { expect, fn, userEvent, waitFor } from "storybook/test"

import {
  kitOf,
  sleep,
  slowBackoff,
  testTransportLoader,
  withTestTransport,
} from "@/registry/realtime/testing/story-kit"
import {
  ConnectionBanner,
  type ConnectionBannerProps,
} from "@/registry/realtime/ui/connection-banner"

/** Retries after ~100 ms: a drop that heals at once is over long before the banner's delay. */
const fastBackoff = { minMs: 100, maxMs: 100, random: () => 0.5 } as const

/** A ConnectionBanner over a small app panel, on a real `useSSE` connection served by the story's test server. */
function Panel({
  fast = false,
  ...props
}: ConnectionBannerProps & { fast?: boolean }) {
  const { connection } = useSSE("/events", {
    backoff: fast ? fastBackoff : slowBackoff,
  })
  return (
    <div className="relative h-72 w-full max-w-lg overflow-hidden rounded-xl border bg-card text-card-foreground">
      <ConnectionBanner connection={connection} {...props} />
      <div data-testid="content" className="space-y-3 p-4 pt-24 text-sm">
        <p className="font-medium">Order #4012</p>
        <p className="text-muted-foreground">
          Out for delivery. The courier’s position updates live while the
          connection is up.
        </p>
        <label className="flex flex-col gap-1">
          <span>Note for the courier</span>
          <input
            className="h-8 rounded-md border bg-background px-2"
            defaultValue="Ring twice"
          />
        </label>
      </div>
    </div>
  )
}

const box = (root: HTMLElement) =>
  root.querySelector<HTMLElement>('[data-slot="connection-banner-box"]')
const banner = (root: HTMLElement) =>
  root.querySelector<HTMLElement>('[data-slot="connection-banner"]')!

/** Waits for the banner to show `state` (past its 1.5 s delay) and to finish entering. */
async function waitForBox(root: HTMLElement, state: string) {
  return waitFor(
    () => {
      const element = box(root)
      expect(element).not.toBeNull()
      expect(element).toHaveAttribute("data-state", state)
      expect(getComputedStyle(element!).opacity).toBe("1")
      return element!
    },
    { timeout: 4000 }
  )
}

async function openConnection(
  context: Parameters<NonNullable<Story["play"]>>[0]
) {
  const kit = kitOf(context)
  await kit.server.waitForConnections(1)
  await sleep(50)
  return kit
}

const meta = {
  title: "Realtime/ConnectionBanner",
  component: ConnectionBanner,
  loaders: [testTransportLoader],
  decorators: [withTestTransport],
  render: (args) => <Panel {...args} />,
  args: { strategy: "absolute", locale: "en-US" },
  argTypes: {
    placement: { control: "inline-radio", options: ["top", "bottom"] },
    strategy: { control: "inline-radio", options: ["fixed", "absolute"] },
  },
} satisfies Meta<typeof ConnectionBanner>

export default meta
type Story = StoryObj<typeof meta>

/** Connected: nothing is shown, but both live regions are already in the page, listening. */
export const Open: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    await openConnection(context)
    await sleep(1700)
    await expect(box(canvasElement)).toBeNull()
    await expect(banner(canvasElement)).toHaveAttribute("data-state", "hidden")
    await expect(canvas.getByRole("status")).toHaveAttribute(
      "aria-live",
      "polite"
    )
    await expect(canvas.getByRole("alert")).toBeEmptyDOMElement()
  },
}

/** The first connect takes longer than the delay: "Connecting…" (and nothing before the delay). */
export const Connecting: Story = {
  beforeEach: (context) => kitOf(context).server.respondWith("hang"),
  play: async ({ canvas, canvasElement }) => {
    await sleep(600)
    await expect(box(canvasElement)).toBeNull()
    await waitForBox(canvasElement, "connecting")
    await expect(canvas.getByRole("status")).toHaveTextContent("Connecting…")
    await expect(canvas.queryByRole("button", { name: /retry/i })).toBeNull()
  },
}

/** The stream drops: after the delay, "Connection lost", a countdown to the next attempt, and "Retry now". */
export const Reconnecting: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    // Not at once: a drop shorter than the delay shows nothing.
    await sleep(500)
    await expect(box(canvasElement)).toBeNull()
    await waitForBox(canvasElement, "reconnecting")
    const status = canvas.getByRole("status")
    await expect(status).toHaveTextContent("Connection lost")
    await expect(status).toHaveTextContent(/Reconnecting in [5-7]\s?s/)
    // The seconds are visual only, so the live region does not announce every tick.
    const countdown = canvasElement.querySelector(
      '[data-slot="connection-banner-countdown"]'
    )
    await expect(countdown).toHaveAttribute("aria-hidden", "true")
    await expect(
      canvas.getByRole("button", { name: "Retry now" })
    ).toBeVisible()
  },
}

/** "Retry now" reconnects at once; the banner says "Reconnected", then goes. */
export const RetryNow: Story = {
  args: { restoredMs: 1200 },
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    await waitForBox(canvasElement, "reconnecting")
    kit.chaos.reconnect()
    await userEvent.click(canvas.getByRole("button", { name: "Retry now" }))
    await waitForBox(canvasElement, "restored")
    await expect(canvas.getByRole("status")).toHaveTextContent("Reconnected")
    await expect(kit.server.requests).toHaveLength(2)
    await waitFor(() => expect(box(canvasElement)).toBeNull(), {
      timeout: 3000,
    })
  },
}

/** A custom `onRetry` replaces the connection's own reconnect. */
export const CustomRetry: Story = {
  args: { onRetry: fn() },
  play: async (context) => {
    const { canvas, canvasElement, args } = context
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    await waitForBox(canvasElement, "reconnecting")
    await userEvent.click(canvas.getByRole("button", { name: "Retry now" }))
    await expect(args.onRetry).toHaveBeenCalledOnce()
  },
}

/** The device goes offline: "You are offline", no retry button (there is nothing to retry until it is back). */
export const Offline: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = await openConnection(context)
    const input = canvas.getByRole("textbox")
    input.focus()
    kit.chaos.offline()
    await waitForBox(canvasElement, "offline")
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "You are offline"
    )
    await expect(canvas.queryByRole("button")).toBeNull()
    // It never takes focus from what the user is doing.
    await expect(document.activeElement).toBe(input)
  },
}

/** Offline, then back: "Back online" for `restoredMs`, then nothing. */
export const BackOnline: Story = {
  args: { restoredMs: 1500 },
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = await openConnection(context)
    kit.chaos.offline()
    await waitForBox(canvasElement, "offline")
    kit.chaos.online()
    await waitForBox(canvasElement, "restored")
    await expect(canvas.getByRole("status")).toHaveTextContent("Back online")
    await waitFor(() => expect(box(canvasElement)).toBeNull(), {
      timeout: 3000,
    })
    await expect(banner(canvasElement)).toHaveAttribute("data-state", "hidden")
  },
}

/** A drop that heals within the delay shows nothing at all — not even "Reconnected". */
export const BlipShowsNothing: Story = {
  render: (args) => <Panel {...args} fast />,
  play: async (context) => {
    const { canvasElement } = context
    const kit = await openConnection(context)
    let appeared = false
    const observer = new MutationObserver(() => {
      if (box(canvasElement)) appeared = true
    })
    observer.observe(canvasElement, { childList: true, subtree: true })
    kit.chaos.disconnect()
    kit.chaos.reconnect()
    await waitFor(() => expect(kit.server.connections).toBe(1))
    await expect(kit.server.requests).toHaveLength(2)
    await sleep(2200)
    observer.disconnect()
    await expect(appeared).toBe(false)
  },
}

/** The server refuses (401): shown at once as an alert, with the reason and Retry. Focus stays where it was. */
export const Failed: Story = {
  beforeEach: (context) => kitOf(context).server.respondWith({ status: 401 }),
  play: async ({ canvas, canvasElement }) => {
    const input = canvas.getByRole("textbox")
    input.focus()
    // At once: no delay for a failure.
    const element = await waitForBox(canvasElement, "failed")
    const alert = canvas.getByRole("alert")
    await expect(alert).toContainElement(element)
    await expect(alert).toHaveTextContent("Connection failed")
    await expect(alert).toHaveTextContent(/401/)
    await expect(canvas.getByRole("status")).toBeEmptyDOMElement()
    await expect(canvas.getByRole("button", { name: "Retry" })).toBeVisible()
    await expect(document.activeElement).toBe(input)
  },
}

/** Retry after a failure reopens the connection: the banner turns into "Reconnected". */
export const RetryAfterFailure: Story = {
  args: { restoredMs: 1500 },
  beforeEach: (context) =>
    kitOf(context).server.respondWith({ status: 401 }, { times: 1 }),
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = kitOf(context)
    await waitForBox(canvasElement, "failed")
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    await kit.server.waitForConnections(1)
    await waitForBox(canvasElement, "restored")
    await expect(canvas.getByRole("status")).toHaveTextContent("Reconnected")
  },
}

/** The banner floats over the content: nothing below it moves when it comes or goes. */
export const NoLayoutShift: Story = {
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = await openConnection(context)
    const content = canvas.getByTestId("content")
    const before = content.getBoundingClientRect()
    kit.chaos.offline()
    await waitForBox(canvasElement, "offline")
    const during = content.getBoundingClientRect()
    await expect(during.top).toBe(before.top)
    await expect(during.height).toBe(before.height)
  },
}

/** At the bottom, fixed to the viewport (the default `strategy`), as an app-wide banner. */
export const FixedBottom: Story = {
  args: { strategy: "fixed", placement: "bottom" },
  play: async (context) => {
    const { canvasElement } = context
    const kit = await openConnection(context)
    kit.chaos.offline()
    const element = await waitForBox(canvasElement, "offline")
    await expect(getComputedStyle(banner(canvasElement)).position).toBe("fixed")
    await waitFor(() =>
      expect(element.getBoundingClientRect().bottom).toBeGreaterThan(
        window.innerHeight - 40
      )
    )
  },
}

/** Long translated texts and a long error wrap inside the box; nothing overflows. */
export const LongText: Story = {
  args: {
    labels: {
      failed:
        "Die Verbindung zum Server konnte nicht hergestellt werden und wird nicht automatisch wiederholt",
      retry: "Erneut versuchen",
    },
  },
  beforeEach: (context) =>
    kitOf(context).server.respondWith({
      status: 403,
      body: 'Forbidden: the access token for workspace "acme-international-logistics-eu-west-production" has expired',
    }),
  play: async ({ canvas, canvasElement }) => {
    const element = await waitForBox(canvasElement, "failed")
    await expect(canvas.getByRole("alert")).toHaveTextContent(
      /Die Verbindung zum Server/
    )
    await expect(element.scrollWidth).toBeLessThanOrEqual(element.clientWidth)
    await expect(
      canvas.getByRole("button", { name: "Erneut versuchen" })
    ).toBeVisible()
  },
}

/** Right-to-left, Arabic texts and an Arabic countdown; the retry icon mirrors. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar",
    labels: {
      lost: "انقطع الاتصال",
      reconnecting: "إعادة الاتصال",
      retryNow: "أعد المحاولة الآن",
    },
  },
  play: async (context) => {
    const { canvas, canvasElement } = context
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    await waitForBox(canvasElement, "reconnecting")
    await expect(canvas.getByRole("status")).toHaveTextContent("انقطع الاتصال")
    await expect(
      canvas.getByRole("button", { name: "أعد المحاولة الآن" })
    ).toBeVisible()
    await expect(document.documentElement.dir).toBe("rtl")
  },
}

/** Dark theme: the box uses the popover tokens. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async (context) => {
    const { canvasElement } = context
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    const element = await waitForBox(canvasElement, "reconnecting")
    await expect(document.documentElement).toHaveClass("dark")
    await expect(getComputedStyle(element).backgroundColor).not.toBe(
      "rgb(255, 255, 255)"
    )
  },
}

/** Reduced motion: the box appears in place, fully opaque from its first frame — no slide, no fade. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async (context) => {
    const { canvasElement } = context
    const kit = await openConnection(context)
    const frames: { opacity: string; transform: string }[] = []
    const observer = new MutationObserver(() => {
      const element = box(canvasElement)
      if (element && frames.length === 0) {
        const style = getComputedStyle(element)
        frames.push({ opacity: style.opacity, transform: style.transform })
      }
    })
    observer.observe(canvasElement, { childList: true, subtree: true })
    kit.chaos.offline()
    await waitForBox(canvasElement, "offline")
    observer.disconnect()
    await expect(frames[0]).toEqual({ opacity: "1", transform: "none" })
  },
}

/** A RealtimeProvider with the test kit's channel transport (the story kit's decorator wires SSE only). */
const withChannelTransport: Decorator = (Story, context) => {
  const kit = kitOf(context)
  return (
    <RealtimeProvider
      fetch={kit.fetch}
      network={kit.network}
      transport={kit.transport}
    >
      <Story />
    </RealtimeProvider>
  )
}

function ChannelPanel(props: ConnectionBannerProps) {
  const client = useRealtimeClient()
  React.useEffect(() => client.connect(), [client])
  return (
    <div className="relative h-40 w-full max-w-lg overflow-hidden rounded-xl border bg-card text-card-foreground">
      <ConnectionBanner connection={client} {...props} />
      <p className="p-4 pt-24 text-sm text-muted-foreground">
        A channel client (WebSocket-style transport).
      </p>
    </div>
  )
}

/** A channel client instead of an SSE stream: the same states, and "Retry now" reconnects its transport. */
export const ChannelClient: Story = {
  decorators: [withChannelTransport],
  args: { restoredMs: 1500 },
  render: (args) => <ChannelPanel {...args} />,
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await waitFor(() => expect(kit.transport.getSnapshot().status).toBe("open"))
    kit.chaos.disconnect()
    await waitForBox(canvasElement, "reconnecting")
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Connection lost"
    )
    kit.chaos.reconnect()
    await userEvent.click(canvas.getByRole("button", { name: "Retry now" }))
    await waitForBox(canvasElement, "restored")
    await expect(canvas.getByRole("status")).toHaveTextContent("Reconnected")
  },
}
