import type { DecorationAttrs } from "@tiptap/pm/view"

/** What each editor puts in its awareness `user` field (Tiptap's CollaborationCaret sends it). */
export interface CollaborativeRichTextCaretUser {
  id: string
  name: string
  /** The solid colour of `userColor(id)`: caret and name tag. */
  color: string
  /** Its translucent tint: the selection. */
  tint: string
}

const asString = (value: unknown, fallback: string) =>
  typeof value === "string" && value !== "" ? value : fallback

/**
 * Another person's caret: a thin bar in their colour with their name above it. Decorative (`aria-hidden`): the
 * list of people editing says who is here, and a screen reader must not read names into the text.
 */
export function renderRemoteCaret(user: Record<string, unknown>): HTMLElement {
  const color = asString(user.color, "currentColor")
  const caret = document.createElement("span")
  caret.dataset.slot = "collaborative-rich-text-caret"
  caret.setAttribute("aria-hidden", "true")
  caret.className =
    "pointer-events-none relative -mx-px border-x break-normal select-none"
  caret.style.borderColor = color
  const label = document.createElement("span")
  label.dataset.slot = "collaborative-rich-text-caret-label"
  label.className =
    "absolute bottom-full -left-px rounded-sm rounded-bl-none px-1 py-px text-[0.6875rem] leading-tight font-semibold whitespace-nowrap text-white not-italic"
  label.style.backgroundColor = color
  label.textContent = asString(user.name, "?")
  caret.append(label)
  return caret
}

/** Another person's selection: their tint behind the text. */
export function renderRemoteSelection(
  user: Record<string, unknown>
): DecorationAttrs {
  return {
    nodeName: "span",
    class: "collaborative-rich-text-selection",
    "data-slot": "collaborative-rich-text-selection",
    style: `background-color: ${asString(user.tint, "transparent")}`,
  }
}
