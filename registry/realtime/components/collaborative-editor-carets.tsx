"use client"

import * as React from "react"

interface CaretMark {
  userId: string
  name: string
  solid: string
  tint: string
  /** Selection start and end (equal for a bare caret), and where the caret itself is. */
  start: number
  end: number
  head: number
  /** It moved in the last few seconds: its name tag shows. */
  recent: boolean
}

/** The styles a mirror must share with the textarea for its text to wrap onto the very same lines. */
const MIRRORED_STYLES = [
  "fontFamily",
  "fontSize",
  "fontWeight",
  "fontStyle",
  "fontStretch",
  "fontFeatureSettings",
  "fontVariantLigatures",
  "lineHeight",
  "letterSpacing",
  "wordSpacing",
  "tabSize",
  "textIndent",
  "textTransform",
  "textAlign",
  "direction",
  "whiteSpace",
  "overflowWrap",
  "wordBreak",
  "paddingTop",
  "paddingRight",
  "paddingBottom",
  "paddingLeft",
] as const

/** Keeps the mirror of the text scrolled with the textarea, and the name tags on screen. */
function scrollMirror(textarea: HTMLTextAreaElement) {
  const mirror = textarea.parentElement?.querySelector<HTMLElement>(
    '[data-slot="collaborative-editor-mirror"]'
  )
  if (mirror)
    mirror.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`
  flipFlags(textarea)
}

/** A name tag that would be cut off above the visible area goes below its caret instead. */
function flipFlags(textarea: HTMLTextAreaElement) {
  const layer = textarea.parentElement
  if (!layer) return
  for (const caret of layer.querySelectorAll<HTMLElement>(
    '[data-slot="collaborative-editor-caret"]'
  )) {
    const top = caret.offsetTop - textarea.scrollTop
    caret.dataset.flip = top < 18 ? "below" : "above"
  }
}

/**
 * The others' selections and carets, drawn on an invisible copy of the text laid out exactly like the textarea's
 * (same box, font and wrapping; scrolled with it), so each mark sits on its characters. Decorative: screen
 * readers get the people list instead.
 */
function CollaborativeEditorCarets({
  textareaRef,
  text,
  marks,
}: {
  textareaRef: React.RefObject<HTMLTextAreaElement | null>
  text: string
  marks: readonly CaretMark[]
}) {
  const clipRef = React.useRef<HTMLDivElement>(null)
  const mirrorRef = React.useRef<HTMLDivElement>(null)

  React.useLayoutEffect(() => {
    const textarea = textareaRef.current
    const clip = clipRef.current
    const mirror = mirrorRef.current
    if (!textarea || !clip || !mirror) return
    const measure = () => {
      const style = getComputedStyle(textarea)
      for (const property of MIRRORED_STYLES)
        mirror.style[property] = style[property]
      // The clip box is the textarea's padding box (inside its border, without its scrollbar).
      clip.style.left = `${textarea.clientLeft}px`
      clip.style.top = `${textarea.clientTop}px`
      clip.style.width = `${textarea.clientWidth}px`
      clip.style.height = `${textarea.clientHeight}px`
      mirror.style.width = `${textarea.clientWidth}px`
      scrollMirror(textarea)
    }
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(textarea)
    return () => observer.disconnect()
  }, [textareaRef])

  React.useLayoutEffect(() => {
    const textarea = textareaRef.current
    if (textarea) scrollMirror(textarea)
  })

  return (
    <div
      ref={clipRef}
      aria-hidden="true"
      data-slot="collaborative-editor-carets"
      className="pointer-events-none absolute top-0 left-0 overflow-hidden select-none"
    >
      <div
        ref={mirrorRef}
        data-slot="collaborative-editor-mirror"
        className="relative box-border text-transparent"
      >
        {renderMarks(text, marks)}
        {/* A textarea shows an empty last line after a final newline; so must the mirror. */}
        {"\u200b"}
      </div>
    </div>
  )
}

function renderMarks(
  text: string,
  marks: readonly CaretMark[]
): React.ReactNode[] {
  const points = new Set<number>([0, text.length])
  for (const mark of marks) {
    points.add(mark.start)
    points.add(mark.end)
    points.add(mark.head)
  }
  const sorted = [...points]
    .filter((point) => point >= 0 && point <= text.length)
    .sort((a, b) => a - b)
  const nodes: React.ReactNode[] = []
  for (let index = 0; index < sorted.length; index++) {
    const from = sorted[index]!
    for (const mark of marks) {
      if (mark.head === from)
        nodes.push(<RemoteCaret key={`caret-${mark.userId}`} mark={mark} />)
    }
    const to = sorted[index + 1]
    if (to === undefined || to === from) continue
    const covering = marks.find(
      (mark) => mark.start <= from && to <= mark.end && mark.start < mark.end
    )
    const slice = text.slice(from, to)
    nodes.push(
      covering ? (
        <span
          key={`text-${from}`}
          data-slot="collaborative-editor-selection"
          data-user-id={covering.userId}
          style={{ backgroundColor: covering.tint }}
        >
          {slice}
        </span>
      ) : (
        slice
      )
    )
  }
  return nodes
}

function RemoteCaret({ mark }: { mark: CaretMark }) {
  // A plain inline span (not inline-block): it must not add a line-break opportunity the textarea does not have.
  return (
    <span
      data-slot="collaborative-editor-caret"
      data-user-id={mark.userId}
      data-recent={mark.recent}
      data-flip="above"
      className="group/caret relative"
    >
      <span
        className="absolute inset-y-0 -start-px w-0.5 rounded-full"
        style={{ backgroundColor: mark.solid }}
      />
      <span
        data-slot="collaborative-editor-caret-name"
        className="absolute -start-px max-w-32 truncate rounded-sm px-1 text-[10px] leading-4 font-medium whitespace-nowrap text-white transition-opacity duration-300 group-data-[flip=above]/caret:bottom-full group-data-[flip=below]/caret:top-full group-data-[recent=false]/caret:opacity-0"
        style={{ backgroundColor: mark.solid }}
      >
        {mark.name}
      </span>
    </span>
  )
}

export { CollaborativeEditorCarets, scrollMirror }
export type { CaretMark }
