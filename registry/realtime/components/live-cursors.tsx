"use client"

import * as React from "react"
import {
  useChannel,
  usePresence,
  type Channel,
  type ChannelSignal,
  type PresenceMember,
} from "@realtime-kit/react"

import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { userColor } from "@/registry/realtime/lib/user-color"
import { cn } from "@/registry/realtime/lib/utils"

/** Who you are to the others: `id` picks your colour, `name` is your cursor's tag. */
interface LiveCursorsUser {
  id: string
  name: string
}

/** What each member puts in the channel's presence set (read by `usePresence` in other components too). */
interface LiveCursorsPresence {
  id: string
  name: string
}

/** The `cursor` signal: a position normalised to the surface (0..1 on both axes), or null when the pointer left it. */
type CursorSignal = { x: number; y: number } | null

interface LiveCursorsProps extends React.ComponentProps<"div"> {
  /** The channel the cursors travel on (on the nearest `RealtimeProvider`'s client). Everyone on it sees each other. */
  channel: string
  /** You: your id (colour) and name (shown to the others). */
  user: LiveCursorsUser
  /**
   * At most one position every this many ms. Default 80 (12.5 a second): smooth with the glide in between, and
   * under the default rate limit of our server (20 frames a second per connection).
   */
  throttleMs?: number
  /** Drop a cursor after this long without a signal (a closed tab, a lost connection). Default 5000. */
  timeoutMs?: number
  /** Locale for the screen-reader list of names (`Intl.ListFormat`). Default: the browser's. */
  locale?: string
  /** The screen-reader text for who else is here. Default "Ada and Grace are here"; return "" to say nothing. */
  formatHere?: (names: readonly string[], list: string) => string
}

const SIGNAL = "cursor"

interface RemoteCursor {
  readonly x: number
  readonly y: number
  /** When its last signal arrived (ms), for the silence timeout. */
  readonly at: number
}

const defaultFormatHere = (names: readonly string[], list: string) =>
  names.length === 0 ? "" : `${list} ${names.length === 1 ? "is" : "are"} here`

/**
 * Everyone else's pointer over a shared surface, as a coloured arrow with their name.
 *
 * - Positions are channel **signals** (ephemeral: never stored or replayed), at most one per `throttleMs`, batched
 *   to animation frames, and normalised to the surface (0..1) so different window sizes agree.
 * - Cursors glide between updates (a short CSS transition on `transform`, composited); with reduced motion they jump.
 * - A cursor hides when its owner's pointer leaves the surface, disappears when they leave the channel's presence,
 *   and times out after `timeoutMs` of silence (a still pointer re-sends its position every `timeoutMs / 2`).
 * - The cursor layer is decorative (`aria-hidden`, `pointer-events: none`, an absolute overlay: no layout shift);
 *   screen readers get a polite "Ada and Grace are here" instead.
 *
 * @example
 * <RealtimeProvider transport={websocketTransport({ url: '/realtime' })}>
 *   <LiveCursors channel="board:7" user={{ id: me.id, name: me.name }} className="h-96 rounded-xl border">
 *     <Whiteboard />
 *   </LiveCursors>
 * </RealtimeProvider>
 */
function LiveCursors({
  channel: channelName,
  user,
  throttleMs = 80,
  timeoutMs = 5000,
  locale,
  formatHere = defaultFormatHere,
  className,
  children,
  onPointerMove,
  onPointerLeave,
  ...props
}: LiveCursorsProps) {
  const channel = useChannel(channelName)
  const { members } = usePresence<LiveCursorsPresence>(channel, {
    data: { id: user.id, name: user.name },
  })
  const others = React.useMemo(
    () => members.filter((member) => !isSelf(member, channel.userId, user.id)),
    // channel.userId is read from the channel (it changes only with a new session, which re-lists presence).
    [members, channel, user.id]
  )

  const cursors = useRemoteCursors(channel, others, timeoutMs)
  const sender = useCursorSender(channel, throttleMs, timeoutMs)

  const handlePointerMove = (event: React.PointerEvent<HTMLDivElement>) => {
    onPointerMove?.(event)
    sender.move(event)
  }
  const handlePointerLeave = (event: React.PointerEvent<HTMLDivElement>) => {
    onPointerLeave?.(event)
    sender.leave()
  }

  // ---- rendering ------------------------------------------------------------------------------------------
  const resolvedLocale = useLocale(locale)
  const names = others.map((member) => nameOf(member))
  // Names compared by value (read back from their JSON), not by array identity.
  const namesKey = JSON.stringify(names)
  const list = React.useMemo(
    () =>
      new Intl.ListFormat(resolvedLocale, {
        style: "long",
        type: "conjunction",
      }).format(JSON.parse(namesKey) as string[]),
    [resolvedLocale, namesKey]
  )

  return (
    <div
      data-slot="live-cursors"
      className={cn("relative", className)}
      onPointerMove={handlePointerMove}
      onPointerLeave={handlePointerLeave}
      {...props}
    >
      {children}
      <div
        aria-hidden="true"
        data-slot="live-cursors-layer"
        className="pointer-events-none absolute inset-0 z-10 overflow-hidden select-none"
      >
        {others.map((member) => {
          const cursor = cursors.get(member.userId)
          if (!cursor) return null
          return (
            <LiveCursor
              key={member.userId}
              member={member}
              x={cursor.x}
              y={cursor.y}
            />
          )
        })}
      </div>
      <span
        role="status"
        aria-live="polite"
        aria-atomic="true"
        data-slot="live-cursors-here"
        className="sr-only"
      >
        {formatHere(names, list)}
      </span>
    </div>
  )
}

/** The others' cursors, by user id: from their signals, gone when they leave, go silent, or we lose the channel. */
function useRemoteCursors(
  channel: Channel,
  others: readonly PresenceMember<LiveCursorsPresence>[],
  timeoutMs: number
) {
  const [cursors, setCursors] = React.useState<
    ReadonlyMap<string, RemoteCursor>
  >(() => new Map())

  React.useEffect(
    () =>
      channel.onSignal<CursorSignal>(
        SIGNAL,
        (signal: ChannelSignal<CursorSignal>) => {
          const position = readPosition(signal.data)
          setCursors((previous) => {
            if (position === null && !previous.has(signal.from)) return previous
            const next = new Map(previous)
            if (position === null) next.delete(signal.from)
            else next.set(signal.from, { ...position, at: Date.now() })
            return next
          })
        }
      ),
    [channel]
  )

  // Without our subscription we hear nothing: what we show would only go stale. Clear it; they come back with the
  // next signals once we are connected again.
  React.useEffect(() => {
    const clearWhenUnsubscribed = () => {
      if (!channel.getSnapshot().subscribed)
        setCursors((previous) => (previous.size === 0 ? previous : new Map()))
    }
    return channel.subscribe(clearWhenUnsubscribed)
  }, [channel])

  // A member who left takes their cursor along; so does one who went silent.
  const present = React.useMemo(
    () => new Set(others.map((member) => member.userId)),
    [others]
  )
  React.useEffect(() => {
    setCursors((previous) => prune(previous, (from) => present.has(from)))
  }, [present])
  const hasCursors = cursors.size > 0
  React.useEffect(() => {
    if (!hasCursors) return
    const timer = setInterval(
      () => {
        const cutoff = Date.now() - timeoutMs
        setCursors((previous) =>
          prune(previous, (_, cursor) => cursor.at >= cutoff)
        )
      },
      Math.min(1000, timeoutMs / 2)
    )
    return () => clearInterval(timer)
  }, [hasCursors, timeoutMs])

  return cursors
}

/**
 * Your pointer, sent as a signal at most once per `throttleMs` (batched to a frame, normalised to the surface),
 * repeated while it stands still so the others' timeout keeps it, and withdrawn when it leaves or on unmount.
 */
function useCursorSender(
  channel: Channel,
  throttleMs: number,
  timeoutMs: number
) {
  const outgoing = React.useRef({
    latest: null as CursorSignal,
    lastSentAt: 0,
    timer: 0,
    frame: 0,
    inside: false,
  })

  const send = React.useCallback(
    (position: CursorSignal) => {
      outgoing.current.lastSentAt = Date.now()
      channel.signal(SIGNAL, position)
    },
    [channel]
  )

  const cancelScheduled = React.useCallback(() => {
    const state = outgoing.current
    clearTimeout(state.timer)
    cancelAnimationFrame(state.frame)
    state.timer = 0
    state.frame = 0
  }, [])

  const schedule = React.useCallback(() => {
    const state = outgoing.current
    if (state.timer !== 0 || state.frame !== 0) return
    const wait = Math.max(0, state.lastSentAt + throttleMs - Date.now())
    state.timer = window.setTimeout(() => {
      state.timer = 0
      // Sent on the next frame: positions from several pointer events in between collapse into one.
      state.frame = requestAnimationFrame(() => {
        state.frame = 0
        if (state.inside) send(state.latest)
      })
    }, wait)
  }, [send, throttleMs])

  // A still pointer still says where it is, so the others' silence timeout only drops cursors that are gone.
  React.useEffect(() => {
    const timer = setInterval(() => {
      const state = outgoing.current
      if (
        state.inside &&
        state.latest &&
        Date.now() - state.lastSentAt >= timeoutMs / 2
      )
        send(state.latest)
    }, timeoutMs / 2)
    return () => clearInterval(timer)
  }, [send, timeoutMs])

  // Leaving the page (or unmounting) hides your cursor for the others at once.
  React.useEffect(
    () => () => {
      cancelScheduled()
      if (outgoing.current.inside) channel.signal(SIGNAL, null)
      outgoing.current.inside = false
    },
    [channel, cancelScheduled]
  )

  const move = (event: React.PointerEvent<HTMLElement>) => {
    const rect = event.currentTarget.getBoundingClientRect()
    if (rect.width === 0 || rect.height === 0) return
    const state = outgoing.current
    state.inside = true
    state.latest = {
      x: round(clamp((event.clientX - rect.left) / rect.width)),
      y: round(clamp((event.clientY - rect.top) / rect.height)),
    }
    schedule()
  }

  const leave = () => {
    const state = outgoing.current
    if (!state.inside) return
    cancelScheduled()
    state.inside = false
    state.latest = null
    send(null)
  }
  return { move, leave }
}

interface LiveCursorProps extends React.ComponentProps<"div"> {
  member: PresenceMember<LiveCursorsPresence>
  /** 0..1 across the surface. */
  x: number
  /** 0..1 down the surface. */
  y: number
}

/**
 * One remote cursor. It spans the whole layer and is translated by a percentage of its own size (= the layer's),
 * so positions stay right when the surface resizes and the glide is a composited `transform` transition.
 */
function LiveCursor({
  member,
  x,
  y,
  className,
  style,
  ...props
}: LiveCursorProps) {
  const name = nameOf(member)
  const color = userColor(
    typeof member.data?.id === "string" ? member.data.id : member.userId
  )
  // Near the right or bottom edge the name tag flips to the other side of the arrow so it stays visible.
  const flipX = x > 0.8
  const flipY = y > 0.9
  return (
    <div
      data-slot="live-cursor"
      data-user-id={member.userId}
      data-x={x}
      data-y={y}
      className={cn(
        "absolute inset-0 transition-transform duration-[120ms] ease-out will-change-transform motion-reduce:transition-none",
        className
      )}
      style={{ transform: `translate(${x * 100}%, ${y * 100}%)`, ...style }}
      {...props}
    >
      <svg
        viewBox="0 0 16 20"
        width="20"
        height="25"
        className="absolute top-0 left-0 -translate-x-px -translate-y-px drop-shadow-sm"
        style={{ fill: color.solid }}
      >
        <path
          d="M1 1 L1 16.5 L5.2 12.6 L8 19 L10.6 17.9 L7.9 11.6 L13.6 11.6 Z"
          stroke="white"
          strokeWidth="1.1"
          strokeLinejoin="round"
        />
      </svg>
      <span
        data-slot="live-cursor-name"
        className={cn(
          "absolute max-w-40 truncate rounded-full px-2 py-0.5 text-xs leading-4 font-medium whitespace-nowrap text-white shadow-sm",
          flipX ? "right-full mr-1" : "left-4",
          flipY ? "bottom-full mb-1" : "top-5.5"
        )}
        style={{ backgroundColor: color.solid }}
      >
        {name}
      </span>
    </div>
  )
}

/** You, however the server knows you: by your user id, or (anonymous) by the id you put in your presence data. */
function isSelf(
  member: PresenceMember<LiveCursorsPresence>,
  selfUserId: string | null,
  selfId: string
): boolean {
  return (
    (selfUserId !== null && member.userId === selfUserId) ||
    member.data?.id === selfId
  )
}

function nameOf(member: PresenceMember<LiveCursorsPresence>): string {
  const name = member.data?.name
  return typeof name === "string" && name.trim() !== "" ? name : member.userId
}

/** Signals come from other clients: accept only a well-formed position, clamped to the surface. */
function readPosition(data: unknown): { x: number; y: number } | null {
  if (typeof data !== "object" || data === null) return null
  const { x, y } = data as { x?: unknown; y?: unknown }
  if (
    typeof x !== "number" ||
    typeof y !== "number" ||
    !Number.isFinite(x) ||
    !Number.isFinite(y)
  )
    return null
  return { x: clamp(x), y: clamp(y) }
}

function prune<V>(
  map: ReadonlyMap<string, V>,
  keep: (key: string, value: V) => boolean
): ReadonlyMap<string, V> {
  let next: Map<string, V> | null = null
  for (const [key, value] of map) {
    if (keep(key, value)) continue
    next ??= new Map(map)
    next.delete(key)
  }
  return next ?? map
}

const clamp = (value: number) => Math.min(1, Math.max(0, value))
/** Four decimals: sub-pixel on a 4K surface, and a shorter frame. */
const round = (value: number) => Math.round(value * 10_000) / 10_000

export { LiveCursors, LiveCursor }
export type {
  LiveCursorsProps,
  LiveCursorProps,
  LiveCursorsUser,
  LiveCursorsPresence,
  CursorSignal,
}
