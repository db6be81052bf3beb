import {
  createTestTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import { RealtimeProvider, type Transport } from "@realtime-kit/react"
import type {
  Decorator,
  Meta,
  StoryContext,
  StoryObj,
} from "@storybook/react-vite"
import { toast, Toaster } from "sonner"
import { expect, fn, userEvent, waitFor, within } from "storybook/test"

import {
  NotificationCenter,
  type NotificationCenterItem,
} from "@/registry/realtime/blocks/notification-center/notification-center"
import { sleep } from "@/registry/realtime/testing/story-kit"

const CHANNEL = "notifications:you"

interface Loaded {
  kit: TestTransport
  transport: Transport
  /** Resolves once the server has the block's channel subscription: publish after it, or the message is history. */
  subscribed: () => Promise<void>
  /** The story's clock: history is placed relative to it, so "5 minutes ago" stays true however long the run. */
  now: number
}

type History = "none" | "some" | "many"
type Permission = NotificationPermission | "unsupported"

/** A stand-in for the browser's Notification API: records what would have been shown and what was asked. */
class FakeNotification {
  static permission: NotificationPermission = "default"
  /** What `requestPermission()` answers (the user's click in the browser's prompt). */
  static answer: NotificationPermission = "granted"
  static requestPermission = fn(async () => {
    FakeNotification.permission = FakeNotification.answer
    return FakeNotification.permission
  })
  static shown: FakeNotification[] = []
  onclick: (() => void) | null = null
  constructor(
    readonly title: string,
    readonly options?: NotificationOptions
  ) {
    FakeNotification.shown.push(this)
  }
  close() {}
}

/** A fresh server hub and this user's transport per story. */
const channelLoader = async (): Promise<Loaded> => {
  let subscribes = 0
  const kit = createTestTransport({
    hub: {
      admit: (_session, frame) => {
        if (frame.type === "subscribe" && frame.channel === CHANNEL)
          subscribes++
        return null
      },
    },
  })
  const subscribed = async () => {
    await waitFor(() => expect(subscribes).toBeGreaterThan(0))
    // The hub registers the subscription right after admitting it.
    await sleep(10)
  }
  return {
    kit,
    transport: kit.createTransport({ userId: "you" }),
    now: Date.now(),
    subscribed,
  }
}

const loadedOf = (context: Pick<StoryContext, "loaded">) =>
  context.loaded as Loaded

/** The user's RealtimeProvider, plus the Toaster the block's toasts render into (following the theme and direction). */
const withChannel: Decorator = (Story, context) => {
  const { kit, transport } = loadedOf(context)
  const { theme, direction } = context.globals as {
    theme?: "light" | "dark"
    direction?: "ltr" | "rtl"
  }
  return (
    <RealtimeProvider transport={transport} network={kit.network}>
      {/* Room below the bell for the panel. */}
      <div className="flex min-h-[34rem] items-start justify-end">
        <Story />
      </div>
      <Toaster
        theme={theme ?? "light"}
        dir={direction ?? "ltr"}
        position="bottom-right"
        duration={60_000}
      />
    </RealtimeProvider>
  )
}

function history(now: number, kind: History): NotificationCenterItem[] {
  if (kind === "none") return []
  if (kind === "some") {
    return [
      {
        id: "n1",
        title: "Deploy finished",
        body: "acme.dev is live on 3 regions.",
        at: now - 5 * 60_000,
      },
      {
        id: "n2",
        title: "Maya commented on “Launch plan”",
        body: "Looks good — ship it Thursday?",
        at: now - 2 * 3_600_000,
      },
      { id: "n3", title: "Invoice #1042 paid", at: now - 26 * 3_600_000 },
      {
        id: "n4",
        title: "Weekly report is ready",
        at: now - 9 * 24 * 3_600_000,
        read: true,
      },
    ]
  }
  return Array.from({ length: 150 }, (_, index) => ({
    id: `m${index}`,
    title: `Build #${2000 - index} ${index % 3 === 0 ? "failed on main" : "passed"}`,
    body:
      index % 3 === 0
        ? "TypeError: Cannot read properties of undefined (reading “id”) in src/app.tsx:42"
        : undefined,
    at: now - index * 17 * 60_000,
    read: index >= 120,
  }))
}

const meta = {
  title: "Realtime/NotificationCenter",
  component: NotificationCenter,
  loaders: [channelLoader],
  decorators: [withChannel],
  parameters: {
    history: "some" satisfies History,
    desktopPermission: "default" satisfies Permission,
  },
  args: { channel: CHANNEL, locale: "en-US", onMarkRead: fn() },
  beforeEach: (context) => {
    toast.dismiss()
    const permission = (context.parameters.desktopPermission ??
      "default") as Permission
    const original = Object.getOwnPropertyDescriptor(window, "Notification")
    FakeNotification.permission =
      permission === "unsupported" ? "default" : permission
    FakeNotification.answer = "granted"
    FakeNotification.requestPermission.mockClear()
    FakeNotification.shown = []
    if (permission === "unsupported")
      delete (window as { Notification?: unknown }).Notification
    else
      Object.defineProperty(window, "Notification", {
        value: FakeNotification,
        configurable: true,
        writable: true,
      })
    return () => {
      if (original) Object.defineProperty(window, "Notification", original)
      toast.dismiss()
    }
  },
  render: (args, context) => (
    <NotificationCenter
      {...args}
      initial={
        args.initial ??
        history(loadedOf(context).now, context.parameters.history as History)
      }
    />
  ),
} satisfies Meta<typeof NotificationCenter>

export default meta
type Story = StoryObj<typeof meta>

const bell = (canvasElement: HTMLElement) =>
  within(canvasElement).getByRole("button", { name: /^Notifications/ })
// The panel is shadcn's popover, which renders in a portal: its contents are queried on the whole page.
const items = (root: HTMLElement) => [
  ...root.querySelectorAll<HTMLElement>(
    '[data-slot="notification-center-item"]'
  ),
]
const badge = (canvasElement: HTMLElement) =>
  canvasElement.querySelector('[data-slot="notification-center-badge"]')
const page = within(document.body)

/**
 * Clicks the bell, and lets shadcn's popover finish fading in (tw-animate-css), so what the story then checks is
 * what a user sees once it has opened.
 */
async function openPanel(canvasElement: HTMLElement) {
  await userEvent.click(bell(canvasElement))
  const panel = await page.findByRole("dialog")
  await waitFor(() =>
    expect(
      panel
        .getAnimations()
        .filter((animation) => animation.playState === "running")
    ).toEqual([])
  )
}

/** The popover fades out before it is removed: waits until it is gone. */
const panelClosed = () =>
  waitFor(() => expect(page.queryByRole("dialog")).toBeNull())

/** Nothing yet: no badge, and the panel says so. Focus moves into the panel. */
export const Empty: Story = {
  parameters: { history: "none" },
  play: async ({ canvasElement }) => {
    await expect(bell(canvasElement)).toHaveAccessibleName("Notifications")
    await expect(badge(canvasElement)).toBeNull()
    await openPanel(canvasElement)
    const panel = page.getByRole("dialog", { name: "Notifications" })
    await expect(within(panel).getByText("You’re all caught up")).toBeVisible()
    await expect(panel).toHaveFocus()
    await expect(
      within(panel).getByRole("button", { name: "Mark all as read" })
    ).toBeDisabled()
  },
}

/** Three unread of four: the count in the bell's name and badge; newest first, with relative times. */
export const SomeUnread: Story = {
  play: async ({ canvasElement }) => {
    await expect(bell(canvasElement)).toHaveAccessibleName(
      "Notifications, 3 unread"
    )
    await expect(badge(canvasElement)).toHaveTextContent("3")
    await expect(bell(canvasElement)).toHaveAttribute("aria-expanded", "false")
    await openPanel(canvasElement)
    await expect(bell(canvasElement)).toHaveAttribute("aria-expanded", "true")
    const list = items(document.body)
    await expect(
      list.map((item) => item.querySelector("bdi")?.textContent)
    ).toEqual([
      "Deploy finished",
      "Maya commented on “Launch plan”",
      "Invoice #1042 paid",
      "Weekly report is ready",
    ])
    await expect(
      list.map((item) => item.querySelector("time")?.textContent)
    ).toEqual(["5 minutes ago", "2 hours ago", "yesterday", "last week"])
    // Unread is said in words, not only by the dot and the weight.
    await expect(list[0]).toHaveAccessibleName(/^Unread: Deploy finished/)
    await expect(list[3]).toHaveAccessibleName(/^Weekly report is ready/)
    await expect(list[0]).toHaveFocus()
    // Escape closes and gives focus back to the bell.
    await userEvent.keyboard("{Escape}")
    await panelClosed()
    await expect(page.queryByRole("dialog")).toBeNull()
    await expect(bell(canvasElement)).toHaveFocus()
  },
}

/** All by keyboard: Enter opens, arrows / Home / End / Tab move, Enter marks one read. */
export const Keyboard: Story = {
  play: async ({ canvasElement, args }) => {
    bell(canvasElement).focus()
    await userEvent.keyboard("{Enter}")
    const list = items(document.body)
    await expect(list[0]).toHaveFocus()
    await userEvent.keyboard("{ArrowDown}")
    await expect(list[1]).toHaveFocus()
    await userEvent.keyboard("{End}")
    await expect(list[3]).toHaveFocus()
    await userEvent.keyboard("{ArrowDown}")
    await expect(list[3]).toHaveFocus()
    await userEvent.keyboard("{Home}")
    await expect(list[0]).toHaveFocus()
    await userEvent.tab()
    await expect(list[1]).toHaveFocus()
    await userEvent.keyboard("{Enter}")
    await expect(args.onMarkRead).toHaveBeenCalledWith(["n2"])
    await expect(list[1]).toHaveAttribute("data-state", "read")
    await expect(bell(canvasElement)).toHaveAccessibleName(
      "Notifications, 2 unread"
    )
    // Shift+Tab goes back up the list to the panel's header.
    await userEvent.tab({ shift: true })
    await userEvent.tab({ shift: true })
    await expect(
      page.getByRole("button", { name: "Mark all as read" })
    ).toHaveFocus()
  },
}

/** Mark one read by clicking it, then the rest with "Mark all as read"; each persists through `onMarkRead`. */
export const MarkRead: Story = {
  play: async ({ canvasElement, args }) => {
    await openPanel(canvasElement)
    await userEvent.click(items(document.body)[0]!)
    await expect(args.onMarkRead).toHaveBeenLastCalledWith(["n1"])
    await expect(badge(canvasElement)).toHaveTextContent("2")
    // Clicking a read one again persists nothing.
    await userEvent.click(items(document.body)[0]!)
    await expect(args.onMarkRead).toHaveBeenCalledTimes(1)
    await userEvent.click(
      page.getByRole("button", { name: "Mark all as read" })
    )
    await expect(args.onMarkRead).toHaveBeenLastCalledWith(["n2", "n3"])
    await expect(badge(canvasElement)).toBeNull()
    await expect(bell(canvasElement)).toHaveAccessibleName("Notifications")
    await expect(
      page.getByRole("button", { name: "Mark all as read" })
    ).toBeDisabled()
    for (const item of items(document.body))
      await expect(item).toHaveAttribute("data-state", "read")
  },
}

/** 150 notifications, 120 unread: the badge caps at 99+, the name says 120, and the list scrolls inside the panel. */
export const Many: Story = {
  parameters: { history: "many" },
  args: { max: 200 },
  play: async ({ canvasElement }) => {
    await expect(badge(canvasElement)).toHaveTextContent("99+")
    await expect(bell(canvasElement)).toHaveAccessibleName(
      "Notifications, 120 unread"
    )
    await openPanel(canvasElement)
    const list = page.getByRole("list", { name: "Notifications" })
    await expect(within(list).getAllByRole("listitem")).toHaveLength(150)
    await expect(list.scrollHeight).toBeGreaterThan(list.clientHeight)
    const panel = page.getByRole("dialog").getBoundingClientRect()
    await expect(panel.bottom).toBeLessThanOrEqual(window.innerHeight)
    await userEvent.keyboard("{End}")
    await expect(items(document.body).at(-1)).toHaveFocus()
    await expect(list.scrollTop).toBeGreaterThan(0)
  },
}

/** A notification arrives while the panel is closed: a toast, and the badge goes up. "View" opens the panel. */
export const NewArrives: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit, subscribed } = loadedOf({ loaded })
    await expect(badge(canvasElement)).toHaveTextContent("3")
    await subscribed()
    kit.server.publish(CHANNEL, "notification", {
      id: "live-1",
      title: "Payment received",
      body: "€1,200.00 from Globex",
    })
    await waitFor(() => expect(badge(canvasElement)).toHaveTextContent("4"))
    await expect(bell(canvasElement)).toHaveAccessibleName(
      "Notifications, 4 unread"
    )
    const toastTitle = await page.findByText("Payment received")
    // Visible once it has faded in.
    await waitFor(() =>
      expect(page.getByText("€1,200.00 from Globex")).toBeVisible()
    )
    // The same notification again (a replay) is not listed or counted twice.
    kit.server.publish(CHANNEL, "notification", {
      id: "live-1",
      title: "Payment received",
      body: "€1,200.00 from Globex",
    })
    await sleep(100)
    await expect(badge(canvasElement)).toHaveTextContent("4")
    const toastElement = toastTitle.closest(
      "[data-sonner-toast]"
    ) as HTMLElement
    await userEvent.click(
      within(toastElement).getByRole("button", { name: "View" })
    )
    await waitFor(() => expect(page.getByRole("dialog")).toBeVisible())
    await expect(items(document.body)[0]).toHaveAccessibleName(
      /^Unread: Payment received/
    )
    await expect(
      items(document.body)[0]!.querySelector("time")
    ).toHaveTextContent("now")
    // The panel shows it now: the toast goes away.
    await waitFor(() =>
      expect(document.querySelector("[data-sonner-toast]")).toBeNull()
    )
  },
}

/** While the panel is open, a new one goes to the top and is announced; no toast covers the panel. */
export const ArrivesWhileOpen: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit, subscribed } = loadedOf({ loaded })
    await subscribed()
    await openPanel(canvasElement)
    kit.server.publish(CHANNEL, "notification", {
      title: "Priya invited you to “Q3 roadmap”",
    })
    await waitFor(() => expect(items(document.body)).toHaveLength(5))
    await expect(items(document.body)[0]).toHaveAccessibleName(
      /^Unread: Priya invited you/
    )
    await expect(
      page.getByText("New notification: Priya invited you to “Q3 roadmap”")
    ).toBeInTheDocument()
    // Focus stays where the reader was.
    await expect(items(document.body)[1]).toHaveFocus()
    await expect(document.querySelector("[data-sonner-toast]")).toBeNull()
  },
}

/** Desktop notifications not decided yet: the button asks; the answer replaces it and takes focus. */
export const PermissionDefault: Story = {
  play: async ({ canvasElement }) => {
    await openPanel(canvasElement)
    await userEvent.click(
      page.getByRole("button", { name: "Enable desktop notifications" })
    )
    await expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1)
    const status = await page.findByText(
      "Desktop notifications are on while this tab is in the background."
    )
    await expect(status.closest('[role="status"]')).toHaveFocus()
    await expect(
      page.queryByRole("button", { name: "Enable desktop notifications" })
    ).toBeNull()
  },
}

/** Granted: a new notification becomes a system notification only while the tab is hidden. */
export const PermissionGranted: Story = {
  parameters: { desktopPermission: "granted" },
  beforeEach: () => () => {
    delete (document as { visibilityState?: unknown }).visibilityState
  },
  play: async ({ canvasElement, loaded }) => {
    const { kit, subscribed } = loadedOf({ loaded })
    await subscribed()
    await openPanel(canvasElement)
    await expect(
      page.getByText(
        "Desktop notifications are on while this tab is in the background."
      )
    ).toBeVisible()
    await userEvent.keyboard("{Escape}")
    // Visible tab: a toast, no system notification.
    kit.server.publish(CHANNEL, "notification", {
      title: "Visible-tab message",
    })
    await page.findByText("Visible-tab message")
    await expect(FakeNotification.shown).toHaveLength(0)
    // Hidden tab: a system notification too.
    Object.defineProperty(document, "visibilityState", {
      value: "hidden",
      configurable: true,
    })
    kit.server.publish(CHANNEL, "notification", {
      id: "bg-1",
      title: "Build failed on main",
      body: "3 type errors",
    })
    await waitFor(() => expect(FakeNotification.shown).toHaveLength(1))
    await expect(FakeNotification.shown[0]).toMatchObject({
      title: "Build failed on main",
      options: { body: "3 type errors", tag: "bg-1" },
    })
    // Clicking it brings the panel up.
    FakeNotification.shown[0]!.onclick?.()
    await waitFor(() => expect(page.getByRole("dialog")).toBeVisible())
  },
}

/** Denied: it says so, and how to undo it (browsers never ask again). */
export const PermissionDenied: Story = {
  parameters: { desktopPermission: "denied" },
  play: async ({ canvasElement }) => {
    await openPanel(canvasElement)
    await expect(
      page.getByText("Desktop notifications are blocked.")
    ).toBeVisible()
    await expect(
      page.getByText(/open this site’s settings in your browser/)
    ).toBeVisible()
    await expect(
      page.queryByRole("button", { name: "Enable desktop notifications" })
    ).toBeNull()
  },
}

/** The user refuses in the browser's prompt: the explanation replaces the button. */
export const PermissionRefused: Story = {
  beforeEach: () => {
    FakeNotification.answer = "denied"
  },
  play: async ({ canvasElement }) => {
    await openPanel(canvasElement)
    await userEvent.click(
      page.getByRole("button", { name: "Enable desktop notifications" })
    )
    await expect(
      await page.findByText("Desktop notifications are blocked.")
    ).toBeVisible()
  },
}

/** No Notification API (e.g. iOS Safari outside a home-screen app): said plainly, no button. */
export const PermissionUnsupported: Story = {
  parameters: { desktopPermission: "unsupported" },
  play: async ({ canvasElement }) => {
    await expect("Notification" in window).toBe(false)
    await openPanel(canvasElement)
    await expect(
      page.getByText("This browser does not support desktop notifications.")
    ).toBeVisible()
  },
}

/** The connection dropped: a small hint that notifications may be late; what was missed arrives on reconnect. */
export const Reconnecting: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit, subscribed } = loadedOf({ loaded })
    await subscribed()
    kit.chaos.disconnect()
    await openPanel(canvasElement)
    await waitFor(() =>
      expect(
        page.getByText("Reconnecting… new notifications may be delayed.")
      ).toBeVisible()
    )
    kit.server.publish(CHANNEL, "notification", {
      title: "Sent while you were away",
    })
    kit.chaos.reconnect()
    await waitFor(
      () =>
        expect(items(document.body)[0]).toHaveAccessibleName(
          /^Unread: Sent while you were away/
        ),
      { timeout: 4000 }
    )
    await waitFor(() =>
      expect(
        page.queryByText("Reconnecting… new notifications may be delayed.")
      ).toBeNull()
    )
  },
}

/** Offline: the hint says notifications will arrive when the device is back. */
export const Offline: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit, subscribed } = loadedOf({ loaded })
    await subscribed()
    kit.chaos.offline()
    await openPanel(canvasElement)
    await waitFor(() =>
      expect(
        page.getByText(
          "You are offline. New notifications will arrive when you are back."
        )
      ).toBeVisible()
    )
  },
}

/** Right to left, Arabic: the panel opens towards the inline start and stays on screen; digits and times localised. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar-EG",
    labels: {
      bell: (count, formatted) =>
        count === 0 ? "الإشعارات" : `الإشعارات، ${formatted} غير مقروءة`,
      heading: "الإشعارات",
      markAllRead: "تعليم الكل كمقروء",
      unread: "غير مقروء",
      enableDesktop: "تفعيل إشعارات سطح المكتب",
    },
  },
  play: async ({ canvasElement }) => {
    const bellButton = page.getByRole("button", { name: /^الإشعارات/ })
    await expect(bellButton).toHaveAccessibleName("الإشعارات، ٣ غير مقروءة")
    await expect(badge(canvasElement)).toHaveTextContent("٣")
    await userEvent.click(bellButton)
    const panel = page
      .getByRole("dialog", { name: "الإشعارات" })
      .getBoundingClientRect()
    await expect(panel.left).toBeGreaterThanOrEqual(0)
    await expect(
      items(document.body)[0]!.querySelector("time")
    ).toHaveTextContent("قبل ٥ دقائق")
  },
}

/** Dark theme, panel open. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async ({ canvasElement }) => {
    await openPanel(canvasElement)
    await expect(document.documentElement).toHaveClass("dark")
    await expect(page.getByRole("dialog")).toBeVisible()
  },
}

/** Reduced motion: the toast appears without sliding in. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async ({ canvasElement, loaded }) => {
    const { kit, subscribed } = loadedOf({ loaded })
    await subscribed()
    kit.server.publish(CHANNEL, "notification", { title: "Quietly arrived" })
    const title = await page.findByText("Quietly arrived")
    const toastElement = title.closest<HTMLElement>("[data-sonner-toast]")!
    await expect(
      getComputedStyle(toastElement)
        .transitionDuration.split(",")
        .every((d) => parseFloat(d) === 0)
    ).toBe(true)
    await expect(badge(canvasElement)).toHaveTextContent("4")
  },
}
