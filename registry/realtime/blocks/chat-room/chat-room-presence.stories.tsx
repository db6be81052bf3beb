import { createTypingIndicator } from "@realtime-kit/core"
import { type TestTransport } from "@realtime-kit/core/testing"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import {
  ChatRoom,
  type ChatUser,
} from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  ada,
  chatRoomMeta,
  composerOf,
  conversation,
  grace,
  joinAs,
  ready,
  ROOM,
} from "@/registry/realtime/blocks/chat-room/chat-room.story-fixtures"
import { kitOf } from "@/registry/realtime/testing/story-kit"

const meta = {
  ...chatRoomMeta,
  title: "Realtime/ChatRoom/Presence",
  component: ChatRoom,
} satisfies Meta<typeof ChatRoom>

export default meta
type Story = StoryObj<typeof meta>

async function typingStory(
  canvasElement: HTMLElement,
  kit: TestTransport,
  users: ChatUser[],
  expected: string
) {
  await ready(canvasElement)
  const clients = await Promise.all(users.map((user) => joinAs(kit, user)))
  for (const client of clients)
    createTypingIndicator(client.channel(ROOM)).keystroke()
  const indicator = canvasElement.querySelector<HTMLElement>(
    '[data-slot="typing-indicator"]'
  )!
  await waitFor(() =>
    expect(within(indicator).getByRole("status")).toHaveTextContent(expected)
  )
  return clients
}

/** One person typing; your own typing reaches the others and stops when you send. */
export const TypingOne: Story = {
  args: { initialMessages: conversation(4) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    const composerTop = composerOf(canvasElement).getBoundingClientRect().top
    const [adaClient] = await typingStory(
      canvasElement,
      kit,
      [ada],
      "Ada Lovelace is typing…"
    )
    // No layout shift when the indicator appears.
    await expect(composerOf(canvasElement).getBoundingClientRect().top).toBe(
      composerTop
    )
    // Ada sees you typing, and stop when you send.
    const seenByAda = createTypingIndicator(adaClient!.channel(ROOM))
    const typists: string[][] = []
    const off = seenByAda.subscribe(() =>
      typists.push([...seenByAda.getSnapshot()])
    )
    await userEvent.type(composerOf(canvasElement), "On it")
    await waitFor(() => expect(seenByAda.getSnapshot()).toEqual(["you"]))
    await userEvent.keyboard("{Enter}")
    await waitFor(() => expect(seenByAda.getSnapshot()).toEqual([]))
    off()
  },
}

/** Two people typing. */
export const TypingTwo: Story = {
  args: { initialMessages: conversation(4) },
  play: async ({ canvasElement, loaded }) => {
    await typingStory(
      canvasElement,
      kitOf({ loaded }),
      [ada, grace],
      "Ada Lovelace and Grace Hopper are typing…"
    )
  },
}

/** Many typing: two names and a count. */
export const TypingMany: Story = {
  args: { initialMessages: conversation(4) },
  play: async ({ canvasElement, loaded }) => {
    const others = ["Alan Turing", "Barbara Liskov", "Linus Torvalds"].map(
      (name) => ({ id: name.split(" ")[0]!.toLowerCase(), name })
    )
    await typingStory(
      canvasElement,
      kitOf({ loaded }),
      [ada, grace, ...others],
      "Ada Lovelace, Grace Hopper, and 3 others are typing…"
    )
  },
}

const crowd: ChatUser[] = [
  "Ada Lovelace",
  "Grace Hopper",
  "Alan Turing",
  "Barbara Liskov",
  "Linus Torvalds",
  "Margaret Hamilton",
  "Ken Thompson",
].map((name) => ({ id: name.split(" ")[0]!.toLowerCase(), name }))

/** A busy room: four avatars in the header, then "+N" naming the rest. */
export const ManyMembers: Story = {
  args: { initialMessages: conversation(6) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await ready(canvasElement)
    await Promise.all(crowd.map((user) => joinAs(kit, user)))
    const header = within(
      canvasElement.querySelector<HTMLElement>(
        '[data-slot="chat-room-header"]'
      )!
    )
    await waitFor(() =>
      expect(
        header.getByRole("list", { name: "8 people here" })
      ).toBeInTheDocument()
    )
    const overflow = header.getByRole("img", { name: /^4 more: / })
    await expect(overflow).toHaveTextContent("+4")
    await expect(header.getAllByRole("img")[0]).toHaveAccessibleName(
      "Sam Rivera (you)"
    )
    // Its tooltip opens below the header, inside the room (the room clips what overflows it).
    overflow.focus()
    // shadcn's tooltip renders in a portal while open, named by the chip's aria-describedby.
    const tooltip = await waitFor(() => {
      const text = document.getElementById(
        overflow.getAttribute("aria-describedby") ?? ""
      )
      const found = text?.closest<HTMLElement>(
        '[data-slot="presence-avatar-tooltip"]'
      )
      expect(found).toBeTruthy()
      return found!
    })
    await waitFor(() =>
      expect(getComputedStyle(tooltip).visibility).toBe("visible")
    )
    const room = canvasElement
      .querySelector<HTMLElement>('[data-slot="chat-room"]')!
      .getBoundingClientRect()
    await expect(tooltip.getBoundingClientRect().right).toBeLessThanOrEqual(
      room.right
    )
    await expect(tooltip.getBoundingClientRect().top).toBeGreaterThanOrEqual(
      overflow.getBoundingClientRect().bottom
    )
  },
}

/** Idle and away members are dimmed in the header and say so. */
export const IdleAndAway: Story = {
  args: { initialMessages: conversation(6) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await ready(canvasElement)
    const [adaClient, graceClient] = await Promise.all([
      joinAs(kit, ada),
      joinAs(kit, grace),
    ])
    adaClient!.channel(ROOM).presence.setStatus("idle")
    graceClient!.channel(ROOM).presence.setStatus("away")
    const canvas = within(canvasElement)
    await waitFor(() =>
      expect(
        canvas.getByRole("img", { name: "Ada Lovelace, idle" })
      ).toHaveAttribute("data-status", "idle")
    )
    await waitFor(() =>
      expect(
        canvas.getByRole("img", { name: "Grace Hopper, away" })
      ).toHaveAttribute("data-status", "away")
    )
  },
}
