import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { TicTacToe } from "@/registry/realtime/blocks/tic-tac-toe/tic-tac-toe"
import {
  blitzGame,
  gameLoader,
  joinAs,
  part,
  STORY_CHANNEL,
} from "@/registry/realtime/blocks/tic-tac-toe/tic-tac-toe.story-fixtures"
import {
  kitOf,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"

// Every story runs the game's real reducer on an in-memory server (sharedStateRules): you are the user "you",
// the other players act through the same server from play().
const meta = {
  title: "Realtime/TicTacToe",
  component: TicTacToe,
  args: { channel: STORY_CHANNEL, name: "You" },
  loaders: [gameLoader()],
  decorators: [withChannelTransport],
  parameters: { layout: "centered" },
} satisfies Meta<typeof TicTacToe>

export default meta
type Story = StoryObj<typeof meta>

const status = (root: HTMLElement) => part(root, "tic-tac-toe-status")
const cell = (root: HTMLElement, row: number, column: number) =>
  within(root).getByRole("button", {
    name: new RegExp(`^Row ${row}, column ${column},`),
  })

/** Ada sits O and you take X: the game starts with your move. */
async function startAsX(root: HTMLElement, loaded: Record<string, unknown>) {
  const ada = await joinAs(kitOf({ loaded }), "ada", "Ada")
  await ada.act({ type: "sit", seat: "O", name: "Ada" })
  await userEvent.click(
    await within(root).findByRole("button", { name: "Play X" })
  )
  await waitFor(() => expect(status(root)).toHaveTextContent("Your turn"))
  return ada
}

/** Nobody sits yet: both seats offer themselves, the board waits. */
export const WaitingForPlayers: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent(
        "Waiting for players: take a seat"
      )
    )
    await expect(canvas.getByRole("button", { name: "Play X" })).toBeVisible()
    await expect(canvas.getByRole("button", { name: "Play O" })).toBeVisible()
    await expect(cell(canvasElement, 1, 2)).toHaveAccessibleName(
      "Row 1, column 2, empty"
    )
    await expect(status(canvasElement)).toHaveAttribute("aria-live", "polite")
  },
}

/** Your move: arrow keys walk the board (one tab stop), Enter plays. */
export const YourTurn: Story = {
  play: async ({ canvasElement, loaded }) => {
    await startAsX(canvasElement, loaded)
    const centre = cell(canvasElement, 2, 2)
    await expect(centre).toHaveAttribute("tabindex", "0")
    await expect(cell(canvasElement, 1, 1)).toHaveAttribute("tabindex", "-1")
    centre.focus()
    await userEvent.keyboard("{ArrowUp}{ArrowLeft}")
    await expect(cell(canvasElement, 1, 1)).toHaveFocus()
    await userEvent.keyboard(
      "{ArrowRight}{ArrowDown}{ArrowDown}{ArrowDown}{ArrowDown}"
    ) // wraps around
    await expect(centre).toHaveFocus()
    await userEvent.keyboard("{Enter}")
    await waitFor(() =>
      expect(cell(canvasElement, 2, 2)).toHaveAccessibleName(
        "Row 2, column 2, X"
      )
    )
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Ada’s turn")
    )
  },
}

/** Their move: your clock is stopped, theirs runs. */
export const TheirTurn: Story = {
  play: async ({ canvasElement, loaded }) => {
    const ada = await joinAs(kitOf({ loaded }), "ada", "Ada")
    await ada.act({ type: "sit", seat: "X", name: "Ada" })
    await userEvent.click(
      await within(canvasElement).findByRole("button", { name: "Play O" })
    )
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Ada’s turn")
    )
    const seats = canvasElement.querySelectorAll(
      '[data-slot="tic-tac-toe-seat"]'
    )
    await expect(seats[0]).toHaveAttribute("data-state", "active")
    await expect(seats[1]).toHaveAttribute("data-state", "seated")
    await expect(
      within(canvasElement).getByRole("timer", { name: /^You’s clock/ })
    ).toHaveTextContent("1:00")
  },
}

/** A move the server has not confirmed yet: shown at once, faded, with "Sending…". */
export const PredictedMovePending: Story = {
  play: async ({ canvasElement, loaded }) => {
    await startAsX(canvasElement, loaded)
    kitOf({ loaded }).chaos.delay(60_000)
    await userEvent.click(cell(canvasElement, 1, 1))
    await expect(cell(canvasElement, 1, 1)).toHaveAccessibleName(
      "Row 1, column 1, X"
    )
    await expect(cell(canvasElement, 1, 1)).toHaveAttribute("data-pending")
    await expect(
      part(canvasElement, "tic-tac-toe-connection")
    ).toHaveTextContent("Sending…")
  },
}

/** Out of turn: the reducer refuses, the board stays as it was and says why. */
export const RefusedMove: Story = {
  play: async ({ canvasElement, loaded }) => {
    const ada = await startAsX(canvasElement, loaded)
    await userEvent.click(cell(canvasElement, 2, 2))
    await waitFor(() =>
      expect(cell(canvasElement, 2, 2)).not.toHaveAttribute("data-pending")
    )
    await expect(ada.game.getSnapshot().state.board[4]).toBe("X")
    await userEvent.click(cell(canvasElement, 1, 1))
    await waitFor(() =>
      expect(part(canvasElement, "tic-tac-toe-refusal")).toHaveTextContent(
        "It is O's turn"
      )
    )
    await expect(cell(canvasElement, 1, 1)).toHaveAccessibleName(
      "Row 1, column 1, empty"
    )
  },
}

/** A seat race the server decides: your prediction took X, Ada's sit arrived first, yours rolls back. */
export const RefusedSeatRolledBack: Story = {
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    await within(canvasElement).findByRole("button", { name: "Play X" })
    kit.chaos.delay(400) // you do not see Ada's sit in time
    const sat = ada.act({ type: "sit", seat: "X", name: "Ada" })
    await userEvent.click(
      within(canvasElement).getByRole("button", { name: "Play X" })
    )
    await sat
    await waitFor(() =>
      expect(part(canvasElement, "tic-tac-toe-refusal")).toHaveTextContent(
        "Ada already plays X"
      )
    )
    kit.chaos.delay(0)
    await waitFor(() =>
      expect(
        within(canvasElement).getByRole("img", { name: "X: Ada" })
      ).toBeVisible()
    )
    await expect(
      within(canvasElement).getByRole("button", { name: "Play O" })
    ).toBeVisible()
  },
}

/** You (X) take the top row while Ada (O) plays the middle one. */
async function winAsX(
  root: HTMLElement,
  ada: Awaited<ReturnType<typeof startAsX>>
) {
  for (const [column, reply] of [
    [1, 3],
    [2, 4],
  ] as const) {
    await userEvent.click(cell(root, 1, column))
    await waitFor(() => expect(status(root)).toHaveTextContent("Ada’s turn"))
    await ada.act({ type: "move", cell: reply })
    await waitFor(() => expect(status(root)).toHaveTextContent("Your turn"))
  }
  await userEvent.click(cell(root, 1, 3))
  await waitFor(() => expect(status(root)).toHaveTextContent("You win"))
}

/** Three in a row: the line is marked and the status says who won. */
export const Win: Story = {
  play: async ({ canvasElement, loaded }) => {
    const ada = await startAsX(canvasElement, loaded)
    await winAsX(canvasElement, ada)
    await expect(
      canvasElement.querySelectorAll('[data-winning="true"]')
    ).toHaveLength(3)
    await expect(
      within(canvasElement).getByRole("button", { name: "Rematch" })
    ).toBeVisible()
  },
}

/** A full board and no line. */
export const Draw: Story = {
  play: async ({ canvasElement, loaded }) => {
    const ada = await startAsX(canvasElement, loaded)
    const cells = () =>
      canvasElement.querySelectorAll<HTMLElement>(
        '[data-slot="tic-tac-toe-cell"]'
      )
    const mine = [0, 2, 3, 7, 8]
    const theirs = [1, 4, 5, 6]
    for (const [index, move] of mine.entries()) {
      await userEvent.click(cells()[move]!)
      const reply = theirs[index]
      if (reply === undefined) break
      await waitFor(() =>
        expect(status(canvasElement)).toHaveTextContent("Ada’s turn")
      )
      await ada.act({ type: "move", cell: reply })
      await waitFor(() =>
        expect(status(canvasElement)).toHaveTextContent("Your turn")
      )
    }
    await waitFor(() => expect(status(canvasElement)).toHaveTextContent("Draw"))
  },
}

/** Ada's clock runs out while you wait: your page claims the win and the server agrees by its clock. */
export const Timeout: Story = {
  args: { definition: blitzGame },
  loaders: [gameLoader(blitzGame)],
  play: async ({ canvasElement, loaded }) => {
    const ada = await joinAs(kitOf({ loaded }), "ada", "Ada", blitzGame)
    await ada.act({ type: "sit", seat: "O", name: "Ada" })
    await userEvent.click(
      await within(canvasElement).findByRole("button", { name: "Play X" })
    )
    await userEvent.click(
      await within(canvasElement).findByRole("button", {
        name: "Row 2, column 2, empty",
      })
    )
    await waitFor(
      () => expect(status(canvasElement)).toHaveTextContent("You win on time"),
      { timeout: 5_000 }
    )
    await expect(
      within(canvasElement).getByRole("timer", { name: /^Ada’s clock/ })
    ).toHaveTextContent("0:00.0")
  },
}

/** Watching two others play: no seat to take, the count of spectators, whose move it is. */
export const SpectatorView: Story = {
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    const bob = await joinAs(kit, "bob", "Bob")
    await ada.act({ type: "sit", seat: "X", name: "Ada" })
    await bob.act({ type: "sit", seat: "O", name: "Bob" })
    await ada.act({ type: "move", cell: 4 })
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("O to move: Bob")
    )
    await waitFor(() => expect(canvasElement).toHaveTextContent("1 spectator"))
    await expect(
      within(canvasElement).queryByRole("button", { name: /^Play/ })
    ).toBeNull()
    await userEvent.click(cell(canvasElement, 1, 1))
    await waitFor(() =>
      expect(part(canvasElement, "tic-tac-toe-refusal")).toHaveTextContent(
        "Take a seat to play"
      )
    )
  },
}

/** The connection drops mid-game: the block says so, and picks up the server's state when it is back. */
export const Reconnecting: Story = {
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    const ada = await startAsX(canvasElement, loaded)
    await userEvent.click(cell(canvasElement, 2, 2))
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Ada’s turn")
    )
    kit.chaos.disconnect()
    await waitFor(() =>
      expect(part(canvasElement, "tic-tac-toe-connection")).toHaveTextContent(
        "Reconnecting…"
      )
    )
    kit.chaos.reconnect()
    await ada.act({ type: "move", cell: 0 })
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Your turn")
    )
    await expect(cell(canvasElement, 1, 1)).toHaveAccessibleName(
      "Row 1, column 1, O"
    )
  },
}

/** After the game, Ada asks for a rematch; accepting starts a new game with the seats swapped. */
export const RematchOffered: Story = {
  play: async ({ canvasElement, loaded }) => {
    const ada = await startAsX(canvasElement, loaded)
    await winAsX(canvasElement, ada)
    await ada.act({ type: "rematch" })
    const accept = await within(canvasElement).findByRole("button", {
      name: "Ada offers a rematch",
    })
    await expect(within(canvasElement).getByText("Rematch asked")).toBeVisible()
    await userEvent.click(accept)
    // You played X: now you play O, and Ada opens.
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Ada’s turn")
    )
    await expect(
      within(canvasElement).getByRole("img", { name: "O: You (you)" })
    ).toBeVisible()
    await expect(cell(canvasElement, 1, 1)).toHaveAccessibleName(
      "Row 1, column 1, empty"
    )
  },
}

/** The playing board in the dark theme. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async ({ canvasElement, loaded }) => {
    await expect(document.documentElement).toHaveClass("dark")
    const ada = await startAsX(canvasElement, loaded)
    await userEvent.click(cell(canvasElement, 2, 2))
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Ada’s turn")
    )
    await ada.act({ type: "move", cell: 0 })
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Your turn")
    )
  },
}
