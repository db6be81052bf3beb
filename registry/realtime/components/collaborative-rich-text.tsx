"use client"

import * as React from "react"
import { REMOTE_ORIGIN } from "@realtime-kit/core/yjs"
import {
  useChannel,
  useConnectionState,
  usePresence,
  type ConnectionStatus,
  type PresenceMember,
} from "@realtime-kit/react"
import { generateJSON, getSchema, type JSONContent } from "@tiptap/core"
import Collaboration from "@tiptap/extension-collaboration"
import CollaborationCaret from "@tiptap/extension-collaboration-caret"
import { Placeholder } from "@tiptap/extensions"
import { EditorContent, useEditor, type Editor } from "@tiptap/react"
import StarterKit from "@tiptap/starter-kit"
import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap"
import { Check, CloudOff, LoaderCircle } from "lucide-react"
import * as Y from "yjs"

import { CollaborativeRichTextToolbar } from "@/registry/realtime/components/collaborative-rich-text-toolbar"
import {
  useCollaborativeRichText,
  type CollaborativeRichTextSession,
} from "@/registry/realtime/hooks/use-collaborative-rich-text"
import { useLocale } from "@/registry/realtime/hooks/use-locale"
import {
  oklchToHex,
  renderRemoteCaret,
  renderRemoteSelection,
  type CollaborativeRichTextCaretUser,
} from "@/registry/realtime/lib/collaborative-rich-text-carets"
import {
  defaultCollaborativeRichTextLabels,
  isSelfMember,
  memberId,
  memberName,
  RICH_TEXT_FIELD,
  type CollaborativeRichTextLabels,
  type CollaborativeRichTextPresence,
  type CollaborativeRichTextStatus,
  type CollaborativeRichTextUser,
} from "@/registry/realtime/lib/collaborative-rich-text-labels"
import { statusColors } from "@/registry/realtime/lib/status-colors"
import { userColor } from "@/registry/realtime/lib/user-color"
import { cn } from "@/registry/realtime/lib/utils"

interface CollaborativeRichTextProps extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  /** The channel the document lives on (on the nearest `RealtimeProvider`'s client). One document per channel. */
  channel: string
  /** You: your id (colour) and name (shown at your caret to the others). */
  user: CollaborativeRichTextUser
  /**
   * What a new document starts with (HTML or Tiptap JSON), e.g. what your database stored. Read once. Every client
   * must pass the same content: it is seeded so that two clients seeding it at once still end up with one copy.
   */
  initialContent?: string | JSONContent
  /** The editor's accessible name. Default "Shared document". */
  label?: string
  placeholder?: string
  /** Show the document and the others' carets, but do not let this user edit. */
  readOnly?: boolean
  /** Locale for the word count. Default: the browser's. */
  locale?: string
  /** Replace any text, e.g. to translate. */
  labels?: Partial<
    Omit<CollaborativeRichTextLabels, "status" | "formats" | "words">
  > & {
    status?: Partial<CollaborativeRichTextLabels["status"]>
    formats?: Partial<CollaborativeRichTextLabels["formats"]>
    words?: CollaborativeRichTextLabels["words"]
  }
  /** Classes for the editable area (height, typography). */
  editorClassName?: string
}

/** The status icon in the shared connection colours; syncing (every keystroke) stays uncoloured. */
const statusIconColor: Record<CollaborativeRichTextStatus, string> = {
  connecting: statusColors.connecting.icon,
  syncing: "",
  saved: statusColors.open.icon,
  offline: statusColors.offline.icon,
  "offline-unsent": statusColors.offline.icon,
}

/**
 * Fixed height (it scrolls): nothing moves when the document arrives. The top padding leaves room for the name tag
 * of a caret on the first line. Typography for what the toolbar makes, without a typography plugin.
 */
const EDITOR_CLASS = cn(
  "h-64 overflow-y-auto px-3 pt-5 pb-3 text-sm leading-6 outline-none",
  "[&_blockquote]:my-2 [&_blockquote]:border-s-2 [&_blockquote]:ps-3 [&_blockquote]:text-muted-foreground",
  "[&_code]:rounded-sm [&_code]:bg-muted [&_code]:px-1 [&_code]:font-mono [&_code]:text-[0.85em]",
  "[&_h2]:mt-3 [&_h2]:mb-1 [&_h2]:text-lg [&_h2]:leading-7 [&_h2]:font-semibold [&_h2:first-child]:mt-0",
  "[&_ol]:my-1 [&_ol]:list-decimal [&_ol]:ps-6 [&_p]:my-1 [&_ul]:my-1 [&_ul]:list-disc [&_ul]:ps-6",
  "[&_pre]:my-2 [&_pre]:rounded-md [&_pre]:bg-muted [&_pre]:p-3",
  "[&_p.is-editor-empty:first-child]:before:pointer-events-none [&_p.is-editor-empty:first-child]:before:float-left [&_p.is-editor-empty:first-child]:before:h-0 [&_p.is-editor-empty:first-child]:before:text-muted-foreground [&_p.is-editor-empty:first-child]:before:content-[attr(data-placeholder)]"
)

function resolveLabels(
  overrides: CollaborativeRichTextProps["labels"]
): CollaborativeRichTextLabels {
  const defaults = defaultCollaborativeRichTextLabels
  return {
    ...defaults,
    ...overrides,
    status: { ...defaults.status, ...overrides?.status },
    formats: { ...defaults.formats, ...overrides?.formats },
  }
}

/** Writes `content` into a new doc as client 0, so identical seeds from several clients merge into one copy. */
function seedRichText(doc: Y.Doc, content: string | JSONContent) {
  const extensions = [StarterKit]
  const json =
    typeof content === "string" ? generateJSON(content, extensions) : content
  const seed = new Y.Doc({ gc: false })
  seed.clientID = 0
  prosemirrorJSONToYXmlFragment(
    getSchema(extensions),
    json,
    seed.getXmlFragment(RICH_TEXT_FIELD)
  )
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed), REMOTE_ORIGIN)
  seed.destroy()
}

/**
 * A rich-text document many people edit at once: Tiptap bound to a Yjs document carried by the channel API.
 *
 * - Yjs (a CRDT) merges edits: concurrent typing converges, and edits made offline are kept and merged on
 *   reconnect. The protocol (`bindYjsToChannel` in `@realtime-kit/core/yjs`, `bindAwarenessToChannel` in `@realtime-kit/core/yjs-awareness`) is
 *   stored `yjs-update` messages, a sync handshake for newcomers, and `yjs-awareness` signals for carets.
 * - A formatting toolbar (bold, italic, strikethrough, code, heading, lists, quote, undo/redo) on shadcn's button,
 *   with Tiptap's keyboard shortcuts; undo only takes back your own edits.
 * - Each other person's caret and selection show in their colour with their name.
 * - A status ("Saved", "Syncing…", "Offline — changes will sync"), the people editing, a word count in the reader's
 *   locale. Only going offline and coming back are announced.
 *
 * @example
 * <RealtimeProvider transport={websocketTransport({ url: "/realtime" })}>
 *   <CollaborativeRichText channel="doc:42" user={{ id: me.id, name: me.name }} initialContent={doc.html} />
 * </RealtimeProvider>
 */
function CollaborativeRichText({
  channel: channelName,
  user,
  initialContent,
  label = "Shared document",
  placeholder,
  readOnly = false,
  locale,
  labels: labelOverrides,
  editorClassName,
  className,
  ...props
}: CollaborativeRichTextProps) {
  const labels = resolveLabels(labelOverrides)
  const channel = useChannel(channelName)
  const { members } = usePresence<CollaborativeRichTextPresence>(channel, {
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
  const initialContentRef = React.useRef(initialContent)
  const seed = React.useCallback((doc: Y.Doc) => {
    if (initialContentRef.current) seedRichText(doc, initialContentRef.current)
  }, [])
  const { session, sync } = useCollaborativeRichText({
    channel,
    userId: user.id,
    seed,
  })
  const [editor, setEditor] = React.useState<Editor | null>(null)

  const status = editorStatus(channelState, sync, connection.status)
  const announcement = useReconnectAnnouncement(status, labels)
  const [words, setWords] = React.useState(0)
  const resolvedLocale = useLocale(locale)
  const countId = `${React.useId()}-count`
  // One entry per person: an anonymous member who reconnected is listed under a new connection id for a while.
  const others = members.filter(
    (member, index) =>
      !isSelfMember(member, channel.userId, user.id) &&
      members.findIndex((other) => memberId(other) === memberId(member)) ===
        index
  )
  const you = members.find((member) =>
    isSelfMember(member, channel.userId, user.id)
  )
  return (
    <div
      data-slot="collaborative-rich-text"
      data-state={status}
      className={cn("flex flex-col gap-2", className)}
      {...props}
    >
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <ul
          aria-label={labels.people}
          data-slot="collaborative-rich-text-people"
          className="flex min-h-6 min-w-0 flex-wrap items-center gap-1.5"
        >
          {you && <Person member={you} suffix={labels.you} />}
          {others.map((member) => (
            <Person key={member.userId} member={member} />
          ))}
        </ul>
        <StatusLine status={status} labels={labels} />
      </div>
      <div
        data-slot="collaborative-rich-text-surface"
        className="rounded-md border border-input bg-transparent shadow-xs transition-[color,box-shadow] focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/50 motion-reduce:transition-none dark:bg-input/30"
      >
        <CollaborativeRichTextToolbar
          editor={readOnly ? null : editor}
          labels={labels}
        />
        {session ? (
          <LiveEditor
            key={session.doc.guid}
            session={session}
            user={user}
            label={label}
            placeholder={placeholder}
            readOnly={readOnly}
            describedBy={countId}
            className={cn(EDITOR_CLASS, editorClassName)}
            onEditor={setEditor}
            onWords={(text) => setWords(countWords(text, resolvedLocale))}
          />
        ) : (
          // Before the document exists (server render, first paint): the same box, so nothing shifts.
          <div
            role="textbox"
            aria-label={label}
            aria-readonly="true"
            aria-multiline="true"
            aria-describedby={countId}
            data-slot="collaborative-rich-text-editor"
            className={cn(EDITOR_CLASS, editorClassName)}
          />
        )}
      </div>
      <p
        id={countId}
        data-slot="collaborative-rich-text-count"
        className="text-xs text-muted-foreground tabular-nums"
      >
        {labels.words(
          words,
          new Intl.NumberFormat(resolvedLocale).format(words)
        )}
      </p>
      <span
        role="status"
        aria-live="polite"
        aria-atomic="true"
        className="sr-only"
        data-slot="collaborative-rich-text-announcer"
      >
        {announcement}
      </span>
    </div>
  )
}

/** The Tiptap editor on one document session; remounted (by key) when the session changes. */
function LiveEditor({
  session,
  user,
  label,
  placeholder,
  readOnly,
  describedBy,
  className,
  onEditor,
  onWords,
}: {
  session: CollaborativeRichTextSession
  user: CollaborativeRichTextUser
  label: string
  placeholder: string | undefined
  readOnly: boolean
  describedBy: string
  className: string
  onEditor: (editor: Editor | null) => void
  onWords: (text: string) => void
}) {
  const color = userColor(user.id)
  const caretUser: CollaborativeRichTextCaretUser = {
    id: user.id,
    name: user.name,
    color: oklchToHex(color.solid),
    tint: color.tint,
  }
  const onWordsRef = React.useRef(onWords)
  React.useEffect(() => {
    onWordsRef.current = onWords
  })
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable: !readOnly,
      extensions: [
        // Collaboration brings its own undo (only your edits): StarterKit's must be off. The trailing node too:
        // every client would append its own empty paragraph to a document ending in a list, one copy per client.
        StarterKit.configure({ undoRedo: false, trailingNode: false }),
        Placeholder.configure({ placeholder: placeholder ?? "" }),
        Collaboration.configure({
          document: session.doc,
          field: RICH_TEXT_FIELD,
        }),
        CollaborationCaret.configure({
          provider: session.provider,
          user: caretUser,
          render: renderRemoteCaret,
          selectionRender: renderRemoteSelection,
        }),
      ],
      editorProps: {
        attributes: {
          role: "textbox",
          "aria-multiline": "true",
          "aria-label": label,
          "aria-describedby": describedBy,
          ...(readOnly ? { "aria-readonly": "true" } : {}),
          "data-slot": "collaborative-rich-text-editor",
          spellcheck: "true",
          class: className,
        },
      },
      onCreate: ({ editor: created }) => onWordsRef.current(created.getText()),
      onUpdate: ({ editor: updated }) => onWordsRef.current(updated.getText()),
    },
    [session, readOnly, label, placeholder, user.id, user.name]
  )
  React.useEffect(() => {
    onEditor(editor)
    return () => onEditor(null)
  }, [editor, onEditor])
  return <EditorContent editor={editor} className="contents" />
}

/** Saved once subscribed, synced and sent; syncing before; connecting while the connection comes up; else offline. */
function editorStatus(
  channelState: { subscribed: boolean; pending: number },
  sync: { synced: boolean; unsent: boolean },
  connection: ConnectionStatus
): CollaborativeRichTextStatus {
  if (channelState.subscribed)
    return !sync.synced || sync.unsent || channelState.pending > 0
      ? "syncing"
      : "saved"
  if (
    connection === "idle" ||
    connection === "connecting" ||
    connection === "open"
  )
    return "connecting"
  return sync.unsent || channelState.pending > 0 ? "offline-unsent" : "offline"
}

/** Announces going offline and coming back, not the syncing/saved flicker of every keystroke. */
function useReconnectAnnouncement(
  status: CollaborativeRichTextStatus,
  labels: CollaborativeRichTextLabels
): string {
  const [announcement, setAnnouncement] = React.useState("")
  const wasOffline = React.useRef(false)
  const offlineLabel = labels.status.offline
  const savedLabel = labels.status.saved
  React.useEffect(() => {
    if (status === "offline" || status === "offline-unsent") {
      if (wasOffline.current) return
      wasOffline.current = true
      setAnnouncement(offlineLabel)
    } else if (status === "saved" && wasOffline.current) {
      wasOffline.current = false
      setAnnouncement(savedLabel)
    }
  }, [status, offlineLabel, savedLabel])
  return announcement
}

function StatusLine({
  status,
  labels,
}: {
  status: CollaborativeRichTextStatus
  labels: CollaborativeRichTextLabels
}) {
  const Icon =
    status === "saved"
      ? Check
      : status === "offline" || status === "offline-unsent"
        ? CloudOff
        : LoaderCircle
  return (
    <p
      data-slot="collaborative-rich-text-status"
      data-state={status}
      className={cn(
        "ms-auto inline-flex items-center gap-1.5 text-xs whitespace-nowrap",
        status.startsWith("offline")
          ? "text-foreground"
          : "text-muted-foreground"
      )}
    >
      <Icon
        aria-hidden="true"
        className={cn(
          "size-3.5 shrink-0",
          (status === "syncing" || status === "connecting") &&
            "motion-safe:animate-spin",
          statusIconColor[status]
        )}
      />
      {labels.status[status]}
    </p>
  )
}

/** One person in the "people editing" list: their colour (the one their caret has) and name. */
function Person({
  member,
  suffix,
}: {
  member: PresenceMember<CollaborativeRichTextPresence>
  suffix?: string
}) {
  return (
    <li
      data-slot="collaborative-rich-text-person"
      data-user-id={member.userId}
      className="inline-flex max-w-48 items-center gap-1.5 rounded-full border bg-background px-2 py-0.5 text-xs font-medium"
    >
      <span
        aria-hidden="true"
        className="size-2 shrink-0 rounded-full"
        style={{ backgroundColor: userColor(memberId(member)).solid }}
      />
      <span className="truncate">{memberName(member)}</span>
      {suffix && <span className="text-muted-foreground">{suffix}</span>}
    </li>
  )
}

/** Words as the reader's language splits them (Intl.Segmenter), not just at spaces. */
function countWords(text: string, locale: string): number {
  if (text.trim() === "") return 0
  if (typeof Intl.Segmenter !== "function")
    return text.trim().split(/\s+/).length
  let count = 0
  for (const segment of new Intl.Segmenter(locale, {
    granularity: "word",
  }).segment(text))
    if (segment.isWordLike) count++
  return count
}

export { CollaborativeRichText }
export type {
  CollaborativeRichTextProps,
  CollaborativeRichTextUser,
  CollaborativeRichTextPresence,
  CollaborativeRichTextStatus,
  CollaborativeRichTextLabels,
}
