"use client"

import * as React from "react"
import {
  usePresence,
  type Channel,
  type PresenceMember,
} from "@realtime-kit/react"
import { type VariantProps } from "class-variance-authority"

import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { cn } from "@/registry/realtime/lib/utils"
import {
  hueOf,
  initialsOf,
  PresenceAvatar,
  PresenceAvatarOverflow,
  presenceAvatarVariants,
  type PresenceAvatarData,
  type PresenceAvatarProps,
  type PresenceAvatarSize,
  type PresenceTooltipAlign,
  type PresenceTooltipSide,
} from "@/registry/realtime/ui/presence-avatar"

/** The texts of the component. Override any of them to translate. */
interface PresenceAvatarsLabels {
  /** Names the group, e.g. "3 people here". */
  group: (count: number) => string
  /** Appended to your own name: "Ada (you)". */
  you: string
  /** Status words, appended to a name: "Ada, idle". */
  idle: string
  away: string
  /** The overflow chip: "+3" is shown, this is read ("3 more: Alan, Barbara and Linus"). */
  more: (count: number, names: string) => string
  /** Announced when people arrive (names already joined with the locale's "and"). */
  joined: (names: string, count: number) => string
  /** Announced when people leave. */
  left: (names: string, count: number) => string
}

const defaultLabels: PresenceAvatarsLabels = {
  group: (count) => (count === 1 ? "1 person here" : `${count} people here`),
  you: "(you)",
  idle: "idle",
  away: "away",
  more: (count, names) => `${count} more: ${names}`,
  joined: (names) => `${names} joined`,
  left: (names) => `${names} left`,
}

/** How far avatars overlap, per size (the list is padded by as much, so the first one is not pulled out). */
const overlap: Record<PresenceAvatarSize, { item: string; list: string }> = {
  sm: { item: "-ms-1", list: "ps-1" },
  default: { item: "-ms-1.5", list: "ps-1.5" },
  lg: { item: "-ms-2", list: "ps-2" },
}

interface PresenceAvatarsProps<
  D extends PresenceAvatarData = PresenceAvatarData,
>
  extends
    Omit<React.ComponentProps<"div">, "children">,
    VariantProps<typeof presenceAvatarVariants> {
  /** Watch this channel's presence (without entering it). Ignored when `members` is given. */
  channel?: Pick<Channel, "presence" | "userId">
  /** The members to show, e.g. `usePresence(room).members`. Wins over `channel`. */
  members?: readonly PresenceMember<D>[]
  /** Which member is you (marked "(you)" and listed first). Default: the channel's own user. */
  isSelf?: (member: PresenceMember<D>) => boolean
  /** Show at most this many avatars, then "+N". Default 4. */
  max?: number
  /** A member's display name. Default `member.data.name`, else the user id. */
  getName?: (member: PresenceMember<D>) => string
  /** Announce joins and leaves to screen readers (batched, so a flickering connection is not announced). Default true. */
  announce?: boolean
  /** How long changes settle before they are announced. Default 1500 ms. */
  announceDelayMs?: number
  /** Locale for joining names ("Ada and Grace"). Default: the reader's. */
  locale?: string
  labels?: Partial<PresenceAvatarsLabels>
  /** Where tooltips open. Default `bottom`; `top` for a stack at the bottom of a panel. */
  side?: PresenceTooltipSide
  /** How tooltips line up with their avatar. Default `start`; `end` for a stack at the end of a container. */
  align?: PresenceTooltipAlign
}

const NO_MEMBERS: readonly PresenceMember<never>[] = []

/**
 * An overlapping stack of the people in a channel, from presence.
 *
 * - Initials on a colour derived from the user id (or their picture), your own avatar first and marked "(you)".
 * - Idle and away members are dimmed with a status dot, and say so to screen readers.
 * - After `max`, a "+N" chip whose tooltip and accessible name list the hidden names.
 * - Each avatar shows its name on hover and keyboard focus.
 * - Joins and leaves are announced politely, batched over `announceDelayMs`, so a connection that blips is not.
 *
 * @example
 * <PresenceAvatars channel={room} />                       // watch a room
 * <PresenceAvatars members={usePresence(room, { data: me }).members} max={3} />
 */
function PresenceAvatars<D extends PresenceAvatarData = PresenceAvatarData>({
  channel,
  members,
  ...props
}: PresenceAvatarsProps<D>) {
  if (members !== undefined || channel === undefined)
    return <PresenceAvatarStack {...props} members={members ?? NO_MEMBERS} />
  return <ChannelPresenceAvatars {...props} channel={channel} />
}

function ChannelPresenceAvatars<D extends PresenceAvatarData>({
  channel,
  isSelf,
  ...props
}: Omit<PresenceAvatarsProps<D>, "members"> & {
  channel: Pick<Channel, "presence" | "userId">
}) {
  const { members } = usePresence<D>(channel, { enter: false })
  const selfId = channel.userId
  const self = React.useCallback(
    (member: PresenceMember<D>) => member.userId === selfId,
    [selfId]
  )
  return (
    <PresenceAvatarStack {...props} members={members} isSelf={isSelf ?? self} />
  )
}

function PresenceAvatarStack<D extends PresenceAvatarData>({
  members,
  isSelf,
  max = 4,
  getName,
  announce = true,
  announceDelayMs = 1500,
  locale,
  labels: labelOverrides,
  side = "bottom",
  align = "start",
  size,
  className,
  ...props
}: Omit<PresenceAvatarsProps<D>, "channel" | "members"> & {
  members: readonly PresenceMember<D>[]
}) {
  const labels = { ...defaultLabels, ...labelOverrides }
  const spacing = overlap[size ?? "default"]
  const resolvedLocale = useLocale(locale)
  const list = React.useMemo(
    () => new Intl.ListFormat(resolvedLocale, { type: "conjunction" }),
    [resolvedLocale]
  )
  const nameOf = React.useCallback(
    (member: PresenceMember<D>) =>
      getName?.(member) ?? (member.data?.name || member.userId),
    [getName]
  )

  // You first, then everyone else in the order they arrived.
  const ordered = React.useMemo(() => {
    const own = members.filter((member) => isSelf?.(member))
    return own.length === 0
      ? members
      : [...own, ...members.filter((member) => !isSelf?.(member))]
  }, [members, isSelf])
  const limit = Math.max(1, max)
  // "+1" hides no more than an avatar would show: show the last one instead.
  const visible =
    ordered.length <= limit + 1 ? ordered : ordered.slice(0, limit)
  const hidden = ordered.slice(visible.length)

  const describe = (member: PresenceMember<D>) => {
    let label = nameOf(member)
    if (isSelf?.(member)) label += ` ${labels.you}`
    if (member.status !== "active") label += `, ${labels[member.status]}`
    return label
  }

  const announcement = useJoinLeaveAnnouncement(ordered, {
    enabled: announce,
    delayMs: announceDelayMs,
    isSelf,
    describe: (joined, left) => {
      const parts: string[] = []
      if (joined.length > 0)
        parts.push(
          labels.joined(list.format(joined.map(nameOf)), joined.length)
        )
      if (left.length > 0)
        parts.push(labels.left(list.format(left.map(nameOf)), left.length))
      return parts.join(". ")
    },
  })

  return (
    <div
      data-slot="presence-avatars"
      className={cn("inline-flex items-center", className)}
      {...props}
    >
      <ul
        aria-label={labels.group(ordered.length)}
        className={cn("flex items-center", spacing.list)}
      >
        {visible.map((member, index) => (
          <li
            key={member.userId}
            className={cn("flex", spacing.item)}
            style={{ zIndex: visible.length - index }}
          >
            <PresenceAvatar
              userId={member.data?.id ?? member.userId}
              name={nameOf(member)}
              avatarUrl={member.data?.avatarUrl}
              status={member.status}
              label={describe(member)}
              size={size}
              side={side}
              align={align}
              tooltip
            />
          </li>
        ))}
        {hidden.length > 0 && (
          <li className={cn("flex", spacing.item)}>
            <PresenceAvatarOverflow
              size={size}
              side={side}
              align={align}
              label={labels.more(
                hidden.length,
                list.format(hidden.map(describe))
              )}
            >
              +{hidden.length}
            </PresenceAvatarOverflow>
          </li>
        )}
      </ul>
      {announce && (
        <span
          role="status"
          aria-live="polite"
          aria-atomic="true"
          data-slot="presence-avatars-announcer"
          className="sr-only"
        >
          {announcement}
        </span>
      )}
    </div>
  )
}

/**
 * What to announce about arrivals and departures: changes are compared after they settle for `delayMs`, so someone
 * whose connection blips (gone and back within it) is never announced. The first settled list is the baseline,
 * not news: opening a room does not read out everyone in it.
 */
function useJoinLeaveAnnouncement<M extends PresenceMember<unknown>>(
  members: readonly M[],
  options: {
    enabled: boolean
    delayMs: number
    isSelf?: (member: M) => boolean
    describe: (joined: M[], left: M[]) => string
  }
): string {
  const [announcement, setAnnouncement] = React.useState("")
  const baseline = React.useRef<Map<string, M> | null>(null)
  const latest = React.useRef(options)
  React.useLayoutEffect(() => {
    latest.current = options
  })
  const { enabled, delayMs } = options

  React.useEffect(() => {
    if (!enabled) return
    const timer = setTimeout(() => {
      const current = new Map(members.map((member) => [member.userId, member]))
      const before = baseline.current
      baseline.current = current
      if (before === null) return
      const { isSelf, describe } = latest.current
      const joined = [...current.values()].filter(
        (member) => !before.has(member.userId) && !isSelf?.(member)
      )
      const left = [...before.values()].filter(
        (member) => !current.has(member.userId) && !isSelf?.(member)
      )
      if (joined.length > 0 || left.length > 0)
        setAnnouncement(describe(joined, left))
    }, delayMs)
    return () => clearTimeout(timer)
  }, [members, enabled, delayMs])

  return announcement
}

export {
  PresenceAvatars,
  PresenceAvatar,
  PresenceAvatarOverflow,
  presenceAvatarVariants,
  hueOf,
  initialsOf,
}
export type {
  PresenceAvatarsProps,
  PresenceAvatarProps,
  PresenceAvatarData,
  PresenceAvatarsLabels,
  PresenceAvatarSize,
  PresenceTooltipSide,
  PresenceTooltipAlign,
}
