"use client"

import * as React from "react"
import { useChannel, useEvent } from "@realtime-kit/react"
import { toast } from "sonner"

import {
  showDesktopNotification,
  type DesktopPermission,
} from "@/registry/realtime/blocks/notification-center/hooks/use-desktop-notifications"
import {
  sortNewestFirst,
  toNotification,
  type NotificationCenterEvent,
  type NotificationCenterItem,
  type NotificationCenterLabels,
} from "@/registry/realtime/blocks/notification-center/lib/notification-center-items"

interface NotificationsOptions {
  channel: string
  event: string
  initial: readonly NotificationCenterItem[] | undefined
  max: number
  open: boolean
  onOpen: () => void
  onMarkRead: ((ids: string[]) => void) | undefined
  toasts: boolean
  permission: DesktopPermission | null
  labels: NotificationCenterLabels
}

/**
 * The notifications: history plus live ones from the channel (a replayed id is ignored), each new one toasted while
 * the panel is closed, announced while it is open, and shown on the desktop while the tab is hidden (if allowed).
 */
export function useNotifications(options: NotificationsOptions) {
  const { channel: channelName, event, initial, max, open } = options
  const [items, setItems] = React.useState<NotificationCenterItem[]>(() =>
    sortNewestFirst(initial ?? []).slice(0, max)
  )
  const [announcement, setAnnouncement] = React.useState("")

  // Read by the event handler, which must not re-subscribe when these change.
  const latest = React.useRef({ ...options, items })
  React.useLayoutEffect(() => {
    latest.current = { ...options, items }
  })

  // Toasts still on screen: opening the panel dismisses them, since the panel now shows the same notifications.
  const toastIds = React.useRef(new Set<string>())
  React.useEffect(() => {
    if (!open) {
      setAnnouncement("")
      return
    }
    for (const id of toastIds.current) toast.dismiss(id)
    toastIds.current.clear()
  }, [open])

  /** Lists a new notification (an id already listed is ignored) and tells the reader: toast, announcement, desktop. */
  const add = React.useCallback((item: NotificationCenterItem) => {
    const current = latest.current
    if (current.items.some((existing) => existing.id === item.id)) return
    const next = [item, ...current.items].slice(0, current.max)
    current.items = next
    setItems(next)

    if (current.open) {
      setAnnouncement(current.labels.arrived(item.title))
    } else if (current.toasts) {
      const toastId = `notification-${item.id}`
      toastIds.current.add(toastId)
      toast(item.title, {
        id: toastId,
        description: item.body,
        action: { label: current.labels.view, onClick: current.onOpen },
      })
    }
    if (
      current.permission === "granted" &&
      typeof document !== "undefined" &&
      document.visibilityState === "hidden"
    ) {
      showDesktopNotification(item, () => latest.current.onOpen())
    }
  }, [])

  const channel =
    useChannel<Record<string, NotificationCenterEvent>>(channelName)
  useEvent(channel, event, (message) => {
    const item = toNotification(
      message.data as Partial<NotificationCenterEvent> | null,
      message
    )
    if (item) add(item)
  })

  const markRead = React.useCallback((ids: readonly string[]) => {
    const current = latest.current
    const unread = new Set(
      current.items
        .filter((item) => !item.read && ids.includes(item.id))
        .map((item) => item.id)
    )
    if (unread.size === 0) return
    const next = current.items.map((item) =>
      unread.has(item.id) ? { ...item, read: true } : item
    )
    current.items = next
    setItems(next)
    current.onMarkRead?.([...unread])
  }, [])

  return { items, markRead, announcement, add }
}
