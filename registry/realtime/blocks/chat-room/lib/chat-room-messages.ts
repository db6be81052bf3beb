import type {
  ConnectionStatus,
  OptimisticStatus,
  ReactionSummary,
  RealtimeError,
} from "@realtime-kit/react"

/** Who is chatting: your app's user. `id` marks your own messages; `name` and `avatarUrl` are shown to the others. */
export interface ChatUser {
  id: string
  name: string
  avatarUrl?: string
}

/** The message a reply answers, as it was when the reply was written. */
export interface ChatReplyTo {
  /** The original's channel message id. */
  id: string
  authorName: string
  /** The start of its first line. */
  excerpt: string
}

/** A file sent with a message: `url` is what your `upload` returned. */
export interface ChatAttachment {
  url: string
  name: string
  /** Its MIME type (`image/*` shows as a thumbnail). */
  type: string
  /** In bytes. */
  size: number
}

/** What a `message` event carries on the channel. Messages without the optional fields stay valid. */
export interface ChatMessageData {
  text: string
  author: ChatUser
  /** When the author sent it (ms since epoch), shown in the reader's locale. */
  sentAt: number
  /** The message this one answers. */
  replyTo?: ChatReplyTo
  /** The user ids mentioned with `@Name` in the text. */
  mentions?: string[]
  attachments?: ChatAttachment[]
}

/** A stored message, e.g. from your database for `initialMessages` and `loadHistory`. `id` is the channel message id. */
export interface ChatMessage extends ChatMessageData {
  id: string
  /** Its channel `seq`, when known: `loadHistory` can page back from it with `realtime.history(channel, { before: seq })`. */
  seq?: number
  /** Its version, as the server's history gives it: more than 1 once edited. */
  version?: number
  /** Deleted: shown as a tombstone (pass the server's flag; the text is never shown). */
  deleted?: boolean
  /** Who reacted with what, as the server's history gives it. */
  reactions?: ReactionSummary
}

/** The channel's events: publish `message` with {@link ChatMessageData} from your server to post into the room. */
export type ChatRoomEvents = { message: ChatMessageData }

/** What each member shares in presence. */
export interface ChatPresenceData {
  id: string
  name: string
  avatarUrl?: string
}

/** The texts of the chat. Override any of them to translate. */
export interface ChatRoomLabels {
  /** Names the message list. */
  messages: string
  /** Names the text field. */
  message: string
  placeholder: string
  send: string
  /** Under the field while connected. */
  hint: string
  connecting: string
  /** Under the field while the connection is down: it must say that messages still go out. */
  reconnecting: string
  offline: string
  closed: string
  /** Your name on your own messages. */
  you: string
  /** The author of a message published without one (e.g. by your server). */
  anonymous: string
  sending: string
  /** A pending message while offline. */
  queued: string
  failed: string
  retry: string
  seenBy: (names: string) => string
  newMessages: (count: number) => string
  jumpToLatest: string
  loadingHistory: string
  historyFailed: string
  beginning: string
  empty: string
  emptyHint: string
  /** Names a message's toolbar (edit, delete, react). */
  messageActions: string
  edit: string
  /** Names the field that edits a message. */
  editMessage: string
  editHint: string
  save: string
  cancel: string
  /** After an edited message's time. */
  edited: string
  delete: string
  deleteConfirm: string
  /** In place of a deleted message. */
  deleted: string
  addReaction: string
  reactWith: (reaction: string) => string
  /** A reaction chip's name: the reaction, its count (already formatted) and who reacted. */
  reactionChip: (reaction: string, count: string, names: string) => string
  /** The end of a clipped list of who reacted. */
  andMore: (count: string) => string
  dismiss: string
  /** The banner after this client may have missed messages (a reconnect after a long time away, a server restart). */
  missedMessages: string
  reload: string
  reply: string
  /** Above the field while replying. */
  replyingTo: (name: string) => string
  cancelReply: string
  /** Read before the quote above a reply (a button that shows the original). */
  showOriginal: string
  /** In the quote when the original was deleted. */
  originalDeleted: string
  /** After a click on a quote whose original is not in the list (not loaded yet). */
  originalNotLoaded: string
  /** Names the list of members the `@` autocomplete offers. */
  mentionSuggestions: string
  attach: string
  /** Names the list of files about to be sent. */
  attachments: string
  /** Read out for a new message's files ("Ada: sent 2 files", or after its text). */
  sentFiles: (count: number) => string
  uploading: (name: string) => string
  uploadFailed: string
  cancelUpload: (name: string) => string
  removeAttachment: (name: string) => string
  /** A file refused before uploading: too big (`max` already formatted, e.g. "10 MB"). */
  fileTooLarge: (name: string, max: string) => string
  /** A file refused before uploading: a type the room does not take. */
  fileTypeRefused: (name: string) => string
}

export const defaultChatRoomLabels: ChatRoomLabels = {
  messages: "Messages",
  message: "Message",
  placeholder: "Write a message…",
  send: "Send",
  hint: "Enter to send, Shift+Enter for a new line",
  connecting: "Connecting…",
  reconnecting:
    "Reconnecting… Messages you send now go out when the connection is back.",
  offline:
    "You are offline. Messages you send now go out when you are back online.",
  closed: "Disconnected. Messages cannot be sent.",
  you: "You",
  anonymous: "Someone",
  sending: "Sending…",
  queued: "Waiting for the connection",
  failed: "Not sent",
  retry: "Retry",
  seenBy: (names) => `Seen by ${names}`,
  newMessages: (count) =>
    count === 1 ? "1 new message" : `${count} new messages`,
  jumpToLatest: "Jump to latest",
  loadingHistory: "Loading earlier messages…",
  historyFailed: "Could not load earlier messages.",
  beginning: "This is the beginning of the conversation.",
  empty: "No messages yet",
  emptyHint: "Say hello to get the conversation going.",
  messageActions: "Message actions",
  edit: "Edit",
  editMessage: "Edit message",
  editHint: "Enter to save, Escape to cancel",
  save: "Save",
  cancel: "Cancel",
  edited: "(edited)",
  delete: "Delete",
  deleteConfirm: "Delete this message for everyone?",
  deleted: "Message deleted",
  addReaction: "Add reaction",
  reactWith: (reaction) => `React with ${reaction}`,
  reactionChip: (reaction, count, names) => `${reaction} ${count}: ${names}`,
  andMore: (count) => `${count} more`,
  dismiss: "Dismiss",
  missedMessages: "You may have missed messages.",
  reload: "Reload",
  reply: "Reply",
  replyingTo: (name) => `Replying to ${name}`,
  cancelReply: "Cancel reply",
  showOriginal: "Show the original message:",
  originalDeleted: "Original message deleted",
  originalNotLoaded:
    "The original message is not loaded. Scroll up to load earlier messages.",
  mentionSuggestions: "People to mention",
  attach: "Attach files",
  attachments: "Attachments",
  sentFiles: (count) => (count === 1 ? "sent a file" : `sent ${count} files`),
  uploading: (name) => `Uploading ${name}`,
  uploadFailed: "Upload failed",
  cancelUpload: (name) => `Cancel upload of ${name}`,
  removeAttachment: (name) => `Remove ${name}`,
  fileTooLarge: (name, max) => `${name} is larger than ${max}.`,
  fileTypeRefused: (name) => `${name} is not a file type this room accepts.`,
}

/** One row of the list: a stored message, or one of yours on its way. */
export interface ChatRow {
  readonly key: string
  readonly id: string | undefined
  readonly message: ChatMessageData
  readonly status: OptimisticStatus
  readonly own: boolean
  /** Came in live (not from history): news to announce. */
  readonly live: boolean
  readonly retry: (() => void) | undefined
  /** A refusal that Retry cannot fix (a server rule, an invalid payload, no right to post): what the server said. */
  readonly refusal?:
    { readonly message: string; readonly issues: readonly string[] } | undefined
  /** More than 1 once edited. */
  readonly version?: number | undefined
  /** Deleted: a tombstone, `message.text` is empty. */
  readonly deleted?: boolean | undefined
  readonly reactions?: ReactionSummary | undefined
  /** An edit, deletion or reaction of yours is on its way (shown already). */
  readonly pendingChange?: boolean | undefined
}

/** Where the history stands: more may be loaded, is loading, failed, or there is none before the first row. */
export type ChatHistoryState = "idle" | "loading" | "error" | "done"

/** Consecutive messages of one author within this time share one header. */
const GROUP_MS = 5 * 60_000

/** Whether `row` continues `previous` (same author, soon after): it shows without its own header. */
export function continuesGroup(row: ChatRow, previous: ChatRow | undefined) {
  return (
    previous !== undefined &&
    previous.message.author?.id === row.message.author?.id &&
    row.message.sentAt - previous.message.sentAt < GROUP_MS
  )
}

/** The line under the composer for a connection status. */
export function connectionText(
  status: ConnectionStatus,
  labels: ChatRoomLabels
): string {
  switch (status) {
    case "open":
      return labels.hint
    case "idle":
    case "connecting":
      return labels.connecting
    case "reconnecting":
      return labels.reconnecting
    case "offline":
      return labels.offline
    case "closed":
      return labels.closed
  }
}

/** The server's words (without the channel the client appends for developers) and, for a payload, what was wrong. */
export function refusalOf(
  error: Error | undefined,
  channel: string
): ChatRow["refusal"] {
  const { message = "", issues = [] } = (error ?? {}) as Partial<RealtimeError>
  const suffix = ` (channel "${channel}")`
  const described = issues.map((issue) =>
    issue.path?.length
      ? `${issue.path.join(".")}: ${issue.message}`
      : issue.message
  )
  return {
    message: message.endsWith(suffix)
      ? message.slice(0, -suffix.length)
      : message,
    issues: described,
  }
}

export function findLast<T>(
  items: readonly T[],
  predicate: (item: T) => boolean
): T | undefined {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index] as T
    if (predicate(item)) return item
  }
  return undefined
}

/** The start of a message's first line, for a reply's quote and a mention notification. */
export function firstLine(text: string, max = 120): string {
  const line = text.split("\n", 1)[0] ?? ""
  return line.length > max ? `${line.slice(0, max)}…` : line
}

/** A long message cut for the screen-reader log. */
/** What a screen reader hears of a new message: its text (cut at 200 characters), and that it carries files. */
export function spokenMessage(
  message: ChatMessageData,
  labels: Pick<ChatRoomLabels, "sentFiles">
): string {
  const files = message.attachments?.length ?? 0
  const text = excerpt(message.text)
  if (files === 0) return text
  return text === ""
    ? labels.sentFiles(files)
    : `${text} (${labels.sentFiles(files)})`
}

export function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

/** Intl formatters, one per locale and options: creating one resolves the locale, too costly to do for every message. */
const formatters = new Map<string, Intl.NumberFormat | Intl.ListFormat>()

/** A shared `Intl.NumberFormat` for `locale` and `options`. */
export function chatNumberFormat(
  locale: string,
  options: Intl.NumberFormatOptions = {}
): Intl.NumberFormat {
  const key = `number ${locale} ${JSON.stringify(options)}`
  let format = formatters.get(key) as Intl.NumberFormat | undefined
  if (!format)
    formatters.set(key, (format = new Intl.NumberFormat(locale, options)))
  return format
}

/** A shared `Intl.ListFormat` ("Ada, Grace and Alan") for `locale`. */
export function chatListFormat(locale: string): Intl.ListFormat {
  const key = `list ${locale}`
  let format = formatters.get(key) as Intl.ListFormat | undefined
  if (!format)
    formatters.set(
      key,
      (format = new Intl.ListFormat(locale, { type: "conjunction" }))
    )
  return format
}
