"use client"

import * as React from "react"

import type {
  TicTacToeCell,
  TicTacToeMark,
} from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game"
import type { TicTacToeLabels } from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-labels"
import { cn } from "@/registry/realtime/lib/utils"

interface TicTacToeBoardProps extends Omit<
  React.ComponentProps<"div">,
  "onPlay"
> {
  board: readonly TicTacToeCell[]
  /** The server's board: a cell that differs is a prediction not confirmed yet (shown faded). */
  confirmed: readonly TicTacToeCell[]
  line: readonly number[] | null
  /** Clicks reach `onPlay` even out of turn: the reducer refuses them with a message. */
  interactive: boolean
  onPlay: (cell: number) => void
  labels: Pick<TicTacToeLabels, "board" | "cell">
}

const SIZE = 3

/** Where an arrow key (or Home/End) moves the focus from `index`, or null for other keys. */
function nextIndex(index: number, key: string): number | null {
  const row = Math.floor(index / SIZE)
  const column = index % SIZE
  switch (key) {
    case "ArrowRight":
      return row * SIZE + ((column + 1) % SIZE)
    case "ArrowLeft":
      return row * SIZE + ((column + SIZE - 1) % SIZE)
    case "ArrowDown":
      return ((row + 1) % SIZE) * SIZE + column
    case "ArrowUp":
      return ((row + SIZE - 1) % SIZE) * SIZE + column
    case "Home":
      return row * SIZE
    case "End":
      return row * SIZE + SIZE - 1
    default:
      return null
  }
}

/** A 3×3 grid of buttons with one tab stop (roving tabindex) and arrow keys between the cells. */
function TicTacToeBoard({
  board,
  confirmed,
  line,
  interactive,
  onPlay,
  labels,
  className,
  ...props
}: TicTacToeBoardProps) {
  const [focused, setFocused] = React.useState(4)
  const cells = React.useRef<(HTMLButtonElement | null)[]>([])

  const onKeyDown = (event: React.KeyboardEvent, index: number) => {
    const next = nextIndex(index, event.key)
    if (next === null) return
    event.preventDefault()
    setFocused(next)
    cells.current[next]?.focus()
  }

  return (
    <div
      role="group"
      aria-label={labels.board}
      data-slot="tic-tac-toe-board"
      className={cn("grid w-fit grid-cols-3 gap-2", className)}
      {...props}
    >
      {board.map((mark, index) => {
        const pending = mark !== confirmed[index]
        const winning = line?.includes(index) ?? false
        return (
          <button
            key={index}
            ref={(element) => {
              cells.current[index] = element
            }}
            type="button"
            tabIndex={index === focused ? 0 : -1}
            aria-label={labels.cell(
              Math.floor(index / SIZE) + 1,
              (index % SIZE) + 1,
              mark
            )}
            aria-disabled={!interactive || mark !== null}
            data-slot="tic-tac-toe-cell"
            data-mark={mark ?? "empty"}
            data-pending={pending || undefined}
            data-winning={winning || undefined}
            onFocus={() => setFocused(index)}
            onKeyDown={(event) => onKeyDown(event, index)}
            onClick={() => onPlay(index)}
            className={cn(
              "flex size-16 items-center justify-center rounded-lg border bg-background text-3xl font-semibold outline-none select-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 motion-safe:transition-colors sm:size-20 sm:text-4xl",
              mark === null &&
                interactive &&
                "cursor-pointer hover:bg-accent hover:text-accent-foreground",
              mark === "X" && "text-sky-700 dark:text-sky-300",
              mark === "O" && "text-rose-700 dark:text-rose-300",
              pending && "opacity-60 motion-safe:animate-pulse",
              winning && "border-primary bg-primary/10"
            )}
          >
            <span aria-hidden="true">{mark}</span>
          </button>
        )
      })}
    </div>
  )
}

export { TicTacToeBoard }
export type { TicTacToeBoardProps, TicTacToeMark }
