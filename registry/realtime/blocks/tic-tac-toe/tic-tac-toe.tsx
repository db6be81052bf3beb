"use client"

import * as React from "react"
import type { SharedStateDefinition } from "@realtime-kit/react"
import { Eye, LoaderCircle, LogOut, RotateCcw, WifiOff } from "lucide-react"

import { Button } from "@/components/ui/button"
import { TicTacToeBoard } from "@/registry/realtime/blocks/tic-tac-toe/components/tic-tac-toe-board"
import { TicTacToeSeat } from "@/registry/realtime/blocks/tic-tac-toe/components/tic-tac-toe-seat"
import { useTicTacToe } from "@/registry/realtime/blocks/tic-tac-toe/hooks/use-tic-tac-toe"
import {
  otherMark,
  timeLeft,
  type TicTacToeAction,
  type TicTacToeMark,
  type TicTacToeState,
} from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game"
import {
  defaultTicTacToeLabels,
  formatClock,
  type TicTacToeLabels,
} from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-labels"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { cn } from "@/registry/realtime/lib/utils"

interface TicTacToeProps extends Omit<React.ComponentProps<"div">, "children"> {
  /** The game's channel, e.g. `tictactoe:7`: its prefix must be registered with this definition on the server. */
  channel: string
  /** Your name on your seat and avatar. */
  name: string
  /** Default `ticTacToe` (a minute per player); pass the same one your server registers. */
  definition?: SharedStateDefinition<TicTacToeState, TicTacToeAction>
  labels?: Partial<TicTacToeLabels>
  /** Locale for clocks and counts. Default: the reader's. */
  locale?: string
}

const MARKS: readonly TicTacToeMark[] = ["X", "O"]

/** What the status line says, from where you sit. */
function statusText(
  game: TicTacToeState,
  mine: TicTacToeMark | null,
  labels: TicTacToeLabels
): string {
  const nameOf = (mark: TicTacToeMark) => game.seats[mark]?.name ?? mark
  if (game.phase === "waiting")
    return mine ? labels.waitingForOpponent : labels.waitingForPlayers
  if (game.phase === "playing") {
    if (mine === game.turn) return labels.yourTurn
    if (mine) return labels.theirTurn(nameOf(game.turn))
    return labels.toMove(game.turn, nameOf(game.turn))
  }
  if (game.winner === null || game.ending === null) return labels.draw
  if (mine === game.winner) return labels.youWin(game.ending)
  if (mine) return labels.youLose(game.ending)
  return labels.wins(nameOf(game.winner), game.ending)
}

/**
 * Tic-tac-toe for two players on a shared-state channel, with spectators: seats, turns, clocks, rematch. Moves show
 * at once and are confirmed by the server's reducer; a refused one rolls back with the reason shown.
 */
function TicTacToe({
  channel: channelName,
  name,
  definition,
  labels: labelOverrides,
  locale: preferredLocale,
  className,
  ...props
}: TicTacToeProps) {
  const labels = { ...defaultTicTacToeLabels, ...labelOverrides }
  const locale = useLocale(preferredLocale)
  const {
    game,
    info,
    act,
    members,
    mine,
    userId,
    now,
    spectators,
    connection,
  } = useTicTacToe(channelName, { name, definition })
  const status = statusText(game, mine, labels)
  const connected = connection === "open"
  const rematchFrom =
    mine && game.phase === "over" && game.rematch.includes(otherMark(mine))
      ? game.seats[otherMark(mine)]?.name
      : undefined

  return (
    <div
      data-slot="tic-tac-toe"
      data-state={game.phase}
      className={cn(
        "flex w-full max-w-md flex-col gap-4 rounded-xl border bg-card p-4 text-card-foreground shadow-sm",
        className
      )}
      {...props}
    >
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-base font-semibold">{labels.title}</h2>
        <p
          data-slot="tic-tac-toe-connection"
          className="flex min-h-5 items-center gap-1.5 text-xs text-muted-foreground"
        >
          {!connected ? (
            <>
              {connection === "offline" ? (
                <WifiOff aria-hidden="true" className="size-3.5" />
              ) : (
                <LoaderCircle
                  aria-hidden="true"
                  className="size-3.5 motion-safe:animate-spin"
                />
              )}
              {connection === "offline" ? labels.offline : labels.reconnecting}
            </>
          ) : info.pending > 0 ? (
            <>
              <LoaderCircle
                aria-hidden="true"
                className="size-3.5 motion-safe:animate-spin"
              />
              {labels.sending}
            </>
          ) : null}
        </p>
      </div>

      <p
        aria-live="polite"
        data-slot="tic-tac-toe-status"
        className="min-h-6 text-base font-medium"
      >
        {status}
      </p>

      <div className="flex flex-col gap-2">
        {MARKS.map((mark) => {
          const seat = game.seats[mark]
          return (
            <TicTacToeSeat
              key={mark}
              mark={mark}
              seat={seat}
              member={members.find((member) => member.userId === seat?.userId)}
              isYou={seat !== null && seat.userId === userId}
              active={game.phase === "playing" && game.turn === mark}
              time={formatClock(timeLeft(game, mark, now ?? 0), locale)}
              rematch={game.phase === "over" && game.rematch.includes(mark)}
              canSit={mine === null && userId !== null}
              onSit={() => act({ type: "sit", seat: mark, name })}
              labels={labels}
            />
          )
        })}
      </div>

      <TicTacToeBoard
        className="self-center"
        board={game.board}
        confirmed={info.confirmed.board}
        line={game.line}
        interactive={mine !== null && game.phase === "playing"}
        onPlay={(cell) => act({ type: "move", cell })}
        labels={labels}
      />

      <p
        role="alert"
        data-slot="tic-tac-toe-refusal"
        className="min-h-5 text-sm text-destructive"
      >
        {info.refusal?.message}
      </p>

      <div className="flex min-h-9 flex-wrap items-center gap-2">
        <span className="me-auto flex items-center gap-1.5 text-sm text-muted-foreground">
          <Eye aria-hidden="true" className="size-4" />
          {labels.spectators(
            new Intl.NumberFormat(locale).format(spectators ?? 0),
            spectators ?? 0
          )}
        </span>
        {mine && game.phase === "over" && game.seats.X && game.seats.O && (
          <Button
            size="sm"
            variant={rematchFrom ? "default" : "outline"}
            disabled={game.rematch.includes(mine)}
            onClick={() => act({ type: "rematch" })}
          >
            <RotateCcw aria-hidden="true" />
            {game.rematch.includes(mine)
              ? labels.rematchAsked
              : rematchFrom
                ? labels.rematchOffered(rematchFrom)
                : labels.rematch}
          </Button>
        )}
        {mine && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => act({ type: "leave" })}
          >
            <LogOut aria-hidden="true" />
            {labels.leave}
          </Button>
        )}
      </div>
    </div>
  )
}

export { TicTacToe }
export type { TicTacToeProps }
