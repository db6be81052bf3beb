/**
 * Story helpers for the tic-tac-toe block (not shipped): a test server that runs the game's reducer as the real
 * server would (`sharedStateRules`), and other players who sit, move and ask for rematches on it.
 */
import { createSharedState, sharedStateRules } from "@realtime-kit/core"
import {
  createTestTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import { expect, waitFor } from "storybook/test"

import {
  defineTicTacToe,
  type TicTacToeAction,
} from "@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game"
import { connectAs } from "@/registry/realtime/testing/story-kit"

export const STORY_CHANNEL = "tictactoe:story"

/** The stories' game: a minute per player, seats freed after 15 s. */
export const storyGame = defineTicTacToe()
/** A game whose clocks run out in 1.5 s, for the timeout story. */
export const blitzGame = defineTicTacToe({ clockMs: 1_500 })

/** A fresh test server per story with `definition` registered under `tictactoe:` (the stories' default game). */
export function gameLoader(definition = storyGame) {
  return async (): Promise<{ kit: TestTransport }> => ({
    kit: createTestTransport({
      hub: sharedStateRules({ "tictactoe:": definition }),
    }),
  })
}

/** Another player on the story's server: present in the channel, acting through the same reducer. */
export async function joinAs(
  kit: TestTransport,
  userId: string,
  name: string,
  definition = storyGame
) {
  const client = await connectAs(kit, userId)
  const channel = client.channel(STORY_CHANNEL, { rewind: 1 })
  channel.presence.enter({ name })
  const game = createSharedState(channel, definition)
  await waitFor(() => expect(game.getSnapshot().synced).toBe(true))
  return {
    client,
    game,
    /** Acts and waits until the server stored it. */
    act: (action: TicTacToeAction) => game.dispatch(action),
  }
}

/** The block's parts, by data-slot. */
export function part(root: HTMLElement, slot: string): HTMLElement {
  const element = root.querySelector<HTMLElement>(`[data-slot="${slot}"]`)
  if (!element) throw new Error(`No [data-slot="${slot}"] rendered`)
  return element
}
