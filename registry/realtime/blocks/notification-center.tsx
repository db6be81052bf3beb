'use client';

import * as React from 'react';
import { Bell, BellOff, BellRing, CheckCheck, CircleCheck, Inbox, TriangleAlert, WifiOff } from 'lucide-react';
import { toast } from 'sonner';
import { useChannel, useConnectionState, useEvent } from '@realtime-kit/react';

import { useLocale } from '@/registry/realtime/hooks/use-locale';
import { cn } from '@/registry/realtime/lib/utils';

/*
 * The event protocol. Publish one `notification` event per notification on the user's channel, from a route
 * handler or Server Action with `publish()` from `@realtime-kit/server`:
 *
 *   publish(`notifications:${userId}`, 'notification', { title: 'Deploy finished', body: 'acme.dev is live' })
 *
 * data: { "title": string, "body"?: string, "id"?: string, "at"?: number }
 * `id` defaults to the message id and `at` (ms since epoch) to when the server stored it. A notification whose id
 * is already listed is ignored, so a replay after a reconnect never shows it twice.
 */

/** One notification in the list. */
interface NotificationCenterItem {
  id: string;
  title: string;
  body?: string;
  /** When it happened, in ms since epoch. */
  at: number;
  read?: boolean;
}

/** The data of a `notification` event. */
interface NotificationCenterEvent {
  title: string;
  body?: string;
  id?: string;
  at?: number;
}

/** What the browser allows for desktop notifications: `unsupported` when it has no Notification API. */
type DesktopPermission = 'unsupported' | NotificationPermission;

interface NotificationCenterLabels {
  /** The bell's accessible name. `count` is the unread count as a number, `formatted` in the locale. */
  bell: (count: number, formatted: string) => string;
  heading: string;
  markAllRead: string;
  /** Read before an unread item's title by screen readers. */
  unread: string;
  empty: string;
  emptyDetail: string;
  reconnecting: string;
  offline: string;
  /** Announced while the panel is open and a notification arrives. */
  arrived: (title: string) => string;
  /** The toast's button that opens the panel. */
  view: string;
  enableDesktop: string;
  desktopGranted: string;
  desktopDenied: string;
  /** How to undo a refusal: browsers never ask twice, so point to the site settings. */
  desktopDeniedHelp: string;
  desktopUnsupported: string;
}

const defaultLabels: NotificationCenterLabels = {
  bell: (count, formatted) => (count === 0 ? 'Notifications' : `Notifications, ${formatted} unread`),
  heading: 'Notifications',
  markAllRead: 'Mark all as read',
  unread: 'Unread',
  empty: 'You’re all caught up',
  emptyDetail: 'New notifications will show up here.',
  reconnecting: 'Reconnecting… new notifications may be delayed.',
  offline: 'You are offline. New notifications will arrive when you are back.',
  arrived: (title) => `New notification: ${title}`,
  view: 'View',
  enableDesktop: 'Enable desktop notifications',
  desktopGranted: 'Desktop notifications are on while this tab is in the background.',
  desktopDenied: 'Desktop notifications are blocked.',
  desktopDeniedHelp:
    'To turn them on, open this site’s settings in your browser (the icon next to the address bar), allow notifications, then reload the page.',
  desktopUnsupported: 'This browser does not support desktop notifications.',
};

interface NotificationCenterProps extends React.ComponentProps<'div'> {
  /** The channel carrying this user's notifications, e.g. `notifications:${userId}`. */
  channel: string;
  /** Notifications you already have (from your database), shown below the live ones. Any order; read on mount. */
  initial?: readonly NotificationCenterItem[];
  /** Persist read state: called with the ids just marked read (one item, or all). */
  onMarkRead?: (ids: string[]) => void;
  /** The event name carrying notifications. Default `'notification'`. */
  event?: string;
  /** Keep at most this many notifications (newest). Default 100. */
  max?: number;
  /** Show a sonner toast for each new notification while the panel is closed. Needs a `<Toaster />`. Default true. */
  toasts?: boolean;
  /** Offer desktop notifications (the browser's Notification API) while the tab is hidden. Default true. */
  desktop?: boolean;
  /** Which side of the bell the panel lines up with. Default `'end'`. */
  align?: 'start' | 'end';
  /** BCP 47 locale for the count and relative times. Default: the browser's. */
  locale?: string;
  /** Replace any of the default texts, e.g. to translate them. */
  labels?: Partial<NotificationCenterLabels>;
}

/**
 * A bell with an unread badge and a panel listing notifications: your history (`initial`) plus live ones from a
 * channel, newest first, with relative times in the reader's locale.
 *
 * - Keyboard: the bell opens the panel and focus moves to the first unread notification; arrow keys, Home, End
 *   and Tab move through the list; Enter marks one read; Escape closes and returns focus to the bell.
 * - While the panel is closed, each new notification shows a sonner toast (render `<Toaster />` once in your
 *   layout); while it is open, screen readers hear "New notification: …".
 * - "Enable desktop notifications" asks the browser's permission; once granted, new notifications also show as
 *   system notifications while the tab is hidden. A refusal is explained, with how to undo it.
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
  event = 'notification',
  max = 100,
  toasts = true,
  desktop = true,
  align = 'end',
  locale,
  labels: labelOverrides,
  className,
  ...props
}: NotificationCenterProps) {
  const labels = { ...defaultLabels, ...labelOverrides };
  const [items, setItems] = React.useState<NotificationCenterItem[]>(() => sortNewestFirst(initial ?? []).slice(0, max));
  const [open, setOpen] = React.useState(false);
  const [announcement, setAnnouncement] = React.useState('');
  const [permission, requestPermission] = useDesktopPermission();

  const rootRef = React.useRef<HTMLDivElement>(null);
  const bellRef = React.useRef<HTMLButtonElement>(null);
  const panelRef = React.useRef<HTMLDivElement>(null);
  const statusRef = React.useRef<HTMLParagraphElement>(null);
  const panelId = React.useId();
  const headingId = React.useId();

  // Read by the event handler, which must not re-subscribe when these change.
  const latest = React.useRef({ items, open, permission, labels, toasts, max });
  React.useLayoutEffect(() => {
    latest.current = { items, open, permission, labels, toasts, max };
  });

  const openPanel = React.useCallback(() => setOpen(true), []);
  const closePanel = React.useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) bellRef.current?.focus();
  }, []);

  // Toasts still on screen: opening the panel dismisses them, since the panel now shows the same notifications.
  const toastIds = React.useRef(new Set<string>());
  React.useEffect(() => {
    if (!open) return;
    for (const id of toastIds.current) toast.dismiss(id);
    toastIds.current.clear();
  }, [open]);

  const channel = useChannel<Record<string, NotificationCenterEvent>>(channelName);
  useEvent(channel, event, (message) => {
    const data = message.data as Partial<NotificationCenterEvent> | null;
    if (!data || typeof data.title !== 'string') return;
    const item: NotificationCenterItem = {
      id: typeof data.id === 'string' ? data.id : message.id,
      title: data.title,
      body: typeof data.body === 'string' ? data.body : undefined,
      at: typeof data.at === 'number' ? data.at : message.at,
      read: false,
    };
    const current = latest.current;
    if (current.items.some((existing) => existing.id === item.id)) return;
    const next = [item, ...current.items].slice(0, current.max);
    current.items = next;
    setItems(next);

    if (current.open) {
      setAnnouncement(current.labels.arrived(item.title));
    } else if (current.toasts) {
      const toastId = `notification-${item.id}`;
      toastIds.current.add(toastId);
      toast(item.title, {
        id: toastId,
        description: item.body,
        action: { label: current.labels.view, onClick: openPanel },
      });
    }
    if (current.permission === 'granted' && typeof document !== 'undefined' && document.visibilityState === 'hidden') {
      showDesktopNotification(item, openPanel);
    }
  });

  const markRead = React.useCallback(
    (ids: readonly string[]) => {
      const unread = new Set(latest.current.items.filter((item) => !item.read && ids.includes(item.id)).map((item) => item.id));
      if (unread.size === 0) return;
      const next = latest.current.items.map((item) => (unread.has(item.id) ? { ...item, read: true } : item));
      latest.current.items = next;
      setItems(next);
      onMarkRead?.([...unread]);
    },
    [onMarkRead],
  );

  const unreadCount = items.reduce((count, item) => count + (item.read ? 0 : 1), 0);
  const resolvedLocale = useLocale(locale);
  const numberFormat = React.useMemo(() => new Intl.NumberFormat(resolvedLocale), [resolvedLocale]);
  const badge = unreadCount > 99 ? `${numberFormat.format(99)}+` : numberFormat.format(unreadCount);

  const connection = useConnectionState();
  const stale = connection.status === 'reconnecting' || connection.status === 'offline';

  // Focus moves into the panel as it opens: the first unread notification, else the first, else the panel.
  React.useEffect(() => {
    if (!open) return;
    const panel = panelRef.current;
    const list = panel?.querySelectorAll<HTMLElement>('[data-slot="notification-center-item"]');
    const target = panel?.querySelector<HTMLElement>('[data-slot="notification-center-item"][data-state="unread"]') ?? list?.[0] ?? panel;
    target?.focus();
    // Only when it opens: new items arriving must not pull focus.
  }, [open]);

  // A click outside closes the panel (focus stays where the click put it).
  React.useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) closePanel(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, closePanel]);

  React.useEffect(() => {
    if (!open) setAnnouncement('');
  }, [open]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      closePanel(true);
    }
  };

  // Tabbing out of the panel closes it, as for any non-modal popover.
  const onBlur = (event: React.FocusEvent) => {
    const next = event.relatedTarget as Node | null;
    if (open && next && !rootRef.current?.contains(next)) closePanel(false);
  };

  // The button is replaced by the outcome: focus follows it, so it stays in the panel and the outcome is read.
  const focusOutcome = React.useRef(false);
  const onRequestPermission = () => {
    focusOutcome.current = true;
    void requestPermission();
  };
  React.useEffect(() => {
    if (!focusOutcome.current || permission === 'default' || !statusRef.current) return;
    focusOutcome.current = false;
    statusRef.current.focus();
  }, [permission]);

  return (
    <div
      ref={rootRef}
      data-slot="notification-center"
      data-state={open ? 'open' : 'closed'}
      className={cn('relative inline-flex h-fit', className)}
      onKeyDown={onKeyDown}
      onBlur={onBlur}
      {...props}
    >
      <button
        ref={bellRef}
        type="button"
        data-slot="notification-center-bell"
        aria-label={labels.bell(unreadCount, numberFormat.format(unreadCount))}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-haspopup="dialog"
        onClick={() => (open ? closePanel(false) : openPanel())}
        className="relative inline-flex size-9 items-center justify-center rounded-md border bg-background text-foreground shadow-xs outline-none transition-colors hover:bg-accent hover:text-accent-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 aria-expanded:bg-accent"
      >
        <Bell aria-hidden="true" className="size-4" />
      </button>
      {unreadCount > 0 && (
        // Beside the button, not in it: the button's name says the exact count ("120 unread"), the badge caps at 99+.
        <span
          aria-hidden="true"
          data-slot="notification-center-badge"
          className="pointer-events-none absolute -end-1.5 -top-1.5 flex h-5 min-w-5 items-center justify-center rounded-full border-2 border-background bg-red-600 px-1 text-[0.6875rem] font-semibold leading-none text-white tabular-nums"
        >
          {badge}
        </span>
      )}

      {open && (
        <div
          ref={panelRef}
          id={panelId}
          role="dialog"
          aria-labelledby={headingId}
          tabIndex={-1}
          data-slot="notification-center-panel"
          className={cn(
            'absolute top-full z-50 mt-2 flex w-[min(24rem,calc(100vw-2rem))] flex-col overflow-hidden rounded-xl border bg-popover text-popover-foreground shadow-lg outline-none',
            align === 'end' ? 'end-0' : 'start-0',
          )}
        >
          <div className="flex items-center justify-between gap-3 border-b px-4 py-3">
            <h2 id={headingId} className="text-sm font-semibold">
              {labels.heading}
            </h2>
            <button
              type="button"
              data-slot="notification-center-mark-all"
              disabled={unreadCount === 0}
              onClick={() => markRead(items.map((item) => item.id))}
              className="inline-flex h-7 items-center gap-1.5 rounded-md px-2 text-xs font-medium text-foreground outline-none transition-colors hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:pointer-events-none disabled:opacity-50"
            >
              <CheckCheck aria-hidden="true" className="size-3.5" />
              {labels.markAllRead}
            </button>
          </div>

          {stale && (
            <p
              data-slot="notification-center-stale"
              className="flex items-center gap-2 border-b bg-muted/50 px-4 py-2 text-xs text-muted-foreground"
            >
              <WifiOff aria-hidden="true" className="size-3.5 shrink-0" />
              {connection.status === 'offline' ? labels.offline : labels.reconnecting}
            </p>
          )}

          {items.length === 0 ? (
            <div data-slot="notification-center-empty" className="flex flex-col items-center gap-2 px-4 py-10 text-center">
              <Inbox aria-hidden="true" className="size-8 text-muted-foreground" />
              <p className="text-sm font-medium">{labels.empty}</p>
              <p className="text-sm text-muted-foreground">{labels.emptyDetail}</p>
            </div>
          ) : (
            <NotificationList items={items} labelledBy={headingId} labels={labels} locale={resolvedLocale} onMarkRead={markRead} />
          )}

          {desktop && permission !== null && (
            <div data-slot="notification-center-desktop" className="border-t px-4 py-3 text-xs text-muted-foreground">
              {permission === 'default' ? (
                <button
                  type="button"
                  data-slot="notification-center-enable-desktop"
                  onClick={onRequestPermission}
                  className="inline-flex h-7 items-center gap-1.5 rounded-md border bg-background px-2.5 font-medium text-foreground shadow-xs outline-none transition-colors hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
                >
                  <BellRing aria-hidden="true" className="size-3.5" />
                  {labels.enableDesktop}
                </button>
              ) : (
                <p ref={statusRef} tabIndex={-1} role="status" className="flex items-start gap-2 outline-none">
                  {permission === 'granted' && (
                    <CircleCheck aria-hidden="true" className="mt-px size-3.5 shrink-0 text-emerald-700 dark:text-emerald-400" />
                  )}
                  {permission === 'denied' && <TriangleAlert aria-hidden="true" className="mt-px size-3.5 shrink-0 text-foreground" />}
                  {permission === 'unsupported' && <BellOff aria-hidden="true" className="mt-px size-3.5 shrink-0" />}
                  <span>
                    {permission === 'granted' && labels.desktopGranted}
                    {permission === 'denied' && (
                      <>
                        <span className="font-medium text-foreground">{labels.desktopDenied}</span> {labels.desktopDeniedHelp}
                      </>
                    )}
                    {permission === 'unsupported' && labels.desktopUnsupported}
                  </span>
                </p>
              )}
            </div>
          )}

          <p role="status" aria-live="polite" aria-atomic="true" data-slot="notification-center-announcer" className="sr-only">
            {announcement}
          </p>
        </div>
      )}
    </div>
  );
}

interface NotificationListProps {
  items: readonly NotificationCenterItem[];
  labelledBy: string;
  labels: NotificationCenterLabels;
  locale: string;
  onMarkRead: (ids: readonly string[]) => void;
}

function NotificationList({ items, labelledBy, labels, locale, onMarkRead }: NotificationListProps) {
  const now = useNow(30_000);
  const relative = React.useMemo(() => new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'long' }), [locale]);
  const absolute = React.useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }), [locale]);

  // Arrow keys, Home and End move between notifications (Tab does too: each one is a button).
  const onKeyDown = (event: React.KeyboardEvent<HTMLUListElement>) => {
    const buttons = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-slot="notification-center-item"]')];
    const index = buttons.indexOf(document.activeElement as HTMLElement);
    const target =
      event.key === 'ArrowDown'
        ? buttons[Math.min(buttons.length - 1, index + 1)]
        : event.key === 'ArrowUp'
          ? buttons[Math.max(0, index - 1)]
          : event.key === 'Home'
            ? buttons[0]
            : event.key === 'End'
              ? buttons.at(-1)
              : undefined;
    if (!target) return;
    event.preventDefault();
    target.focus();
  };

  return (
    <ul
      aria-labelledby={labelledBy}
      data-slot="notification-center-list"
      onKeyDown={onKeyDown}
      className="max-h-[min(24rem,60vh)] overflow-y-auto overscroll-contain"
    >
      {items.map((item) => (
        <li key={item.id} className="border-b last:border-b-0">
          <button
            type="button"
            data-slot="notification-center-item"
            data-state={item.read ? 'read' : 'unread'}
            onClick={() => onMarkRead([item.id])}
            className="flex w-full items-start gap-3 px-4 py-3 text-start outline-none transition-colors hover:bg-muted/40 focus-visible:ring-[3px] focus-visible:ring-inset focus-visible:ring-ring/50"
          >
            <span
              aria-hidden="true"
              className={cn('mt-1.5 size-2 shrink-0 rounded-full', item.read ? 'bg-transparent' : 'bg-sky-600 dark:bg-sky-400')}
            />
            <span className="flex min-w-0 flex-1 flex-col gap-0.5">
              <span className={cn('text-sm break-words', item.read ? 'font-normal' : 'font-semibold')}>
                {!item.read && <span className="sr-only">{labels.unread}: </span>}
                {/* Server text may be in another script than the UI: isolate its direction. */}
                <bdi>{item.title}</bdi>
              </span>
              {item.body && (
                <span className="line-clamp-2 text-sm break-words text-muted-foreground">
                  <bdi>{item.body}</bdi>
                </span>
              )}
              <time dateTime={new Date(item.at).toISOString()} title={absolute.format(item.at)} className="text-xs text-muted-foreground">
                {now === null ? absolute.format(item.at) : formatRelative(relative, item.at, now)}
              </time>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The current time, refreshed every `intervalMs`; null on the server and during hydration. */
function useNow(intervalMs: number): number | null {
  const [now, setNow] = React.useState<number | null>(null);
  React.useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "now", "5 minutes ago", "yesterday", "3 weeks ago" in the reader's locale. */
function formatRelative(format: Intl.RelativeTimeFormat, at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}

function sortNewestFirst(items: readonly NotificationCenterItem[]): NotificationCenterItem[] {
  const seen = new Set<string>();
  return [...items]
    .sort((a, b) => b.at - a.at)
    .filter((item) => (seen.has(item.id) ? false : (seen.add(item.id), true)));
}

function getNotificationApi(): typeof Notification | undefined {
  return typeof window !== 'undefined' && 'Notification' in window ? window.Notification : undefined;
}

/** The browser's notification permission (null until mounted: the server cannot know it) and a way to ask for it. */
function useDesktopPermission(): [DesktopPermission | null, () => Promise<void>] {
  const [permission, setPermission] = React.useState<DesktopPermission | null>(null);

  React.useEffect(() => {
    const api = getNotificationApi();
    if (!api) {
      setPermission('unsupported');
      return;
    }
    setPermission(api.permission);
    // Follow changes made in the browser's site settings while the page is open, where the Permissions API can.
    let status: PermissionStatus | undefined;
    let cancelled = false;
    const update = () => setPermission(getNotificationApi()?.permission ?? 'unsupported');
    navigator.permissions
      ?.query({ name: 'notifications' })
      .then((result) => {
        if (cancelled) return;
        status = result;
        status.addEventListener('change', update);
      })
      .catch(() => {
        // Not every browser can query this permission; the value read above stands.
      });
    return () => {
      cancelled = true;
      status?.removeEventListener('change', update);
    };
  }, []);

  const request = React.useCallback(async () => {
    const api = getNotificationApi();
    if (!api) return;
    // Older Safari only takes a callback; current browsers return a promise.
    const result = await new Promise<NotificationPermission>((resolve) => {
      const returned = api.requestPermission(resolve);
      if (returned) void returned.then(resolve);
    });
    setPermission(result);
  }, []);

  return [permission, request];
}

function showDesktopNotification(item: NotificationCenterItem, onClick: () => void) {
  const api = getNotificationApi();
  if (!api) return;
  try {
    const notification = new api(item.title, { body: item.body, tag: item.id });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch (error) {
    // Android Chrome only allows notifications from a service worker: report it, the toast and badge still work.
    console.warn('[realtime-kit] Could not show a desktop notification:', error);
  }
}

export { NotificationCenter };
export type { NotificationCenterProps, NotificationCenterItem, NotificationCenterEvent, NotificationCenterLabels, DesktopPermission };
