import * as React from "react"
import { useSSE } from "@realtime-kit/react"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { toast, Toaster } from "sonner"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { Button } from "@/components/ui/button"
import {
  ReconnectToaster,
  useReconnectToasts,
  type ReconnectToasterProps,
} from "@/registry/realtime/components/reconnect-toast"
import {
  kitOf,
  sleep,
  slowBackoff,
  testTransportLoader,
  withTestTransport,
} from "@/registry/realtime/testing/story-kit"

/** Retries after ~100 ms: a drop that heals at once is over long before the toast's delay. */
const fastBackoff = { minMs: 100, maxMs: 100, random: () => 0.5 } as const

/** A ReconnectToaster on a real `useSSE` connection served by the story's test server. */
function LiveToaster({
  fast = false,
  ...props
}: Omit<ReconnectToasterProps, "connection"> & { fast?: boolean }) {
  const { connection } = useSSE("/events", {
    backoff: fast ? fastBackoff : slowBackoff,
  })
  return (
    <div className="min-h-64">
      <p className="text-sm text-muted-foreground">
        A page with a live connection. Its trouble shows as a toast.
      </p>
      <ReconnectToaster connection={connection} {...props} />
    </div>
  )
}

/** The toasts on the page (sonner renders them as list items in its notifications section). */
const toasts = () => [
  ...document.querySelectorAll<HTMLElement>("[data-sonner-toast]"),
]

/** Waits for exactly one toast of sonner type `type` that has finished entering. */
async function waitForToast(type: string, timeout = 4000) {
  return waitFor(
    () => {
      const all = toasts()
      expect(all).toHaveLength(1)
      expect(all[0]).toHaveAttribute("data-type", type)
      expect(all[0]).toHaveAttribute("data-mounted", "true")
      expect(getComputedStyle(all[0]!).opacity).toBe("1")
      return all[0]!
    },
    { timeout }
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
  title: "Realtime/ReconnectToast",
  component: ReconnectToaster,
  loaders: [testTransportLoader],
  decorators: [withTestTransport],
  // sonner keeps its toasts in a module-level store: start every story from none.
  beforeEach: () => {
    toast.dismiss()
  },
  render: (args) => <LiveToaster {...args} />,
  args: { locale: "en-US", position: "bottom-center" },
} satisfies Meta<typeof ReconnectToaster>

export default meta
type Story = StoryObj<typeof meta>

/** Connected: no toast. */
export const Open: Story = {
  play: async (context) => {
    await openConnection(context)
    await sleep(1800)
    await expect(toasts()).toHaveLength(0)
  },
}

/** The stream drops: one toast, "Connection lost · Reconnecting in 7s", ticking in place, with "Retry now". */
export const Reconnecting: Story = {
  play: async (context) => {
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    await sleep(500)
    await expect(toasts()).toHaveLength(0)
    const element = await waitForToast("warning")
    const item = within(element)
    await expect(item.getByText("Connection lost")).toBeVisible()
    await expect(element).toHaveTextContent(/Reconnecting in [5-7]\s?s/)
    const countdown = element.querySelector(
      '[data-slot="reconnect-toast-countdown"]'
    )!
    await expect(countdown).toHaveAttribute("aria-hidden", "true")
    const first = countdown.textContent
    // The countdown ticks inside the same toast: still one toast, and no new one per second.
    await waitFor(() => expect(countdown.textContent).not.toBe(first), {
      timeout: 2500,
    })
    await expect(toasts()).toEqual([element])
    await expect(item.getByRole("button", { name: "Retry now" })).toBeVisible()
  },
}

/** "Retry now" reconnects; the same toast turns into "Reconnected" and closes by itself. */
export const ReconnectedInPlace: Story = {
  args: { restoredMs: 1500 },
  play: async (context) => {
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    const element = await waitForToast("warning")
    kit.chaos.reconnect()
    await userEvent.click(
      within(element).getByRole("button", { name: "Retry now" })
    )
    const success = await waitForToast("success")
    await expect(success).toBe(element)
    await expect(success).toHaveTextContent("Reconnected")
    await expect(
      within(success).queryByRole("button", { name: "Retry now" })
    ).toBeNull()
    await expect(kit.server.requests).toHaveLength(2)
    await waitFor(() => expect(toasts()).toHaveLength(0), { timeout: 4000 })
  },
}

/** Offline, then back: "You are offline" becomes "Back online" in the same toast. */
export const OfflineThenBackOnline: Story = {
  args: { restoredMs: 1500 },
  play: async (context) => {
    const kit = await openConnection(context)
    kit.chaos.offline()
    const element = await waitForToast("info")
    await expect(element).toHaveTextContent("You are offline")
    await expect(within(element).queryByRole("button")).toBeNull()
    kit.chaos.online()
    const success = await waitForToast("success")
    await expect(success).toBe(element)
    await expect(success).toHaveTextContent("Back online")
  },
}

/** A drop that heals within the delay raises no toast at all. */
export const BlipShowsNothing: Story = {
  render: (args) => <LiveToaster {...args} fast />,
  play: async (context) => {
    const kit = await openConnection(context)
    let appeared = false
    const observer = new MutationObserver(() => {
      if (toasts().length > 0) appeared = true
    })
    observer.observe(document.body, { childList: true, subtree: true })
    kit.chaos.disconnect()
    kit.chaos.reconnect()
    await waitFor(() => expect(kit.server.connections).toBe(1))
    await sleep(2200)
    observer.disconnect()
    await expect(appeared).toBe(false)
    await expect(kit.server.requests).toHaveLength(2)
  },
}

/** The server refuses (401): an error toast with the reason and Retry, at once. */
export const Failed: Story = {
  beforeEach: (context) => kitOf(context).server.respondWith({ status: 401 }),
  play: async () => {
    const element = await waitForToast("error", 1500)
    await expect(element).toHaveTextContent("Connection failed")
    await expect(element).toHaveTextContent(/401/)
    await expect(
      within(element).getByRole("button", { name: "Retry" })
    ).toBeVisible()
  },
}

/**
 * The hook with the app's own `<Toaster />`, which mounts only later (lazy-loaded, or below in the tree). The toast
 * raised before it mounted is not lost: sonner replays the active toasts to a Toaster when it subscribes, and since
 * every state updates one toast id, what it replays is the latest state.
 */
function LateToaster() {
  const { connection } = useSSE("/events", { backoff: slowBackoff })
  useReconnectToasts(connection, { locale: "en-US", delayMs: 300 })
  const [mounted, setMounted] = React.useState(false)
  return (
    <div className="min-h-64 space-y-3">
      <Button onClick={() => setMounted(true)} variant="outline" size="sm">
        Mount the Toaster
      </Button>
      {mounted && <Toaster position="bottom-center" />}
    </div>
  )
}

export const ToastsBeforeToasterMounts: Story = {
  render: () => <LateToaster />,
  play: async (context) => {
    const { canvas } = context
    const kit = await openConnection(context)
    kit.chaos.offline()
    // Raised while no Toaster exists: nothing to see yet.
    await sleep(800)
    await expect(toasts()).toHaveLength(0)
    await expect(
      toast
        .getToasts()
        .some((item) => "title" in item && item.title === "You are offline")
    ).toBe(true)
    await userEvent.click(
      canvas.getByRole("button", { name: "Mount the Toaster" })
    )
    const element = await waitForToast("info")
    await expect(element).toHaveTextContent("You are offline")
  },
}

/** Right-to-left, Arabic texts and countdown. */
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
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    const element = await waitForToast("warning")
    await expect(element).toHaveTextContent("انقطع الاتصال")
    await expect(
      within(element).getByRole("button", { name: "أعد المحاولة الآن" })
    ).toBeVisible()
  },
}

/** Dark theme: the Toaster follows the `.dark` class and the shadcn popover tokens. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async (context) => {
    const kit = await openConnection(context)
    kit.chaos.disconnect()
    const element = await waitForToast("warning")
    await expect(
      document.querySelector("[data-sonner-toaster]")
    ).toHaveAttribute("data-sonner-theme", "dark")
    await expect(getComputedStyle(element).backgroundColor).not.toBe(
      "rgb(255, 255, 255)"
    )
  },
}

/** Reduced motion: the toast appears without sliding (sonner honours the setting; no transition runs). */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async (context) => {
    const kit = await openConnection(context)
    kit.chaos.offline()
    const element = await waitForToast("info")
    await expect(
      getComputedStyle(element)
        .transitionDuration.split(",")
        .every((value) => value.trim() === "0s")
    ).toBe(true)
  },
}
