/* Shared setup of the chat-room stories: the room, its people, a conversation, the story meta and queries. */
import { type RealtimeClient } from "@realtime-kit/core"
import { type TestTransport } from "@realtime-kit/core/testing"
import type { Meta } from "@storybook/react-vite"
import { expect, waitFor, within } from "storybook/test"

import {
  ChatRoom,
  type ChatMessage,
  type ChatUser,
} from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  connectAs,
  testTransportLoader,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"

export const ROOM = "room:launch"
export const you: ChatUser = { id: "you", name: "Sam Rivera" }
export const ada: ChatUser = { id: "ada", name: "Ada Lovelace" }
export const grace: ChatUser = { id: "grace", name: "Grace Hopper" }

export const lines = [
  "Morning! Is the launch checklist final?",
  "Almost: the status page copy still needs a review.",
  "I can take that after standup.",
  "Thanks. Also, the rollback plan lives in the runbook now.",
  "Perfect. Does the canary go out at 10 or 11?",
  "10:30, once the metrics dashboard is green.",
  "Got it. I will watch the error rates.",
  "Ping me if anything looks off.",
]

/** `count` messages, oldest first, a minute apart, ending a minute ago; ids `m-1`… */
export function conversation(
  count: number,
  authors: ChatUser[] = [ada, grace, you],
  offset = 0
): ChatMessage[] {
  const end = Date.now() - 60_000
  return Array.from({ length: count }, (_, index) => {
    const number = offset + index + 1
    return {
      id: `m-${number}`,
      text: lines[(number - 1) % lines.length]!,
      author: authors[(number - 1) % authors.length]!,
      sentAt: end - (count - 1 - index) * 60_000,
    }
  })
}

export const chatRoomMeta = {
  loaders: [testTransportLoader],
  decorators: [withChannelTransport],
  args: {
    channel: ROOM,
    user: you,
    title: "Launch room",
    locale: "en-US",
    className: "h-[560px] max-w-xl",
  },
  parameters: { layout: "fullscreen" },
} satisfies Meta<typeof ChatRoom>

export const messagesOf = (root: HTMLElement) =>
  within(root).getByRole("list", { name: "Launch room" })
export const rowsOf = (root: HTMLElement) =>
  within(messagesOf(root)).queryAllByRole("listitem")
export const scrollerOf = (root: HTMLElement) =>
  root.querySelector<HTMLElement>('[data-slot="chat-room-scroller"]')!
export const distanceFromBottom = (element: HTMLElement) =>
  element.scrollHeight - element.scrollTop - element.clientHeight
export const composerOf = (root: HTMLElement) =>
  within(root).getByRole("textbox", { name: "Message" })
export const statusLine = (root: HTMLElement) =>
  root.querySelector<HTMLElement>('[data-slot="chat-room-status"]')!

/** Someone else in the room: connected, present with a name. */
export async function joinAs(
  kit: TestTransport,
  user: ChatUser
): Promise<RealtimeClient> {
  const client = await connectAs(kit, user.id)
  client.channel(ROOM).presence.enter({ id: user.id, name: user.name })
  await waitFor(() =>
    expect(
      kit.server.presence(ROOM).some((member) => member.userId === user.id)
    ).toBe(true)
  )
  return client
}

export function say(client: RealtimeClient, author: ChatUser, text: string) {
  return client
    .channel(ROOM)
    .publish("message", { text, author, sentAt: Date.now() })
}

/** The room is open and you are in it (your own avatar shows). */
export async function ready(root: HTMLElement) {
  await waitFor(() =>
    expect(
      within(root).getByRole("img", { name: "Sam Rivera (you)" })
    ).toBeInTheDocument()
  )
  await waitFor(() =>
    expect(statusLine(root)).toHaveTextContent("Enter to send")
  )
}
