'use client';

import * as React from 'react';
import {
  Activity,
  ArrowDownLeft,
  ArrowLeft,
  ArrowUpRight,
  ChevronRight,
  Download,
  Pause,
  Play,
  Scissors,
  Trash2,
  Unplug,
  Wifi,
  WifiOff,
  X,
} from 'lucide-react';
import {
  createInspector,
  type ChaosControls,
  type EventLog,
  type EventLogSnapshot,
  type InspectedConnection,
  type InspectedEvent,
  type Inspector,
} from '@realtime-kit/core/devtools';

import { useLocale } from '@/registry/realtime/hooks/use-locale';
import { cn } from '@/registry/realtime/lib/utils';

/*
 * A floating devtools panel for every realtime-kit connection on the page: channel clients (every
 * RealtimeProvider) and raw useSSE / useWebSocket connections. Closed, it is a button and a key listener: the
 * inspector (`createInspector` from @realtime-kit/core/devtools) exists only while the panel is open, so a closed
 * panel taps no frame. It renders nothing in production builds unless `enabled` is passed.
 */

type ConnectionStatus = InspectedConnection['status'];

interface RealtimeDevtoolsLabels {
  /** The floating button's accessible name. */
  toggle: string;
  heading: string;
  close: string;
  back: string;
  empty: string;
  emptyDetail: string;
  status: Record<ConnectionStatus, string>;
  /** "Attempt 3" */
  attempt: (formatted: string) => string;
  /** "Retry in 4 s" */
  retryIn: (seconds: string) => string;
  overview: string;
  events: string;
  chaos: string;
  timeline: string;
  channels: string;
  noChannels: string;
  channel: string;
  subscribed: string;
  resumeCursor: string;
  pending: string;
  members: string;
  outbox: string;
  lastEventId: string;
  /** Announced when the selected connection's status changes. */
  statusChanged: (status: string) => string;
  filter: string;
  pause: string;
  resume: string;
  clear: string;
  exportJSON: string;
  noEvents: string;
  /** Shown while paused: how many events were not recorded. */
  paused: (formatted: string) => string;
  directionIn: string;
  directionOut: string;
  dropped: string;
  delayed: string;
  payload: string;
  disconnect: string;
  offline: string;
  latency: string;
  latencyOff: string;
  dropNext: string;
  dropCount: string;
  /** "3 messages left to drop" */
  dropping: (formatted: string) => string;
  heal: string;
  rawChaos: string;
}

const defaultLabels: RealtimeDevtoolsLabels = {
  toggle: 'Realtime devtools',
  heading: 'Realtime devtools',
  close: 'Close devtools',
  back: 'All connections',
  empty: 'No live connections',
  emptyDetail: 'Connections show up here as soon as they are created.',
  status: {
    idle: 'Idle',
    connecting: 'Connecting',
    open: 'Open',
    reconnecting: 'Reconnecting',
    offline: 'Offline',
    closed: 'Closed',
  },
  attempt: (formatted) => `Attempt ${formatted}`,
  retryIn: (seconds) => `retry in ${seconds} s`,
  overview: 'Overview',
  events: 'Events',
  chaos: 'Chaos',
  timeline: 'Status timeline',
  channels: 'Channels',
  noChannels: 'No channels yet.',
  channel: 'Channel',
  subscribed: 'Subscribed',
  resumeCursor: 'Last seq',
  pending: 'Pending',
  members: 'Members',
  outbox: 'Outbox',
  lastEventId: 'Last event id',
  statusChanged: (status) => `Connection ${status.toLowerCase()}`,
  filter: 'Filter events',
  pause: 'Pause',
  resume: 'Resume',
  clear: 'Clear',
  exportJSON: 'Export JSON',
  noEvents: 'No events yet.',
  paused: (formatted) => `Paused: ${formatted} not recorded`,
  directionIn: 'In',
  directionOut: 'Out',
  dropped: 'dropped',
  delayed: 'delayed',
  payload: 'Payload',
  disconnect: 'Disconnect',
  offline: 'Offline',
  latency: 'Latency',
  latencyOff: 'None',
  dropNext: 'Drop next',
  dropCount: 'Messages to drop',
  dropping: (formatted) => `${formatted} left to drop`,
  heal: 'Heal',
  rawChaos: 'Raw connections support Disconnect only.',
};

const LATENCIES = [0, 250, 1000, 3000] as const;

type Corner = 'bottom-end' | 'bottom-start' | 'top-end' | 'top-start';

interface RealtimeDevtoolsProps extends Omit<React.ComponentProps<'div'>, 'children'> {
  /**
   * Render it. Default: on in development, off when `process.env.NODE_ENV === 'production'` (Next.js and Vite
   * both replace it at build time), so a production bundle ships a component that renders nothing.
   */
  enabled?: boolean;
  /** Open on mount. Default false. */
  defaultOpen?: boolean;
  /** The key combination that toggles the panel, e.g. `'ctrl+shift+d'` (default) or `'alt+r'`. `null` for none. */
  shortcut?: string | null;
  /** Which corner the button sits in (logical: `end` is the right in LTR). Default `'bottom-end'`. */
  corner?: Corner;
  /** Events kept per connection while open. Default 500. */
  maxEvents?: number;
  /** BCP 47 locale for times and numbers. Default: the browser's. */
  locale?: string;
  /** Replace any of the default texts, e.g. to translate them. */
  labels?: Partial<RealtimeDevtoolsLabels>;
}

/**
 * Devtools for realtime-kit: a floating button (and `Ctrl+Shift+D`) opens a panel listing every live connection —
 * transport, URL, status with a timeline of transitions, attempts and next retry, channels with their resume
 * cursor, pending outbox and presence members — with an event log per connection (direction, event, size, time,
 * a JSON tree of the payload; filter, pause, clear, export as JSON) and chaos controls to test by hand: disconnect,
 * offline, latency, drop the next N messages (the client notices the hole and resyncs).
 *
 * - Costs nothing while closed: the inspector is created when the panel opens and closed (every tap removed, any
 *   chaos healed) when it closes.
 * - Keyboard: the shortcut or the button toggles; Escape closes and returns focus; tabs and the JSON tree use the
 *   arrow keys. Fixed position: the host page never shifts.
 *
 * @example
 * // app/layout.tsx — anywhere inside <body>; renders nothing in production builds
 * <RealtimeProvider transport={transport}>
 *   {children}
 *   <RealtimeDevtools />
 * </RealtimeProvider>
 */
function RealtimeDevtools({
  enabled = !isProductionBuild(),
  defaultOpen = false,
  shortcut = 'ctrl+shift+d',
  corner = 'bottom-end',
  maxEvents,
  locale,
  labels: labelOverrides,
  className,
  ...props
}: RealtimeDevtoolsProps) {
  const labels = { ...defaultLabels, ...labelOverrides, status: { ...defaultLabels.status, ...labelOverrides?.status } };
  const [open, setOpen] = React.useState(defaultOpen);
  const triggerRef = React.useRef<HTMLButtonElement>(null);
  const panelId = React.useId();
  const parsedShortcut = React.useMemo(() => (shortcut ? parseShortcut(shortcut) : null), [shortcut]);

  const close = React.useCallback(() => {
    setOpen(false);
    triggerRef.current?.focus();
  }, []);

  React.useEffect(() => {
    if (!enabled || !parsedShortcut) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!matchesShortcut(event, parsedShortcut)) return;
      event.preventDefault();
      setOpen((wasOpen) => {
        if (wasOpen) triggerRef.current?.focus();
        return !wasOpen;
      });
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled, parsedShortcut]);

  if (!enabled) return null;
  const bottom = corner.startsWith('bottom');
  const end = corner.endsWith('end');

  return (
    <div
      data-slot="realtime-devtools"
      data-state={open ? 'open' : 'closed'}
      className={cn('fixed z-[2147483000] flex gap-2', bottom ? 'bottom-4 flex-col-reverse' : 'top-4 flex-col', end ? 'end-4 items-end' : 'start-4 items-start', className)}
      {...props}
    >
      <button
        ref={triggerRef}
        type="button"
        data-slot="realtime-devtools-trigger"
        aria-label={labels.toggle}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-keyshortcuts={parsedShortcut?.aria}
        title={parsedShortcut ? `${labels.toggle} (${parsedShortcut.display})` : labels.toggle}
        onClick={() => setOpen((wasOpen) => !wasOpen)}
        className="inline-flex size-10 items-center justify-center rounded-full border bg-background text-foreground shadow-lg outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 aria-expanded:bg-accent motion-safe:transition-colors"
      >
        <Activity aria-hidden="true" className="size-5" />
      </button>
      {open && <DevtoolsPanel id={panelId} labels={labels} locale={locale} maxEvents={maxEvents} onClose={close} />}
    </div>
  );
}

interface DevtoolsPanelProps {
  id: string;
  labels: RealtimeDevtoolsLabels;
  locale?: string;
  maxEvents?: number;
  onClose: () => void;
}

/** The open panel: owns the inspector for as long as it is mounted. */
function DevtoolsPanel({ id, labels, locale, maxEvents, onClose }: DevtoolsPanelProps) {
  const inspector = useInspector(maxEvents);
  const connections = useStore(inspector, EMPTY_CONNECTIONS);
  const [selectedId, setSelectedId] = React.useState<string | null>(null);
  const selected = connections.find((connection) => connection.id === selectedId) ?? null;
  const headingId = React.useId();
  const panelRef = React.useRef<HTMLDivElement>(null);
  const resolvedLocale = useLocale(locale);

  // Focus moves into the panel as it opens.
  React.useEffect(() => {
    panelRef.current?.focus();
  }, []);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    onClose();
  };

  const back = () => {
    setSelectedId(null);
    // The list replaces the detail view: focus its heading's panel so keyboard users stay inside.
    panelRef.current?.focus();
  };

  return (
    <div
      ref={panelRef}
      id={id}
      role="dialog"
      aria-labelledby={headingId}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-slot="realtime-devtools-panel"
      className="flex h-[min(36rem,calc(100dvh-6rem))] w-[min(30rem,calc(100vw-2rem))] flex-col overflow-hidden rounded-xl border bg-popover text-popover-foreground shadow-2xl outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <div className="flex items-center gap-2 border-b px-3 py-2">
        {selected && (
          <IconButton label={labels.back} onClick={back} data-slot="realtime-devtools-back">
            <ArrowLeft aria-hidden="true" className="size-4 rtl:rotate-180" />
          </IconButton>
        )}
        <h2 id={headingId} className="min-w-0 flex-1 truncate text-sm font-semibold">
          {selected ? connectionTitle(selected) : labels.heading}
        </h2>
        <IconButton label={labels.close} onClick={onClose} data-slot="realtime-devtools-close">
          <X aria-hidden="true" className="size-4" />
        </IconButton>
      </div>
      {!inspector ? null : selected ? (
        <ConnectionDetail key={selected.id} inspector={inspector} connection={selected} labels={labels} locale={resolvedLocale} />
      ) : (
        // Also when the selected connection went away (closed).
        <ConnectionList connections={connections} labels={labels} locale={resolvedLocale} onSelect={setSelectedId} />
      )}
    </div>
  );
}

const EMPTY_CONNECTIONS: readonly InspectedConnection[] = [];

/** An inspector for the component's lifetime (StrictMode-safe: each effect run owns and closes its own). */
function useInspector(maxEvents?: number): Inspector | null {
  const [inspector, setInspector] = React.useState<Inspector | null>(null);
  React.useEffect(() => {
    const created = createInspector({ maxEvents });
    setInspector(created);
    return () => {
      created.close();
      setInspector((current) => (current === created ? null : current));
    };
  }, [maxEvents]);
  return inspector;
}

/** A core store's snapshot, or `fallback` while there is no store. */
function useStore<T>(store: { subscribe(listener: () => void): () => void; getSnapshot(): T } | null, fallback: T): T {
  const subscribe = React.useCallback((listener: () => void) => store?.subscribe(listener) ?? (() => {}), [store]);
  const getSnapshot = React.useCallback(() => (store ? store.getSnapshot() : fallback), [store, fallback]);
  return React.useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

interface ConnectionListProps {
  connections: readonly InspectedConnection[];
  labels: RealtimeDevtoolsLabels;
  locale: string;
  onSelect: (id: string) => void;
}

function ConnectionList({ connections, labels, locale, onSelect }: ConnectionListProps) {
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale]);
  if (connections.length === 0) {
    return (
      <div data-slot="realtime-devtools-empty" className="flex flex-1 flex-col items-center justify-center gap-2 px-6 text-center">
        <Activity aria-hidden="true" className="size-8 text-muted-foreground" />
        <p className="text-sm font-medium">{labels.empty}</p>
        <p className="text-sm text-muted-foreground">{labels.emptyDetail}</p>
      </div>
    );
  }
  return (
    <ul data-slot="realtime-devtools-connections" className="flex-1 divide-y overflow-y-auto" aria-label={labels.heading}>
      {connections.map((connection) => (
        <li key={connection.id}>
          <button
            type="button"
            data-slot="realtime-devtools-connection"
            data-status={connection.status}
            onClick={() => onSelect(connection.id)}
            className="flex w-full items-center gap-3 px-3 py-2.5 text-start outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-inset focus-visible:ring-ring/50"
          >
            <StatusDot status={connection.status} />
            <span className="flex min-w-0 flex-1 flex-col">
              <span className="truncate text-sm font-medium">{connectionTitle(connection)}</span>
              <span className="truncate text-xs text-muted-foreground">
                {labels.status[connection.status]}
                {connection.kind === 'client' &&
                  ` · ${labels.channels} ${numbers.format(connection.channels.length)} · ${labels.outbox} ${numbers.format(connection.outbox)}`}
              </span>
            </span>
            <ChevronRight aria-hidden="true" className="size-4 shrink-0 text-muted-foreground rtl:rotate-180" />
          </button>
        </li>
      ))}
    </ul>
  );
}

type Tab = 'overview' | 'events' | 'chaos';
const TABS: readonly Tab[] = ['overview', 'events', 'chaos'];

interface ConnectionDetailProps {
  inspector: Inspector;
  connection: InspectedConnection;
  labels: RealtimeDevtoolsLabels;
  locale: string;
}

function ConnectionDetail({ inspector, connection, labels, locale }: ConnectionDetailProps) {
  const [tab, setTab] = React.useState<Tab>('overview');
  const baseId = React.useId();
  const log = React.useMemo(() => inspector.events(connection.id), [inspector, connection.id]);
  const chaos = React.useMemo(() => inspector.chaos(connection.id), [inspector, connection.id]);
  const announcement = useStatusAnnouncement(connection.status, labels);

  const onTabKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const index = TABS.indexOf(tab);
    const rtl = getComputedStyle(event.currentTarget).direction === 'rtl';
    const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
    const backward = rtl ? 'ArrowRight' : 'ArrowLeft';
    const next =
      event.key === forward ? TABS[(index + 1) % TABS.length] : event.key === backward ? TABS[(index + TABS.length - 1) % TABS.length] : event.key === 'Home' ? TABS[0] : event.key === 'End' ? TABS.at(-1) : undefined;
    if (!next) return;
    event.preventDefault();
    setTab(next);
    event.currentTarget.querySelector<HTMLElement>(`[data-tab="${next}"]`)?.focus();
  };

  return (
    <div data-slot="realtime-devtools-detail" className="flex min-h-0 flex-1 flex-col">
      <StatusSummary connection={connection} labels={labels} locale={locale} />
      <div role="tablist" aria-label={connectionTitle(connection)} onKeyDown={onTabKeyDown} className="flex gap-1 border-b px-3">
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            data-tab={name}
            id={`${baseId}-tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`${baseId}-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
            className="-mb-px border-b-2 border-transparent px-2.5 py-2 text-sm font-medium text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 aria-selected:border-foreground aria-selected:text-foreground"
          >
            {labels[name]}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${baseId}-panel-${tab}`}
        aria-labelledby={`${baseId}-tab-${tab}`}
        tabIndex={tab === 'events' ? -1 : 0}
        className="min-h-0 flex-1 overflow-y-auto outline-none focus-visible:ring-[3px] focus-visible:ring-inset focus-visible:ring-ring/50"
      >
        {tab === 'overview' && <Overview connection={connection} labels={labels} locale={locale} />}
        {tab === 'events' && <EventLogView connectionId={connection.id} inspector={inspector} log={log} labels={labels} locale={locale} />}
        {tab === 'chaos' && <ChaosPanel connection={connection} chaos={chaos} labels={labels} locale={locale} />}
      </div>
      <p role="status" aria-live="polite" aria-atomic="true" data-slot="realtime-devtools-announcer" className="sr-only">
        {announcement}
      </p>
    </div>
  );
}

/** The status, said once when it changes (not on mount, not on every attempt). */
function useStatusAnnouncement(status: ConnectionStatus, labels: RealtimeDevtoolsLabels): string {
  const [announcement, setAnnouncement] = React.useState('');
  const previous = React.useRef(status);
  React.useEffect(() => {
    if (previous.current === status) return;
    previous.current = status;
    setAnnouncement(labels.statusChanged(labels.status[status]));
  }, [status, labels]);
  return announcement;
}

function StatusSummary({ connection, labels, locale }: { connection: InspectedConnection; labels: RealtimeDevtoolsLabels; locale: string }) {
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale]);
  const now = useNow(connection.retryAt === null ? null : 1000);
  const retrySeconds = connection.retryAt !== null && now !== null ? Math.max(0, Math.ceil((connection.retryAt - now) / 1000)) : null;
  return (
    <div data-slot="realtime-devtools-status" className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b px-3 py-2 text-xs">
      <span className="inline-flex items-center gap-1.5 font-medium">
        <StatusDot status={connection.status} />
        <span data-slot="realtime-devtools-status-label">{labels.status[connection.status]}</span>
      </span>
      <span className="text-muted-foreground">{connection.transport}</span>
      {connection.url && <span className="min-w-0 truncate font-mono text-muted-foreground">{connection.url}</span>}
      {connection.attempt > 0 && (
        <span>
          {labels.attempt(numbers.format(connection.attempt))}
          {retrySeconds !== null && `, ${labels.retryIn(numbers.format(retrySeconds))}`}
        </span>
      )}
      {connection.error && <span className="w-full truncate text-destructive dark:text-red-400">{connection.error.message}</span>}
    </div>
  );
}

function Overview({ connection, labels, locale }: { connection: InspectedConnection; labels: RealtimeDevtoolsLabels; locale: string }) {
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale]);
  const times = useTimeFormat(locale);
  return (
    <div className="flex flex-col gap-4 p-3 text-sm">
      {connection.kind === 'client' ? (
        <section aria-label={labels.channels} className="flex flex-col gap-2">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">
            {labels.channels} · {labels.outbox} {numbers.format(connection.outbox)}
          </h3>
          {connection.channels.length === 0 ? (
            <p className="text-muted-foreground">{labels.noChannels}</p>
          ) : (
            <table data-slot="realtime-devtools-channels" className="w-full text-xs">
              <thead>
                <tr className="text-start text-muted-foreground">
                  <th scope="col" className="py-1 pe-2 text-start font-medium">{labels.channel}</th>
                  <th scope="col" className="py-1 pe-2 text-start font-medium">{labels.subscribed}</th>
                  <th scope="col" className="py-1 pe-2 text-end font-medium">{labels.resumeCursor}</th>
                  <th scope="col" className="py-1 pe-2 text-end font-medium">{labels.pending}</th>
                  <th scope="col" className="py-1 text-start font-medium">{labels.members}</th>
                </tr>
              </thead>
              <tbody className="divide-y">
                {connection.channels.map((channel) => (
                  <tr key={channel.name} data-slot="realtime-devtools-channel">
                    <th scope="row" className="max-w-32 truncate py-1 pe-2 text-start font-mono font-normal">{channel.name}</th>
                    <td className="py-1 pe-2">{channel.subscribed ? '✓' : '–'}</td>
                    <td className="py-1 pe-2 text-end tabular-nums">{numbers.format(channel.lastSeq)}</td>
                    <td className="py-1 pe-2 text-end tabular-nums">{numbers.format(channel.pending)}</td>
                    <td className="py-1">{channel.members.map((member) => member.userId).join(', ') || '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : (
        connection.lastEventId !== null && (
          <p className="text-xs">
            {labels.lastEventId}: <span className="font-mono">{connection.lastEventId}</span>
          </p>
        )
      )}
      <section aria-label={labels.timeline} className="flex flex-col gap-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">{labels.timeline}</h3>
        <ol data-slot="realtime-devtools-timeline" className="flex flex-col gap-1 border-s ps-3">
          {connection.timeline.map((entry, index) => (
            <li key={`${entry.at}-${index}`} className="relative flex items-baseline gap-2 text-xs">
              <span aria-hidden="true" className="absolute -start-[1.05rem] top-1 flex">
                <StatusDot status={entry.status} />
              </span>
              <time dateTime={new Date(entry.at).toISOString()} className="font-mono tabular-nums text-muted-foreground">
                {times.format(entry.at)}
              </time>
              <span className="font-medium">{labels.status[entry.status]}</span>
              {entry.attempt > 0 && <span>{labels.attempt(numbers.format(entry.attempt))}</span>}
              {entry.error && <span className="truncate text-muted-foreground">{entry.error.code}</span>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

interface EventLogViewProps {
  connectionId: string;
  inspector: Inspector;
  log: EventLog;
  labels: RealtimeDevtoolsLabels;
  locale: string;
}

function EventLogView({ connectionId, inspector, log, labels, locale }: EventLogViewProps) {
  const snapshot = useStore<EventLogSnapshot | null>(log, null);
  const [filter, setFilter] = React.useState('');
  const deferredFilter = React.useDeferredValue(filter);
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale]);
  // One set of formatters for the whole log, not one per row.
  const times = useTimeFormat(locale);
  const bytes = React.useMemo(() => new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'narrow' }), [locale]);
  const filterId = React.useId();
  const events = snapshot?.events ?? [];
  const visible = React.useMemo(() => {
    const needle = deferredFilter.trim().toLowerCase();
    const matching = needle === '' ? events : events.filter((event) => searchText(event).includes(needle));
    // Newest first: what just happened is at the top, without scrolling.
    return [...matching].reverse();
  }, [events, deferredFilter]);

  const exportJSON = () => {
    const blob = new Blob([inspector.exportJSON(connectionId)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `realtime-${connectionId}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  return (
    <div className="flex h-full flex-col">
      <div className="flex flex-wrap items-center gap-1.5 border-b p-2">
        <label htmlFor={filterId} className="sr-only">
          {labels.filter}
        </label>
        <input
          id={filterId}
          type="search"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder={labels.filter}
          data-slot="realtime-devtools-filter"
          className="h-8 min-w-0 flex-1 rounded-md border bg-background px-2 text-sm outline-none placeholder:text-muted-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
        />
        <ToolButton onClick={() => (snapshot?.paused ? log.resume() : log.pause())} pressed={snapshot?.paused ?? false} data-slot="realtime-devtools-pause">
          {snapshot?.paused ? <Play aria-hidden="true" className="size-3.5" /> : <Pause aria-hidden="true" className="size-3.5" />}
          {snapshot?.paused ? labels.resume : labels.pause}
        </ToolButton>
        <ToolButton onClick={() => log.clear()} data-slot="realtime-devtools-clear">
          <Trash2 aria-hidden="true" className="size-3.5" />
          {labels.clear}
        </ToolButton>
        <ToolButton onClick={exportJSON} data-slot="realtime-devtools-export">
          <Download aria-hidden="true" className="size-3.5" />
          {labels.exportJSON}
        </ToolButton>
      </div>
      {snapshot?.paused && (
        <p data-slot="realtime-devtools-paused" className="border-b px-3 py-1.5 text-xs text-muted-foreground">
          {labels.paused(numbers.format(snapshot.discarded))}
        </p>
      )}
      {visible.length === 0 ? (
        <p className="p-3 text-sm text-muted-foreground">{labels.noEvents}</p>
      ) : (
        <ol data-slot="realtime-devtools-events" aria-label={labels.events} className="min-h-0 flex-1 divide-y overflow-y-auto">
          {visible.map((event) => (
            <EventRow key={event.seq} event={event} labels={labels} times={times} bytes={bytes} />
          ))}
        </ol>
      )}
    </div>
  );
}

function searchText(event: InspectedEvent): string {
  let payload = '';
  try {
    payload = JSON.stringify(event.payload) ?? '';
  } catch {
    // An unserialisable payload is matched on its type, event and channel only.
  }
  return `${event.direction} ${event.type} ${event.event ?? ''} ${event.channel ?? ''} ${event.fault ?? ''} ${payload}`.toLowerCase();
}

interface EventRowProps {
  event: InspectedEvent;
  labels: RealtimeDevtoolsLabels;
  times: Intl.DateTimeFormat;
  bytes: Intl.NumberFormat;
}

/** Memoised: events are immutable, so a new event renders one row, not the whole log. */
const EventRow = React.memo(function EventRow({ event, labels, times, bytes }: EventRowProps) {
  const [expanded, setExpanded] = React.useState(false);
  const payloadId = React.useId();
  const Arrow = event.direction === 'in' ? ArrowDownLeft : ArrowUpRight;
  return (
    <li data-slot="realtime-devtools-event" data-direction={event.direction} data-fault={event.fault}>
      <button
        type="button"
        aria-expanded={expanded}
        aria-controls={expanded ? payloadId : undefined}
        onClick={() => setExpanded((value) => !value)}
        className="flex w-full items-center gap-2 px-3 py-1.5 text-start text-xs outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-inset focus-visible:ring-ring/50"
      >
        <Arrow
          aria-hidden="true"
          className={cn('size-3.5 shrink-0', event.direction === 'in' ? 'text-sky-700 dark:text-sky-400' : 'text-violet-700 dark:text-violet-400')}
        />
        <span className="sr-only">{event.direction === 'in' ? labels.directionIn : labels.directionOut}</span>
        <span className="font-mono font-medium">{event.type}</span>
        {event.event && <span className="truncate font-mono">{event.event}</span>}
        {event.channel && <span className="truncate text-muted-foreground">{event.channel}</span>}
        {event.fault && (
          <span className="rounded bg-amber-100 px-1 text-amber-900 dark:bg-amber-950 dark:text-amber-200">
            {event.fault === 'dropped' ? labels.dropped : labels.delayed}
          </span>
        )}
        <span dir="ltr" className="ms-auto shrink-0 tabular-nums text-muted-foreground">
          {bytes.format(event.size)}
        </span>
        <time dateTime={new Date(event.at).toISOString()} className="shrink-0 font-mono tabular-nums text-muted-foreground">
          {times.format(event.at)}
        </time>
      </button>
      {expanded && (
        <div id={payloadId} className="bg-muted/40 px-3 pb-2">
          <JsonTree value={event.payload} label={labels.payload} />
        </div>
      )}
    </li>
  );
});

interface ChaosPanelProps {
  connection: InspectedConnection;
  chaos: ChaosControls;
  labels: RealtimeDevtoolsLabels;
  locale: string;
}

function ChaosPanel({ connection, chaos, labels, locale }: ChaosPanelProps) {
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale]);
  const [countText, setCountText] = React.useState('3');
  const count = Math.max(1, Math.min(1000, Math.trunc(Number(countText)) || 1));
  const latencyId = React.useId();
  const countId = React.useId();
  const supports = (action: InspectedConnection['supports'][number]) => connection.supports.includes(action);
  const { offline, delayMs, dropping } = connection.chaos;
  return (
    <div data-slot="realtime-devtools-chaos" className="flex flex-col gap-3 p-3 text-sm">
      <div className="flex flex-wrap gap-2">
        <ToolButton onClick={() => chaos.disconnect()} data-slot="realtime-devtools-disconnect">
          <Unplug aria-hidden="true" className="size-3.5" />
          {labels.disconnect}
        </ToolButton>
        {supports('offline') && (
          <ToolButton pressed={offline} onClick={() => (offline ? chaos.online() : chaos.offline())} data-slot="realtime-devtools-offline">
            {offline ? <WifiOff aria-hidden="true" className="size-3.5" /> : <Wifi aria-hidden="true" className="size-3.5" />}
            {labels.offline}
          </ToolButton>
        )}
        {supports('heal') && (delayMs > 0 || dropping > 0) && (
          <ToolButton onClick={() => chaos.heal()} data-slot="realtime-devtools-heal">
            {labels.heal}
          </ToolButton>
        )}
      </div>
      {supports('delay') && (
        <div className="flex items-center gap-2">
          <label htmlFor={latencyId} className="w-24 text-xs font-medium">
            {labels.latency}
          </label>
          <select
            id={latencyId}
            value={delayMs}
            onChange={(event) => chaos.delay(Number(event.target.value))}
            data-slot="realtime-devtools-latency"
            className="h-8 rounded-md border bg-background px-2 text-sm outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            {[...new Set([...LATENCIES, delayMs])].map((ms) => (
              <option key={ms} value={ms}>
                {ms === 0 ? labels.latencyOff : `${numbers.format(ms)} ms`}
              </option>
            ))}
          </select>
        </div>
      )}
      {supports('drop') && (
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={countId} className="w-24 text-xs font-medium">
            {labels.dropCount}
          </label>
          <input
            id={countId}
            type="number"
            min={1}
            max={1000}
            value={countText}
            onChange={(event) => setCountText(event.target.value)}
            data-slot="realtime-devtools-drop-count"
            className="h-8 w-20 rounded-md border bg-background px-2 text-sm tabular-nums outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
          />
          <ToolButton onClick={() => chaos.drop(count)} data-slot="realtime-devtools-drop">
            <Scissors aria-hidden="true" className="size-3.5" />
            {labels.dropNext}
          </ToolButton>
          {dropping > 0 && (
            <span role="status" className="text-xs text-muted-foreground">
              {labels.dropping(numbers.format(dropping))}
            </span>
          )}
        </div>
      )}
      {!supports('offline') && <p className="text-xs text-muted-foreground">{labels.rawChaos}</p>}
    </div>
  );
}

// ---- JSON tree ------------------------------------------------------------------------------------------------

interface TreeNode {
  path: string;
  key: string | null;
  value: unknown;
  level: number;
  /** Position among its siblings, 1-based, and how many siblings. */
  position: number;
  siblings: number;
  branch: boolean;
}

function isBranch(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

/** The visible nodes, depth first: children of collapsed branches are left out. */
function visibleNodes(value: unknown, expanded: ReadonlySet<string>): TreeNode[] {
  const nodes: TreeNode[] = [];
  const walk = (key: string | null, item: unknown, path: string, level: number, position: number, siblings: number) => {
    const branch = isBranch(item);
    nodes.push({ path, key, value: item, level, position, siblings, branch });
    if (!branch || !expanded.has(path)) return;
    const entries = Object.entries(item);
    entries.forEach(([childKey, child], index) => walk(childKey, child, `${path}/${childKey}`, level + 1, index + 1, entries.length));
  };
  walk(null, value, '$', 1, 1, 1);
  return nodes;
}

function preview(value: unknown): string {
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? '{}' : `{…} ${Object.keys(value).length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  return String(value);
}

/** The root and its direct children start expanded: a frame's `data` shows at once. */
function initiallyExpanded(value: unknown): ReadonlySet<string> {
  const paths = new Set(['$']);
  if (isBranch(value)) for (const [key, child] of Object.entries(value)) if (isBranch(child)) paths.add(`$/${key}`);
  return paths;
}

/**
 * A payload as an ARIA tree: arrow keys move (Up/Down), expand or go to the first child (Right), collapse or go to
 * the parent (Left); Home/End; Enter or Space toggles.
 */
function JsonTree({ value, label }: { value: unknown; label: string }) {
  const [expanded, setExpanded] = React.useState<ReadonlySet<string>>(() => initiallyExpanded(value));
  const [active, setActive] = React.useState('$');
  const treeRef = React.useRef<HTMLUListElement>(null);
  const nodes = React.useMemo(() => visibleNodes(value, expanded), [value, expanded]);

  const toggle = (path: string, open?: boolean) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (open ?? !next.has(path)) next.add(path);
      else next.delete(path);
      return next;
    });
  const focus = (path: string) => {
    setActive(path);
    treeRef.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)?.focus();
  };

  const onKeyDown = (event: React.KeyboardEvent, node: TreeNode, index: number) => {
    const isOpen = expanded.has(node.path);
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        if (nodes[index + 1]) focus(nodes[index + 1]!.path);
        break;
      case 'ArrowUp':
        if (nodes[index - 1]) focus(nodes[index - 1]!.path);
        break;
      case 'Home':
        focus(nodes[0]!.path);
        break;
      case 'End':
        focus(nodes.at(-1)!.path);
        break;
      case 'ArrowRight':
        if (node.branch && !isOpen) toggle(node.path, true);
        else if (node.branch && nodes[index + 1]) focus(nodes[index + 1]!.path);
        break;
      case 'ArrowLeft':
        if (node.branch && isOpen) toggle(node.path, false);
        else if (node.level > 1) focus(node.path.slice(0, node.path.lastIndexOf('/')));
        break;
      case 'Enter':
      case ' ':
        if (node.branch) toggle(node.path);
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  return (
    <ul ref={treeRef} role="tree" aria-label={label} data-slot="realtime-devtools-json" className="font-mono text-xs">
      {nodes.map((node, index) => (
        <li
          key={node.path}
          role="treeitem"
          data-path={node.path}
          aria-level={node.level}
          aria-setsize={node.siblings}
          aria-posinset={node.position}
          aria-expanded={node.branch ? expanded.has(node.path) : undefined}
          aria-selected={active === node.path}
          tabIndex={active === node.path ? 0 : -1}
          onKeyDown={(event) => onKeyDown(event, node, index)}
          onClick={(event) => {
            event.stopPropagation();
            setActive(node.path);
            if (node.branch) toggle(node.path);
          }}
          style={{ paddingInlineStart: `${(node.level - 1) * 0.875}rem` }}
          className="flex cursor-default items-baseline gap-1 rounded-sm py-px outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring/50"
        >
          <ChevronRight
            aria-hidden="true"
            className={cn(
              'size-3 shrink-0 self-center motion-safe:transition-transform',
              node.branch ? 'text-muted-foreground' : 'invisible',
              expanded.has(node.path) ? 'rotate-90' : 'rtl:rotate-180',
            )}
          />
          {node.key !== null && <span className="text-sky-800 dark:text-sky-300">{node.key}:</span>}
          <span className={cn('break-all', typeof node.value === 'string' ? 'text-emerald-800 dark:text-emerald-300' : 'text-foreground')}>
            {preview(node.value)}
          </span>
        </li>
      ))}
    </ul>
  );
}

// ---- small parts -----------------------------------------------------------------------------------------------

const dotColors: Record<ConnectionStatus, string> = {
  idle: 'bg-muted-foreground',
  connecting: 'bg-amber-500 motion-safe:animate-pulse',
  open: 'bg-emerald-500',
  reconnecting: 'bg-amber-500 motion-safe:animate-pulse',
  offline: 'bg-zinc-400',
  closed: 'bg-red-500',
};

function StatusDot({ status }: { status: ConnectionStatus }) {
  return <span aria-hidden="true" data-slot="realtime-devtools-dot" className={cn('inline-block size-2 shrink-0 rounded-full', dotColors[status])} />;
}

function IconButton({ label, className, ...props }: React.ComponentProps<'button'> & { label: string }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className={cn(
        'inline-flex size-7 shrink-0 items-center justify-center rounded-md outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50',
        className,
      )}
      {...props}
    />
  );
}

function ToolButton({ pressed, className, ...props }: React.ComponentProps<'button'> & { pressed?: boolean }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      className={cn(
        'inline-flex h-8 items-center gap-1.5 rounded-md border bg-background px-2.5 text-xs font-medium text-foreground shadow-xs outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 aria-pressed:bg-accent aria-pressed:text-accent-foreground',
        className,
      )}
      {...props}
    />
  );
}

function connectionTitle(connection: InspectedConnection): string {
  return connection.url ? `${connection.transport} ${connection.url}` : `${connection.transport} (${connection.id})`;
}

function useTimeFormat(locale: string): Intl.DateTimeFormat {
  return React.useMemo(
    () => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false }),
    [locale],
  );
}

/** The current time, ticking every `intervalMs` (null: not ticking, and null before hydration). */
function useNow(intervalMs: number | null): number | null {
  const [now, setNow] = React.useState<number | null>(null);
  React.useEffect(() => {
    if (intervalMs === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

interface Shortcut {
  key: string;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  meta: boolean;
  /** For `aria-keyshortcuts`, e.g. `Control+Shift+D`. */
  aria: string;
  /** For the tooltip, e.g. `Ctrl+Shift+D`. */
  display: string;
}

function parseShortcut(text: string): Shortcut {
  const parts = text.toLowerCase().split('+').map((part) => part.trim()).filter(Boolean);
  const key = parts.pop();
  if (!key) throw new RangeError(`RealtimeDevtools: shortcut "${text}" names no key (e.g. "ctrl+shift+d").`);
  const has = (...names: string[]) => parts.some((part) => names.includes(part));
  const shortcut = { key, ctrl: has('ctrl', 'control'), shift: has('shift'), alt: has('alt', 'option'), meta: has('meta', 'cmd', 'command') };
  const upper = key.length === 1 ? key.toUpperCase() : key[0]!.toUpperCase() + key.slice(1);
  const modifiers = [shortcut.ctrl && 'Control', shortcut.alt && 'Alt', shortcut.shift && 'Shift', shortcut.meta && 'Meta'].filter(Boolean);
  return {
    ...shortcut,
    aria: [...modifiers, upper].join('+'),
    display: [...modifiers.map((modifier) => (modifier === 'Control' ? 'Ctrl' : modifier)), upper].join('+'),
  };
}

function matchesShortcut(event: KeyboardEvent, shortcut: Shortcut): boolean {
  // `code` too, so Shift or a keyboard layout that changes `key` (Alt+R → ®) still matches letters and digits.
  const code = event.code.toLowerCase();
  const key = event.key.toLowerCase();
  const keyMatches = key === shortcut.key || code === `key${shortcut.key}` || code === `digit${shortcut.key}`;
  return keyMatches && event.ctrlKey === shortcut.ctrl && event.shiftKey === shortcut.shift && event.altKey === shortcut.alt && event.metaKey === shortcut.meta;
}

/**
 * Typed here so the file compiles where `@types/node` is not installed (a Vite app); at run time the bundler has
 * replaced `process.env.NODE_ENV` with a string, or `process` is missing and the catch below answers.
 */
declare const process: { readonly env: { readonly NODE_ENV?: string } };

/** True in a production build: Next.js and Vite replace `process.env.NODE_ENV` at build time. */
function isProductionBuild(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    // No `process` and no replacement (a plain ES module in a browser): not a production build of a bundler.
    return false;
  }
}

export { RealtimeDevtools };
export type { RealtimeDevtoolsLabels, RealtimeDevtoolsProps };
