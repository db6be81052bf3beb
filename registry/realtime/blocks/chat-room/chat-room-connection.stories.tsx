import { type FrameError } from "@realtime-kit/core"
import { createTestTransport } from "@realtime-kit/core/testing"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { ChatRoom } from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  chatRoomMeta,
  composerOf,
  conversation,
  ready,
  ROOM,
  statusLine,
} from "@/registry/realtime/blocks/chat-room/chat-room.story-fixtures"
import { kitOf } from "@/registry/realtime/testing/story-kit"

const meta = {
  ...chatRoomMeta,
  title: "Realtime/ChatRoom/Connection",
  component: ChatRoom,
} satisfies Meta<typeof ChatRoom>

export default meta
type Story = StoryObj<typeof meta>

/** The connection dropped: the composer says messages will go out; yours wait as pending and go out on reconnect. */
export const Reconnecting: Story = {
  args: { initialMessages: conversation(5) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await ready(canvasElement)
    kit.chaos.disconnect()
    await waitFor(() =>
      expect(statusLine(canvasElement)).toHaveTextContent(
        "Reconnecting… Messages you send now go out when the connection is back."
      )
    )
    await userEvent.type(
      composerOf(canvasElement),
      "Sent while the connection was down{Enter}"
    )
    const row = await waitFor(() => {
      const found = canvasElement.querySelector<HTMLElement>(
        '[data-slot="chat-message"][data-status="pending"]'
      )
      expect(found).not.toBeNull()
      return found!
    })
    await expect(row).toHaveTextContent("Waiting for the connection")
    await expect(kit.server.messages(ROOM)).toHaveLength(0)
    kit.chaos.reconnect()
    await waitFor(() => expect(row).toHaveAttribute("data-status", "sent"))
    await expect(kit.server.messages(ROOM)).toHaveLength(1)
    await waitFor(() =>
      expect(statusLine(canvasElement)).toHaveTextContent("Enter to send")
    )
  },
}

/** Offline: the same, in the words of being offline. */
export const Offline: Story = {
  args: { initialMessages: conversation(5) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await ready(canvasElement)
    kit.chaos.offline()
    await waitFor(() =>
      expect(statusLine(canvasElement)).toHaveTextContent(
        "You are offline. Messages you send now go out when you are back online."
      )
    )
    await expect(
      within(canvasElement)
        .getAllByRole("status")
        .includes(statusLine(canvasElement))
    ).toBe(true)
    await userEvent.type(composerOf(canvasElement), "Queued{Enter}")
    await userEvent.type(composerOf(canvasElement), "Queued too{Enter}")
    await waitFor(() =>
      expect(
        canvasElement.querySelectorAll(
          '[data-slot="chat-message"][data-status="pending"]'
        )
      ).toHaveLength(2)
    )
  },
}

/** Back online, the queued messages go out in order. */
export const BackOnline: Story = {
  args: { initialMessages: conversation(5) },
  play: async (context) => {
    const kit = kitOf(context)
    await Offline.play!(context)
    kit.chaos.online()
    await waitFor(() =>
      expect(
        context.canvasElement.querySelectorAll(
          '[data-slot="chat-message"][data-status="pending"]'
        )
      ).toHaveLength(0)
    )
    await expect(
      kit.server
        .messages(ROOM)
        .map((message) => (message.data as { text: string }).text)
    ).toEqual(["Queued", "Queued too"])
  },
}

/** The server cannot take a message now (a rate limit): it stays, marked "Not sent", with Retry. */
export const FailedSend: Story = {
  loaders: [
    async () => {
      const gate = { refuse: true }
      const kit = createTestTransport({
        hub: {
          admit: (_session, frame) =>
            frame.type === "publish" && gate.refuse
              ? {
                  code: "rate_limited",
                  message: "Slow down: too many messages.",
                }
              : null,
        },
      })
      return { kit, gate }
    },
  ],
  args: { initialMessages: conversation(5) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    const gate = (loaded as { gate: { refuse: boolean } }).gate
    await ready(canvasElement)
    await userEvent.type(composerOf(canvasElement), "This one bounces{Enter}")
    const failed = await waitFor(() => {
      const found = canvasElement.querySelector<HTMLElement>(
        '[data-slot="chat-message"][data-status="failed"]'
      )
      expect(found).not.toBeNull()
      return found!
    })
    await expect(failed).toHaveTextContent("Not sent")
    gate.refuse = false
    const retry = within(failed).getByRole("button", { name: "Retry" })
    retry.focus()
    await userEvent.keyboard("{Enter}")
    await waitFor(() => expect(failed).toHaveAttribute("data-status", "sent"))
    await expect(kit.server.messages(ROOM)).toHaveLength(1)
    // Same row, not a second copy.
    await expect(
      within(canvasElement).getAllByText("This one bounces")
    ).toHaveLength(1)
  },
}

/** A test server that refuses every publish with `error` (as a `beforePublish` rule or a payload schema would). */
const refusingEveryPublish = (error: FrameError) => async () => ({
  kit: createTestTransport({
    hub: {
      admit: (_session, frame) => (frame.type === "publish" ? error : null),
    },
  }),
})

/** Sends `text` and returns its row once the server refused it. */
async function sendRefused(
  root: HTMLElement,
  text: string
): Promise<HTMLElement> {
  await ready(root)
  await userEvent.type(composerOf(root), `${text}{Enter}`)
  return waitFor(() => {
    const found = root.querySelector<HTMLElement>(
      '[data-slot="chat-message"][data-status="failed"]'
    )
    expect(found).not.toBeNull()
    return found!
  })
}

/** A server rule refuses the message (`rejected`): Retry would be refused again, so the rule's reason shows instead. */
export const RefusedSend: Story = {
  loaders: [
    refusingEveryPublish({
      code: "rejected",
      message: "Links to other workspaces are not allowed here.",
    }),
  ],
  args: { initialMessages: conversation(5) },
  play: async ({ canvasElement, loaded }) => {
    const failed = await sendRefused(
      canvasElement,
      "See https://other.example/board"
    )
    await expect(failed).toHaveTextContent("Not sent")
    await expect(
      within(failed).queryByRole("button", { name: "Retry" })
    ).toBeNull()
    await expect(
      failed.querySelector('[data-slot="chat-message-refusal"]')
    ).toHaveTextContent(/^Links to other workspaces are not allowed here\.$/)
    await expect(kitOf({ loaded }).server.messages(ROOM)).toHaveLength(0)
  },
}

/** The payload fails the channel's schema (`invalid_payload`): the reason and each issue show, and no Retry. */
export const InvalidMessage: Story = {
  loaders: [
    refusingEveryPublish({
      code: "invalid_payload",
      message: "This message does not fit the room.",
      issues: [
        { message: "At most 40 characters", path: ["text"] },
        { message: "Unknown mention @everyone" },
      ],
    }),
  ],
  args: { initialMessages: conversation(5) },
  play: async ({ canvasElement, loaded }) => {
    const failed = await sendRefused(
      canvasElement,
      "A message far longer than this room allows, @everyone"
    )
    await expect(
      within(failed).queryByRole("button", { name: "Retry" })
    ).toBeNull()
    const refusal = failed.querySelector<HTMLElement>(
      '[data-slot="chat-message-refusal"]'
    )!
    await expect(
      within(refusal).getByText("This message does not fit the room.")
    ).toBeInTheDocument()
    await expect(
      within(refusal)
        .getAllByRole("listitem")
        .map((item) => item.textContent)
    ).toEqual(["text: At most 40 characters", "Unknown mention @everyone"])
    await expect(kitOf({ loaded }).server.messages(ROOM)).toHaveLength(0)
  },
}
