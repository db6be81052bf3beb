"use client"

import * as React from "react"
import { useConnectionState } from "@realtime-kit/react"
import { Bell, CheckCheck, Inbox, WifiOff } from "lucide-react"

import { Badge } from "@/components/ui/badge"
import { Button } from "@/components/ui/button"
import {
  Popover,
  PopoverContent,
  PopoverTrigger,
} from "@/components/ui/popover"
import { NotificationCenterDesktop } from "@/registry/realtime/blocks/notification-center/components/notification-center-desktop"
import { NotificationCenterList } from "@/registry/realtime/blocks/notification-center/components/notification-center-list"
import {
  useDesktopPermission,
  type DesktopPermission,
} from "@/registry/realtime/blocks/notification-center/hooks/use-desktop-notifications"
import { useMentionNotifications } from "@/registry/realtime/blocks/notification-center/hooks/use-mention-notifications"
import { useNotifications } from "@/registry/realtime/blocks/notification-center/hooks/use-notifications"
import {
  defaultNotificationCenterLabels,
  type NotificationCenterEvent,
  type NotificationCenterItem,
  type NotificationCenterLabels,
} from "@/registry/realtime/blocks/notification-center/lib/notification-center-items"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { cn } from "@/registry/realtime/lib/utils"

/*
 * The event protocol. Publish one `notification` event per notification on the user's channel, from a route
 * handler or Server Action with `publish()` from `@realtime-kit/server`:
 *
 *   publish(`notifications:${userId}`, "notification", { title: "Deploy finished", body: "acme.dev is live" })
 *
 * data: { "title": string, "body"?: string, "id"?: string, "at"?: number }
 * `id` defaults to the message id and `at` (ms since epoch) to when the server stored it. A notification whose id
 * is already listed is ignored, so a replay after a reconnect never shows it twice.
 */

interface NotificationCenterProps extends React.ComponentProps<"div"> {
  /** The channel carrying this user's notifications, e.g. `notifications:${userId}`. */
  channel: string
  /** Notifications you already have (from your database), shown below the live ones. Any order; read on mount. */
  initial?: readonly NotificationCenterItem[]
  /** Persist read state: called with the ids just marked read (one item, or all). */
  onMarkRead?: (ids: string[]) => void
  /** The event name carrying notifications. Default `'notification'`. */
  event?: string
  /** Keep at most this many notifications (newest). Default 100. */
  max?: number
  /** Show a sonner toast for each new notification while the panel is closed. Needs a `<Toaster />`. Default true. */
  toasts?: boolean
  /** Offer desktop notifications (the browser's Notification API) while the tab is hidden. Default true. */
  desktop?: boolean
  /** Which side of the bell the panel lines up with. Default `'end'`. */
  align?: "start" | "end"
  /** BCP 47 locale for the count and relative times. Default: the browser's. */
  locale?: string
  /** Replace any of the default texts, e.g. to translate them. */
  labels?: Partial<NotificationCenterLabels>
  /** Chat rooms (their channels) whose `@` mentions of you show here, e.g. `["room:launch"]`. */
  mentionChannels?: readonly string[]
  /** You, for mentions. Default: the user id the server knows you by. */
  userId?: string
}

/**
 * A bell with an unread badge and a panel listing notifications: your history (`initial`) plus live ones from a
 * channel, newest first, with relative times in the reader's locale. The bell is shadcn's button and the panel its
 * popover, so both follow your theme.
 *
 * - Keyboard: the bell opens the panel and focus moves to the first unread notification; arrow keys, Home, End
 *   and Tab move through the list; Enter marks one read; Escape closes and returns focus to the bell.
 * - While the panel is closed, each new notification shows a sonner toast (render `<Toaster />` once in your
 *   layout); while it is open, screen readers hear "New notification: …".
 * - "Enable desktop notifications" asks the browser's permission; once granted, new notifications also show as
 *   system notifications while the tab is hidden. A refusal is explained, with how to undo it.
 * - With `mentionChannels`, `@` mentions of you in those chat rooms (the `chat-room` block's `chat:mention`
 *   signal) show as notifications too.
 * - A reconnecting or offline channel shows a small hint that notifications may be delayed; missed ones arrive
 *   on reconnect (the channel resumes), never twice.
 *
 * @example
 * <RealtimeProvider transport={transport}>
 *   <NotificationCenter channel={`notifications:${user.id}`} initial={history} onMarkRead={markReadAction} />
 *   <Toaster />
 * </RealtimeProvider>
 */
function NotificationCenter({
  channel: channelName,
  initial,
  onMarkRead,
  event = "notification",
  max = 100,
  toasts = true,
  desktop = true,
  align = "end",
  locale,
  labels: labelOverrides,
  mentionChannels,
  userId,
  className,
  ...props
}: NotificationCenterProps) {
  const labels = { ...defaultNotificationCenterLabels, ...labelOverrides }
  const [open, setOpen] = React.useState(false)
  const [permission, requestPermission] = useDesktopPermission()
  const { items, markRead, announcement, add } = useNotifications({
    channel: channelName,
    event,
    initial,
    max,
    open,
    onOpen: () => setOpen(true),
    onMarkRead,
    toasts,
    permission,
    labels,
  })

  useMentionNotifications({
    channels: mentionChannels,
    userId,
    add,
    labels,
  })

  const unreadCount = items.reduce(
    (count, item) => count + (item.read ? 0 : 1),
    0
  )
  const resolvedLocale = useLocale(locale)
  const numberFormat = React.useMemo(
    () => new Intl.NumberFormat(resolvedLocale),
    [resolvedLocale]
  )
  const badge =
    unreadCount > 99
      ? `${numberFormat.format(99)}+`
      : numberFormat.format(unreadCount)
  const { status } = useConnectionState()
  const stale = status === "reconnecting" || status === "offline"
  const headingId = React.useId()

  return (
    <div
      data-slot="notification-center"
      data-state={open ? "open" : "closed"}
      className={cn("relative inline-flex h-fit", className)}
      {...props}
    >
      <Popover open={open} onOpenChange={setOpen}>
        <PopoverTrigger asChild>
          <Button
            type="button"
            variant="outline"
            size="icon"
            data-slot="notification-center-bell"
            aria-label={labels.bell(
              unreadCount,
              numberFormat.format(unreadCount)
            )}
            className="aria-expanded:bg-accent"
          >
            <Bell aria-hidden="true" />
          </Button>
        </PopoverTrigger>
        {unreadCount > 0 && (
          // Beside the button, not in it: the button's name says the exact count ("120 unread"), the badge caps at 99+.
          <Badge
            aria-hidden="true"
            data-slot="notification-center-badge"
            className="pointer-events-none absolute -end-1.5 -top-1.5 h-5 min-w-5 border-2 border-background bg-red-600 px-1 text-[0.6875rem] leading-none font-semibold text-white tabular-nums dark:bg-red-600"
          >
            {badge}
          </Badge>
        )}
        <PopoverContent
          align={align}
          aria-labelledby={headingId}
          data-slot="notification-center-panel"
          // Focus goes to the first unread notification, else the first, else the panel itself.
          onOpenAutoFocus={focusFirstUnread}
          className="flex w-[min(24rem,calc(100vw-2rem))] flex-col overflow-hidden rounded-xl p-0 shadow-lg"
        >
          <NotificationCenterHeader
            headingId={headingId}
            canMarkAll={unreadCount > 0}
            onMarkAll={() => markRead(items.map((item) => item.id))}
            labels={labels}
          />
          {stale && (
            <p
              data-slot="notification-center-stale"
              className="flex items-center gap-2 border-b bg-muted/50 px-4 py-2 text-xs text-muted-foreground"
            >
              <WifiOff aria-hidden="true" className="size-3.5 shrink-0" />
              {status === "offline" ? labels.offline : labels.reconnecting}
            </p>
          )}

          {items.length === 0 ? (
            <NotificationCenterEmpty labels={labels} />
          ) : (
            <NotificationCenterList
              items={items}
              labelledBy={headingId}
              labels={labels}
              locale={resolvedLocale}
              onMarkRead={markRead}
            />
          )}

          {desktop && permission !== null && (
            <NotificationCenterDesktop
              permission={permission}
              onRequest={requestPermission}
              labels={labels}
            />
          )}

          <p
            role="status"
            aria-live="polite"
            aria-atomic="true"
            data-slot="notification-center-announcer"
            className="sr-only"
          >
            {announcement}
          </p>
        </PopoverContent>
      </Popover>
    </div>
  )
}

/** Focus goes to the first unread notification, else the first, else the panel itself. */
function focusFirstUnread(event: Event) {
  event.preventDefault()
  const panel = event.currentTarget as HTMLElement
  const target =
    panel.querySelector<HTMLElement>(
      '[data-slot="notification-center-item"][data-state="unread"]'
    ) ??
    panel.querySelector<HTMLElement>(
      '[data-slot="notification-center-item"]'
    ) ??
    panel
  target.focus()
}

/** The panel's heading and "Mark all as read". */
function NotificationCenterHeader({
  headingId,
  canMarkAll,
  onMarkAll,
  labels,
}: {
  headingId: string
  canMarkAll: boolean
  onMarkAll: () => void
  labels: NotificationCenterLabels
}) {
  return (
    <div className="flex items-center justify-between gap-3 border-b px-4 py-3">
      <h2 id={headingId} className="text-sm font-semibold">
        {labels.heading}
      </h2>
      <Button
        type="button"
        variant="ghost"
        size="xs"
        data-slot="notification-center-mark-all"
        disabled={!canMarkAll}
        onClick={onMarkAll}
        className="h-7"
      >
        <CheckCheck aria-hidden="true" />
        {labels.markAllRead}
      </Button>
    </div>
  )
}

function NotificationCenterEmpty({
  labels,
}: {
  labels: NotificationCenterLabels
}) {
  return (
    <div
      data-slot="notification-center-empty"
      className="flex flex-col items-center gap-2 px-4 py-10 text-center"
    >
      <Inbox aria-hidden="true" className="size-8 text-muted-foreground" />
      <p className="text-sm font-medium">{labels.empty}</p>
      <p className="text-sm text-muted-foreground">{labels.emptyDetail}</p>
    </div>
  )
}

export { NotificationCenter }
export type {
  NotificationCenterProps,
  NotificationCenterItem,
  NotificationCenterEvent,
  NotificationCenterLabels,
  DesktopPermission,
}
