import * as React from "react"
import {
  createReadReceipts,
  createTypingIndicator,
  type FrameError,
  type RealtimeClient,
} from "@realtime-kit/core"
import {
  createTestTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { Button } from "@/components/ui/button"
import {
  ChatRoom,
  type ChatMessage,
  type ChatUser,
} from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  connectAs,
  kitOf,
  sleep,
  testTransportLoader,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"

const ROOM = "room:launch"
const you: ChatUser = { id: "you", name: "Sam Rivera" }
const ada: ChatUser = { id: "ada", name: "Ada Lovelace" }
const grace: ChatUser = { id: "grace", name: "Grace Hopper" }

const lines = [
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
function conversation(
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

const meta = {
  title: "Realtime/ChatRoom",
  component: ChatRoom,
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

export default meta
type Story = StoryObj<typeof meta>

const messagesOf = (root: HTMLElement) =>
  within(root).getByRole("list", { name: "Launch room" })
const rowsOf = (root: HTMLElement) =>
  within(messagesOf(root)).queryAllByRole("listitem")
const scrollerOf = (root: HTMLElement) =>
  root.querySelector<HTMLElement>('[data-slot="chat-room-scroller"]')!
const distanceFromBottom = (element: HTMLElement) =>
  element.scrollHeight - element.scrollTop - element.clientHeight
const composerOf = (root: HTMLElement) =>
  within(root).getByRole("textbox", { name: "Message" })
const statusLine = (root: HTMLElement) =>
  root.querySelector<HTMLElement>('[data-slot="chat-room-status"]')!

/** Someone else in the room: connected, present with a name. */
async function joinAs(
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

function say(client: RealtimeClient, author: ChatUser, text: string) {
  return client
    .channel(ROOM)
    .publish("message", { text, author, sentAt: Date.now() })
}

/** The room is open and you are in it (your own avatar shows). */
async function ready(root: HTMLElement) {
  await waitFor(() =>
    expect(
      within(root).getByRole("img", { name: "Sam Rivera (you)" })
    ).toBeInTheDocument()
  )
  await waitFor(() =>
    expect(statusLine(root)).toHaveTextContent("Enter to send")
  )
}

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

const longWord = "https://example.com/".concat(
  "a-very-long-path-segment-".repeat(12)
)

/** 1,000 messages: only a window of them is in the DOM; long words and paragraphs wrap. */
export const LongContent: Story = {
  args: {
    initialMessages: [
      ...conversation(998),
      {
        id: "long-1",
        text: longWord,
        author: ada,
        sentAt: Date.now() - 30_000,
      },
      {
        id: "long-2",
        text: lines.join(" ").repeat(3),
        author: you,
        sentAt: Date.now() - 20_000,
      },
    ],
  },
  play: async ({ canvasElement }) => {
    await ready(canvasElement)
    const scroller = scrollerOf(canvasElement)
    await waitFor(() =>
      expect(distanceFromBottom(scroller)).toBeLessThanOrEqual(2)
    )
    const rendered = rowsOf(canvasElement)
    await expect(rendered.length).toBeGreaterThan(3)
    await expect(rendered.length).toBeLessThan(40)
    await expect(rendered.at(-1)).toHaveAttribute("aria-posinset", "1000")
    // Nothing overflows sideways.
    await expect(scroller.scrollWidth).toBeLessThanOrEqual(scroller.clientWidth)
    const long = within(canvasElement).getByText(longWord)
    await expect(long.getBoundingClientRect().right).toBeLessThanOrEqual(
      scroller.getBoundingClientRect().right
    )
    // Scrolling to the middle renders that window instead.
    scroller.scrollTop = scroller.scrollHeight / 2
    await waitFor(() =>
      expect(
        Number(rowsOf(canvasElement)[0]!.getAttribute("aria-posinset"))
      ).toBeGreaterThan(300)
    )
    await expect(rowsOf(canvasElement).length).toBeLessThan(40)
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
    scroller.scrollTop = 200
    await waitFor(() =>
      expect(
        canvas.getByRole("button", { name: "Jump to latest" })
      ).toBeInTheDocument()
    )
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

/** Right to left: Arabic and Hebrew messages, your own on the left, each paragraph in its own direction. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar",
    title: "غرفة الإطلاق",
    labels: {
      messages: "الرسائل",
      message: "رسالة",
      placeholder: "اكتب رسالة…",
      send: "إرسال",
      hint: "Enter للإرسال، Shift+Enter لسطر جديد",
      you: "أنت",
      beginning: "هذه بداية المحادثة.",
    },
    initialMessages: [
      {
        id: "r-1",
        text: "صباح الخير! هل قائمة الإطلاق جاهزة؟",
        author: { id: "omar", name: "عمر" },
        sentAt: Date.now() - 300_000,
      },
      {
        id: "r-2",
        text: "בוקר טוב! כמעט, צריך לעבור על דף הסטטוס.",
        author: { id: "noa", name: "נועה" },
        sentAt: Date.now() - 240_000,
      },
      {
        id: "r-3",
        text: "سأراجعها بعد الاجتماع.",
        author: you,
        sentAt: Date.now() - 180_000,
      },
      {
        id: "r-4",
        text: "Mixed: the canary goes out at 10:30 اليوم",
        author: { id: "omar", name: "عمر" },
        sentAt: Date.now() - 120_000,
      },
    ],
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() =>
      expect(
        canvas.getByRole("list", { name: "غرفة الإطلاق" })
      ).toBeInTheDocument()
    )
    const own = canvas.getByText("سأراجعها بعد الاجتماع.")
    const theirs = canvas.getByText("صباح الخير! هل قائمة الإطلاق جاهزة؟")
    await expect(own).toHaveAttribute("dir", "auto")
    // In RTL, others start on the right and your messages sit on the left.
    await expect(own.getBoundingClientRect().left).toBeLessThan(
      theirs.getBoundingClientRect().left
    )
    await expect(
      getComputedStyle(
        canvas.getByText("Mixed: the canary goes out at 10:30 اليوم")
      ).direction
    ).toBe("ltr")
    await expect(getComputedStyle(theirs).direction).toBe("rtl")
    const composer = canvas.getByRole("textbox", { name: "رسالة" })
    await expect(composer).toHaveAttribute("placeholder", "اكتب رسالة…")
    await expect(canvas.getByRole("button", { name: "إرسال" })).toBeDisabled()
  },
}

/** Dark theme. */
export const Dark: Story = {
  globals: { theme: "dark" },
  args: { initialMessages: conversation(12) },
  play: async ({ canvasElement, loaded }) => {
    await expect(document.documentElement).toHaveClass("dark")
    await ready(canvasElement)
    const kit = kitOf({ loaded })
    const adaClient = await joinAs(kit, ada)
    createTypingIndicator(adaClient.channel(ROOM)).keystroke()
    await waitFor(() =>
      expect(
        canvasElement.querySelector('[data-slot="typing-indicator"]')
      ).toHaveAttribute("data-state", "typing")
    )
  },
}

/** Reduced motion: the typing dots and the history spinner hold still. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  args: { initialMessages: conversation(6) },
  play: async ({ canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await ready(canvasElement)
    const adaClient = await joinAs(kit, ada)
    createTypingIndicator(adaClient.channel(ROOM)).keystroke()
    const dots = await waitFor(() => {
      const found = canvasElement.querySelector<HTMLElement>(
        '[data-slot="typing-indicator"][data-state="typing"] [data-slot="typing-indicator-dots"] > span'
      )
      expect(found).not.toBeNull()
      return found!
    })
    await expect(getComputedStyle(dots).animationName).toBe("none")
    await sleep(50)
  },
}
