import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, within } from "storybook/test"

import { NotificationCenter } from "@/registry/realtime/blocks/notification-center/notification-center"
import {
  badge,
  bell,
  CHANNEL,
  items,
  loadedOf,
  notificationCenterMeta,
  openPanel,
  page,
} from "@/registry/realtime/blocks/notification-center/notification-center.story-fixtures"

// Presentation and edge cases: a long history, right to left, dark, reduced motion. The behaviour stories are in
// notification-center.stories.tsx.
const meta = {
  ...notificationCenterMeta,
  title: "Realtime/NotificationCenter/Display",
  component: NotificationCenter,
} satisfies Meta<typeof NotificationCenter>

export default meta
type Story = StoryObj<typeof meta>

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
