"use client"

import * as React from "react"
import {
  useChannel,
  useConnectionState,
  useOccupancy,
  usePresence,
  useSharedState,
  type SharedStateDefinition,
} from "@realtime-kit/react"

import {
  seatOf,
  ticTacToe,
  timeLeft,
  type TicTacToeAction,
  type TicTacToeMark,
  type TicTacToeState,
} from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game"

/** What each player shows of themselves in the channel's presence. */
export interface TicTacToePresence {
  name: string
}

interface UseTicTacToeOptions {
  /** Your name, shown on your seat and your avatar. */
  name: string
  definition?: SharedStateDefinition<TicTacToeState, TicTacToeAction>
}

/** A clock that ticks while `running`; null until mounted, so the server and hydration render the stored clocks. */
function useNow(intervalMs: number): number | null {
  const [now, setNow] = React.useState<number | null>(null)
  React.useEffect(() => {
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}

const MARKS: readonly TicTacToeMark[] = ["X", "O"]

/**
 * Everything the tic-tac-toe block renders for `channelName`: the game (predicted), who is here, how many watch,
 * the connection, and a ticking clock. It also keeps the game moving when nobody clicks: it claims a win on time
 * once the opponent's clock runs out, and frees the seat of a player gone from presence for the grace period.
 */
export function useTicTacToe(
  channelName: string,
  { name, definition = ticTacToe }: UseTicTacToeOptions
) {
  // One message of rewind: a late joiner (or a reload) starts from the newest stored state.
  const channel = useChannel(channelName, { rewind: 1 })
  const [game, dispatch, info] = useSharedState(channel, definition)
  const { members } = usePresence<TicTacToePresence>(channel, {
    data: { name },
  })
  const occupancy = useOccupancy(channel)
  const connection = useConnectionState()
  const now = useNow(game.phase === "playing" ? 100 : 1000)
  const userId = channel.userId
  const mine = seatOf(game, userId)

  // Refusals land in `info.refusal`: the promise is only for those who await it.
  const act = React.useCallback(
    (action: TicTacToeAction) => {
      dispatch(action).catch(() => {})
    },
    [dispatch]
  )

  const flagFell =
    now !== null &&
    info.synced &&
    game.phase === "playing" &&
    timeLeft(game, game.turn, now) === 0
  const claimedFor = React.useRef<number | null>(null)
  React.useEffect(() => {
    // The waiting player claims (once per turn); the server checks the time with its own clock.
    if (!flagFell || mine !== (game.turn === "X" ? "O" : "X")) return
    if (claimedFor.current === game.turnStartedAt) return
    claimedFor.current = game.turnStartedAt
    act({ type: "claim-timeout" })
  }, [flagFell, mine, game.turn, game.turnStartedAt, act])

  const present = new Set(members.map((member) => member.userId))
  const absentSince = React.useRef(new Map<string, number>())
  React.useEffect(() => {
    if (now === null || !info.synced || game.phase === "playing") return
    for (const mark of MARKS) {
      const seat = game.seats[mark]
      if (!seat || seat.userId === userId) continue
      if (present.has(seat.userId)) {
        absentSince.current.delete(seat.userId)
        continue
      }
      const since = absentSince.current.get(seat.userId) ?? now
      absentSince.current.set(seat.userId, since)
      // One client frees it: the other player, or the first spectator by id when no player is here.
      const playerHere = MARKS.some((other) => {
        const holder = game.seats[other]
        return holder !== null && present.has(holder.userId)
      })
      const freer =
        mine !== null ||
        (!playerHere && userId === firstSpectator(members, game))
      if (freer && now - since >= game.seatGraceMs) {
        absentSince.current.delete(seat.userId)
        act({ type: "free-seat", seat: mark })
      }
    }
  })

  const seated = MARKS.filter((mark) => {
    const seat = game.seats[mark]
    return seat !== null && present.has(seat.userId)
  }).length
  const spectators =
    occupancy === null ? null : Math.max(0, occupancy.members - seated)

  return {
    channel,
    game,
    info,
    act,
    members,
    mine,
    userId,
    now,
    spectators,
    connection: connection.status,
  }
}

function firstSpectator(
  members: readonly { userId: string }[],
  game: TicTacToeState
): string | undefined {
  return members
    .map((member) => member.userId)
    .filter((id) => seatOf(game, id) === null)
    .sort()[0]
}
