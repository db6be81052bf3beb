"use client"

import * as React from "react"
import { bindYjsToChannel, type YjsChannelState } from "@realtime-kit/core/yjs"
import { bindAwarenessToChannel } from "@realtime-kit/core/yjs-awareness"
import type { Channel } from "@realtime-kit/react"
import { Awareness } from "y-protocols/awareness"
import * as Y from "yjs"

/** Edits are merged for this long before they are published. */
const FLUSH_MS = 150
/** Carets and selections go out at most this often while someone types or drags. */
const AWARENESS_THROTTLE_MS = 80
const NOT_BOUND: YjsChannelState = { synced: false, unsent: false }
const noopSubscribe = () => () => {}

/** A document session: what Tiptap's Collaboration and CollaborationCaret extensions are configured with. */
export interface CollaborativeRichTextSession {
  readonly doc: Y.Doc
  /** The provider shape Tiptap's caret extension reads (`provider.awareness`), as y-websocket's provider has it. */
  readonly provider: { readonly awareness: Awareness }
  readonly sync: {
    getSnapshot(): YjsChannelState
    subscribe(listener: () => void): () => void
  }
}

/**
 * A channel's rich-text document: a Y.Doc and its awareness (carets, names, colours), both kept in step with the
 * channel by `bindYjsToChannel` (@realtime-kit/core/yjs) and `bindAwarenessToChannel` (@realtime-kit/core/yjs-awareness). Null until mounted (the
 * Y.Doc draws a random client id: that belongs in the browser, not in a server render). `seed` fills a new document
 * (it must write the same content identically on every client, so two seeds merge into one copy).
 */
function useCollaborativeRichText({
  channel,
  userId,
  seed,
}: {
  channel: Channel
  userId: string
  seed?: (doc: Y.Doc) => void
}): { session: CollaborativeRichTextSession | null; sync: YjsChannelState } {
  const seedRef = React.useRef(seed)
  const [session, setSession] =
    React.useState<CollaborativeRichTextSession | null>(null)

  // Created in the effect, not in render: the awareness runs a timer, so it must be destroyed, and StrictMode's
  // second run then gets a fresh document (seeded the same way) instead of a destroyed one.
  React.useEffect(() => {
    const doc = new Y.Doc()
    seedRef.current?.(doc)
    const awareness = new Awareness(doc)
    const docBinding = bindYjsToChannel(doc, channel, {
      flushMs: FLUSH_MS,
      isSelf: (member) =>
        member.userId === channel.userId ||
        (member.data as { id?: unknown } | null)?.id === userId,
    })
    const awarenessBinding = bindAwarenessToChannel(awareness, channel, {
      throttleMs: AWARENESS_THROTTLE_MS,
    })
    setSession({ doc, provider: { awareness }, sync: docBinding })
    return () => {
      awarenessBinding.destroy()
      docBinding.destroy()
      // Destroying the doc destroys its awareness too (y-protocols listens for it).
      doc.destroy()
      setSession(null)
    }
  }, [channel, userId])

  const sync = React.useSyncExternalStore(
    session ? session.sync.subscribe : noopSubscribe,
    () => (session ? session.sync.getSnapshot() : NOT_BOUND),
    () => NOT_BOUND
  )
  return { session, sync }
}

export { useCollaborativeRichText }
