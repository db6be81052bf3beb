/**
 * Helpers for the chat-room stories of replies, mentions and files (not a registry item: nothing here ships): a room
 * whose history is published on the story's in-memory server by its authors, Ada and Grace present, and a
 * controllable upload.
 */
import type { RealtimeClient } from "@realtime-kit/core"
import {
  createTestTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import type { StoryContext } from "@storybook/react-vite"
import { expect, fn, userEvent, waitFor, within } from "storybook/test"

import type {
  ChatMessage,
  ChatMessageData,
  ChatRoomUpload,
  ChatUser,
} from "@/registry/realtime/blocks/chat-room/chat-room"
import { connectAs } from "@/registry/realtime/testing/story-kit"

export const ROOM = "room:launch"
export const you: ChatUser = { id: "you", name: "Sam Rivera" }
export const ada: ChatUser = { id: "ada", name: "Ada Lovelace" }
export const grace: ChatUser = { id: "grace", name: "Grace Hopper" }

export const script: [ChatUser, string][] = [
  [ada, "Morning! Is the launch checklist final?\nSecond line of details."],
  [you, "Almost: the status page copy still needs a review."],
  [grace, "I can take that after standup."],
  [you, "Thanks. The rollback plan lives in the runbook now."],
]
/** Chatter after the script: enough to scroll the first lines out of view. */
export const chatter = Array.from(
  { length: 14 },
  (_, index) => `Status update ${index + 1}: all green.`
)

export interface Seeded {
  kit: TestTransport
  history: ChatMessage[]
  clients: Record<string, RealtimeClient>
}

export async function seed(): Promise<Seeded> {
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

export const seededOf = (context: Pick<StoryContext, "loaded">) =>
  context.loaded as unknown as Seeded

export type Uploads = ReturnType<typeof controlledUpload>
/** The story's controllable upload, when it has one (`loaders: [withUploads]`). */
export const uploadsOf = (context: Pick<StoryContext, "loaded">) =>
  (context.loaded as { uploads?: Uploads }).uploads
export const withUploads = async () => ({ uploads: controlledUpload() })

export async function ready(root: HTMLElement) {
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
export async function messageWith(
  root: HTMLElement,
  text: string,
  partial = false
) {
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

/**
 * A message's toolbar, reached as a reader reaches it: the pointer over the message, or (`"focus"`) the message
 * focused from the keyboard. Only then is it mounted.
 */
export async function toolbarOf(
  message: HTMLElement,
  by: "hover" | "focus" = "hover"
) {
  if (by === "hover") await userEvent.hover(message)
  else message.focus()
  return waitFor(() =>
    within(message).getByRole("group", { name: "Message actions" })
  )
}

export const composerOf = (root: HTMLElement) =>
  within(root).getByRole("textbox", { name: "Message" })

/** What the server stored last on the room. */
export const lastStored = (context: Pick<StoryContext, "loaded">) =>
  seededOf(context).kit.server.messages(ROOM).at(-1)?.data as ChatMessageData

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

export const fileInputOf = (root: HTMLElement) =>
  root.querySelector<HTMLInputElement>('[data-slot="chat-room-file-input"]')!
export const pdf = (name: string, bytes = 2400) =>
  new File([new Uint8Array(bytes)], name, { type: "application/pdf" })

/** A 4×3 PNG, drawn so the preview and the thumbnail have something to show. */
export async function pngFile(name: string) {
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
