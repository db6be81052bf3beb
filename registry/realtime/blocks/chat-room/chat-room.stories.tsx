import * as React from "react"
import { createReadReceipts } from "@realtime-kit/core"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { Button } from "@/components/ui/button"
import {
  ChatRoom,
  type ChatMessage,
} from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  ada,
  chatRoomMeta,
  composerOf,
  conversation,
  distanceFromBottom,
  grace,
  joinAs,
  lines,
  ready,
  ROOM,
  rowsOf,
  say,
  scrollerOf,
} from "@/registry/realtime/blocks/chat-room/chat-room.story-fixtures"
import { kitOf, sleep } from "@/registry/realtime/testing/story-kit"

const meta = {
  ...chatRoomMeta,
  title: "Realtime/ChatRoom",
  component: ChatRoom,
} satisfies Meta<typeof ChatRoom>

export default meta
type Story = StoryObj<typeof meta>

/** A new room: an empty state, then your first message, sent with Enter. */
export const Empty: Story = {
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement)
    await ready(canvasElement)
    await expect(canvas.getByText("No messages yet")).toBeInTheDocument()
    await expect(canvas.getByRole("button", { name: "Send" })).toBeDisabled()
    await userEvent.type(composerOf(canvasElement), "Hello, room!{Enter}")
    await waitFor(() => expect(rowsOf(canvasElement)).toHaveLength(1))
    await expect(composerOf(canvasElement)).toHaveValue("")
    await expect(canvas.queryByText("No messages yet")).toBeNull()
    const row = rowsOf(canvasElement)[0]!
    await waitFor(() =>
      expect(row.querySelector('[data-slot="chat-message"]')).toHaveAttribute(
        "data-status",
        "sent"
      )
    )
    await expect(
      kitOf({ loaded })
        .server.messages(ROOM)
        .map((message) => (message.data as { text: string }).text)
    ).toEqual(["Hello, room!"])
  },
}

/** A message your server published without an author or time (e.g. `{ text }` from a route handler) still shows. */
export const FromServer: Story = {
  args: {
    initialMessages: conversation(3),
    labels: { anonymous: "Deploy bot" },
  },
  play: async ({ canvasElement, loaded }) => {
    await ready(canvasElement)
    kitOf({ loaded }).server.publish(ROOM, "message", {
      text: "Deploy finished in 42 s.",
    })
    const row = await waitFor(() =>
      within(canvasElement).getByText("Deploy finished in 42 s.")
    )
    const message = row.closest<HTMLElement>('[data-slot="chat-message"]')!
    await expect(within(message).getByText("Deploy bot")).toBeInTheDocument()
    await expect(message.querySelector("time")).toBeNull()
    await waitFor(() =>
      expect(within(canvasElement).getByRole("log")).toHaveTextContent(
        "Deploy bot: Deploy finished in 42 s."
      )
    )
  },
}

/** Enter sends; Shift+Enter starts a new line; an empty message is not sent. */
export const Keyboard: Story = {
  play: async ({ canvasElement, loaded }) => {
    await ready(canvasElement)
    const composer = composerOf(canvasElement)
    await userEvent.click(composer)
    await userEvent.keyboard("{Enter}")
    await expect(rowsOf(canvasElement)).toHaveLength(0)
    await userEvent.keyboard("First line{Shift>}{Enter}{/Shift}second line")
    await expect(composer).toHaveValue("First line\nsecond line")
    await userEvent.keyboard("{Enter}")
    await waitFor(() =>
      expect(kitOf({ loaded }).server.messages(ROOM)).toHaveLength(1)
    )
    await expect(
      (kitOf({ loaded }).server.messages(ROOM)[0]!.data as { text: string })
        .text
    ).toBe("First line\nsecond line")
    // The send button works from the keyboard too.
    await userEvent.type(composer, "Via the button")
    await userEvent.tab()
    await expect(
      within(canvasElement).getByRole("button", { name: "Send" })
    ).toHaveFocus()
    await userEvent.keyboard("{Enter}")
    await waitFor(() =>
      expect(kitOf({ loaded }).server.messages(ROOM)).toHaveLength(2)
    )
  },
}

/** An open room with a conversation: grouped by author, times in the reader's locale, scrolled to the newest. */
export const Conversation: Story = {
  args: { initialMessages: conversation(14) },
  play: async ({ canvasElement, args }) => {
    await ready(canvasElement)
    const rows = rowsOf(canvasElement)
    await expect(rows.length).toBe(14)
    await waitFor(() =>
      expect(distanceFromBottom(scrollerOf(canvasElement))).toBeLessThanOrEqual(
        2
      )
    )
    const last = args.initialMessages![13]!
    const time = new Intl.DateTimeFormat("en-US", {
      hour: "numeric",
      minute: "2-digit",
    }).format(last.sentAt)
    await expect(rows[13]).toHaveTextContent(time)
    // Your own messages are labelled "You" and sit at the end of the row.
    await expect(
      rows[2]!.querySelector('[data-slot="chat-message"]')
    ).toHaveAttribute("data-own", "true")
    await expect(rows[2]).toHaveTextContent(/^You/)
    await expect(
      rows[13]!.querySelector('[data-slot="chat-message-text"]')
    ).toHaveAttribute("dir", "auto")
  },
}

/** Scrolling to the top loads older messages without moving what you were reading, until history ends. */
export const LoadingHistory: Story = {
  loaders: [
    async () => {
      const older = conversation(30)
      let release: () => void = () => {}
      const calls: (string | undefined)[] = []
      return {
        calls,
        release: () => release(),
        loadHistory: async (before: ChatMessage | undefined) => {
          calls.push(before?.id)
          if (before?.id !== "m-21") return []
          await new Promise<void>((resolve) => {
            release = resolve
          })
          return older.slice(0, 20)
        },
      }
    },
  ],
  render: (args, { loaded }) => (
    <ChatRoom
      {...args}
      initialMessages={conversation(10, undefined, 20)}
      loadHistory={
        (loaded as { loadHistory: NonNullable<typeof args.loadHistory> })
          .loadHistory
      }
    />
  ),
  play: async ({ canvasElement, loaded }) => {
    const control = loaded as unknown as {
      calls: (string | undefined)[]
      release: () => void
    }
    const canvas = within(canvasElement)
    await ready(canvasElement)
    const scroller = scrollerOf(canvasElement)
    scroller.scrollTop = 0
    await waitFor(() =>
      expect(canvas.getByText("Loading earlier messages…")).toBeInTheDocument()
    )
    // More scrolling while it loads does not ask again.
    scroller.scrollTop = 8
    scroller.dispatchEvent(new Event("scroll"))
    scroller.scrollTop = 0
    scroller.dispatchEvent(new Event("scroll"))
    await sleep(50)
    await expect(control.calls).toEqual(["m-21"])
    // Remember where the oldest message shown is, then let the history arrive.
    const anchor = rowsOf(canvasElement)[0]!
    await expect(anchor).toHaveAttribute("data-index", "0")
    const anchorTop = anchor.getBoundingClientRect().top
    control.release()
    await waitFor(() =>
      expect(canvasElement.querySelector('[data-index="20"]')).not.toBeNull()
    )
    const same = canvasElement.querySelector<HTMLElement>('[data-index="20"]')!
    await expect(
      Math.abs(same.getBoundingClientRect().top - anchorTop)
    ).toBeLessThanOrEqual(4)
    await expect(scroller.scrollTop).toBeGreaterThan(0)
    // Up to the very beginning.
    scroller.scrollTop = 0
    await waitFor(() =>
      expect(
        canvas.getByText("This is the beginning of the conversation.")
      ).toBeInTheDocument()
    )
    await expect(control.calls).toEqual(["m-21", "m-1"])
    await expect(
      canvas.getByText(lines[0]!, { selector: '[data-index="0"] *' })
    ).toBeInTheDocument()
  },
}

/** Failing history shows an error with Retry, which asks again. */
export const HistoryError: Story = {
  loaders: [
    async () => {
      const attempts = { count: 0 }
      return {
        attempts,
        loadHistory: async () => {
          attempts.count += 1
          if (attempts.count === 1) throw new Error("offline")
          return []
        },
      }
    },
  ],
  args: { initialMessages: conversation(3) },
  render: (args, { loaded }) => (
    <ChatRoom
      {...args}
      loadHistory={
        (loaded as { loadHistory: NonNullable<typeof args.loadHistory> })
          .loadHistory
      }
    />
  ),
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement)
    const attempts = (loaded as { attempts: { count: number } }).attempts
    await waitFor(() =>
      expect(canvas.getByRole("alert")).toHaveTextContent(
        "Could not load earlier messages."
      )
    )
    await expect(attempts.count).toBe(1)
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    await waitFor(() =>
      expect(
        canvas.getByText("This is the beginning of the conversation.")
      ).toBeInTheDocument()
    )
    await expect(attempts.count).toBe(2)
  },
}

/** Scrolled up reading history, new messages do not yank you down: a button counts them and jumps (keyboard too). */
export const ScrolledUpNewMessages: Story = {
  args: { initialMessages: conversation(60) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    const canvas = within(canvasElement)
    await ready(canvasElement)
    const scroller = scrollerOf(canvasElement)
    await waitFor(() =>
      expect(distanceFromBottom(scroller)).toBeLessThanOrEqual(2)
    )
    const adaClient = await joinAs(kit, ada)
    // Scroll up as a reader would, again if the list was still settling at the bottom when the first scroll landed.
    await waitFor(() => {
      if (distanceFromBottom(scroller) <= 2) scroller.scrollTop = 200
      expect(
        canvas.getByRole("button", { name: "Jump to latest" })
      ).toBeInTheDocument()
    })
    const top = scroller.scrollTop
    await say(adaClient, ada, "Canary is live 🚀")
    await say(adaClient, ada, "Error rates look flat.")
    const jump = await waitFor(() =>
      canvas.getByRole("button", { name: "2 new messages" })
    )
    await expect(scroller.scrollTop).toBe(top)
    // Announced politely in the log, once each.
    const log = canvas.getByRole("log")
    await expect(log).toHaveAttribute("aria-live", "polite")
    await expect(log).toHaveTextContent("Ada Lovelace: Canary is live 🚀")
    await expect(log).toHaveTextContent("Ada Lovelace: Error rates look flat.")
    jump.focus()
    await expect(jump).toHaveFocus()
    await userEvent.keyboard("{Enter}")
    await waitFor(() =>
      expect(distanceFromBottom(scroller)).toBeLessThanOrEqual(2)
    )
    await waitFor(() =>
      expect(
        canvas.queryByRole("button", { name: /new messages|Jump to latest/ })
      ).toBeNull()
    )
    await expect(composerOf(canvasElement)).toHaveFocus()
    // At the bottom, new messages are followed.
    await say(adaClient, ada, "Rolling out to 50%.")
    await waitFor(() =>
      expect(canvas.getByText("Rolling out to 50%.")).toBeInTheDocument()
    )
    await waitFor(() =>
      expect(distanceFromBottom(scroller)).toBeLessThanOrEqual(2)
    )
    await expect(
      canvas.queryByRole("button", { name: /new message/ })
    ).toBeNull()
  },
}

/** "Seen by" under your last message, as others read it. */
export const ReadReceipts: Story = {
  args: { initialMessages: conversation(9) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await ready(canvasElement)
    const [adaClient, graceClient] = await Promise.all([
      joinAs(kit, ada),
      joinAs(kit, grace),
    ])
    // m-9 is yours (every third message); Ada read it, Grace only up to m-8.
    createReadReceipts(adaClient!.channel(ROOM)).markRead("m-9")
    createReadReceipts(graceClient!.channel(ROOM)).markRead("m-8")
    const seen = await waitFor(() => {
      const found = canvasElement.querySelector<HTMLElement>(
        '[data-slot="chat-message-seen"]'
      )
      expect(found).not.toBeNull()
      return found!
    })
    await expect(seen).toHaveTextContent("Seen by Ada Lovelace")
    createReadReceipts(graceClient!.channel(ROOM)).markRead("m-9")
    await waitFor(() =>
      expect(seen).toHaveTextContent("Seen by Ada Lovelace and Grace Hopper")
    )
    // You read too: your receipt reaches the others.
    const adaView = createReadReceipts(adaClient!.channel(ROOM))
    const off = adaView.subscribe(() => {})
    await say(adaClient!, ada, "Read it, thanks!")
    await waitFor(() =>
      expect(adaView.getSnapshot().get("you")).toBe(
        kit.server.messages(ROOM).at(-1)!.id
      )
    )
    off()
  },
}

/** Switching `channel` switches rooms: the other room's history, presence and typing, nothing carried over. */
export const SwitchRooms: Story = {
  render: function Render(args) {
    const [room, setRoom] = React.useState(ROOM)
    const rooms: Record<string, ChatMessage[]> = {
      [ROOM]: conversation(4),
      "room:design": [
        {
          id: "d-1",
          text: "New icons are in Figma.",
          author: grace,
          sentAt: Date.now() - 90_000,
        },
      ],
    }
    return (
      <div className="space-y-3">
        <div className="flex gap-2">
          {Object.keys(rooms).map((name) => (
            <Button
              key={name}
              aria-pressed={room === name}
              onClick={() => setRoom(name)}
              variant="outline"
              size="sm"
            >
              {name}
            </Button>
          ))}
        </div>
        <ChatRoom
          {...args}
          channel={room}
          title={room}
          initialMessages={rooms[room]}
        />
      </div>
    )
  },
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement)
    await waitFor(() =>
      expect(canvas.getByRole("list", { name: ROOM })).toBeInTheDocument()
    )
    await userEvent.click(canvas.getByRole("button", { name: "room:design" }))
    const list = await waitFor(() =>
      canvas.getByRole("list", { name: "room:design" })
    )
    await expect(within(list).getAllByRole("listitem")).toHaveLength(1)
    await expect(list).toHaveTextContent("New icons are in Figma.")
    await userEvent.type(
      canvas.getByRole("textbox", { name: "Message" }),
      "Looks great{Enter}"
    )
    await waitFor(() =>
      expect(kitOf({ loaded }).server.messages("room:design")).toHaveLength(1)
    )
    await expect(kitOf({ loaded }).server.messages(ROOM)).toHaveLength(0)
  },
}
