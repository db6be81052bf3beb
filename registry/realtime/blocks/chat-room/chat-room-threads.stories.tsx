import type { RealtimeClient } from "@realtime-kit/core"
import {
  createTestTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import type { Meta, StoryContext, StoryObj } from "@storybook/react-vite"
import { expect, fn, userEvent, waitFor, within } from "storybook/test"

import {
  ChatRoom,
  type ChatMessage,
  type ChatMessageData,
  type ChatRoomUpload,
  type ChatUser,
} from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  CHAT_MENTION_SIGNAL,
  type ChatMentionSignal,
} from "@/registry/realtime/lib/chat-mention-signal"
import {
  connectAs,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"

/*
 * Replies, mentions and attachments. The history is published on the story's in-memory server by its authors (so
 * ids are the server's); Ada and Grace are present, so `@` offers them.
 */
const ROOM = "room:launch"
const you: ChatUser = { id: "you", name: "Sam Rivera" }
const ada: ChatUser = { id: "ada", name: "Ada Lovelace" }
const grace: ChatUser = { id: "grace", name: "Grace Hopper" }

const script: [ChatUser, string][] = [
  [ada, "Morning! Is the launch checklist final?\nSecond line of details."],
  [you, "Almost: the status page copy still needs a review."],
  [grace, "I can take that after standup."],
  [you, "Thanks. The rollback plan lives in the runbook now."],
]
/** Chatter after the script: enough to scroll the first lines out of view. */
const chatter = Array.from(
  { length: 14 },
  (_, index) => `Status update ${index + 1}: all green.`
)

interface Seeded {
  kit: TestTransport
  history: ChatMessage[]
  clients: Record<string, RealtimeClient>
}

async function seed(): Promise<Seeded> {
  const kit = createTestTransport()
  const clients: Record<string, RealtimeClient> = {}
  for (const user of [you, ada, grace]) {
    clients[user.id] = await connectAs(kit, user.id)
    if (user.id !== you.id)
      clients[user.id]!.channel(ROOM).presence.enter({ ...user })
  }
  const lines: [ChatUser, string][] = [
    ...script,
    ...chatter.map((text, index): [ChatUser, string] => [
      index % 2 ? ada : grace,
      text,
    ]),
  ]
  const start = Date.now() - 30 * 60_000
  const history: ChatMessage[] = []
  for (const [index, [author, text]] of lines.entries()) {
    const data = { text, author, sentAt: start + index * 60_000 }
    const receipt = await clients[author.id]!.channel(ROOM).publish(
      "message",
      data
    )
    history.push({ ...data, id: receipt.id, seq: receipt.seq })
  }
  await waitFor(() =>
    expect(kit.server.presence(ROOM).length).toBeGreaterThanOrEqual(2)
  )
  return { kit, history, clients }
}

const seededOf = (context: Pick<StoryContext, "loaded">) =>
  context.loaded as unknown as Seeded

type Uploads = ReturnType<typeof controlledUpload>
/** The story's controllable upload, when it has one (`loaders: [withUploads]`). */
const uploadsOf = (context: Pick<StoryContext, "loaded">) =>
  (context.loaded as { uploads?: Uploads }).uploads
const withUploads = async () => ({ uploads: controlledUpload() })

const meta = {
  title: "Realtime/ChatRoom/Replies, mentions and files",
  component: ChatRoom,
  loaders: [seed],
  decorators: [withChannelTransport],
  render: (args, context) => (
    <ChatRoom
      initialMessages={seededOf(context).history}
      upload={uploadsOf(context)?.upload}
      {...args}
    />
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

async function ready(root: HTMLElement) {
  await waitFor(() =>
    expect(
      within(root).getByRole("img", { name: "Sam Rivera (you)" })
    ).toBeInTheDocument()
  )
  await waitFor(() =>
    expect(
      root.querySelector('[data-slot="chat-room-status"]')
    ).toHaveTextContent("Enter to send")
  )
}

/** The message whose text is (or, with `partial`, contains: mentions split it) `text`. */
async function messageWith(root: HTMLElement, text: string, partial = false) {
  return waitFor(() => {
    const found = within(root)
      .getByText((content, element) =>
        partial
          ? element?.getAttribute("data-slot") === "chat-message-text" &&
            (element.textContent ?? "").includes(text)
          : content === text
      )
      .closest<HTMLElement>('[data-slot="chat-message"]')
    expect(found).not.toBeNull()
    return found!
  })
}

const composerOf = (root: HTMLElement) =>
  within(root).getByRole("textbox", { name: "Message" })

/** What the server stored last on the room. */
const lastStored = (context: Pick<StoryContext, "loaded">) =>
  seededOf(context).kit.server.messages(ROOM).at(-1)?.data as ChatMessageData

/** Reply from the toolbar: the quote above the field, Escape cancels; sent, the quote shows the original. */
export const Reply: Story = {
  play: async (context) => {
    const { canvasElement } = context
    await ready(canvasElement)
    const original = await messageWith(canvasElement, chatter[2]!)
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

/** A controllable upload: each call waits until the story settles it, reporting the progress it is told. */
function controlledUpload() {
  const calls: {
    file: File
    signal: AbortSignal
    progress: (fraction: number) => void
    resolve: (url: string) => void
    reject: (error: Error) => void
  }[] = []
  const upload = fn<ChatRoomUpload>(
    (file, { signal, onProgress }) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ file, signal, progress: onProgress, resolve, reject })
        signal.addEventListener("abort", () =>
          reject(new DOMException("Aborted", "AbortError"))
        )
      })
  )
  return { upload, calls }
}

const fileInputOf = (root: HTMLElement) =>
  root.querySelector<HTMLInputElement>('[data-slot="chat-room-file-input"]')!
const pdf = (name: string, bytes = 2400) =>
  new File([new Uint8Array(bytes)], name, { type: "application/pdf" })

/** Uploading: a progress bar per file, Send waits for it, Cancel aborts; the sent message carries a file chip. */
export const AttachmentUploading: Story = {
  loaders: [withUploads],
  play: async ({ canvasElement, loaded }) => {
    const { calls } = uploadsOf({ loaded })!
    await ready(canvasElement)
    await expect(
      within(canvasElement).getByRole("button", { name: "Attach files" })
    ).toBeVisible()
    await userEvent.upload(fileInputOf(canvasElement), [
      pdf("plan.pdf"),
      pdf("old-plan.pdf"),
    ])
    await waitFor(() => expect(calls).toHaveLength(2))
    calls[0]!.progress(0.4)
    const bar = await waitFor(() =>
      within(canvasElement).getByRole("progressbar", {
        name: "Uploading plan.pdf",
      })
    )
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "40"))
    await userEvent.type(composerOf(canvasElement), "The plan")
    await expect(
      within(canvasElement).getByRole("button", { name: "Send" })
    ).toBeDisabled()

    await userEvent.click(
      within(canvasElement).getByRole("button", {
        name: "Cancel upload of old-plan.pdf",
      })
    )
    await expect(calls[1]!.signal.aborted).toBe(true)
    await expect(canvasElement).not.toHaveTextContent("old-plan.pdf")

    calls[0]!.resolve("https://files.example/plan.pdf")
    const send = within(canvasElement).getByRole("button", { name: "Send" })
    await waitFor(() => expect(send).toBeEnabled())
    await userEvent.click(send)
    await waitFor(() =>
      expect(
        seededOf({ loaded }).kit.server.messages(ROOM).at(-1)?.data
      ).toMatchObject({
        text: "The plan",
        attachments: [
          {
            url: "https://files.example/plan.pdf",
            name: "plan.pdf",
            type: "application/pdf",
            size: 2400,
          },
        ],
      })
    )
    const message = await messageWith(canvasElement, "The plan")
    await expect(
      within(message).getByRole("link", { name: "plan.pdf 2.3 kB" })
    ).toHaveAttribute("href", "https://files.example/plan.pdf")
    await expect(
      canvasElement.querySelector('[data-slot="chat-room-attachment"]')
    ).toBeNull()
  },
}

/** A failed upload says so and offers Retry, which uploads it again. */
export const AttachmentFailedRetry: Story = {
  loaders: [withUploads],
  play: async ({ canvasElement, loaded }) => {
    const { calls, upload } = uploadsOf({ loaded })!
    await ready(canvasElement)
    await userEvent.upload(fileInputOf(canvasElement), pdf("budget.pdf"))
    await waitFor(() => expect(calls).toHaveLength(1))
    calls[0]!.reject(new Error("Network error"))
    const chip = await waitFor(() => {
      const found = canvasElement.querySelector<HTMLElement>(
        '[data-slot="chat-room-attachment"][data-status="failed"]'
      )
      expect(found).not.toBeNull()
      return found!
    })
    await expect(chip).toHaveTextContent("Upload failed")
    await expect(
      within(canvasElement).getByRole("button", { name: "Send" })
    ).toBeDisabled()
    await userEvent.click(
      within(chip).getByRole("button", { name: "Retry budget.pdf" })
    )
    await waitFor(() => expect(upload).toHaveBeenCalledTimes(2))
    await expect(
      within(canvasElement).getByRole("progressbar", {
        name: "Uploading budget.pdf",
      })
    ).toHaveAttribute("aria-valuenow", "0")
    calls[1]!.resolve("https://files.example/budget.pdf")
    await waitFor(() =>
      expect(
        within(canvasElement).getByRole("button", { name: "Send" })
      ).toBeEnabled()
    )
    await expect(
      within(canvasElement).getByRole("button", { name: "Remove budget.pdf" })
    ).toBeInTheDocument()
  },
}

/** Too big, or a type the room does not take: refused before any upload, in an alert. */
export const AttachmentTooLarge: Story = {
  loaders: [withUploads],
  args: {
    attachmentLimits: { maxBytes: 1024 * 1024, accept: ["image/*", ".pdf"] },
  },
  play: async ({ canvasElement, loaded }) => {
    const { upload } = uploadsOf({ loaded })!
    await ready(canvasElement)
    const input = fileInputOf(canvasElement)
    await userEvent.upload(input, pdf("scan.pdf", 3 * 1024 * 1024))
    const alert = await waitFor(() => within(canvasElement).getByRole("alert"))
    await expect(alert).toHaveTextContent("scan.pdf is larger than 1 MB.")
    // The input's `accept` would hide it in a file picker; a drop or paste would not.
    input.accept = ""
    await userEvent.upload(
      input,
      new File(["hello"], "notes.txt", { type: "text/plain" })
    )
    await waitFor(() =>
      expect(within(canvasElement).getByRole("alert")).toHaveTextContent(
        "notes.txt is not a file type this room accepts."
      )
    )
    await expect(upload).not.toHaveBeenCalled()
    await userEvent.click(
      within(canvasElement).getByRole("button", { name: "Dismiss" })
    )
    await expect(within(canvasElement).queryByRole("alert")).toBeNull()
  },
}

/** A 4×3 PNG, drawn so the preview and the thumbnail have something to show. */
async function pngFile(name: string) {
  const canvas = document.createElement("canvas")
  canvas.width = 120
  canvas.height = 90
  const context = canvas.getContext("2d")!
  context.fillStyle = "#2563eb"
  context.fillRect(0, 0, 120, 90)
  context.fillStyle = "#fbbf24"
  context.fillRect(30, 20, 60, 50)
  const blob = await new Promise<Blob>((resolve) =>
    canvas.toBlob((result) => resolve(result!), "image/png")
  )
  return { file: new File([blob], name, { type: "image/png" }), blob }
}

/** An image gets a preview while it uploads, and a fixed-size thumbnail (alt = its name) in the message. */
export const ImagePreview: Story = {
  loaders: [withUploads],
  play: async ({ canvasElement, loaded }) => {
    const { calls } = uploadsOf({ loaded })!
    await ready(canvasElement)
    const { file, blob } = await pngFile("dashboard.png")
    await userEvent.upload(fileInputOf(canvasElement), file)
    const preview = await waitFor(() =>
      within(canvasElement).getByRole("img", { name: "dashboard.png" })
    )
    await expect(preview.getAttribute("src")).toMatch(/^blob:/)
    await waitFor(() => expect(calls).toHaveLength(1))
    calls[0]!.progress(0.75)
    const dataUrl = await new Promise<string>((resolve) => {
      const reader = new FileReader()
      reader.onload = () => resolve(reader.result as string)
      reader.readAsDataURL(blob)
    })
    calls[0]!.resolve(dataUrl)
    await waitFor(() =>
      expect(
        within(canvasElement).getByRole("button", { name: "Send" })
      ).toBeEnabled()
    )
    await userEvent.click(
      within(canvasElement).getByRole("button", { name: "Send" })
    )
    const thumbnail = await waitFor(() => {
      const found = canvasElement.querySelector<HTMLElement>(
        '[data-slot="chat-message-image"]'
      )
      expect(found).not.toBeNull()
      return found!
    })
    const image = within(thumbnail).getByRole("img", { name: "dashboard.png" })
    await expect(image).toHaveAttribute("src", dataUrl)
    // The box is sized before the image loads: nothing moves when it does.
    const box = thumbnail.getBoundingClientRect()
    await expect(Math.round(box.width)).toBe(192)
    await expect(Math.round(box.height)).toBe(144)
  },
}
