import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import {
  ChatRoom,
  type ChatMessage,
} from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  CHAT_MENTION_SIGNAL,
  type ChatMentionSignal,
} from "@/registry/realtime/lib/chat-mention-signal"
import {
  ada,
  chatter,
  composerOf,
  grace,
  lastStored,
  messageWith,
  ready,
  ROOM,
  script,
  seed,
  seededOf,
  toolbarOf,
  you,
} from "@/registry/realtime/testing/chat-room-story-kit"
import { withChannelTransport } from "@/registry/realtime/testing/story-kit"

/* Replies and mentions, with the history published by its authors on the story's server; Ada and Grace are here. */
const meta = {
  title: "Realtime/ChatRoom/Replies and mentions",
  component: ChatRoom,
  loaders: [seed],
  decorators: [withChannelTransport],
  render: (args, context) => (
    <ChatRoom initialMessages={seededOf(context).history} {...args} />
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
/** Reply from the toolbar: the quote above the field, Escape cancels; sent, the quote shows the original. */
export const Reply: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const original = await messageWith(canvasElement, chatter[2]!)
    await toolbarOf(original)
    await userEvent.click(
      within(original).getByRole("button", { name: "Reply" })
    )
    const composer = composerOf(canvasElement)
    await waitFor(() => expect(composer).toHaveFocus())
    const preview = canvasElement.querySelector<HTMLElement>(
      '[data-slot="chat-room-reply-preview"]'
    )!
    await expect(preview).toHaveTextContent("Replying to Grace Hopper")
    await expect(preview).toHaveTextContent(chatter[2]!)
    await userEvent.keyboard("{Escape}")
    await expect(
      canvasElement.querySelector('[data-slot="chat-room-reply-preview"]')
    ).toBeNull()

    // The first message, scrolled out of view by now: reply with its first line quoted.
    const first = script[0]![1]
    canvasElement.querySelector<HTMLElement>(
      '[data-slot="chat-room-scroller"]'
    )!.scrollTop = 0
    const firstMessage = await messageWith(canvasElement, first, true)
    await toolbarOf(firstMessage)
    await userEvent.click(
      within(firstMessage).getByRole("button", { name: "Reply" })
    )
    await userEvent.keyboard("Yes, v2 is final.{Enter}")
    const id = seededOf(context).history[0]!.id
    await waitFor(() =>
      expect(lastStored(context)).toMatchObject({
        text: "Yes, v2 is final.",
        replyTo: {
          id,
          authorName: "Ada Lovelace",
          excerpt: "Morning! Is the launch checklist final?",
        },
      })
    )
    const reply = await messageWith(canvasElement, "Yes, v2 is final.")
    const quote = within(reply).getByRole("button", {
      name: /^Show the original message: Ada Lovelace/,
    })
    await expect(quote).toHaveTextContent(
      "Morning! Is the launch checklist final?"
    )
    await expect(quote).not.toHaveTextContent("Second line")

    // Enter on the quote scrolls to the original, focuses and highlights it.
    quote.focus()
    await userEvent.keyboard("{Enter}")
    await waitFor(() => {
      const shown = canvasElement.querySelector<HTMLElement>(
        `[data-message-id="${id}"]`
      )
      expect(shown).toHaveFocus()
      expect(shown).toHaveAttribute("data-highlighted", "true")
    })
    const scroller = canvasElement
      .querySelector<HTMLElement>('[data-slot="chat-room-scroller"]')!
      .getBoundingClientRect()
    const shown = canvasElement
      .querySelector<HTMLElement>(`[data-message-id="${id}"]`)!
      .getBoundingClientRect()
    await expect(shown.top).toBeGreaterThanOrEqual(scroller.top)
    await expect(shown.bottom).toBeLessThanOrEqual(scroller.bottom)
    await waitFor(
      () =>
        expect(
          canvasElement.querySelector(`[data-message-id="${id}"]`)
        ).not.toHaveAttribute("data-highlighted"),
      { timeout: 4000 }
    )
  },
}

/** Replies whose original was deleted, or is not loaded: the quote says so, and never shows deleted text. */
export const ReplyToDeleted: Story = {
  render: (args, context) => {
    const { history } = seededOf(context)
    const [deleted, ...rest] = history
    const messages: ChatMessage[] = [
      { ...deleted!, text: "", deleted: true },
      ...rest,
      {
        id: "reply-deleted",
        text: "Which checklist?",
        author: grace,
        sentAt: Date.now() - 30_000,
        replyTo: {
          id: deleted!.id,
          authorName: "Ada Lovelace",
          excerpt: "Morning! Is the launch checklist final?",
        },
      },
      {
        id: "reply-old",
        text: "Agreed, from last week.",
        author: ada,
        sentAt: Date.now() - 20_000,
        replyTo: {
          id: "not-loaded",
          authorName: "Grace Hopper",
          excerpt: "Let us freeze on Friday.",
        },
      },
    ]
    return <ChatRoom {...args} initialMessages={messages} />
  },
  play: async ({ canvasElement }) => {
    await ready(canvasElement)
    const reply = await messageWith(canvasElement, "Which checklist?")
    const quote = within(reply).getByRole("button", {
      name: /^Show the original message: Ada Lovelace/,
    })
    await expect(quote).toHaveTextContent("Original message deleted")
    await expect(quote).toHaveAttribute("data-deleted", "true")
    await expect(canvasElement).not.toHaveTextContent("checklist final")

    const older = await messageWith(canvasElement, "Agreed, from last week.")
    await userEvent.click(
      within(older).getByRole("button", {
        name: /^Show the original message: Grace Hopper/,
      })
    )
    await expect(within(older).getByRole("status")).toHaveTextContent(
      "The original message is not loaded."
    )
  },
}

/** `@` offers who is here, filtered as you type; ↑/↓ move, Enter inserts, Escape closes; the mention is signalled. */
export const MentionAutocomplete: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const signals: ChatMentionSignal[] = []
    seededOf(context)
      .clients.grace!.channel(ROOM)
      .onSignal<ChatMentionSignal>(CHAT_MENTION_SIGNAL, (signal) =>
        signals.push(signal.data)
      )
    const composer = composerOf(canvasElement)
    await userEvent.click(composer)
    await userEvent.keyboard("Thanks @")
    const list = await waitFor(() =>
      within(canvasElement).getByRole("listbox", { name: "People to mention" })
    )
    const [adaOption, graceOption, ...others] =
      within(list).getAllByRole("option")
    await expect(others).toHaveLength(0)
    await expect(adaOption).toBe(
      within(list).getByRole("option", { name: "Ada Lovelace" })
    )
    await expect(graceOption).toBe(
      within(list).getByRole("option", { name: "Grace Hopper" })
    )
    await expect(composer).toHaveAttribute("aria-controls", list.id)
    await expect(composer).toHaveAttribute(
      "aria-activedescendant",
      adaOption!.id
    )
    await userEvent.keyboard("{ArrowDown}")
    await expect(composer).toHaveAttribute(
      "aria-activedescendant",
      graceOption!.id
    )
    await expect(graceOption).toHaveAttribute("aria-selected", "true")
    await userEvent.keyboard("{ArrowUp}{Escape}")
    await expect(within(canvasElement).queryByRole("listbox")).toBeNull()
    await expect(composer).not.toHaveAttribute("aria-activedescendant")

    // Filtered as you type: "Ho" finds Grace by her last name; Tab inserts her.
    await userEvent.keyboard(" and @Ho")
    await waitFor(() =>
      expect(within(canvasElement).getAllByRole("option")).toHaveLength(1)
    )
    await expect(
      within(canvasElement).getByRole("option", { name: "Grace Hopper" })
    ).toHaveAttribute("aria-selected", "true")
    await userEvent.keyboard("{Tab}")
    await expect(composer).toHaveValue("Thanks @ and @Grace Hopper ")
    await expect(composer).toHaveFocus()
    await userEvent.keyboard("for the review!{Enter}")
    await waitFor(() =>
      expect(lastStored(context)).toMatchObject({
        text: "Thanks @ and @Grace Hopper for the review!",
        mentions: ["grace"],
      })
    )
    await waitFor(() => expect(signals).toHaveLength(1))
    await expect(signals[0]).toMatchObject({
      to: ["grace"],
      from: { id: "you", name: "Sam Rivera" },
      room: "Launch room",
      excerpt: "Thanks @ and @Grace Hopper for the review!",
    })
    const sent = await messageWith(canvasElement, "for the review!", true)
    await expect(within(sent).getByText("@Grace Hopper")).toHaveAttribute(
      "data-slot",
      "chat-message-mention"
    )
  },
}

/** Mentions are marked in messages; a mention of you stands out more. */
export const MentionHighlighted: Story = {
  render: (args, context) => {
    const messages: ChatMessage[] = [
      ...seededOf(context).history.slice(0, 4),
      {
        id: "mention-you",
        text: "@Sam Rivera can you check the copy with @Grace Hopper?",
        author: ada,
        sentAt: Date.now() - 30_000,
        mentions: ["you", "grace"],
      },
    ]
    return <ChatRoom {...args} initialMessages={messages} />
  },
  play: async ({ canvasElement }) => {
    await ready(canvasElement)
    const message = await messageWith(canvasElement, "can you check", true)
    const marks = message.querySelectorAll<HTMLElement>(
      '[data-slot="chat-message-mention"]'
    )
    await expect([...marks].map((mark) => mark.textContent)).toEqual([
      "@Sam Rivera",
      "@Grace Hopper",
    ])
    await expect(marks[0]).toHaveAttribute("data-self", "true")
    await expect(marks[1]).not.toHaveAttribute("data-self")
  },
}

/** Editing offers `@` too: the mention chosen in the edit is stored with the new text, marked, and signalled. */
export const MentionInEdit: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const signals: ChatMentionSignal[] = []
    seededOf(context)
      .clients.grace!.channel(ROOM)
      .onSignal<ChatMentionSignal>(CHAT_MENTION_SIGNAL, (signal) =>
        signals.push(signal.data)
      )
    const text = "The status page copy is reviewed."
    await userEvent.click(composerOf(canvasElement))
    await userEvent.keyboard(`${text}{Enter}`)
    const message = await messageWith(canvasElement, text)
    await toolbarOf(message)
    await userEvent.click(within(message).getByRole("button", { name: "Edit" }))
    const field = await waitFor(() =>
      within(canvasElement).getByRole("textbox", { name: "Edit message" })
    )
    await userEvent.keyboard(" cc @Gr")
    const list = await waitFor(() =>
      within(canvasElement).getByRole("listbox", { name: "People to mention" })
    )
    await expect(field).toHaveAttribute("aria-controls", list.id)
    // Enter chooses while the list is open; the next Enter saves.
    await userEvent.keyboard("{Enter}")
    await expect(field).toHaveValue(`${text} cc @Grace Hopper `)
    await userEvent.keyboard("{Enter}")
    await waitFor(() =>
      expect(lastStored(context)).toMatchObject({
        text: `${text} cc @Grace Hopper`,
        mentions: ["grace"],
      })
    )
    // Grace is told: the edit named her, the message before did not.
    await waitFor(() => expect(signals).toHaveLength(1))
    await expect(signals[0]).toMatchObject({
      to: ["grace"],
      from: { id: "you", name: "Sam Rivera" },
      excerpt: `${text} cc @Grace Hopper`,
    })
    const edited = await messageWith(canvasElement, "reviewed. cc", true)
    await expect(within(edited).getByText("@Grace Hopper")).toHaveAttribute(
      "data-slot",
      "chat-message-mention"
    )
  },
}
