"use client"

import * as React from "react"
import {
  useChannel,
  useRoomReactions,
  type RoomReaction,
} from "@realtime-kit/react"
import { motion, useReducedMotionConfig } from "motion/react"

import { Button } from "@/components/ui/button"
import { cn } from "@/registry/realtime/lib/utils"

interface LiveReactionsProps extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  /** The channel the reactions go to (on the nearest `RealtimeProvider`'s client). Everyone on it sees them. */
  channel: string
  /** The reactions offered, one button each. Default: 👏 ❤️ 😂 🎉 🔥 😮. */
  reactions?: readonly string[]
  /** How long each reaction floats, in ms. Default 2500. */
  showMs?: number
  /** Names the row of buttons. Default "Reactions". */
  label?: string
  /** A button's accessible name. Default "Send 👏". */
  sendLabel?: (reaction: string) => string
}

const DEFAULT_REACTIONS = ["👏", "❤️", "😂", "🎉", "🔥", "😮"]
/** How far a reaction rises (px). */
const RISE_PX = 160
/** Under reduced motion a reaction fades in place, briefly. */
const REDUCED_FADE_MS = 1000

const defaultSendLabel = (reaction: string) => `Send ${reaction}`

/**
 * A row of reaction buttons and, above it, the reactions everyone in the channel sends floating up and fading out
 * (a live stream's 👏, a talk's 🎉).
 *
 * - Reactions are channel **signals** (`useRoomReactions`): never stored, throttled per sender, each shown for
 *   `showMs`; yours show at once.
 * - The floating layer is decorative (`aria-hidden`, `pointer-events: none`, an overlay: no layout shift), and
 *   nothing is announced per reaction: a busy room would flood a screen reader. The buttons have names ("Send 👏").
 * - With reduced motion nothing moves: a reaction fades in and out where it appears.
 *
 * @example
 * <RealtimeProvider transport={websocketTransport({ url: "/realtime" })}>
 *   <LiveReactions channel="stream:42" />
 * </RealtimeProvider>
 */
function LiveReactions({
  channel: channelName,
  reactions = DEFAULT_REACTIONS,
  showMs = 2500,
  label = "Reactions",
  sendLabel = defaultSendLabel,
  className,
  ...props
}: LiveReactionsProps) {
  const channel = useChannel(channelName)
  const { reactions: shown, send } = useRoomReactions(channel, { showMs })
  return (
    <div
      data-slot="live-reactions"
      className={cn("relative inline-flex", className)}
      {...props}
    >
      <div
        aria-hidden="true"
        data-slot="live-reactions-layer"
        className="pointer-events-none absolute inset-x-0 bottom-full h-48 overflow-visible"
      >
        {shown.map((reaction) => (
          <LiveReaction
            key={reaction.key}
            reaction={reaction}
            showMs={showMs}
          />
        ))}
      </div>
      <div
        role="group"
        aria-label={label}
        className="flex flex-wrap items-center gap-1"
      >
        {reactions.map((reaction) => (
          <Button
            key={reaction}
            type="button"
            variant="outline"
            size="icon"
            aria-label={sendLabel(reaction)}
            data-slot="live-reactions-button"
            onClick={() => send(reaction)}
            className="rounded-full text-lg"
          >
            {reaction}
          </Button>
        ))}
      </div>
    </div>
  )
}

/** One floating reaction: rises and fades over `showMs`, or only fades (briefly) under reduced motion. */
function LiveReaction({
  reaction,
  showMs,
}: {
  reaction: RoomReaction
  showMs: number
}) {
  const reduceMotion = useReducedMotionConfig() ?? false
  // Spread across the row by key, the same on every render, so reactions sent together do not stack.
  const left = 8 + ((reaction.key * 37) % 84)
  return (
    <motion.span
      data-slot="live-reaction"
      data-own={reaction.own || undefined}
      className="absolute bottom-0 -translate-x-1/2 text-2xl select-none"
      style={{ left: `${left}%` }}
      initial={reduceMotion ? { opacity: 0 } : { opacity: 0, y: 0, scale: 0.6 }}
      animate={
        reduceMotion
          ? { opacity: [0, 1, 0] }
          : { opacity: [0, 1, 1, 0], y: -RISE_PX, scale: 1 }
      }
      transition={{
        duration:
          (reduceMotion ? Math.min(REDUCED_FADE_MS, showMs) : showMs) / 1000,
        ease: "easeOut",
      }}
    >
      {reaction.reaction}
    </motion.span>
  )
}

export { LiveReactions }
export type { LiveReactionsProps }
