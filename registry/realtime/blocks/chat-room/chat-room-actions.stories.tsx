import type { RealtimeClient } from "@realtime-kit/core"
import {
  createTestTransport,
  type TestTransport,
  type TestTransportOptions,
} from "@realtime-kit/core/testing"
import type { Meta, StoryContext, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import {
  ChatRoom,
  type ChatMessage,
  type ChatUser,
} from "@/registry/realtime/blocks/chat-room/chat-room"
import { toolbarOf } from "@/registry/realtime/testing/chat-room-story-kit"
import {
  connectAs,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"

/*
 * Edits, deletions, reactions and missed messages, for real: the messages are published on the story's in-memory
 * server by their authors (so only the author may edit or delete them, as on a real server), and handed to the room
 * as its history; the others act from `play` through their own clients.
 */
const ROOM = "room:launch"
const you: ChatUser = { id: "you", name: "Sam Rivera" }
const ada: ChatUser = { id: "ada", name: "Ada Lovelace" }
const grace: ChatUser = { id: "grace", name: "Grace Hopper" }

const script: [ChatUser, string][] = [
  [ada, "Morning! Is the launch checklist final?"],
  [you, "Almost: the status page copy still needs a review."],
  [grace, "I can take that after standup."],
  [you, "Thanks. The rollback plan lives in the runbook now."],
]

interface Seeded {
  kit: TestTransport
  /** The script, as stored on the server (ids and seqs from it). */
  history: ChatMessage[]
  /** The authors' own clients, connected. */
  clients: Record<string, RealtimeClient>
}

/** A server (with `options`) holding the script, each line published by its author. */
function seeded(options: TestTransportOptions = {}) {
  return async (): Promise<Seeded> => {
    const kit = createTestTransport(options)
    const clients: Record<string, RealtimeClient> = {}
    for (const user of [you, ada, grace])
      clients[user.id] = await connectAs(kit, user.id)
    const start = Date.now() - 10 * 60_000
    const history: ChatMessage[] = []
    for (const [index, [author, text]] of script.entries()) {
      const data = { text, author, sentAt: start + index * 60_000 }
      const receipt = await clients[author.id]!.channel(ROOM).publish(
        "message",
        data
      )
      history.push({ ...data, id: receipt.id, seq: receipt.seq })
    }
    return { kit, history, clients }
  }
}

const seededOf = (context: Pick<StoryContext, "loaded">) =>
  context.loaded as unknown as Seeded

const meta = {
  title: "Realtime/ChatRoom/Message actions",
  component: ChatRoom,
  loaders: [seeded()],
  decorators: [withChannelTransport],
  render: (args, context) => (
    <ChatRoom {...args} initialMessages={seededOf(context).history} />
  ),
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

/** The message (its `chat-message` element) showing `text`. */
async function messageWith(root: HTMLElement, text: string) {
  return waitFor(() => {
    const found = within(root)
      .getByText(text)
      .closest<HTMLElement>('[data-slot="chat-message"]')
    expect(found).not.toBeNull()
    return found!
  })
}

const idOf = (context: Pick<StoryContext, "loaded">, text: string) =>
  seededOf(context).history.find((message) => message.text === text)!.id

/** The room is open: your presence shows. */
async function ready(root: HTMLElement) {
  await waitFor(() =>
    expect(
      within(root).getByRole("img", { name: "Sam Rivera (you)" })
    ).toBeInTheDocument()
  )
}

const page = () => within(document.body)

/** The "You may have missed messages" banner, once it shows. */
const gapBanner = (root: HTMLElement) =>
  waitFor(() => {
    const found = root.querySelector<HTMLElement>('[data-slot="chat-room-gap"]')
    expect(found).not.toBeNull()
    return found!
  })

/** Someone else edits their message: the new text and "(edited)" show (a history row, folded as it arrives). */
export const Edited: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const original = script[0]![1]
    const id = idOf(context, original)
    await seededOf(context).clients.ada!.channel(ROOM).edit(id, {
      text: "Morning! Is the launch checklist final? (v2 is in the doc)",
      author: ada,
      sentAt: Date.now(),
    })
    const message = await messageWith(
      canvasElement,
      "Morning! Is the launch checklist final? (v2 is in the doc)"
    )
    await expect(message).toHaveAttribute("data-edited", "true")
    await expect(within(message).getByText("(edited)")).toBeVisible()
    // Someone else's message: you may react, not edit or delete.
    await toolbarOf(message)
    await expect(
      within(message).getByRole("button", { name: "Add reaction" })
    ).toBeInTheDocument()
    await expect(within(message).queryByRole("button", { name: "Edit" })).toBe(
      null
    )
    await expect(
      within(message).queryByRole("button", { name: "Delete" })
    ).toBeNull()
  },
}

/** Your own message, from the keyboard: Edit, Enter saves; Edit again, Escape cancels and focus returns to Edit. */
export const EditWithKeyboard: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const text = script[1]![1]
    let message = await messageWith(canvasElement, text)
    await toolbarOf(message, "focus")
    const edit = within(message).getByRole("button", { name: "Edit" })
    edit.focus()
    await userEvent.keyboard("{Enter}")
    const field = await waitFor(() =>
      within(canvasElement).getByRole("textbox", { name: "Edit message" })
    )
    await expect(field).toHaveFocus()
    await expect(field).toHaveValue(text)
    await userEvent.keyboard(" Done, shipped.{Enter}")
    message = await messageWith(canvasElement, `${text} Done, shipped.`)
    await waitFor(() => expect(message).toHaveAttribute("data-edited", "true"))
    await expect(
      within(message).getByRole("button", { name: "Edit" })
    ).toHaveFocus()
    const stored = context.loaded as unknown as Seeded
    await waitFor(() =>
      expect(
        stored.kit.server
          .messages(ROOM)
          .some(
            (entry) =>
              entry.action === "update" &&
              (entry.data as { text: string }).text === `${text} Done, shipped.`
          )
      ).toBe(true)
    )

    // Escape cancels: the text stays as it was, and focus goes back to Edit.
    await userEvent.keyboard("{Enter}")
    await waitFor(() =>
      expect(
        within(canvasElement).getByRole("textbox", { name: "Edit message" })
      ).toHaveFocus()
    )
    await userEvent.keyboard(" not this{Escape}")
    await expect(
      within(canvasElement).queryByRole("textbox", { name: "Edit message" })
    ).toBeNull()
    message = await messageWith(canvasElement, `${text} Done, shipped.`)
    await waitFor(() =>
      expect(
        within(message).getByRole("button", { name: "Edit" })
      ).toHaveFocus()
    )
    await expect(canvasElement).not.toHaveTextContent("not this")
  },
}

/** Deleting your message asks first, then leaves a tombstone with none of its text in the page; so does Ada's. */
export const Deleted: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const text = script[3]![1]
    const message = await messageWith(canvasElement, text)
    await toolbarOf(message)
    await userEvent.click(
      within(message).getByRole("button", { name: "Delete" })
    )
    const confirm = await waitFor(() =>
      page().getByRole("alertdialog", {
        name: "Delete this message for everyone?",
      })
    )
    // The safe choice has focus.
    await waitFor(() =>
      expect(
        within(confirm).getByRole("button", { name: "Cancel" })
      ).toHaveFocus()
    )
    await userEvent.click(
      within(confirm).getByRole("button", { name: "Delete" })
    )
    await waitFor(() =>
      expect(
        canvasElement.querySelectorAll('[data-slot="chat-message-deleted"]')
      ).toHaveLength(1)
    )
    await expect(document.body).not.toHaveTextContent(text)
    await expect(
      within(canvasElement).getByText("Message deleted")
    ).toBeVisible()
    // Focus is not lost with the message's toolbar: it is on the list.
    await waitFor(() =>
      expect(
        canvasElement.querySelector('[data-slot="chat-room-scroller"]')
      ).toHaveFocus()
    )
    const { kit, clients } = seededOf(context)
    await waitFor(() =>
      expect(
        kit.server.messages(ROOM).some((entry) => entry.action === "delete")
      ).toBe(true)
    )

    // Ada deletes a message of hers that came in live.
    const live = await clients.ada!.channel(ROOM).publish("message", {
      text: "Oops, wrong room.",
      author: ada,
      sentAt: Date.now(),
    })
    await messageWith(canvasElement, "Oops, wrong room.")
    await clients.ada!.channel(ROOM).remove(live.id)
    await waitFor(() =>
      expect(
        canvasElement.querySelectorAll('[data-slot="chat-message-deleted"]')
      ).toHaveLength(2)
    )
    await expect(document.body).not.toHaveTextContent("Oops, wrong room.")
  },
}

/** Reactions: yours from the picker (pressed, toggled off by a click) and the others' counted with their names. */
export const Reactions: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const text = script[2]![1]
    const message = await messageWith(canvasElement, text)
    await toolbarOf(message)
    await userEvent.click(
      within(message).getByRole("button", { name: "Add reaction" })
    )
    const picker = await waitFor(() =>
      page().getByRole("dialog", { name: "Add reaction" })
    )
    await userEvent.click(
      within(picker).getByRole("button", { name: "React with 🎉" })
    )
    const mine = await waitFor(() =>
      within(message).getByRole("button", { name: "🎉 1: You" })
    )
    await expect(mine).toHaveAttribute("aria-pressed", "true")

    const { clients } = seededOf(context)
    const id = idOf(context, text)
    await clients.ada!.channel(ROOM).react(id, "❤️")
    await clients.grace!.channel(ROOM).react(id, "❤️")
    await clients.ada!.channel(ROOM).react(id, "🎉")
    const hearts = await waitFor(() =>
      within(message).getByRole("button", {
        name: "❤️ 2: Ada Lovelace and Grace Hopper",
      })
    )
    await expect(hearts).toHaveAttribute("aria-pressed", "false")
    await waitFor(() =>
      expect(
        within(message).getByRole("button", {
          name: "🎉 2: You and Ada Lovelace",
        })
      ).toBeInTheDocument()
    )

    // A click on your chip takes yours back; a click on theirs adds yours.
    await userEvent.click(
      within(message).getByRole("button", { name: /^🎉 2/ })
    )
    await waitFor(() =>
      expect(
        within(message).getByRole("button", { name: "🎉 1: Ada Lovelace" })
      ).toHaveAttribute("aria-pressed", "false")
    )
    await userEvent.click(hearts)
    await waitFor(() =>
      expect(
        within(message).getByRole("button", { name: /^❤️ 3/ })
      ).toHaveAttribute("aria-pressed", "true")
    )
  },
}

/** Many reactions: the server names two users per reaction here, so the rest are "N more". */
export const ReactionsClipped: Story = {
  loaders: [seeded({ hub: { reactions: { maxUsers: 2 } } })],
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const { kit, clients } = seededOf(context)
    const id = idOf(context, script[0]![1])
    const others = await Promise.all(
      ["lin", "omar", "zoe"].map((user) => connectAs(kit, user))
    )
    for (const client of [clients.ada!, clients.grace!, ...others])
      await client.channel(ROOM).react(id, "👍")
    const message = await messageWith(canvasElement, script[0]![1])
    const chip = await waitFor(() =>
      within(message).getByRole("button", {
        name: "👍 5: Ada Lovelace, Grace Hopper, and 3 more",
      })
    )
    await expect(chip).toHaveTextContent("👍5")
    // Its tooltip says the same on hover.
    await userEvent.hover(chip)
    await waitFor(() =>
      expect(page().getByRole("tooltip")).toHaveTextContent(
        "Ada Lovelace, Grace Hopper, and 3 more"
      )
    )
  },
}

/** A server rule forbids edits: the edit shows at once, is rolled back, and the reason shows by the message. */
export const EditRefused: Story = {
  loaders: [
    seeded({
      hub: { authorizeMessage: ({ action }) => action === "reaction" },
    }),
  ],
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const text = script[1]![1]
    let message = await messageWith(canvasElement, text)
    await toolbarOf(message)
    await userEvent.click(within(message).getByRole("button", { name: "Edit" }))
    await userEvent.keyboard(" (forbidden){Enter}")
    const alert = await waitFor(() => within(canvasElement).getByRole("alert"))
    await expect(alert).toHaveTextContent("Only the author may edit")
    message = await messageWith(canvasElement, text)
    await expect(message).toContainElement(alert)
    await expect(canvasElement).not.toHaveTextContent("(forbidden)")
    await expect(message).not.toHaveAttribute("data-edited")
    await userEvent.click(
      within(alert).getByRole("button", { name: "Dismiss" })
    )
    await expect(within(canvasElement).queryByRole("alert")).toBeNull()
  },
}

/** The server restarted without its log: "You may have missed messages", and Reload shows the newest page. */
export const MissedMessages: Story = {
  render: (args, context) => {
    const { history } = seededOf(context)
    const newest: ChatMessage[] = [
      ...history,
      {
        id: "missed-1",
        text: "Canary is green, rolling out.",
        author: grace,
        sentAt: Date.now() - 30_000,
      },
    ]
    return (
      <ChatRoom
        {...args}
        initialMessages={history}
        loadHistory={async (before) => (before ? [] : newest)}
      />
    )
  },
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const { kit, clients } = seededOf(context)
    await clients.ada!.channel(ROOM).publish("message", {
      text: "Heading out for lunch.",
      author: ada,
      sentAt: Date.now(),
    })
    await messageWith(canvasElement, "Heading out for lunch.")
    kit.chaos.serverRestart({ restartLogs: true })
    const banner = await gapBanner(canvasElement)
    await expect(banner).toHaveAttribute("role", "status")
    await expect(banner).toHaveTextContent("You may have missed messages.")
    await userEvent.click(
      within(banner).getByRole("button", { name: "Reload" })
    )
    await messageWith(canvasElement, "Canary is green, rolling out.")
    await expect(
      canvasElement.querySelector('[data-slot="chat-room-gap"]')
    ).toBeNull()
    // What came in live before the reload is older than the newest page: it is not shown after it.
    await expect(
      within(canvasElement).getByRole("list", { name: "Launch room" })
    ).not.toHaveTextContent("Heading out for lunch.")
  },
}

/** Without `loadHistory` the banner can only be dismissed. */
export const MissedMessagesDismiss: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    seededOf(context).kit.chaos.serverRestart({ restartLogs: true })
    const banner = await gapBanner(canvasElement)
    await expect(banner).toHaveAttribute("role", "status")
    await expect(
      within(banner).queryByRole("button", { name: "Reload" })
    ).toBeNull()
    await userEvent.click(
      within(banner).getByRole("button", { name: "Dismiss" })
    )
    await expect(
      canvasElement.querySelector('[data-slot="chat-room-gap"]')
    ).toBeNull()
  },
}

/** Dark theme, with an edited message, reactions and a tombstone. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const { clients } = seededOf(context)
    const channel = clients.ada!.channel(ROOM)
    await channel.edit(idOf(context, script[0]![1]), {
      text: "Morning! Checklist is final.",
      author: ada,
      sentAt: Date.now(),
    })
    await channel.react(idOf(context, script[1]![1]), "👍")
    await clients.you!.channel(ROOM).remove(idOf(context, script[3]![1]))
    await waitFor(() =>
      expect(within(canvasElement).getByText("Message deleted")).toBeVisible()
    )
    await messageWith(canvasElement, "Morning! Checklist is final.")
    await expect(document.documentElement).toHaveClass("dark")
  },
}
