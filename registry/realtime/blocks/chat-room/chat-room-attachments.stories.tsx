import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { ChatRoom } from "@/registry/realtime/blocks/chat-room/chat-room"
import {
  ada,
  composerOf,
  fileInputOf,
  messageWith,
  pdf,
  pngFile,
  ready,
  ROOM,
  seed,
  seededOf,
  uploadsOf,
  withUploads,
  you,
} from "@/registry/realtime/testing/chat-room-story-kit"
import { withChannelTransport } from "@/registry/realtime/testing/story-kit"

/* Attachments through a controllable `upload`: progress, cancel, failure and retry, refusals, image previews. */
const meta = {
  title: "Realtime/ChatRoom/Attachments",
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

/** Files dragged over the composer highlight it (a ring: nothing moves), until they leave or drop. */
export const DragOver: Story = {
  loaders: [withUploads],
  play: async ({ canvasElement, loaded }) => {
    const { calls } = uploadsOf({ loaded })!
    await ready(canvasElement)
    const form = composerOf(canvasElement).closest("form")!
    const before = form.getBoundingClientRect()
    // A real drag as the browser reports it: a DataTransfer carrying the file.
    const dataTransfer = new DataTransfer()
    dataTransfer.items.add(pdf("notes.pdf"))
    const drag = (type: string, init: DragEventInit = {}) =>
      form.dispatchEvent(
        new DragEvent(type, {
          bubbles: true,
          cancelable: true,
          dataTransfer,
          ...init,
        })
      )
    drag("dragover")
    await waitFor(() => expect(form).toHaveAttribute("data-dragging", "true"))
    const during = form.getBoundingClientRect()
    await expect([during.width, during.height]).toEqual([
      before.width,
      before.height,
    ])
    drag("dragleave", { relatedTarget: document.body })
    await waitFor(() => expect(form).not.toHaveAttribute("data-dragging"))
    drag("dragover")
    drag("drop")
    await waitFor(() => expect(form).not.toHaveAttribute("data-dragging"))
    await waitFor(() => expect(calls).toHaveLength(1))
    await expect(calls[0]!.file.name).toBe("notes.pdf")
  },
}

/** A message of files only is announced for what it is ("Ada Lovelace: sent 2 files"), never as an empty line. */
export const FilesOnlyAnnounced: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { clients } = seededOf({ loaded })
    await ready(canvasElement)
    await clients[ada.id]!.channel(ROOM).publish("message", {
      text: "",
      author: ada,
      sentAt: Date.now(),
      attachments: [
        {
          url: "/files/a.pdf",
          name: "a.pdf",
          type: "application/pdf",
          size: 10,
        },
        {
          url: "/files/b.pdf",
          name: "b.pdf",
          type: "application/pdf",
          size: 20,
        },
      ],
    })
    const log = within(canvasElement).getByRole("log")
    await waitFor(() =>
      expect(log).toHaveTextContent("Ada Lovelace: sent 2 files")
    )
  },
}
