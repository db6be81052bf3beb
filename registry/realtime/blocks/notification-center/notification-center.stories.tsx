import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { NotificationCenter } from "@/registry/realtime/blocks/notification-center/notification-center"
import {
  badge,
  bell,
  CHANNEL,
  FakeNotification,
  items,
  loadedOf,
  notificationCenterMeta,
  openPanel,
  page,
  panelClosed,
} from "@/registry/realtime/blocks/notification-center/notification-center.story-fixtures"
import { sleep } from "@/registry/realtime/testing/story-kit"

// Behaviour: opening, reading, arrivals, desktop permission, connection. A long history, right to left, dark and
// reduced motion are in notification-center-display.stories.tsx.
const meta = {
  ...notificationCenterMeta,
  title: "Realtime/NotificationCenter",
  component: NotificationCenter,
} satisfies Meta<typeof NotificationCenter>

export default meta
type Story = StoryObj<typeof meta>

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
