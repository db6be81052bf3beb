"use client"

import * as React from "react"

import { Button } from "@/components/ui/button"
import type {
  NotificationCenterItem,
  NotificationCenterLabels,
} from "@/registry/realtime/blocks/notification-center/lib/notification-center-items"
import { cn } from "@/registry/realtime/lib/utils"

interface NotificationCenterListProps {
  items: readonly NotificationCenterItem[]
  labelledBy: string
  labels: NotificationCenterLabels
  locale: string
  onMarkRead: (ids: readonly string[]) => void
}

/** The notifications, newest first: each one a button that marks it read, with a relative time. */
function NotificationCenterList({
  items,
  labelledBy,
  labels,
  locale,
  onMarkRead,
}: NotificationCenterListProps) {
  const now = useNow(30_000)
  const relative = React.useMemo(
    () =>
      new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "long" }),
    [locale]
  )
  const absolute = React.useMemo(
    () =>
      new Intl.DateTimeFormat(locale, {
        dateStyle: "medium",
        timeStyle: "short",
      }),
    [locale]
  )

  return (
    <ul
      aria-labelledby={labelledBy}
      data-slot="notification-center-list"
      onKeyDown={moveBetweenItems}
      className="max-h-[min(24rem,60vh)] overflow-y-auto overscroll-contain"
    >
      {items.map((item) => (
        <li key={item.id} className="border-b last:border-b-0">
          <Button
            type="button"
            variant="ghost"
            data-slot="notification-center-item"
            data-state={item.read ? "read" : "unread"}
            onClick={() => onMarkRead([item.id])}
            className="h-auto w-full items-start justify-start gap-3 rounded-none px-4 py-3 text-start font-normal whitespace-normal focus-visible:ring-inset"
          >
            <span
              aria-hidden="true"
              className={cn(
                "mt-1.5 size-2 shrink-0 rounded-full",
                item.read ? "bg-transparent" : "bg-sky-600 dark:bg-sky-400"
              )}
            />
            <span className="flex min-w-0 flex-1 flex-col gap-0.5">
              <span
                className={cn(
                  "text-sm break-words",
                  item.read ? "font-normal" : "font-semibold"
                )}
              >
                {!item.read && (
                  <span className="sr-only">{labels.unread}: </span>
                )}
                {/* Server text may be in another script than the UI: isolate its direction. */}
                <bdi>{item.title}</bdi>
              </span>
              {item.body && (
                <span className="line-clamp-2 text-sm break-words text-muted-foreground">
                  <bdi>{item.body}</bdi>
                </span>
              )}
              <time
                dateTime={new Date(item.at).toISOString()}
                title={absolute.format(item.at)}
                className="text-xs text-muted-foreground"
              >
                {now === null
                  ? absolute.format(item.at)
                  : formatRelative(relative, item.at, now)}
              </time>
            </span>
          </Button>
        </li>
      ))}
    </ul>
  )
}

/** Arrow keys, Home and End move between notifications (Tab does too: each one is a button). */
function moveBetweenItems(event: React.KeyboardEvent<HTMLUListElement>) {
  const buttons = [
    ...event.currentTarget.querySelectorAll<HTMLElement>(
      '[data-slot="notification-center-item"]'
    ),
  ]
  const index = buttons.indexOf(document.activeElement as HTMLElement)
  const targets: Record<string, HTMLElement | undefined> = {
    ArrowDown: buttons[Math.min(buttons.length - 1, index + 1)],
    ArrowUp: buttons[Math.max(0, index - 1)],
    Home: buttons[0],
    End: buttons.at(-1),
  }
  const target = targets[event.key]
  if (!target) return
  event.preventDefault()
  target.focus()
}

/** The current time, refreshed every `intervalMs`; null on the server and during hydration. */
function useNow(intervalMs: number): number | null {
  const [now, setNow] = React.useState<number | null>(null)
  React.useEffect(() => {
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
]

/** "now", "5 minutes ago", "yesterday", "3 weeks ago" in the reader's locale. */
function formatRelative(
  format: Intl.RelativeTimeFormat,
  at: number,
  now: number
): string {
  const seconds = Math.round((at - now) / 1000)
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size)
      return format.format(Math.trunc(seconds / size), unit)
  }
  return format.format(0, "second")
}

export { NotificationCenterList }
export type { NotificationCenterListProps }
