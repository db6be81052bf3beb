"use client"

import * as React from "react"
import {
  useEvent,
  useRealtimeClient,
  useSSE,
  type Channel,
  type UseSSEOptions,
} from "@realtime-kit/react"
import {
  useMotionValueEvent,
  useReducedMotionConfig,
  useSpring,
} from "motion/react"

import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { cn } from "@/registry/realtime/lib/utils"

type SpringOptions = NonNullable<Parameters<typeof useSpring>[1]>

interface LiveCounterProps<T = unknown> extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  /** The Server-Sent Events endpoint, or `null` to stay idle and show `initialValue`. */
  url?: string | null
  /**
   * Follow a channel instead of an SSE URL (a name or a `Channel`; needs a `<RealtimeProvider>`): each `event`
   * message's data is the number (through `select` / `field`). The newest stored one shows at once.
   */
  channel?: string | Channel
  /**
   * A number you already follow (your own state, a query, `useSharedState`): shown and animated as it changes.
   * `url` and `channel` are not read then.
   */
  value?: number
  /** The event name that carries the number. Default `"message"` (events the server sent without a name). */
  event?: string
  /** Turn an event's data into the number to show. Default: the data itself, or `data[field]` when `field` is set. */
  select?: (data: T) => number
  /** Read this key of the event's JSON data. Use it from Server Components, which cannot pass `select`. */
  field?: string
  /**
   * The number rendered before the first event, on the server too: pass the value you already know
   * so the page does not flash from 0. Default 0.
   */
  initialValue?: number
  /** BCP 47 locale for `Intl.NumberFormat`. Default: the browser's (the server renders with `en-US`, then it switches). */
  locale?: string
  /** `Intl.NumberFormat` options, e.g. `{ notation: 'compact' }` or `{ style: 'currency', currency: 'EUR' }`. */
  formatOptions?: Intl.NumberFormatOptions
  /** What the number counts, read before it by screen readers ("Viewers: 1,204"). */
  label?: string
  /** Spring settings for the animation. Ignored when the user prefers reduced motion: the number jumps. */
  spring?: SpringOptions
  /** Announce each new value politely to screen readers. Turn off for numbers that change every second. Default true. */
  announce?: boolean
  /** Any other `useSSE` option (headers, parse, withCredentials, backoff…). */
  sseOptions?: Omit<UseSSEOptions<T>, "events">
}

const defaultSpring: SpringOptions = { stiffness: 120, damping: 20, mass: 0.6 }

/**
 * A number that follows a Server-Sent Events stream, a channel, or a value you pass, and springs to each new value.
 *
 * - Renders `initialValue` on the server, so there is no flash from 0.
 * - Formats with `Intl.NumberFormat` in the reader's locale, with tabular figures; the box is sized
 *   for the final value while it animates, so nothing around it shifts.
 * - Screen readers get the final value once per update through a polite live region, never the
 *   in-between frames. With reduced motion, the number jumps without animating.
 *
 * @example
 * <LiveCounter url="/api/demo/counter" event="count" field="viewers" label="Viewers" initialValue={12} />
 * @example
 * <LiveCounter channel="stats:site" event="viewers" field="count" label="Viewers" />
 * @example
 * <LiveCounter value={game.moves.length} label="Moves" />
 */
function LiveCounter<T = unknown>({
  url = null,
  channel,
  value: controlled,
  event = "message",
  select,
  field,
  initialValue = 0,
  locale,
  formatOptions,
  label,
  spring: springOptions = defaultSpring,
  announce = true,
  sseOptions,
  className,
  ...props
}: LiveCounterProps<T>) {
  const source =
    controlled !== undefined
      ? "value"
      : channel !== undefined
        ? "channel"
        : "sse"
  const { data: streamed, status } = useSSE<T>(source === "sse" ? url : null, {
    ...sseOptions,
    events: [event],
    maxMessages: 1,
  })
  const [published, setPublished] = React.useState<T | undefined>(undefined)
  const data = source === "channel" ? published : streamed

  const reduceMotion = useReducedMotionConfig() ?? false

  // Keep the last valid number: a malformed event should not send the counter back to its initial value.
  const [target, setTarget] = React.useState(initialValue)
  // While animating, the value it left from also reserves its width, so a shrinking number does not
  // pull the text after it along frame by frame.
  const [from, setFrom] = React.useState<number | null>(null)
  const next =
    source === "value"
      ? toNumber(controlled, undefined, undefined)
      : data === undefined
        ? undefined
        : toNumber(data, select, field)
  if (next !== undefined && next !== target) {
    setTarget(next)
    setFrom(reduceMotion ? null : target)
  }

  const resolvedLocale = useLocale(locale)
  // formatOptions is compared by value (read back from its JSON) so an inline object does not rebuild the
  // formatter every render.
  const formatOptionsKey = JSON.stringify(formatOptions ?? {})
  const formatter = React.useMemo(
    () =>
      new Intl.NumberFormat(
        resolvedLocale,
        JSON.parse(formatOptionsKey) as Intl.NumberFormatOptions
      ),
    [resolvedLocale, formatOptionsKey]
  )
  const formatted = formatter.format(target)

  const value = useSpring(initialValue, springOptions)
  // The animated text is written straight to the DOM each frame (no re-render, and only motion's hooks are bundled,
  // not its components). React renders the first value only, so it never writes over a frame in progress.
  const [firstText] = React.useState(formatted)
  const valueRef = React.useRef<HTMLSpanElement>(null)
  const show = React.useCallback((text: string) => {
    if (valueRef.current && valueRef.current.textContent !== text)
      valueRef.current.textContent = text
  }, [])
  // Read by the per-frame callback: the latest formatter, target and rounding, without re-subscribing.
  const frame = React.useRef({
    formatter,
    target,
    decimals: decimalsOf(target),
    animating: false,
  })
  React.useLayoutEffect(() => {
    // In-between frames show as many decimals as the values animated between, not 1,234.567.
    const decimals = Math.max(
      decimalsOf(target),
      from === null ? 0 : decimalsOf(from)
    )
    frame.current = { formatter, target, decimals, animating: from !== null }
  }, [formatter, target, from])

  useMotionValueEvent(value, "change", (latest) => {
    const {
      formatter: format,
      target: end,
      decimals,
      animating,
    } = frame.current
    const rounded = roundTo(latest, decimals)
    show(format.format(rounded))
    if (animating && rounded === roundTo(end, decimals)) {
      frame.current.animating = false
      setFrom(null)
    }
  })

  React.useEffect(() => {
    show(formatter.format(roundTo(value.get(), frame.current.decimals)))
  }, [formatter, show, value])

  React.useEffect(() => {
    if (reduceMotion) value.jump(target)
    else value.set(target)
  }, [target, reduceMotion, value])

  return (
    <div
      data-slot="live-counter"
      data-source={source}
      data-state={source === "sse" ? status : undefined}
      className={cn(
        "inline-flex items-baseline font-semibold tabular-nums",
        className
      )}
      {...props}
    >
      {source === "channel" && channel !== undefined && (
        <ChannelNumberSource
          channel={channel}
          event={event}
          onData={setPublished}
        />
      )}
      {/* One grid cell: the animated number over invisible copies of where it goes (and comes from), which set the width. */}
      <span aria-hidden="true" className="inline-grid justify-items-end">
        <span className="invisible col-start-1 row-start-1">{formatted}</span>
        {from !== null && (
          <span className="invisible col-start-1 row-start-1">
            {formatter.format(from)}
          </span>
        )}
        <span
          ref={valueRef}
          data-slot="live-counter-value"
          className="col-start-1 row-start-1"
        >
          {firstText}
        </span>
      </span>
      <span
        role={announce ? "status" : undefined}
        aria-live={announce ? "polite" : undefined}
        aria-atomic="true"
        data-slot="live-counter-announcer"
        className="sr-only"
      >
        {label ? `${label}: ${formatted}` : formatted}
      </span>
    </div>
  )
}

/** Follows `event` on `channel` (the newest stored message first): rendered only when the counter reads a channel. */
function ChannelNumberSource<T>({
  channel,
  event,
  onData,
}: {
  channel: string | Channel
  event: string
  onData: (data: T) => void
}) {
  const client = useRealtimeClient()
  const followed = React.useMemo(
    () =>
      typeof channel === "string"
        ? client.channel(channel, { rewind: 1 })
        : channel,
    [client, channel]
  )
  useEvent(followed, event, (message) => onData(message.data as T))
  return null
}

function decimalsOf(value: number): number {
  if (Number.isInteger(value)) return 0
  const [, fraction = ""] = String(value).split(".")
  return Math.min(fraction.replace(/e.*$/, "").length, 20)
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}

function toNumber<T>(
  data: T,
  select: ((data: T) => number) | undefined,
  field: string | undefined
): number | undefined {
  let value: unknown = data
  if (select) value = select(data)
  else if (field !== undefined && typeof data === "object" && data !== null)
    value = (data as Record<string, unknown>)[field]
  const number = typeof value === "string" ? Number(value) : value
  return typeof number === "number" && Number.isFinite(number)
    ? number
    : undefined
}

export { LiveCounter }
export type { LiveCounterProps }
