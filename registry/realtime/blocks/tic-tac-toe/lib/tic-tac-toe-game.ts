/**
 * Tic-tac-toe as server-authoritative shared state: copy this file into your client and your server code alike.
 * The server runs the reducer in each channel's turn with the acting user and its own clock:
 *
 *   createRealtime({ sharedState: { "tictactoe:": ticTacToe } })
 *
 * and every client predicts its own actions with the same reducer (`useSharedState("tictactoe:7", ticTacToe)`).
 * Players must be authenticated: the reducer refuses anonymous actions, since seats belong to user ids.
 */
import {
  defineSharedState,
  refuseAction,
  type ActionContext,
  type SharedStateDefinition,
} from "@realtime-kit/core"

export type TicTacToeMark = "X" | "O"
export type TicTacToeCell = TicTacToeMark | null

export interface TicTacToeSeat {
  readonly userId: string
  readonly name: string
  /** When this player last acted (server ms): an absent player's seat can be freed `seatGraceMs` after it. */
  readonly lastSeenAt: number
}

/** How a game ended: three in a row, a full board, a clock that ran out, or a player who left it. */
export type TicTacToeEnding = "line" | "draw" | "timeout" | "left"

export interface TicTacToeState {
  /** Nine cells, row by row. */
  readonly board: readonly TicTacToeCell[]
  readonly seats: {
    readonly X: TicTacToeSeat | null
    readonly O: TicTacToeSeat | null
  }
  /** `waiting` for two players, `playing`, or `over` (see `ending` and `winner`). */
  readonly phase: "waiting" | "playing" | "over"
  /** Whose move it is (X opens every game). */
  readonly turn: TicTacToeMark
  readonly winner: TicTacToeMark | null
  readonly ending: TicTacToeEnding | null
  /** The three cells of the winning row, if a row won. */
  readonly line: readonly number[] | null
  /** Time left per player when the current turn started (ms). */
  readonly clocks: { readonly X: number; readonly O: number }
  /** When the current turn started (server ms); null outside a game. */
  readonly turnStartedAt: number | null
  /** The players who asked for a rematch after the game ended. */
  readonly rematch: readonly TicTacToeMark[]
  /** Each player's time for a game (ms). */
  readonly clockMs: number
  /** How long a seated player may be gone from the channel's presence before anyone may free the seat (ms). */
  readonly seatGraceMs: number
}

export type TicTacToeAction =
  | {
      readonly type: "sit"
      readonly seat: TicTacToeMark
      readonly name: string
    }
  | { readonly type: "leave" }
  | { readonly type: "move"; readonly cell: number }
  | { readonly type: "claim-timeout" }
  | { readonly type: "rematch" }
  | { readonly type: "free-seat"; readonly seat: TicTacToeMark }

export interface TicTacToeOptions {
  /** Each player's time for a game. Default one minute. */
  clockMs?: number
  /** How long a player may be absent before their seat can be freed. Default 15 s. */
  seatGraceMs?: number
}

const LINES: readonly (readonly [number, number, number])[] = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
]

const MAX_NAME_LENGTH = 40

export const otherMark = (mark: TicTacToeMark): TicTacToeMark =>
  mark === "X" ? "O" : "X"

/** The seat `userId` holds, or null for a spectator. */
export function seatOf(
  state: TicTacToeState,
  userId: string | null
): TicTacToeMark | null {
  if (userId === null) return null
  if (state.seats.X?.userId === userId) return "X"
  if (state.seats.O?.userId === userId) return "O"
  return null
}

/** Time the player on move has left at `now` (ms, never below 0); the other player's clock is stopped. */
export function timeLeft(
  state: TicTacToeState,
  mark: TicTacToeMark,
  now: number
): number {
  const stored = state.clocks[mark]
  if (
    state.phase !== "playing" ||
    state.turn !== mark ||
    state.turnStartedAt === null
  )
    return stored
  return Math.max(0, stored - (now - state.turnStartedAt))
}

/** The three cells in a row for `mark`, or null. */
function lineOf(
  board: readonly TicTacToeCell[],
  mark: TicTacToeMark
): readonly number[] | null {
  return (
    LINES.find((line) => line.every((cell) => board[cell] === mark)) ?? null
  )
}

/** A fresh game for the seated players: empty board, full clocks, X to move from `at`. */
function startGame(state: TicTacToeState, at: number): TicTacToeState {
  return {
    ...state,
    board: Array<TicTacToeCell>(9).fill(null),
    phase: "playing",
    turn: "X",
    winner: null,
    ending: null,
    line: null,
    clocks: { X: state.clockMs, O: state.clockMs },
    turnStartedAt: at,
    rematch: [],
  }
}

function finish(
  state: TicTacToeState,
  winner: TicTacToeMark | null,
  ending: TicTacToeEnding,
  at: number
): TicTacToeState {
  const clocks =
    state.phase === "playing"
      ? { ...state.clocks, [state.turn]: timeLeft(state, state.turn, at) }
      : state.clocks
  return {
    ...state,
    phase: "over",
    winner,
    ending,
    clocks,
    turnStartedAt: null,
    rematch: [],
  }
}

/** The game with the clock read at `at`: over by timeout when the player on move has no time left. */
function settleClock(state: TicTacToeState, at: number): TicTacToeState {
  if (state.phase !== "playing" || timeLeft(state, state.turn, at) > 0)
    return state
  return finish(state, otherMark(state.turn), "timeout", at)
}

function touch(
  state: TicTacToeState,
  mark: TicTacToeMark,
  at: number
): TicTacToeState {
  const seat = state.seats[mark]
  if (!seat) return state
  return {
    ...state,
    seats: { ...state.seats, [mark]: { ...seat, lastSeenAt: at } },
  }
}

function sit(
  state: TicTacToeState,
  seat: TicTacToeMark,
  name: string,
  { userId, at }: { userId: string; at: number }
): TicTacToeState {
  if (seat !== "X" && seat !== "O") refuseAction("Pick the X or the O seat")
  const held = seatOf(state, userId)
  if (held) refuseAction(`You already play ${held}`, { seat: held })
  if (state.seats[seat])
    refuseAction(`${state.seats[seat].name} already plays ${seat}`, { seat })
  const trimmed = String(name ?? "")
    .trim()
    .slice(0, MAX_NAME_LENGTH)
  const seats = {
    ...state.seats,
    [seat]: { userId, name: trimmed || userId, lastSeenAt: at },
  }
  const seated = { ...state, seats }
  // Two players and no game running: a new game starts (after a finished one, too, when a new player sits).
  return seats.X && seats.O && state.phase !== "playing"
    ? startGame(seated, at)
    : seated
}

/** Frees `mark`'s seat; a player who leaves a running game loses it. */
function vacate(
  state: TicTacToeState,
  mark: TicTacToeMark,
  at: number
): TicTacToeState {
  const ended =
    state.phase === "playing"
      ? finish(state, otherMark(mark), "left", at)
      : state
  return {
    ...ended,
    seats: { ...ended.seats, [mark]: null },
    // A finished game stays on the board for whoever is left, until two players start the next one.
    phase: ended.phase === "over" ? "over" : "waiting",
    rematch: [],
  }
}

function move(
  state: TicTacToeState,
  cell: number,
  mark: TicTacToeMark | null,
  at: number
): TicTacToeState {
  if (!mark) refuseAction("Take a seat to play")
  if (state.phase === "waiting") refuseAction("Waiting for a second player")
  if (state.phase === "over") refuseAction("The game is over")
  if (state.turn !== mark)
    refuseAction(`It is ${otherMark(mark)}'s turn`, { turn: state.turn })
  if (!Number.isInteger(cell) || cell < 0 || cell > 8)
    refuseAction("Play one of the nine squares")
  if (state.board[cell] !== null) refuseAction("That square is taken", { cell })
  const board = state.board.map((value, index) =>
    index === cell ? mark : value
  )
  const clocks = { ...state.clocks, [mark]: timeLeft(state, mark, at) }
  const played = touch({ ...state, board, clocks }, mark, at)
  const line = lineOf(board, mark)
  if (line) return { ...finish(played, mark, "line", at), line }
  if (board.every((value) => value !== null))
    return finish(played, null, "draw", at)
  return { ...played, turn: otherMark(mark), turnStartedAt: at }
}

function rematch(
  state: TicTacToeState,
  mark: TicTacToeMark | null,
  at: number
): TicTacToeState {
  if (!mark) refuseAction("Only the players can ask for a rematch")
  if (state.phase !== "over") refuseAction("Finish this game first")
  if (!state.seats.X || !state.seats.O)
    refuseAction("Waiting for a second player")
  if (state.rematch.includes(mark)) refuseAction("You already asked")
  const asked = touch({ ...state, rematch: [...state.rematch, mark] }, mark, at)
  if (asked.rematch.length < 2) return asked
  // Both agreed: the players swap seats, so the one who answered last game opens this one.
  const seats = { X: asked.seats.O, O: asked.seats.X }
  return startGame({ ...asked, seats }, at)
}

function freeSeat(
  state: TicTacToeState,
  mark: TicTacToeMark,
  userId: string,
  at: number
): TicTacToeState {
  const seat = state.seats[mark]
  if (!seat) refuseAction(`The ${mark} seat is already free`)
  if (seat.userId === userId) refuseAction("Use Leave to give up your seat")
  // In a running game the clock is the grace period: an absent player's time runs out.
  if (state.phase === "playing")
    refuseAction("The game is on: the clock decides", { seat: mark })
  if (at - seat.lastSeenAt < state.seatGraceMs)
    refuseAction(`${seat.name} may still come back`, {
      retryInMs: state.seatGraceMs - (at - seat.lastSeenAt),
    })
  return vacate(state, mark, at)
}

function reduce(
  current: TicTacToeState,
  action: TicTacToeAction,
  { userId, at }: ActionContext
): TicTacToeState {
  if (userId === null) refuseAction("Sign in to play")
  // Every action reads the clock first: a flag that fell before it decides the game.
  const state = settleClock(current, at)
  const mine = seatOf(state, userId)
  switch (action?.type) {
    case "sit":
      return sit(state, action.seat, action.name, { userId, at })
    case "leave":
      if (!mine) refuseAction("You have no seat to leave")
      return vacate(state, mine, at)
    case "move":
      if (state !== current) return state
      return move(state, action.cell, mine, at)
    case "claim-timeout":
      if (state !== current) return state
      if (state.phase !== "playing") return refuseAction("No game is running")
      return refuseAction("No clock has run out yet", {
        timeLeftMs: timeLeft(state, state.turn, at),
      })
    case "rematch":
      return rematch(state, mine, at)
    case "free-seat":
      return freeSeat(state, action.seat, userId, at)
    default:
      return refuseAction("Unknown action")
  }
}

/** The state of a new channel: no players yet. */
export function newTicTacToe(options: TicTacToeOptions = {}): TicTacToeState {
  return {
    board: Array<TicTacToeCell>(9).fill(null),
    seats: { X: null, O: null },
    phase: "waiting",
    turn: "X",
    winner: null,
    ending: null,
    line: null,
    clocks: { X: options.clockMs ?? 60_000, O: options.clockMs ?? 60_000 },
    turnStartedAt: null,
    rematch: [],
    clockMs: options.clockMs ?? 60_000,
    seatGraceMs: options.seatGraceMs ?? 15_000,
  }
}

/** A tic-tac-toe definition with your own clock and grace period. */
export function defineTicTacToe(
  options: TicTacToeOptions = {}
): SharedStateDefinition<TicTacToeState, TicTacToeAction> {
  return defineSharedState<TicTacToeState, TicTacToeAction>({
    initial: () => newTicTacToe(options),
    reducer: reduce,
  })
}

/** Tic-tac-toe with a minute per player: register it on the server and pass it to the component. */
export const ticTacToe = defineTicTacToe()
