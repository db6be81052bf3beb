"use client"

import * as React from "react"

/** What the browser allows for desktop notifications: `unsupported` when it has no Notification API. */
export type DesktopPermission = "unsupported" | NotificationPermission

/** One desktop notification: its title and body, and a tag so the same one replaces rather than stacks. */
export interface DesktopNotification {
  id: string
  title: string
  body?: string
}

function getNotificationApi(): typeof Notification | undefined {
  return typeof window !== "undefined" && "Notification" in window
    ? window.Notification
    : undefined
}

/** The browser's notification permission (null until mounted: the server cannot know it) and a way to ask for it. */
export function useDesktopPermission(): [
  DesktopPermission | null,
  () => Promise<void>,
] {
  const [permission, setPermission] = React.useState<DesktopPermission | null>(
    null
  )

  React.useEffect(() => {
    const api = getNotificationApi()
    if (!api) {
      setPermission("unsupported")
      return
    }
    setPermission(api.permission)
    // Follow changes made in the browser's site settings while the page is open, where the Permissions API can.
    let status: PermissionStatus | undefined
    let cancelled = false
    const update = () =>
      setPermission(getNotificationApi()?.permission ?? "unsupported")
    navigator.permissions
      ?.query({ name: "notifications" })
      .then((result) => {
        if (cancelled) return
        status = result
        status.addEventListener("change", update)
      })
      .catch(() => {
        // Not every browser can query this permission; the value read above stands.
      })
    return () => {
      cancelled = true
      status?.removeEventListener("change", update)
    }
  }, [])

  const request = React.useCallback(async () => {
    const api = getNotificationApi()
    if (!api) return
    // Older Safari only takes a callback; current browsers return a promise.
    const result = await new Promise<NotificationPermission>((resolve) => {
      const returned = api.requestPermission(resolve)
      if (returned) void returned.then(resolve)
    })
    setPermission(result)
  }, [])

  return [permission, request]
}

/** Shows a system notification; clicking it focuses the tab and runs `onClick`. */
export function showDesktopNotification(
  item: DesktopNotification,
  onClick: () => void
) {
  const api = getNotificationApi()
  if (!api) return
  try {
    const notification = new api(item.title, { body: item.body, tag: item.id })
    notification.onclick = () => {
      window.focus()
      onClick()
      notification.close()
    }
  } catch (error) {
    // Android Chrome only allows notifications from a service worker: report it, the toast and badge still work.
    console.warn("[realtime-kit] Could not show a desktop notification:", error)
  }
}
