"use client"

import * as React from "react"

/** Text that ends a sentence: terminal punctuation (and closing quotes), then whitespace. */
const SENTENCE_END = /[.!?…。！？؟।]['"”’»)\]]*\s+$/u
/** Past this many characters without a sentence end (code, a list), announce up to the last space anyway. */
const MAX_CHUNK = 280

/**
 * How much of `pending` (text not yet announced) is whole sentences: the length to announce now. With `final`, all of it.
 */
function completeLength(
  pending: string,
  segmenter: Intl.Segmenter | null,
  final: boolean
): number {
  if (final) return pending.length
  let complete = 0
  if (segmenter) {
    const segments = [...segmenter.segment(pending)]
    const last = segments.at(-1)
    if (last)
      complete = SENTENCE_END.test(last.segment) ? pending.length : last.index
  } else {
    const match = /^[\s\S]*[.!?…。！？؟।]['"”’»)\]]*\s+/u.exec(pending)
    complete = match ? match[0].length : 0
  }
  if (complete === 0 && pending.length > MAX_CHUNK) {
    const space = pending.lastIndexOf(" ")
    complete = space > 0 ? space + 1 : pending.length
  }
  return complete
}

/**
 * Whole sentences of `text` for a polite live region, as they complete (all of it once the stream is over): the last
 * few are kept, since additions are what is read. A fresh run (shorter text) starts over.
 */
export function useSentenceAnnouncements(
  text: string,
  busy: boolean,
  locale: string
) {
  const segmenter = React.useMemo(
    () =>
      typeof Intl.Segmenter === "function"
        ? new Intl.Segmenter(locale, { granularity: "sentence" })
        : null,
    [locale]
  )
  const [announced, setAnnounced] = React.useState<{
    upTo: number
    chunks: { key: number; text: string }[]
  }>({
    upTo: 0,
    chunks: [],
  })
  React.useEffect(() => {
    setAnnounced((current) => {
      const base =
        text.length < current.upTo ? { upTo: 0, chunks: [] } : current
      const pending = text.slice(base.upTo)
      const length =
        pending.trim() === "" ? 0 : completeLength(pending, segmenter, !busy)
      if (length === 0) return base
      const chunk = pending.slice(0, length).trim()
      const key = (base.chunks.at(-1)?.key ?? 0) + 1
      return {
        upTo: base.upTo + length,
        chunks: [...base.chunks.slice(-2), { key, text: chunk }],
      }
    })
  }, [text, busy, segmenter])
  return announced.chunks
}
