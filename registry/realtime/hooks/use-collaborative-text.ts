"use client"

import * as React from "react"
import {
  applyTextEdit,
  bindYjsToChannel,
  diffText,
  LOCAL_ORIGIN,
  seedText,
  transformIndex,
  type TextDelta,
  type YjsChannelBinding,
  type YjsChannelState,
} from "@realtime-kit/core/yjs"
import type { Channel } from "@realtime-kit/react"
import * as Y from "yjs"

import { TEXT_FIELD } from "@/registry/realtime/lib/collaborative-editor-labels"

/** Edits are merged for this long before they are published (with carets at 10 a second: under 20 frames/s). */
const FLUSH_MS = 150
const NOT_BOUND: YjsChannelState = { synced: false, unsent: false }
const noopSubscribe = () => () => {}

/**
 * A channel's shared text, bound to a textarea: a Y.Doc seeded with `initialText` and kept in step with the channel
 * (`bindYjsToChannel` from @realtime-kit/core/yjs); your input goes in as the smallest edit, others' edits come out
 * with your caret and selection kept in place (held while an input method composes), and undo/redo undo only yours.
 *
 * Spread `textareaProps` on the (uncontrolled) textarea.
 */
function useCollaborativeText({
  channel,
  channelName,
  initialText,
  userId,
}: {
  channel: Channel
  /** One document per channel name. */
  channelName: string
  initialText: string
  userId: string
}) {
  // One document per channel, seeded once (identically on every client, so seeds merge into one copy). It is
  // left to the garbage collector, not destroyed in an effect: StrictMode re-runs effects on the same doc.
  const initialTextRef = React.useRef(initialText)
  const doc = React.useMemo(() => {
    const created = new Y.Doc()
    seedText(created, TEXT_FIELD, initialTextRef.current)
    return created
    // Keyed by the channel name only: a new channel is a new document; the initial text is read once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [channelName])
  const ytext = doc.getText(TEXT_FIELD)
  const sync = useBinding(doc, channel, userId)

  const textareaRef = React.useRef<HTMLTextAreaElement>(null)
  /** The Y.Text content the textarea last showed: local input is diffed against it. */
  const shown = React.useRef(ytext.toString())
  const composing = React.useRef(false)
  /** Remote changes that arrived during an IME composition (applied when it ends). */
  const heldDeltas = React.useRef<TextDelta[]>([])
  const [text, setText] = React.useState(() => ytext.toString())

  const showRemote = React.useCallback(
    (delta: TextDelta | null) => {
      const textarea = textareaRef.current
      const next = ytext.toString()
      setText(next)
      shown.current = next
      if (!textarea || textarea.value === next) return
      const { selectionStart, selectionEnd, selectionDirection, scrollTop } =
        textarea
      textarea.value = next
      if (delta) {
        // Your caret and selection keep their place in the text, wherever the others typed.
        textarea.setSelectionRange(
          transformIndex(selectionStart, delta),
          transformIndex(selectionEnd, delta),
          selectionDirection
        )
      }
      textarea.scrollTop = scrollTop
    },
    [ytext]
  )

  React.useEffect(() => {
    const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (transaction.origin === LOCAL_ORIGIN) return
      const delta = event.delta as TextDelta
      if (composing.current) {
        heldDeltas.current.push(delta)
        return
      }
      showRemote(delta)
    }
    ytext.observe(observer)
    // Anything that arrived between the first render and now.
    showRemote(null)
    return () => ytext.unobserve(observer)
  }, [ytext, showRemote])

  const applyLocal = React.useCallback(() => {
    const textarea = textareaRef.current
    if (!textarea) return
    const edit = diffText(shown.current, textarea.value, textarea.selectionEnd)
    const held = heldDeltas.current
    heldDeltas.current = []
    if (held.length === 0) {
      applyTextEdit(ytext, edit)
      shown.current = textarea.value
      setText(textarea.value)
      return
    }
    // Remote edits came in during a composition: place the edit in the current text, then show it all.
    let start = edit.index
    let end = edit.index + edit.remove
    for (const delta of held) {
      start = transformIndex(start, delta)
      end = transformIndex(end, delta)
    }
    applyTextEdit(ytext, {
      index: start,
      remove: Math.max(0, end - start),
      insert: edit.insert,
    })
    const caret = start + edit.insert.length
    const next = ytext.toString()
    textarea.value = next
    shown.current = next
    textarea.setSelectionRange(caret, caret)
    setText(next)
  }, [ytext])

  const history = useOwnHistory(ytext)
  const textareaProps = {
    ref: textareaRef,
    defaultValue: text,
    onChange: (event: React.ChangeEvent<HTMLTextAreaElement>) => {
      if (composing.current || (event.nativeEvent as InputEvent).isComposing)
        return
      applyLocal()
    },
    onBeforeInput: history.onBeforeInput,
    onKeyDown: history.onKeyDown,
    onCompositionStart: () => {
      composing.current = true
    },
    onCompositionEnd: () => {
      composing.current = false
      applyLocal()
    },
  }
  return { doc, ytext, sync, text, textareaRef, textareaProps }
}

/** The doc bound to the channel while mounted, and the binding's state (`synced`, `unsent`). */
function useBinding(doc: Y.Doc, channel: Channel, userId: string) {
  const [binding, setBinding] = React.useState<YjsChannelBinding | null>(null)
  React.useEffect(() => {
    const created = bindYjsToChannel(doc, channel, {
      flushMs: FLUSH_MS,
      isSelf: (member) =>
        member.userId === channel.userId ||
        (member.data as { id?: unknown } | null)?.id === userId,
    })
    setBinding(created)
    return () => {
      created.destroy()
      setBinding(null)
    }
  }, [doc, channel, userId])
  return React.useSyncExternalStore(
    binding ? binding.subscribe : noopSubscribe,
    () => (binding ? binding.getSnapshot() : NOT_BOUND),
    () => NOT_BOUND
  )
}

/** Undo and redo only your own edits (the browser's own history is lost whenever remote text is set). */
function useOwnHistory(ytext: Y.Text) {
  const undoManager = React.useRef<Y.UndoManager | null>(null)
  React.useEffect(() => {
    const manager = new Y.UndoManager(ytext, {
      trackedOrigins: new Set([LOCAL_ORIGIN]),
    })
    undoManager.current = manager
    return () => {
      manager.destroy()
      if (undoManager.current === manager) undoManager.current = null
    }
  }, [ytext])

  const onBeforeInput = (event: React.FormEvent<HTMLTextAreaElement>) => {
    const inputType = (event.nativeEvent as InputEvent).inputType
    if (inputType !== "historyUndo" && inputType !== "historyRedo") return
    event.preventDefault()
    if (inputType === "historyUndo") undoManager.current?.undo()
    else undoManager.current?.redo()
  }

  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>) => {
    const mod = event.metaKey || event.ctrlKey
    if (!mod || event.altKey) return
    const key = event.key.toLowerCase()
    if (key === "z" && !event.shiftKey) {
      event.preventDefault()
      undoManager.current?.undo()
    } else if ((key === "z" && event.shiftKey) || key === "y") {
      event.preventDefault()
      undoManager.current?.redo()
    }
  }
  return { onBeforeInput, onKeyDown }
}

export { useCollaborativeText }
