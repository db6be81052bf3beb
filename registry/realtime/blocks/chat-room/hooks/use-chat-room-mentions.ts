"use client"

import * as React from "react"

/** Someone the `@` autocomplete offers. */
export interface ChatMentionCandidate {
  id: string
  name: string
  avatarUrl?: string
}

/** The most suggestions shown at once. */
const MAX_SUGGESTIONS = 8
/** An `@` at the start or after a space, then what has been typed since (names have spaces: "Ada Lo"). */
const QUERY = /(?:^|\s)@([^@\n]{0,40})$/

/** `@Name` of each chosen person still in `text`: their ids, once each. */
export function mentionedIds(
  text: string,
  chosen: ReadonlyMap<string, string>
): string[] {
  return [...chosen].flatMap(([id, name]) =>
    text.includes(`@${name}`) ? [id] : []
  )
}

/**
 * The composer's `@` autocomplete: while the text before the caret ends in `@` and the start of a name, the people
 * whose name starts with it (or has a word that does) are offered; ↑/↓ move, Enter or Tab insert `@Name `, Escape
 * closes. Chosen people are remembered by id, so the message can say whom it mentions.
 */
export function useChatRoomMentions({
  text,
  setText,
  textareaRef,
  candidates,
  initiallyChosen,
}: {
  text: string
  setText: (text: string) => void
  textareaRef: React.RefObject<HTMLTextAreaElement | null>
  candidates: readonly ChatMentionCandidate[]
  /** People already mentioned (id → name), e.g. in a message being edited. */
  initiallyChosen?: ReadonlyMap<string, string>
}) {
  const [caret, setCaret] = React.useState(0)
  const [activeIndex, setActiveIndex] = React.useState(0)
  /** Where the `@` of a query closed with Escape is: it stays closed until another `@` is typed. */
  const [dismissedAt, setDismissedAt] = React.useState<number | undefined>()
  const [chosen, setChosen] = React.useState<ReadonlyMap<string, string>>(
    () => new Map(initiallyChosen)
  )
  /** Where the caret goes after an insertion (applied once the new text is rendered). */
  const nextCaret = React.useRef<number | undefined>(undefined)

  const match = QUERY.exec(text.slice(0, caret))
  const query = match?.[1] ?? ""
  const start = match ? caret - query.length - 1 : -1
  const searching = match !== null
  const options = React.useMemo(() => {
    if (!searching) return []
    const wanted = query.toLocaleLowerCase()
    return candidates
      .filter((candidate) => {
        const name = candidate.name.toLocaleLowerCase()
        return (
          name.startsWith(wanted) ||
          name.split(/\s+/).some((word) => word.startsWith(wanted))
        )
      })
      .slice(0, MAX_SUGGESTIONS)
  }, [candidates, query, searching])
  const open = options.length > 0 && start !== dismissedAt
  const active = Math.min(activeIndex, Math.max(0, options.length - 1))

  React.useLayoutEffect(() => {
    const element = textareaRef.current
    if (nextCaret.current === undefined || !element) return
    element.setSelectionRange(nextCaret.current, nextCaret.current)
    setCaret(nextCaret.current)
    nextCaret.current = undefined
  }, [text, textareaRef])

  const choose = (candidate: ChatMentionCandidate) => {
    const inserted = `@${candidate.name} `
    const next = text.slice(0, start) + inserted + text.slice(caret)
    nextCaret.current = start + inserted.length
    setChosen((current) => new Map(current).set(candidate.id, candidate.name))
    setActiveIndex(0)
    setText(next)
    textareaRef.current?.focus()
  }

  /** Handles the autocomplete's keys while it is open; true when the key was its. */
  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open || event.nativeEvent.isComposing) return false
    switch (event.key) {
      case "ArrowDown":
        setActiveIndex((active + 1) % options.length)
        break
      case "ArrowUp":
        setActiveIndex((active - 1 + options.length) % options.length)
        break
      case "Enter":
      case "Tab":
        if (event.shiftKey) return false
        choose(options[active]!)
        break
      case "Escape":
        setDismissedAt(start)
        break
      default:
        return false
    }
    event.preventDefault()
    event.stopPropagation()
    return true
  }

  /** Follows the caret (typing, clicks, arrow keys): the query is what is before it. */
  const onCaretMove = (element: HTMLTextAreaElement) => {
    setCaret(element.selectionStart ?? element.value.length)
    setActiveIndex(0)
  }

  return {
    open,
    options,
    active,
    choose,
    onKeyDown,
    onCaretMove,
    /** The ids of the people mentioned in `text`. */
    mentions: () => mentionedIds(text, chosen),
    /** After a send: nobody is chosen any more. */
    reset: () => {
      setChosen(new Map())
      setDismissedAt(undefined)
    },
  }
}

export type ChatRoomMentions = ReturnType<typeof useChatRoomMentions>
