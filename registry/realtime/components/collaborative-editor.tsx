"use client"

import * as React from "react"
import {
  useChannel,
  useConnectionState,
  usePresence,
  type ConnectionStatus,
} from "@realtime-kit/react"

import { Textarea } from "@/components/ui/textarea"
import {
  CollaborativeEditorCarets,
  scrollMirror,
} from "@/registry/realtime/components/collaborative-editor-carets"
import {
  CollaborativeEditorFrame,
  CollaborativeEditorPerson,
} from "@/registry/realtime/components/collaborative-editor-frame"
import { useCollaborativeText } from "@/registry/realtime/hooks/use-collaborative-text"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import { useRemoteCarets } from "@/registry/realtime/hooks/use-remote-carets"
import {
  countCharacters,
  defaultCollaborativeEditorLabels,
  isSelf,
  type CollaborativeEditorLabels,
  type CollaborativeEditorPresence,
  type CollaborativeEditorStatus,
  type CollaborativeEditorUser,
} from "@/registry/realtime/lib/collaborative-editor-labels"
import { cn } from "@/registry/realtime/lib/utils"

interface CollaborativeEditorProps extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  /** The channel the document lives on (on the nearest `RealtimeProvider`'s client). One document per channel. */
  channel: string
  /** You: your id (colour) and name (shown at your caret to the others). */
  user: CollaborativeEditorUser
  /**
   * The text a new document starts with (e.g. what your database stored). Read once. Every client must pass the
   * same text: it is seeded so that two clients seeding it at once still end up with one copy.
   */
  initialText?: string
  /** The textarea's accessible name. Default "Shared document". */
  label?: string
  placeholder?: string
  /** Locale for the character count. Default: the browser's. */
  locale?: string
  /** Replace any text, e.g. to translate. */
  labels?: Partial<Omit<CollaborativeEditorLabels, "status">> & {
    status?: Partial<CollaborativeEditorLabels["status"]>
  }
  /** Classes for the textarea (height, font). */
  textareaClassName?: string
}

/**
 * shadcn's textarea at a fixed height (it grows with its content by default): the caret overlay mirrors its box,
 * and a shared document can be long.
 */
const TEXTAREA_CLASS =
  "block h-64 min-h-24 resize-y leading-6 field-sizing-fixed md:leading-6"
const noopSubscribe = () => () => {}

function resolveLabels(
  overrides: CollaborativeEditorProps["labels"]
): CollaborativeEditorLabels {
  return {
    ...defaultCollaborativeEditorLabels,
    ...overrides,
    status: {
      ...defaultCollaborativeEditorLabels.status,
      ...overrides?.status,
    },
  }
}

/**
 * A plain-text document many people edit at once: shadcn's textarea over a Yjs `Y.Text`, carried by the channel API.
 *
 * - Edits are merged by Yjs (a CRDT): concurrent typing converges everywhere, and edits made offline are kept
 *   and merged on reconnect. The wire protocol (stored `yjs-update` messages, a `yjs-sync-request`/`yjs-sync`
 *   signal handshake for newcomers) is documented with `bindYjsToChannel` in `@realtime-kit/core/yjs`.
 * - Remote edits are applied as the smallest change, and your caret and selection move with the text around
 *   them: someone typing above you does not move you.
 * - Each other member's caret and selection show in their colour with their name (relative positions, sent as
 *   signals; drawn on a mirror of the textarea's text so they sit exactly on the characters).
 * - A status ("Saved", "Syncing…", "Offline — changes will sync"), a character count in the reader's locale, and
 *   the list of people editing. Only going offline and coming back are announced, not every keystroke's sync.
 *
 * Its parts live beside it: the frame (`collaborative-editor-frame`), the carets (`collaborative-editor-carets`),
 * and the hooks `use-collaborative-text` and `use-remote-carets`.
 *
 * @example
 * <RealtimeProvider transport={websocketTransport({ url: "/realtime" })}>
 *   <CollaborativeEditor channel="doc:42" user={{ id: me.id, name: me.name }} initialText={doc.body} />
 * </RealtimeProvider>
 */
function CollaborativeEditor(props: CollaborativeEditorProps) {
  // The Yjs document draws a random client id (crypto) when it is created: that belongs in the browser, not in a
  // server render or a prerender (Next refuses random values there). The server and the hydration render show the
  // same frame with the initial text, read-only and "Connecting…"; the live editor replaces it once mounted.
  const mounted = React.useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false
  )
  return mounted ? (
    <LiveCollaborativeEditor {...props} />
  ) : (
    <StaticCollaborativeEditor {...props} />
  )
}

/** What the server renders: the editor's frame with the initial text, before the document exists. */
function StaticCollaborativeEditor({
  channel: _channel,
  user: _user,
  initialText = "",
  label = "Shared document",
  placeholder,
  locale,
  labels: labelOverrides,
  textareaClassName,
  ...props
}: CollaborativeEditorProps) {
  const labels = resolveLabels(labelOverrides)
  const resolvedLocale = useLocale(locale)
  const count = countCharacters(initialText, resolvedLocale)
  const id = React.useId()
  return (
    <CollaborativeEditorFrame
      status="connecting"
      labels={labels}
      people={null}
      count={count}
      formattedCount={new Intl.NumberFormat(resolvedLocale).format(count)}
      countId={`${id}-count`}
      announcement=""
      {...props}
    >
      <Textarea
        data-slot="collaborative-editor-textarea"
        aria-label={label}
        aria-describedby={`${id}-count`}
        defaultValue={initialText}
        placeholder={placeholder}
        readOnly
        className={cn(TEXTAREA_CLASS, textareaClassName)}
      />
    </CollaborativeEditorFrame>
  )
}

function LiveCollaborativeEditor({
  channel: channelName,
  user,
  initialText = "",
  label = "Shared document",
  placeholder,
  locale,
  labels: labelOverrides,
  textareaClassName,
  className,
  ...props
}: CollaborativeEditorProps) {
  const labels = resolveLabels(labelOverrides)
  const channel = useChannel(channelName)
  const { members } = usePresence<CollaborativeEditorPresence>(channel, {
    data: { id: user.id, name: user.name },
  })
  const connection = useConnectionState()
  const channelState = React.useSyncExternalStore(
    React.useCallback(
      (listener: () => void) => channel.subscribe(listener),
      [channel]
    ),
    () => channel.getSnapshot(),
    () => channel.getSnapshot()
  )
  const { doc, ytext, sync, text, textareaRef, textareaProps } =
    useCollaborativeText({ channel, channelName, initialText, userId: user.id })

  const others = React.useMemo(
    () => members.filter((member) => !isSelf(member, channel.userId, user.id)),
    [members, channel, user.id]
  )
  const you = members.find((member) => isSelf(member, channel.userId, user.id))
  const { marks, sendCaret } = useRemoteCarets({
    channel,
    doc,
    ytext,
    text,
    others,
    textareaRef,
  })

  const status = editorStatus(channelState, sync, connection.status)
  const announcement = useReconnectAnnouncement(status, labels)
  const resolvedLocale = useLocale(locale)
  const count = React.useMemo(
    () => countCharacters(text, resolvedLocale),
    [text, resolvedLocale]
  )
  const countId = `${React.useId()}-count`
  return (
    <CollaborativeEditorFrame
      status={status}
      labels={labels}
      people={
        <>
          {you && (
            <CollaborativeEditorPerson member={you} suffix={labels.you} />
          )}
          {others.map((member) => (
            <CollaborativeEditorPerson key={member.userId} member={member} />
          ))}
        </>
      }
      count={count}
      formattedCount={new Intl.NumberFormat(resolvedLocale).format(count)}
      countId={countId}
      announcement={announcement}
      className={className}
      {...props}
    >
      <Textarea
        {...textareaProps}
        data-slot="collaborative-editor-textarea"
        aria-label={label}
        aria-describedby={countId}
        placeholder={placeholder}
        spellCheck
        onFocus={() => sendCaret()}
        onBlur={() => sendCaret()}
        onScroll={(event) => scrollMirror(event.currentTarget)}
        className={cn(TEXTAREA_CLASS, textareaClassName)}
      />
      <CollaborativeEditorCarets
        textareaRef={textareaRef}
        text={text}
        marks={marks}
      />
    </CollaborativeEditorFrame>
  )
}

/** Saved once subscribed, synced and sent; syncing before; connecting while the connection comes up; else offline. */
function editorStatus(
  channelState: { subscribed: boolean; pending: number },
  sync: { synced: boolean; unsent: boolean },
  connection: ConnectionStatus
): CollaborativeEditorStatus {
  if (channelState.subscribed)
    return !sync.synced || sync.unsent || channelState.pending > 0
      ? "syncing"
      : "saved"
  return connection === "idle" ||
    connection === "connecting" ||
    connection === "open"
    ? "connecting"
    : "offline"
}

/** Announces going offline and coming back, not the syncing/saved flicker of every keystroke. */
function useReconnectAnnouncement(
  status: CollaborativeEditorStatus,
  labels: CollaborativeEditorLabels
): string {
  const [announcement, setAnnouncement] = React.useState("")
  const wasOffline = React.useRef(false)
  React.useEffect(() => {
    if (status === "offline") {
      wasOffline.current = true
      setAnnouncement(labels.status.offline)
    } else if (status === "saved" && wasOffline.current) {
      wasOffline.current = false
      setAnnouncement(labels.status.saved)
    }
  }, [status, labels.status.offline, labels.status.saved])
  return announcement
}

export { CollaborativeEditor }
export type {
  CollaborativeEditorProps,
  CollaborativeEditorUser,
  CollaborativeEditorPresence,
  CollaborativeEditorStatus,
  CollaborativeEditorLabels,
}
