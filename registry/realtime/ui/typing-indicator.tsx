"use client"

import * as React from "react"
import { usePresence, useTyping, type Channel } from "@realtime-kit/react"

import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { cn } from "@/registry/realtime/lib/utils"

/** The texts of the indicator. Override any of them to translate. */
interface TypingIndicatorLabels {
  /** The sentence, from the names already joined by the locale's list format and how many people type. */
  typing: (names: string, count: number) => string
  /** Stands for the people not named: "3 others". */
  others: (count: number) => string
}

const englishPlurals = new Intl.PluralRules("en")

const defaultLabels: TypingIndicatorLabels = {
  typing: (names, count) => `${names} ${count === 1 ? "is" : "are"} typing…`,
  others: (count) =>
    `${count} ${englishPlurals.select(count) === "one" ? "other" : "others"}`,
}

interface TypingIndicatorProps extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  /** User ids of the people typing (e.g. `useTyping(room).typing`). Wins over `channel`. */
  typing?: readonly string[]
  /** A display name for a user id. Default: the id. With `channel`, default: their presence `data.name`. */
  getName?: (userId: string) => string | undefined
  /** Follow this channel's typists (`useTyping`) and take names from its presence (without entering it). */
  channel?: Pick<Channel, "signal" | "onSignal" | "userId" | "presence">
  /** Name at most this many people; more become "Ada, Grace and 3 others". Default 3. */
  maxNames?: number
  /** Announce changes politely to screen readers. Default true. */
  announce?: boolean
  /** Locale for the list ("Ada, Grace and Linus"). Default: the reader's. */
  locale?: string
  labels?: Partial<TypingIndicatorLabels>
}

/**
 * "Ada is typing…", "Ada and Grace are typing…", "Ada, Grace and 3 others are typing…", joined with
 * `Intl.ListFormat` in the reader's locale, with three animated dots (still under reduced motion).
 *
 * It keeps its line when nobody types, so the messages above it never jump, and it is a polite live region.
 * @example
 * <TypingIndicator channel={room} />                                 // names from presence
 * <TypingIndicator typing={useTyping(room).typing} getName={(id) => users[id]?.name} />
 */
function TypingIndicator({ typing, channel, ...props }: TypingIndicatorProps) {
  if (typing !== undefined || channel === undefined)
    return <TypingIndicatorView {...props} typing={typing ?? []} />
  return <ChannelTypingIndicator {...props} channel={channel} />
}

function ChannelTypingIndicator({
  channel,
  getName,
  ...props
}: Omit<TypingIndicatorProps, "typing"> & {
  channel: NonNullable<TypingIndicatorProps["channel"]>
}) {
  const { typing } = useTyping(channel)
  const { members } = usePresence<{ name?: string } | undefined>(channel, {
    enter: false,
  })
  const names = React.useMemo(
    () => new Map(members.map((member) => [member.userId, member.data?.name])),
    [members]
  )
  const resolve = React.useCallback(
    (userId: string) => getName?.(userId) ?? names.get(userId),
    [getName, names]
  )
  return <TypingIndicatorView {...props} typing={typing} getName={resolve} />
}

function TypingIndicatorView({
  typing,
  getName,
  maxNames = 3,
  announce = true,
  locale,
  labels: labelOverrides,
  className,
  ...props
}: Omit<TypingIndicatorProps, "typing" | "channel"> & {
  typing: readonly string[]
}) {
  const labels = { ...defaultLabels, ...labelOverrides }
  const resolvedLocale = useLocale(locale)
  const list = React.useMemo(
    () => new Intl.ListFormat(resolvedLocale, { type: "conjunction" }),
    [resolvedLocale]
  )

  let text = ""
  if (typing.length > 0) {
    const names = typing.map((id) => getName?.(id) || id)
    // Past the limit, name one fewer, so "and 1 other" never stands where a name would fit.
    const named =
      names.length <= maxNames
        ? names
        : names.slice(0, Math.max(1, maxNames - 1))
    const rest = names.length - named.length
    text = labels.typing(
      list.format(rest > 0 ? [...named, labels.others(rest)] : named),
      typing.length
    )
  }
  const active = text !== ""

  return (
    <div
      data-slot="typing-indicator"
      data-state={active ? "typing" : "idle"}
      // Always one line tall: appearing and disappearing never moves what is around it.
      className={cn(
        "flex min-h-5 min-w-0 items-center gap-1.5 text-xs text-muted-foreground",
        className
      )}
      {...props}
    >
      <span
        aria-hidden="true"
        data-slot="typing-indicator-dots"
        className={cn(
          "inline-flex shrink-0 items-center gap-0.5",
          !active && "invisible"
        )}
      >
        {[0, 200, 400].map((delay) => (
          <span
            key={delay}
            className="size-1.5 rounded-full bg-current motion-safe:animate-pulse"
            style={{ animationDelay: `${delay}ms`, animationDuration: "1.2s" }}
          />
        ))}
      </span>
      <span
        role={announce ? "status" : undefined}
        aria-live={announce ? "polite" : undefined}
        aria-atomic="true"
        data-slot="typing-indicator-text"
        className="min-w-0 truncate"
      >
        {text}
      </span>
    </div>
  )
}

export { TypingIndicator }
export type { TypingIndicatorProps, TypingIndicatorLabels }
