/** One notification in the list. */
export interface NotificationCenterItem {
  id: string
  title: string
  body?: string
  /** When it happened, in ms since epoch. */
  at: number
  read?: boolean
}

/** The data of a `notification` event. */
export interface NotificationCenterEvent {
  title: string
  body?: string
  id?: string
  at?: number
}

export interface NotificationCenterLabels {
  /** The bell's accessible name. `count` is the unread count as a number, `formatted` in the locale. */
  bell: (count: number, formatted: string) => string
  heading: string
  markAllRead: string
  /** Read before an unread item's title by screen readers. */
  unread: string
  empty: string
  emptyDetail: string
  reconnecting: string
  offline: string
  /** Announced while the panel is open and a notification arrives. */
  arrived: (title: string) => string
  /** The toast's button that opens the panel. */
  view: string
  enableDesktop: string
  desktopGranted: string
  desktopDenied: string
  /** How to undo a refusal: browsers never ask twice, so point to the site settings. */
  desktopDeniedHelp: string
  desktopUnsupported: string
  /** A chat mention's title: who mentioned you, and in which room. */
  mentioned: (name: string, room: string) => string
}

export const defaultNotificationCenterLabels: NotificationCenterLabels = {
  bell: (count, formatted) =>
    count === 0 ? "Notifications" : `Notifications, ${formatted} unread`,
  heading: "Notifications",
  markAllRead: "Mark all as read",
  unread: "Unread",
  empty: "You’re all caught up",
  emptyDetail: "New notifications will show up here.",
  reconnecting: "Reconnecting… new notifications may be delayed.",
  offline: "You are offline. New notifications will arrive when you are back.",
  arrived: (title) => `New notification: ${title}`,
  view: "View",
  enableDesktop: "Enable desktop notifications",
  desktopGranted:
    "Desktop notifications are on while this tab is in the background.",
  desktopDenied: "Desktop notifications are blocked.",
  desktopDeniedHelp:
    "To turn them on, open this site’s settings in your browser (the icon next to the address bar), allow notifications, then reload the page.",
  desktopUnsupported: "This browser does not support desktop notifications.",
  mentioned: (name, room) => `${name} mentioned you in ${room}`,
}

/** Newest first, each id once. */
export function sortNewestFirst(
  items: readonly NotificationCenterItem[]
): NotificationCenterItem[] {
  const seen = new Set<string>()
  return [...items]
    .sort((a, b) => b.at - a.at)
    .filter((item) => (seen.has(item.id) ? false : (seen.add(item.id), true)))
}

/** A notification from a `notification` event, or null when the event is not one. */
export function toNotification(
  data: Partial<NotificationCenterEvent> | null,
  message: { id: string; at: number }
): NotificationCenterItem | null {
  if (!data || typeof data.title !== "string") return null
  return {
    id: typeof data.id === "string" ? data.id : message.id,
    title: data.title,
    body: typeof data.body === "string" ? data.body : undefined,
    at: typeof data.at === "number" ? data.at : message.at,
    read: false,
  }
}
