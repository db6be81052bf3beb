"use client"

import * as React from "react"
import {
  createInspector,
  type InspectedConnection,
  type Inspector,
} from "@realtime-kit/core/devtools"
import { Activity, ArrowLeft, ChevronRight, X } from "lucide-react"

import { Button } from "@/components/ui/button"
import { ScrollArea } from "@/components/ui/scroll-area"
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs"
import { RealtimeDevtoolsChaos } from "@/registry/realtime/components/realtime-devtools-chaos"
import { RealtimeDevtoolsLog } from "@/registry/realtime/components/realtime-devtools-log"
import {
  RealtimeDevtoolsOverview,
  RealtimeDevtoolsStatusDot,
} from "@/registry/realtime/components/realtime-devtools-overview"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import {
  connectionTitle,
  useNow,
  useStore,
  type DevtoolsConnectionStatus,
  type RealtimeDevtoolsLabels,
} from "@/registry/realtime/lib/realtime-devtools-labels"

interface RealtimeDevtoolsPanelProps {
  id: string
  labels: RealtimeDevtoolsLabels
  locale?: string
  maxEvents?: number
  onClose: () => void
}

const EMPTY_CONNECTIONS: readonly InspectedConnection[] = []

/** The open panel: a non-modal dialog that owns the inspector for as long as it is mounted. */
function RealtimeDevtoolsPanel({
  id,
  labels,
  locale,
  maxEvents,
  onClose,
}: RealtimeDevtoolsPanelProps) {
  const inspector = useInspector(maxEvents)
  const connections = useStore(inspector, EMPTY_CONNECTIONS)
  const [selectedId, setSelectedId] = React.useState<string | null>(null)
  const selected =
    connections.find((connection) => connection.id === selectedId) ?? null
  const headingId = React.useId()
  const panelRef = React.useRef<HTMLDivElement>(null)
  const resolvedLocale = useLocale(locale)

  // Focus moves into the panel as it opens.
  React.useEffect(() => {
    panelRef.current?.focus()
  }, [])

  const back = () => {
    setSelectedId(null)
    // The list replaces the detail view: focus the panel so keyboard users stay inside.
    panelRef.current?.focus()
  }

  return (
    <div
      ref={panelRef}
      id={id}
      role="dialog"
      aria-labelledby={headingId}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key !== "Escape") return
        event.stopPropagation()
        onClose()
      }}
      data-slot="realtime-devtools-panel"
      className="flex h-[min(36rem,calc(100dvh-6rem))] w-[min(30rem,calc(100vw-2rem))] flex-col overflow-hidden rounded-xl border bg-popover text-popover-foreground shadow-2xl outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <div className="flex items-center gap-2 border-b px-3 py-2">
        {selected && (
          <Button
            type="button"
            variant="ghost"
            size="icon-sm"
            aria-label={labels.back}
            title={labels.back}
            onClick={back}
            data-slot="realtime-devtools-back"
          >
            <ArrowLeft aria-hidden="true" className="rtl:rotate-180" />
          </Button>
        )}
        <h2
          id={headingId}
          className="min-w-0 flex-1 truncate text-sm font-semibold"
        >
          {selected ? connectionTitle(selected) : labels.heading}
        </h2>
        <Button
          type="button"
          variant="ghost"
          size="icon-sm"
          aria-label={labels.close}
          title={labels.close}
          onClick={onClose}
          data-slot="realtime-devtools-close"
        >
          <X aria-hidden="true" />
        </Button>
      </div>
      {!inspector ? null : selected ? (
        <ConnectionDetail
          key={selected.id}
          inspector={inspector}
          connection={selected}
          labels={labels}
          locale={resolvedLocale}
        />
      ) : (
        // Also when the selected connection went away (closed).
        <ConnectionList
          connections={connections}
          labels={labels}
          locale={resolvedLocale}
          onSelect={setSelectedId}
        />
      )}
    </div>
  )
}

/** An inspector for the component's lifetime (StrictMode-safe: each effect run owns and closes its own). */
function useInspector(maxEvents?: number): Inspector | null {
  const [inspector, setInspector] = React.useState<Inspector | null>(null)
  React.useEffect(() => {
    const created = createInspector({ maxEvents })
    setInspector(created)
    return () => {
      created.close()
      setInspector((current) => (current === created ? null : current))
    }
  }, [maxEvents])
  return inspector
}

interface ConnectionListProps {
  connections: readonly InspectedConnection[]
  labels: RealtimeDevtoolsLabels
  locale: string
  onSelect: (id: string) => void
}

function ConnectionList({
  connections,
  labels,
  locale,
  onSelect,
}: ConnectionListProps) {
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale])
  if (connections.length === 0) {
    return (
      <div
        data-slot="realtime-devtools-empty"
        className="flex flex-1 flex-col items-center justify-center gap-2 px-6 text-center"
      >
        <Activity aria-hidden="true" className="size-8 text-muted-foreground" />
        <p className="text-sm font-medium">{labels.empty}</p>
        <p className="text-sm text-muted-foreground">{labels.emptyDetail}</p>
      </div>
    )
  }
  return (
    <ScrollArea className="min-h-0 flex-1">
      <ul
        data-slot="realtime-devtools-connections"
        className="divide-y"
        aria-label={labels.heading}
      >
        {connections.map((connection) => (
          <li key={connection.id}>
            <Button
              type="button"
              variant="ghost"
              data-slot="realtime-devtools-connection"
              data-status={connection.status}
              onClick={() => onSelect(connection.id)}
              className="h-auto w-full justify-start gap-3 rounded-none px-3 py-2.5 text-start font-normal focus-visible:ring-inset"
            >
              <RealtimeDevtoolsStatusDot
                status={connection.status}
                error={connection.error}
              />
              <span className="flex min-w-0 flex-1 flex-col">
                <span className="truncate text-sm font-medium">
                  {connectionTitle(connection)}
                </span>
                <span className="truncate text-xs text-muted-foreground">
                  {labels.status[connection.status]}
                  {connection.kind === "client" &&
                    ` · ${labels.channels} ${numbers.format(connection.channels.length)} · ${labels.outbox} ${numbers.format(connection.outbox)}`}
                </span>
              </span>
              <ChevronRight
                aria-hidden="true"
                className="text-muted-foreground rtl:rotate-180"
              />
            </Button>
          </li>
        ))}
      </ul>
    </ScrollArea>
  )
}

type Tab = "overview" | "events" | "chaos"
const TABS: readonly Tab[] = ["overview", "events", "chaos"]

interface ConnectionDetailProps {
  inspector: Inspector
  connection: InspectedConnection
  labels: RealtimeDevtoolsLabels
  locale: string
}

/** One connection: its status, then tabs for what it holds, its event log and chaos controls. */
function ConnectionDetail({
  inspector,
  connection,
  labels,
  locale,
}: ConnectionDetailProps) {
  const [tab, setTab] = React.useState<Tab>("overview")
  const log = React.useMemo(
    () => inspector.events(connection.id),
    [inspector, connection.id]
  )
  const chaos = React.useMemo(
    () => inspector.chaos(connection.id),
    [inspector, connection.id]
  )
  const announcement = useStatusAnnouncement(connection.status, labels)
  const rootRef = React.useRef<HTMLDivElement>(null)
  // The tabs' arrow keys follow the reading direction: Radix needs it told (the page's `dir`, or an ancestor's).
  const direction = useDirection(rootRef)

  return (
    <div
      ref={rootRef}
      data-slot="realtime-devtools-detail"
      className="flex min-h-0 flex-1 flex-col"
    >
      <StatusSummary connection={connection} labels={labels} locale={locale} />
      <Tabs
        value={tab}
        onValueChange={(value) => setTab(value as Tab)}
        dir={direction}
        className="min-h-0 flex-1 gap-0"
      >
        <TabsList
          variant="line"
          aria-label={connectionTitle(connection)}
          className="w-full justify-start border-b px-3"
        >
          {TABS.map((name) => (
            <TabsTrigger key={name} value={name} className="flex-none">
              {labels[name]}
            </TabsTrigger>
          ))}
        </TabsList>
        <TabsContent value="overview" className="min-h-0">
          <ScrollArea className="h-full">
            <RealtimeDevtoolsOverview
              connection={connection}
              labels={labels}
              locale={locale}
            />
          </ScrollArea>
        </TabsContent>
        <TabsContent value="events" className="min-h-0">
          <RealtimeDevtoolsLog
            connectionId={connection.id}
            inspector={inspector}
            log={log}
            labels={labels}
            locale={locale}
          />
        </TabsContent>
        <TabsContent value="chaos" className="min-h-0">
          <ScrollArea className="h-full">
            <RealtimeDevtoolsChaos
              connection={connection}
              chaos={chaos}
              labels={labels}
              locale={locale}
            />
          </ScrollArea>
        </TabsContent>
      </Tabs>
      <p
        role="status"
        aria-live="polite"
        aria-atomic="true"
        data-slot="realtime-devtools-announcer"
        className="sr-only"
      >
        {announcement}
      </p>
    </div>
  )
}

/** The reading direction at `ref` (its computed `direction`), `ltr` until mounted. */
function useDirection(ref: React.RefObject<HTMLElement | null>): "ltr" | "rtl" {
  const [direction, setDirection] = React.useState<"ltr" | "rtl">("ltr")
  React.useLayoutEffect(() => {
    if (ref.current)
      setDirection(
        getComputedStyle(ref.current).direction === "rtl" ? "rtl" : "ltr"
      )
  }, [ref])
  return direction
}

/** The status, said once when it changes (not on mount, not on every attempt). */
function useStatusAnnouncement(
  status: DevtoolsConnectionStatus,
  labels: RealtimeDevtoolsLabels
): string {
  const [announcement, setAnnouncement] = React.useState("")
  const previous = React.useRef(status)
  React.useEffect(() => {
    if (previous.current === status) return
    previous.current = status
    setAnnouncement(labels.statusChanged(labels.status[status]))
  }, [status, labels])
  return announcement
}

function StatusSummary({
  connection,
  labels,
  locale,
}: {
  connection: InspectedConnection
  labels: RealtimeDevtoolsLabels
  locale: string
}) {
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale])
  const now = useNow(connection.retryAt === null ? null : 1000)
  const retrySeconds =
    connection.retryAt !== null && now !== null
      ? Math.max(0, Math.ceil((connection.retryAt - now) / 1000))
      : null
  return (
    <div
      data-slot="realtime-devtools-status"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b px-3 py-2 text-xs"
    >
      <span className="inline-flex items-center gap-1.5 font-medium">
        <RealtimeDevtoolsStatusDot
          status={connection.status}
          error={connection.error}
        />
        <span data-slot="realtime-devtools-status-label">
          {labels.status[connection.status]}
        </span>
      </span>
      <span className="text-muted-foreground">{connection.transport}</span>
      {connection.url && (
        <span className="min-w-0 truncate font-mono text-muted-foreground">
          {connection.url}
        </span>
      )}
      {connection.attempt > 0 && (
        <span>
          {labels.attempt(numbers.format(connection.attempt))}
          {retrySeconds !== null &&
            `, ${labels.retryIn(numbers.format(retrySeconds))}`}
        </span>
      )}
      {connection.error && (
        <span className="w-full truncate text-destructive">
          {connection.error.message}
        </span>
      )}
    </div>
  )
}

export { RealtimeDevtoolsPanel }
export type { RealtimeDevtoolsPanelProps }
