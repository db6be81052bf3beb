"use client"

import * as React from "react"
import {
  useChannel,
  useChannelGap,
  useConnectionState,
  useMessageActions,
  useOptimisticPublish,
  usePresence,
  useTyping,
  type Channel,
  type PresenceMember,
} from "@realtime-kit/react"

import { ChatRoomComposer } from "@/registry/realtime/blocks/chat-room/components/chat-room-composer"
import { ChatRoomGapBanner } from "@/registry/realtime/blocks/chat-room/components/chat-room-gap-banner"
import { ChatRoomList } from "@/registry/realtime/blocks/chat-room/components/chat-room-list"
import { DEFAULT_CHAT_REACTIONS } from "@/registry/realtime/blocks/chat-room/components/chat-room-message-actions"
import { useChatRoomAnnouncements } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-announcements"
import {
  DEFAULT_ATTACHMENT_LIMITS,
  type ChatRoomAttachmentLimits,
  type ChatRoomUpload,
} from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-attachments"
import { useChatRoomHistoryChanges } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-history-changes"
import { useChatRoomMessages } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-messages"
import { useChatRoomReceipts } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-receipts"
import { useChatRoomReplies } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-replies"
import { useChatRoomRowActions } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-row-actions"
import { useChatRoomScroll } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-scroll"
import {
  chatRoomReload,
  signalMention,
  useChatRoomSend,
} from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-send"
import {
  chatListFormat,
  defaultChatRoomLabels,
  type ChatAttachment,
  type ChatMessage,
  type ChatMessageData,
  type ChatPresenceData,
  type ChatReplyTo,
  type ChatRoomEvents,
  type ChatRoomLabels,
  type ChatUser,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { cn } from "@/registry/realtime/lib/utils"
import { PresenceAvatars } from "@/registry/realtime/ui/presence-avatars"

interface ChatRoomProps extends Omit<
  React.ComponentProps<"section">,
  "children" | "title"
> {
  /** The channel name, e.g. `room:42`. */
  channel: string
  /** You. Your messages are the ones whose `author.id` is `user.id`. */
  user: ChatUser
  /** Heading of the room. Default: the channel name. */
  title?: React.ReactNode
  /** Messages you already have, oldest first (e.g. read by a Server Component). */
  initialMessages?: readonly ChatMessage[]
  /**
   * Older messages: called with the oldest message shown (undefined when there is none) when the reader scrolls to
   * the top; resolve with the messages just before it, oldest first, or `[]` when there are no more.
   */
  loadHistory?: (
    before: ChatMessage | undefined
  ) => Promise<readonly ChatMessage[]>
  /** Longest message, in characters. Default 2000. */
  maxLength?: number
  /** The reactions the picker under each message offers. Default: 👍 ❤️ 😂 🎉 😮 😢. */
  reactions?: readonly string[]
  /**
   * Uploads a file the reader attaches (paperclip, paste or drop) and resolves with its URL; abort on `signal`,
   * report progress with `onProgress(0–1)`. Without it, messages cannot carry files.
   */
  upload?: ChatRoomUpload
  /** What `upload` is given: the largest file and the types. Default 10 MB, images and PDF. */
  attachmentLimits?: ChatRoomAttachmentLimits
  /** Locale for times, counts and name lists. Default: the reader's. */
  locale?: string
  labels?: Partial<ChatRoomLabels>
}

/**
 * A chat room on one channel, for any transport: put it inside `<RealtimeProvider transport={…}>`.
 *
 * - A virtualized message list (only the rows in view are rendered, at the same cost for 100 messages or 100k)
 *   that follows new messages while you are at the bottom and otherwise offers a "New messages" button with a
 *   count; older messages load as you scroll up
 *   (`loadHistory`) without moving what you are reading.
 * - Your messages show at once (`useOptimisticPublish`), as pending until the server has them, failed with Retry
 *   when it could not take them, or with the server's reason when it refused them for good (a rule, an invalid
 *   payload); while offline they wait and the composer says they will go out when you are back.
 * - Who is here (presence avatars), who is typing, and "Seen by …" under your last message (read receipts).
 * - Enter sends, Shift+Enter adds a line. New messages from others are announced politely (a `role="log"`).
 * - React to any message (a picker and counted chips that say who reacted); edit your own in place (Enter saves,
 *   Escape cancels) or delete them after a confirm step (a tombstone stays). Changes show at once and are rolled
 *   back, with the server's reason by the message, when it refuses them.
 * - "You may have missed messages" when the connection was away longer than the server keeps messages, with Reload
 *   (the newest page of `loadHistory`) when there is history to load.
 * - Reply to a message (quoted above yours; the quote shows the original), mention people with `@` (an
 *   autocomplete of who is here and who wrote; the message lists their ids and a `chat:mention` signal lets a
 *   notification center tell them), and attach files when you pass `upload` (progress, cancel, retry, previews).
 *
 * Its parts live beside it: the list (`chat-room-list`), a message (`chat-room-message`), the composer
 * (`chat-room-composer`) and the scrolling (`use-chat-room-scroll`).
 *
 * @example
 * <RealtimeProvider transport={websocketTransport({ url: "/realtime" })}>
 *   <ChatRoom channel="room:42" user={{ id: me.id, name: me.name }} initialMessages={history} className="h-[32rem]" />
 * </RealtimeProvider>
 */
function ChatRoom(props: ChatRoomProps) {
  // Another channel is another room: start over (history, scroll position, unread count) rather than mix them.
  return <ChatRoomPanel key={props.channel} {...props} />
}

function ChatRoomPanel({
  channel: channelName,
  user,
  title,
  initialMessages,
  loadHistory,
  maxLength = 2000,
  reactions = DEFAULT_CHAT_REACTIONS,
  upload,
  attachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
  locale,
  labels: labelOverrides,
  className,
  ...props
}: ChatRoomProps) {
  // The same object while the overrides are: every message of the list is memoised on it.
  const labels = React.useMemo(
    () => ({ ...defaultChatRoomLabels, ...labelOverrides }),
    [labelOverrides]
  )
  const resolvedLocale = useLocale(locale)
  const room = useChannel<ChatRoomEvents>(channelName)
  const { status } = useConnectionState()
  const { gap, dismiss: dismissGap } = useChannelGap(room)
  const [live, send] = useOptimisticPublish(room, "message", NO_MESSAGES)
  const messageActions = useMessageActions(room)
  const { members, isSelf } = useChatRoomPresence(room, user)
  const { typing, keystroke, stop } = useTyping(room)

  const historyState = useChatRoomHistory(room, initialMessages)
  const { history, setHistory, superseded } = historyState
  const { historyRows, liveRows, rows, names } = useChatRoomMessages({
    channel: channelName,
    live,
    history,
    userId: user.id,
    anonymousName: labels.anonymous,
    members,
    actions: messageActions,
    superseded,
  })
  const scroll = useChatRoomScroll({ rows, history, setHistory, loadHistory })
  const reload = chatRoomReload(loadHistory, live, historyState, scroll)
  const announced = useChatRoomAnnouncements(
    liveRows,
    scroll.addUnseen,
    labels.sentFiles
  )
  const { lastOwn, seenNames } = useChatRoomReceipts(room, {
    historyRows,
    liveRows,
    rows,
    names,
    anonymousName: labels.anonymous,
    atBottom: scroll.atBottom,
  })

  const nameOf = React.useCallback((id: string) => names.get(id), [names])
  const composerRef = React.useRef<HTMLTextAreaElement>(null)
  const replies = useChatRoomReplies({
    rows,
    scroll,
    composerRef,
    getName: nameOf,
    anonymousName: labels.anonymous,
  })
  const mentionCandidates = useMentionCandidates(members, names, user.id)
  const roomName = typeof title === "string" ? title : channelName
  const rowActions = useChatRoomRowActions({
    messageActions,
    channel: channelName,
    userId: user.id,
    getName: nameOf,
    reactions,
    mentionCandidates,
    maxLength,
    locale: resolvedLocale,
    onDeleted: () => scroll.scrollRef.current?.focus(),
    onMentioned: (row, to, text) =>
      signalMention(room, {
        to,
        user,
        roomName,
        text,
        key: `${row.key}:edit:${Date.now()}`,
        sentAt: Date.now(),
      }),
    onReply: replies.startReply,
    showOriginal: replies.showOriginal,
    highlightedId: replies.highlightedId,
  })
  const sendMessage = useChatRoomSend({ room, send, user, roomName })
  const { formatTime, list } = useChatRoomFormats(resolvedLocale)
  const seenText =
    seenNames.length > 0 ? labels.seenBy(list.format(seenNames)) : undefined
  const titleId = `${React.useId()}-title`

  return (
    <section
      aria-labelledby={titleId}
      data-slot="chat-room"
      data-state={status}
      className={cn(
        "flex h-[32rem] min-h-0 flex-col overflow-hidden rounded-xl border bg-background text-foreground",
        className
      )}
      {...props}
    >
      <ChatRoomHeader
        titleId={titleId}
        title={title ?? channelName}
        members={members}
        isSelf={isSelf}
        locale={resolvedLocale}
      />

      <ChatRoomList
        rows={rows}
        scroll={scroll}
        pagesHistory={loadHistory !== undefined}
        labelledBy={titleId}
        labels={labels}
        connected={status === "open"}
        formatTime={formatTime}
        seen={{ row: lastOwn, text: seenText }}
        onJumped={() => composerRef.current?.focus()}
        actions={rowActions}
        banner={
          gap !== null && (
            <ChatRoomGapBanner
              onReload={reload}
              onDismiss={dismissGap}
              labels={labels}
            />
          )
        }
      />

      <ChatRoomAnnouncer entries={announced} label={labels.messages} />

      <ChatRoomComposer
        onSend={(text, extras) => {
          sendMessage(text, extras, replies.replyTo)
          replies.cancelReply()
          scroll.scrollToBottom()
        }}
        replyTo={replies.replyTo}
        onCancelReply={replies.cancelReply}
        mentionCandidates={mentionCandidates}
        upload={upload}
        attachmentLimits={attachmentLimits}
        onKeystroke={keystroke}
        onStopTyping={stop}
        typing={typing}
        getName={nameOf}
        status={status}
        maxLength={maxLength}
        locale={resolvedLocale}
        labels={labels}
        textareaRef={composerRef}
      />
    </section>
  )
}

const NO_MESSAGES: readonly ChatMessageData[] = []

/** Whom `@` offers: who is here (with their avatars), then everyone who wrote; never you. */
function useMentionCandidates(
  members: readonly PresenceMember<ChatPresenceData>[],
  names: ReadonlyMap<string, string>,
  userId: string
) {
  return React.useMemo(() => {
    const candidates = new Map<
      string,
      { id: string; name: string; avatarUrl?: string }
    >()
    for (const member of members) {
      const id = member.data?.id ?? member.userId
      if (id === userId || !member.data?.name) continue
      candidates.set(id, {
        id,
        name: member.data.name,
        ...(member.data.avatarUrl ? { avatarUrl: member.data.avatarUrl } : {}),
      })
    }
    for (const [id, name] of names)
      if (id !== userId && name && !candidates.has(id))
        candidates.set(id, { id, name })
    return [...candidates.values()]
  }, [members, names, userId])
}

/** A message's time in the reader's locale: the time today, with the date before that, nothing when unknown. */
/** History: what we were given plus what `loadHistory` returned, oldest first, with the live rows a reload replaced. */
function useChatRoomHistory(
  room: Channel<ChatRoomEvents>,
  initialMessages: readonly ChatMessage[] | undefined
) {
  const [history, setHistory] = React.useState<readonly ChatMessage[]>(
    () => initialMessages ?? []
  )
  useChatRoomHistoryChanges(room, setHistory)
  const [superseded, setSuperseded] = React.useState<ReadonlySet<string>>(
    () => new Set()
  )
  return { history, setHistory, superseded, setSuperseded }
}

/** Message times (today: the time; earlier: the date too) and name lists, in `locale`. */
function useChatRoomFormats(locale: string) {
  return React.useMemo(() => {
    const time = new Intl.DateTimeFormat(locale, {
      hour: "numeric",
      minute: "2-digit",
    })
    const dateTime = new Intl.DateTimeFormat(locale, {
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
    })
    // Today's bounds, found again only once the day has changed (not two Dates for every message shown).
    let todayStart = 0
    let todayEnd = 0
    const isToday = (at: number) => {
      const now = Date.now()
      if (now < todayStart || now >= todayEnd) {
        const midnight = new Date(now)
        midnight.setHours(0, 0, 0, 0)
        todayStart = midnight.getTime()
        midnight.setDate(midnight.getDate() + 1)
        todayEnd = midnight.getTime()
      }
      return at >= todayStart && at < todayEnd
    }
    const formatTime = (at: number) =>
      Number.isFinite(at) ? (isToday(at) ? time : dateTime).format(at) : ""
    return { formatTime, list: chatListFormat(locale) }
  }, [locale])
}

function ChatRoomHeader({
  titleId,
  title,
  members,
  isSelf,
  locale,
}: {
  titleId: string
  title: React.ReactNode
  members: readonly PresenceMember<ChatPresenceData>[]
  isSelf: (member: PresenceMember<ChatPresenceData>) => boolean
  locale: string
}) {
  return (
    <header
      data-slot="chat-room-header"
      className="flex min-h-14 items-center justify-between gap-3 border-b px-4 py-2"
    >
      <h2 id={titleId} className="min-w-0 truncate text-sm font-semibold">
        {title}
      </h2>
      <PresenceAvatars
        members={members}
        isSelf={isSelf}
        side="bottom"
        align="end"
        max={4}
        locale={locale}
      />
    </header>
  )
}

export { ChatRoom }
export type {
  ChatRoomProps,
  ChatRoomUpload,
  ChatRoomAttachmentLimits,
  ChatAttachment,
  ChatReplyTo,
  ChatRoomLabels,
  ChatRoomEvents,
  ChatMessage,
  ChatMessageData,
  ChatUser,
  ChatPresenceData,
}

/** You in the room's presence (your name and avatar), the members, and which of them is you. */
function useChatRoomPresence(room: Channel<ChatRoomEvents>, user: ChatUser) {
  const presenceData = React.useMemo<ChatPresenceData>(
    () => ({
      id: user.id,
      name: user.name,
      ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}),
    }),
    [user.id, user.name, user.avatarUrl]
  )
  const { members, self } = usePresence<ChatPresenceData>(room, {
    data: presenceData,
  })
  const isSelf = React.useCallback(
    (member: PresenceMember<ChatPresenceData>) =>
      member.userId === self?.userId || member.data?.id === user.id,
    [self, user.id]
  )
  return { members, isSelf }
}

/** Screen readers hear each new message from the others once, not the rows virtualization mounts. */
function ChatRoomAnnouncer({
  entries,
  label,
}: {
  entries: readonly { key: string; text: string }[]
  label: string
}) {
  return (
    <div
      role="log"
      aria-live="polite"
      aria-relevant="additions"
      aria-label={label}
      data-slot="chat-room-announcer"
      className="sr-only"
    >
      {entries.map((entry) => (
        <p key={entry.key}>{entry.text}</p>
      ))}
    </div>
  )
}
