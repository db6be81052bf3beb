"use client"

import * as React from "react"

import {
  chatNumberFormat,
  type ChatAttachment,
  type ChatRoomLabels,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"

/** Uploads one file and resolves with its URL; abort when `signal` aborts, report progress (0–1) as it goes. */
export type ChatRoomUpload = (
  file: File,
  options: { signal: AbortSignal; onProgress: (fraction: number) => void }
) => Promise<string>

/** What the room takes: the largest file in bytes, and the types (`image/*`, `application/pdf`, `.zip`). */
export interface ChatRoomAttachmentLimits {
  maxBytes: number
  accept: readonly string[]
}

export const DEFAULT_ATTACHMENT_LIMITS: ChatRoomAttachmentLimits = {
  maxBytes: 10 * 1024 * 1024,
  accept: ["image/*", "application/pdf"],
}

/** A file on its way, in the composer. */
export interface ChatRoomAttachmentDraft {
  readonly key: string
  readonly file: File
  readonly status: "uploading" | "done" | "failed"
  /** 0–1. */
  readonly progress: number
  readonly url: string | undefined
  /** An object URL for an image's preview (revoked when the draft goes). */
  readonly previewUrl: string | undefined
}

/** A file refused before uploading, and why. */
export interface ChatRoomAttachmentRefusal {
  readonly key: string
  readonly message: string
}

/** Whether `file` is one of `accept` (MIME types, `type/*` families, or `.ext` endings). */
export function acceptsFile(accept: readonly string[], file: File): boolean {
  const type = file.type.toLowerCase()
  const name = file.name.toLowerCase()
  return accept.some((pattern) => {
    const wanted = pattern.trim().toLowerCase()
    if (wanted.startsWith(".")) return name.endsWith(wanted)
    if (wanted.endsWith("/*")) return type.startsWith(wanted.slice(0, -1))
    return type === wanted
  })
}

/** A size in the reader's locale, in the largest unit that keeps it at least 1 ("2.4 MB", "512 kB"). */
export function formatFileSize(bytes: number, locale: string): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return chatNumberFormat(locale, {
    style: "unit",
    unit: units[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value)
}

let nextKey = 0

/**
 * The composer's files: each is checked (size, type) before it uploads, uploads with progress, can be cancelled
 * (its upload aborts), retried after a failure, or removed. Image previews are object URLs, revoked when their
 * file leaves or the composer unmounts.
 */
export function useChatRoomAttachments({
  upload,
  limits,
  locale,
  labels,
}: {
  upload: ChatRoomUpload | undefined
  limits: ChatRoomAttachmentLimits
  locale: string
  labels: ChatRoomLabels
}) {
  const [drafts, setDrafts] = React.useState<
    readonly ChatRoomAttachmentDraft[]
  >([])
  const [refusals, setRefusals] = React.useState<
    readonly ChatRoomAttachmentRefusal[]
  >([])
  const controllers = React.useRef(new Map<string, AbortController>())
  const previews = React.useRef(new Map<string, string>())

  const patch = React.useCallback(
    (key: string, change: Partial<ChatRoomAttachmentDraft>) =>
      setDrafts((current) =>
        current.map((draft) =>
          draft.key === key ? { ...draft, ...change } : draft
        )
      ),
    []
  )

  const start = React.useCallback(
    (key: string, file: File) => {
      if (!upload) return
      const controller = new AbortController()
      controllers.current.set(key, controller)
      patch(key, { status: "uploading", progress: 0 })
      upload(file, {
        signal: controller.signal,
        onProgress: (fraction) => {
          if (!controller.signal.aborted)
            patch(key, { progress: Math.min(1, Math.max(0, fraction)) })
        },
      }).then(
        (url) => {
          if (controller.signal.aborted) return
          controllers.current.delete(key)
          patch(key, { status: "done", progress: 1, url })
        },
        () => {
          // A cancelled upload is gone from the list already: its rejection is not a failure to show.
          if (controller.signal.aborted) return
          controllers.current.delete(key)
          patch(key, { status: "failed" })
        }
      )
    },
    [upload, patch]
  )

  const add = React.useCallback(
    (files: Iterable<File>) => {
      const accepted: ChatRoomAttachmentDraft[] = []
      const refused: ChatRoomAttachmentRefusal[] = []
      for (const file of files) {
        const key = `attachment-${(nextKey += 1)}`
        if (!acceptsFile(limits.accept, file)) {
          refused.push({ key, message: labels.fileTypeRefused(file.name) })
        } else if (file.size > limits.maxBytes) {
          refused.push({
            key,
            message: labels.fileTooLarge(
              file.name,
              formatFileSize(limits.maxBytes, locale)
            ),
          })
        } else {
          const previewUrl = file.type.startsWith("image/")
            ? URL.createObjectURL(file)
            : undefined
          if (previewUrl) previews.current.set(key, previewUrl)
          accepted.push({
            key,
            file,
            status: "uploading",
            progress: 0,
            url: undefined,
            previewUrl,
          })
        }
      }
      setRefusals(refused)
      if (accepted.length === 0) return
      setDrafts((current) => [...current, ...accepted])
      for (const draft of accepted) start(draft.key, draft.file)
    },
    [limits, labels, locale, start]
  )

  const forget = React.useCallback((keys: readonly string[]) => {
    for (const key of keys) {
      controllers.current.get(key)?.abort()
      controllers.current.delete(key)
      const preview = previews.current.get(key)
      if (preview) URL.revokeObjectURL(preview)
      previews.current.delete(key)
    }
    setDrafts((current) => current.filter((draft) => !keys.includes(draft.key)))
  }, [])

  /** Cancel an upload (aborting it) or remove a file: either way it leaves the message. */
  const remove = React.useCallback((key: string) => forget([key]), [forget])
  const retry = React.useCallback(
    (key: string) => {
      const draft = drafts.find((entry) => entry.key === key)
      if (draft) start(key, draft.file)
    },
    [drafts, start]
  )
  /** After a send: the files went with the message. */
  const clear = React.useCallback(() => {
    forget(drafts.map((draft) => draft.key))
    setRefusals([])
  }, [drafts, forget])

  React.useEffect(() => {
    const pending = controllers.current
    const urls = previews.current
    return () => {
      for (const controller of pending.values()) controller.abort()
      for (const url of urls.values()) URL.revokeObjectURL(url)
    }
  }, [])

  const attachments = React.useMemo<ChatAttachment[]>(
    () =>
      drafts.flatMap((draft) =>
        draft.status === "done" && draft.url
          ? [
              {
                url: draft.url,
                name: draft.file.name,
                type: draft.file.type,
                size: draft.file.size,
              },
            ]
          : []
      ),
    [drafts]
  )

  return {
    drafts,
    refusals,
    dismissRefusals: () => setRefusals([]),
    add,
    remove,
    retry,
    clear,
    attachments,
    /** Every file is uploaded (or there are none): the message may go. */
    settled: drafts.every((draft) => draft.status === "done"),
  }
}

export type ChatRoomAttachmentsState = ReturnType<typeof useChatRoomAttachments>
