"use client"

import * as React from "react"
import {
  decodeCaret,
  encodeCaret,
  resolvePosition,
  YJS_EVENTS,
} from "@realtime-kit/core/yjs"
import type {
  Channel,
  ChannelSignal,
  PresenceMember,
} from "@realtime-kit/react"
import type * as Y from "yjs"

import type { CaretMark } from "@/registry/realtime/components/collaborative-editor-carets"
import {
  CARET_SIGNAL,
  idOf,
  nameOf,
  type CollaborativeEditorPresence,
} from "@/registry/realtime/lib/collaborative-editor-labels"
import { userColor } from "@/registry/realtime/lib/user-color"

/** Carets at most 10 a second (with edits merged over 150 ms: together under our server's default 20 frames/s). */
const CARET_THROTTLE_MS = 100
/** How long a remote caret's name tag stays after it last moved. */
const NAME_TAG_MS = 4000

type RemoteCaret = {
  anchor: Y.RelativePosition
  head: Y.RelativePosition
  at: number
}

/**
 * Carets over a channel: yours, sent (throttled) as relative positions whenever it moves, on focus and blur, and to
 * each newcomer; the others', as marks to draw (selection, caret, a name tag while it moves). The carets of people
 * who left go with them.
 */
function useRemoteCarets({
  channel,
  doc,
  ytext,
  text,
  others,
  textareaRef,
}: {
  channel: Channel
  doc: Y.Doc
  ytext: Y.Text
  text: string
  /** Everyone editing but you. */
  others: readonly PresenceMember<CollaborativeEditorPresence>[]
  textareaRef: React.RefObject<HTMLTextAreaElement | null>
}) {
  const sendCaret = useSendCaret(channel, ytext, textareaRef)
  const [carets, setCarets] = React.useState<ReadonlyMap<string, RemoteCaret>>(
    () => new Map()
  )
  React.useEffect(
    () =>
      channel.onSignal(CARET_SIGNAL, (signal: ChannelSignal) => {
        const caret = decodeCaret(signal.data)
        setCarets((previous) => {
          if (!caret && !previous.has(signal.from)) return previous
          const next = new Map(previous)
          if (caret) next.set(signal.from, { ...caret, at: Date.now() })
          else next.delete(signal.from)
          return next
        })
      }),
    [channel]
  )

  React.useEffect(() => {
    const present = new Set(others.map((member) => member.userId))
    setCarets((previous) => {
      const gone = [...previous.keys()].filter((from) => !present.has(from))
      if (gone.length === 0) return previous
      const next = new Map(previous)
      for (const from of gone) next.delete(from)
      return next
    })
  }, [others])

  // A name tag shows while its caret moves, then fades (the caret stays): many tags would hide the text.
  const [now, setNow] = React.useState(() => Date.now())
  const newest = Math.max(0, ...[...carets.values()].map((caret) => caret.at))
  React.useEffect(() => {
    if (newest === 0) return
    const timer = setTimeout(
      () => setNow(Date.now()),
      Math.max(0, newest + NAME_TAG_MS - Date.now()) + 50
    )
    return () => clearTimeout(timer)
  }, [newest])

  const marks: CaretMark[] = []
  for (const member of others) {
    const caret = carets.get(member.userId)
    if (!caret) continue
    const anchor = resolvePosition(doc, ytext, caret.anchor)
    const head = resolvePosition(doc, ytext, caret.head)
    if (anchor === null || head === null) continue
    const color = userColor(idOf(member))
    marks.push({
      userId: member.userId,
      name: nameOf(member),
      solid: color.solid,
      tint: color.tint,
      start: Math.min(anchor, head),
      end: Math.max(anchor, head),
      head: Math.min(head, text.length),
      recent: Math.max(now, Date.now()) - caret.at < NAME_TAG_MS,
    })
  }
  return { marks, sendCaret }
}

/** Sends your caret (throttled; `force` even when it has not moved), on selection changes and to newcomers. */
function useSendCaret(
  channel: Channel,
  ytext: Y.Text,
  textareaRef: React.RefObject<HTMLTextAreaElement | null>
) {
  const caretState = React.useRef({ timer: 0, lastSentAt: 0, lastSent: "" })
  const sendCaret = React.useCallback(
    (force = false) => {
      const textarea = textareaRef.current
      if (!textarea) return
      const state = caretState.current
      if (state.timer !== 0) return
      const wait = Math.max(
        0,
        state.lastSentAt + CARET_THROTTLE_MS - Date.now()
      )
      state.timer = window.setTimeout(() => {
        state.timer = 0
        const focused = textarea.ownerDocument.activeElement === textarea
        const backwards = textarea.selectionDirection === "backward"
        const data = focused
          ? encodeCaret(
              ytext,
              backwards ? textarea.selectionEnd : textarea.selectionStart,
              backwards ? textarea.selectionStart : textarea.selectionEnd
            )
          : null
        const key = JSON.stringify(data)
        if (!force && key === state.lastSent) return
        if (channel.signal(CARET_SIGNAL, data)) {
          state.lastSent = key
          state.lastSentAt = Date.now()
        }
      }, wait)
    },
    [channel, ytext, textareaRef]
  )

  React.useEffect(() => {
    const onSelectionChange = () => {
      if (document.activeElement === textareaRef.current) sendCaret()
    }
    document.addEventListener("selectionchange", onSelectionChange)
    // A newcomer asks for the document: tell them where you are too.
    const offRequest = channel.onSignal(YJS_EVENTS.syncRequest, () =>
      sendCaret(true)
    )
    const state = caretState.current
    return () => {
      document.removeEventListener("selectionchange", onSelectionChange)
      offRequest()
      clearTimeout(state.timer)
      state.timer = 0
    }
  }, [channel, sendCaret, textareaRef])

  return sendCaret
}

export { useRemoteCarets }
