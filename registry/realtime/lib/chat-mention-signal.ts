/**
 * The signal a chat room sends when a message mentions someone, so another part of the app (the notification
 * center) can tell them. A signal, not a publish: it is ephemeral, like typing, and the `rk:` prefix is left to the
 * kit's own events.
 */
export const CHAT_MENTION_SIGNAL = "chat:mention"

/** What a {@link CHAT_MENTION_SIGNAL} signal carries. */
export interface ChatMentionSignal {
  /** The user ids mentioned. */
  to: string[]
  /** Who wrote the message. */
  from: { id: string; name: string }
  /** The room's name as its readers see it (its title, else its channel). */
  room: string
  /** The start of the message. */
  excerpt: string
  /** The message's client id: the same for every mention in one message, so a notification shows once. */
  key: string
  /** When it was sent (ms since epoch). */
  sentAt: number
}

/** The signal's data when it is a well-formed mention signal, else null (signals come from other clients). */
export function readChatMentionSignal(data: unknown): ChatMentionSignal | null {
  if (typeof data !== "object" || data === null) return null
  const signal = data as Partial<ChatMentionSignal>
  if (
    !Array.isArray(signal.to) ||
    !signal.to.every((id) => typeof id === "string") ||
    typeof signal.from?.id !== "string" ||
    typeof signal.from.name !== "string" ||
    typeof signal.room !== "string" ||
    typeof signal.excerpt !== "string" ||
    typeof signal.key !== "string"
  )
    return null
  return {
    to: signal.to,
    from: { id: signal.from.id, name: signal.from.name },
    room: signal.room,
    excerpt: signal.excerpt,
    key: signal.key,
    sentAt: typeof signal.sentAt === "number" ? signal.sentAt : Date.now(),
  }
}
