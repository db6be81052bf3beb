import type {
  TicTacToeEnding,
  TicTacToeMark,
} from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game"

/** The texts of the block. Override any of them to translate; numbers and times are formatted with the locale. */
export interface TicTacToeLabels {
  title: string
  /** A cell's accessible name: "Row 1, column 2, empty". */
  cell: (row: number, column: number, mark: TicTacToeMark | null) => string
  board: string
  waitingForPlayers: string
  waitingForOpponent: string
  yourTurn: string
  theirTurn: (name: string) => string
  toMove: (mark: TicTacToeMark, name: string) => string
  youWin: (ending: TicTacToeEnding) => string
  youLose: (ending: TicTacToeEnding) => string
  wins: (name: string, ending: TicTacToeEnding) => string
  draw: string
  emptySeat: string
  you: string
  takeSeat: (mark: TicTacToeMark) => string
  leave: string
  rematch: string
  rematchAsked: string
  rematchOffered: (name: string) => string
  /** A clock's accessible name: "Ada's clock: 0:42 left". */
  clock: (name: string, time: string) => string
  spectators: (count: string, n: number) => string
  sending: string
  reconnecting: string
  offline: string
}

const endingWords: Record<TicTacToeEnding, string> = {
  line: "",
  draw: "",
  timeout: " on time",
  left: " — the other player left",
}

export const defaultTicTacToeLabels: TicTacToeLabels = {
  title: "Tic-tac-toe",
  cell: (row, column, mark) =>
    `Row ${row}, column ${column}, ${mark ?? "empty"}`,
  board: "Board",
  waitingForPlayers: "Waiting for players: take a seat",
  waitingForOpponent: "Waiting for an opponent",
  yourTurn: "Your turn",
  theirTurn: (name) => `${name}’s turn`,
  toMove: (mark, name) => `${mark} to move: ${name}`,
  youWin: (ending) =>
    ending === "left"
      ? "You win: your opponent left"
      : `You win${endingWords[ending]}`,
  youLose: (ending) => `You lose${endingWords[ending]}`,
  wins: (name, ending) => `${name} wins${endingWords[ending]}`,
  draw: "Draw",
  emptySeat: "Empty seat",
  you: "you",
  takeSeat: (mark) => `Play ${mark}`,
  leave: "Leave seat",
  rematch: "Rematch",
  rematchAsked: "Rematch asked",
  rematchOffered: (name) => `${name} offers a rematch`,
  clock: (name, time) => `${name}’s clock: ${time} left`,
  spectators: (count, n) => (n === 1 ? "1 spectator" : `${count} spectators`),
  sending: "Sending…",
  reconnecting: "Reconnecting…",
  offline: "Offline",
}

/** A clock reading, "1:05", with the locale's digits; tenths under ten seconds ("0:09.4"). */
export function formatClock(ms: number, locale: string): string {
  const total = Math.max(0, ms)
  const minutes = Math.floor(total / 60_000)
  const seconds = (total % 60_000) / 1000
  const number = (value: number, options: Intl.NumberFormatOptions) =>
    new Intl.NumberFormat(locale, { useGrouping: false, ...options }).format(
      value
    )
  const secondsText =
    total < 10_000
      ? number(Math.floor(seconds * 10) / 10, {
          minimumIntegerDigits: 2,
          minimumFractionDigits: 1,
          maximumFractionDigits: 1,
        })
      : number(Math.floor(seconds), { minimumIntegerDigits: 2 })
  return `${number(minutes, {})}:${secondsText}`
}
