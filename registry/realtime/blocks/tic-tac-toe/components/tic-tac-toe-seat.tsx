"use client"

import * as React from "react"
import type { PresenceMember } from "@realtime-kit/react"

import { Badge } from "@/components/ui/badge"
import { Button } from "@/components/ui/button"
import type { TicTacToePresence } from "@/registry/realtime/blocks/tic-tac-toe/hooks/use-tic-tac-toe"
import type {
  TicTacToeSeat as Seat,
  TicTacToeMark,
} from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game"
import type { TicTacToeLabels } from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-labels"
import { cn } from "@/registry/realtime/lib/utils"
import { PresenceAvatar } from "@/registry/realtime/ui/presence-avatar"

interface TicTacToeSeatProps extends React.ComponentProps<"div"> {
  mark: TicTacToeMark
  seat: Seat | null
  /** The seat holder's presence, or undefined while they are not here. */
  member: PresenceMember<TicTacToePresence> | undefined
  isYou: boolean
  /** Their clock is running. */
  active: boolean
  /** The clock, already formatted. */
  time: string
  /** They asked for a rematch. */
  rematch: boolean
  /** Offer "Play X" on an empty seat (you have no seat yet). */
  canSit: boolean
  onSit: () => void
  labels: Pick<
    TicTacToeLabels,
    "emptySeat" | "you" | "takeSeat" | "clock" | "rematchAsked"
  >
}

/** One player's place: who sits there (with their presence), their clock, or a button to take it. */
function TicTacToeSeat({
  mark,
  seat,
  member,
  isYou,
  active,
  time,
  rematch,
  canSit,
  onSit,
  labels,
  className,
  ...props
}: TicTacToeSeatProps) {
  const name = seat ? (isYou ? `${seat.name} (${labels.you})` : seat.name) : ""
  return (
    <div
      data-slot="tic-tac-toe-seat"
      data-mark={mark}
      data-state={active ? "active" : seat ? "seated" : "empty"}
      className={cn(
        "flex min-h-16 items-center gap-3 rounded-lg border px-3 py-2 motion-safe:transition-colors",
        active && "border-primary bg-primary/5",
        className
      )}
      {...props}
    >
      <span
        aria-hidden="true"
        className={cn(
          "w-6 text-center text-xl font-semibold",
          mark === "X"
            ? "text-sky-700 dark:text-sky-300"
            : "text-rose-700 dark:text-rose-300"
        )}
      >
        {mark}
      </span>
      {seat ? (
        <>
          <PresenceAvatar
            userId={seat.userId}
            name={seat.name}
            status={member?.status ?? "away"}
            label={`${mark}: ${name}`}
            size="sm"
          />
          <span className="min-w-0 flex-1 truncate text-sm font-medium">
            {name}
          </span>
          {rematch && <Badge variant="secondary">{labels.rematchAsked}</Badge>}
          <span
            role="timer"
            aria-label={labels.clock(seat.name, time)}
            className={cn(
              "rounded-md px-2 py-1 font-mono text-sm tabular-nums",
              active ? "bg-primary text-primary-foreground" : "bg-muted"
            )}
          >
            {time}
          </span>
        </>
      ) : canSit ? (
        <Button size="sm" variant="outline" onClick={onSit}>
          {labels.takeSeat(mark)}
        </Button>
      ) : (
        <span className="text-sm text-muted-foreground">
          {labels.emptySeat}
        </span>
      )}
    </div>
  )
}

export { TicTacToeSeat }
export type { TicTacToeSeatProps }
