"use client"

import * as React from "react"
import { Activity } from "lucide-react"

import { Button } from "@/components/ui/button"
import { RealtimeDevtoolsPanel } from "@/registry/realtime/components/realtime-devtools-panel"
import {
  defaultRealtimeDevtoolsLabels,
  type RealtimeDevtoolsLabels,
} from "@/registry/realtime/lib/realtime-devtools-labels"
import { cn } from "@/registry/realtime/lib/utils"

/*
 * A floating devtools panel for every realtime-kit connection on the page: channel clients (every
 * RealtimeProvider) and raw useSSE / useWebSocket connections. Closed, it is a button and a key listener: the
 * inspector (`createInspector` from @realtime-kit/core/devtools) exists only while the panel is open, so a closed
 * panel taps no frame. It renders nothing in production builds unless `enabled` is passed.
 *
 * Its parts live beside it: the panel (realtime-devtools-panel), the overview (realtime-devtools-overview), the event
 * log (realtime-devtools-log), the chaos controls (realtime-devtools-chaos) and the JSON tree
 * (realtime-devtools-json-tree); the labels and shared helpers are in lib/realtime-devtools.
 */

type Corner = "bottom-end" | "bottom-start" | "top-end" | "top-start"

interface RealtimeDevtoolsProps extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  /**
   * Render it. Default: on in development, off when `process.env.NODE_ENV === 'production'` (Next.js and Vite
   * both replace it at build time), so a production bundle ships a component that renders nothing.
   */
  enabled?: boolean
  /** Open on mount. Default false. */
  defaultOpen?: boolean
  /** The key combination that toggles the panel, e.g. `'ctrl+shift+d'` (default) or `'alt+r'`. `null` for none. */
  shortcut?: string | null
  /** Which corner the button sits in (logical: `end` is the right in LTR). Default `'bottom-end'`. */
  corner?: Corner
  /** Events kept per connection while open. Default 500. */
  maxEvents?: number
  /** BCP 47 locale for times and numbers. Default: the browser's. */
  locale?: string
  /** Replace any of the default texts, e.g. to translate them. */
  labels?: Partial<RealtimeDevtoolsLabels>
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
  shortcut = "ctrl+shift+d",
  corner = "bottom-end",
  maxEvents,
  locale,
  labels: labelOverrides,
  className,
  ...props
}: RealtimeDevtoolsProps) {
  const labels = {
    ...defaultRealtimeDevtoolsLabels,
    ...labelOverrides,
    status: {
      ...defaultRealtimeDevtoolsLabels.status,
      ...labelOverrides?.status,
    },
  }
  const [open, setOpen] = React.useState(defaultOpen)
  const triggerRef = React.useRef<HTMLButtonElement>(null)
  const panelId = React.useId()
  const parsedShortcut = React.useMemo(
    () => (shortcut ? parseShortcut(shortcut) : null),
    [shortcut]
  )

  const close = React.useCallback(() => {
    setOpen(false)
    triggerRef.current?.focus()
  }, [])

  React.useEffect(() => {
    if (!enabled || !parsedShortcut) return
    const onKeyDown = (event: KeyboardEvent) => {
      if (!matchesShortcut(event, parsedShortcut)) return
      event.preventDefault()
      setOpen((wasOpen) => {
        if (wasOpen) triggerRef.current?.focus()
        return !wasOpen
      })
    }
    document.addEventListener("keydown", onKeyDown)
    return () => document.removeEventListener("keydown", onKeyDown)
  }, [enabled, parsedShortcut])

  if (!enabled) return null
  const bottom = corner.startsWith("bottom")
  const end = corner.endsWith("end")

  return (
    <div
      data-slot="realtime-devtools"
      data-state={open ? "open" : "closed"}
      className={cn(
        "fixed z-[2147483000] flex gap-2",
        bottom ? "bottom-4 flex-col-reverse" : "top-4 flex-col",
        end ? "end-4 items-end" : "start-4 items-start",
        className
      )}
      {...props}
    >
      <Button
        ref={triggerRef}
        type="button"
        variant="outline"
        size="icon-lg"
        data-slot="realtime-devtools-trigger"
        aria-label={labels.toggle}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-keyshortcuts={parsedShortcut?.aria}
        title={
          parsedShortcut
            ? `${labels.toggle} (${parsedShortcut.display})`
            : labels.toggle
        }
        onClick={() => setOpen((wasOpen) => !wasOpen)}
        className="rounded-full shadow-lg aria-expanded:bg-accent"
      >
        <Activity aria-hidden="true" className="size-5" />
      </Button>
      {open && (
        <RealtimeDevtoolsPanel
          id={panelId}
          labels={labels}
          locale={locale}
          maxEvents={maxEvents}
          onClose={close}
        />
      )}
    </div>
  )
}

interface Shortcut {
  key: string
  ctrl: boolean
  shift: boolean
  alt: boolean
  meta: boolean
  /** For `aria-keyshortcuts`, e.g. `Control+Shift+D`. */
  aria: string
  /** For the tooltip, e.g. `Ctrl+Shift+D`. */
  display: string
}

function parseShortcut(text: string): Shortcut {
  const parts = text
    .toLowerCase()
    .split("+")
    .map((part) => part.trim())
    .filter(Boolean)
  const key = parts.pop()
  if (!key)
    throw new RangeError(
      `RealtimeDevtools: shortcut "${text}" names no key (e.g. "ctrl+shift+d").`
    )
  const has = (...names: string[]) => parts.some((part) => names.includes(part))
  const shortcut = {
    key,
    ctrl: has("ctrl", "control"),
    shift: has("shift"),
    alt: has("alt", "option"),
    meta: has("meta", "cmd", "command"),
  }
  const upper =
    key.length === 1 ? key.toUpperCase() : key[0]!.toUpperCase() + key.slice(1)
  const modifiers = [
    shortcut.ctrl && "Control",
    shortcut.alt && "Alt",
    shortcut.shift && "Shift",
    shortcut.meta && "Meta",
  ].filter(Boolean)
  return {
    ...shortcut,
    aria: [...modifiers, upper].join("+"),
    display: [
      ...modifiers.map((modifier) =>
        modifier === "Control" ? "Ctrl" : modifier
      ),
      upper,
    ].join("+"),
  }
}

function matchesShortcut(event: KeyboardEvent, shortcut: Shortcut): boolean {
  // `code` too, so Shift or a keyboard layout that changes `key` (Alt+R → ®) still matches letters and digits.
  const code = event.code.toLowerCase()
  const key = event.key.toLowerCase()
  const keyMatches =
    key === shortcut.key ||
    code === `key${shortcut.key}` ||
    code === `digit${shortcut.key}`
  return (
    keyMatches &&
    event.ctrlKey === shortcut.ctrl &&
    event.shiftKey === shortcut.shift &&
    event.altKey === shortcut.alt &&
    event.metaKey === shortcut.meta
  )
}

/**
 * Typed here so the file compiles where `@types/node` is not installed (a Vite app); at run time the bundler has
 * replaced `process.env.NODE_ENV` with a string, or `process` is missing and the catch below answers.
 */
declare const process: { readonly env: { readonly NODE_ENV?: string } }

/** True in a production build: Next.js and Vite replace `process.env.NODE_ENV` at build time. */
function isProductionBuild(): boolean {
  try {
    return process.env.NODE_ENV === "production"
  } catch {
    // No `process` and no replacement (a plain ES module in a browser): not a production build of a bundler.
    return false
  }
}

export { RealtimeDevtools }
export type { RealtimeDevtoolsLabels, RealtimeDevtoolsProps }
