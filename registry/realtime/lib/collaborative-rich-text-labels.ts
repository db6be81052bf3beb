import type { PresenceMember } from "@realtime-kit/react"

/** You, to the others: `id` picks your colour, `name` labels your caret. */
export interface CollaborativeRichTextUser {
  id: string
  name: string
}

/** What each editor puts in the channel's presence set. */
export interface CollaborativeRichTextPresence {
  id: string
  name: string
}

/** What the status line shows. */
export type CollaborativeRichTextStatus =
  "connecting" | "syncing" | "saved" | "offline" | "offline-unsent"

/** The formatting the toolbar offers, in its order. */
export type CollaborativeRichTextFormat =
  | "bold"
  | "italic"
  | "strike"
  | "code"
  | "heading"
  | "bulletList"
  | "orderedList"
  | "blockquote"

/** Every text the editor shows or announces. Override any of them to translate. */
export interface CollaborativeRichTextLabels {
  status: Record<CollaborativeRichTextStatus, string>
  /** The toolbar buttons' accessible names (their shortcuts are added as `aria-keyshortcuts`). */
  formats: Record<CollaborativeRichTextFormat, string>
  undo: string
  redo: string
  /** "1,234 words" — `formatted` is the count in the reader's locale. */
  words: (count: number, formatted: string) => string
  /** The toolbar's accessible name. */
  toolbar: string
  /** The accessible name of the list of people editing. */
  people: string
  /** Appended to your own name in that list. */
  you: string
}

export const defaultCollaborativeRichTextLabels: CollaborativeRichTextLabels = {
  status: {
    connecting: "Connecting…",
    syncing: "Syncing…",
    saved: "Saved",
    offline: "Offline",
    "offline-unsent": "Offline — changes will sync",
  },
  formats: {
    bold: "Bold",
    italic: "Italic",
    strike: "Strikethrough",
    code: "Code",
    heading: "Heading",
    bulletList: "Bulleted list",
    orderedList: "Numbered list",
    blockquote: "Quote",
  },
  undo: "Undo",
  redo: "Redo",
  words: (count, formatted) => `${formatted} ${count === 1 ? "word" : "words"}`,
  toolbar: "Formatting",
  people: "People editing",
  you: "(you)",
}

/** The Y.XmlFragment every editor of the document edits (Tiptap's Collaboration default). */
export const RICH_TEXT_FIELD = "default"

/** You, however the server knows you: by user id, or (anonymous) by the id in your presence data. */
export function isSelfMember(
  member: PresenceMember<CollaborativeRichTextPresence>,
  selfUserId: string | null,
  selfId: string
): boolean {
  return (
    (selfUserId !== null && member.userId === selfUserId) ||
    member.data?.id === selfId
  )
}

/** Your app's user id for a member (picks their colour). */
export function memberId(
  member: PresenceMember<CollaborativeRichTextPresence>
): string {
  return typeof member.data?.id === "string" ? member.data.id : member.userId
}

export function memberName(
  member: PresenceMember<CollaborativeRichTextPresence>
): string {
  const name = member.data?.name
  return typeof name === "string" && name.trim() !== "" ? name : member.userId
}
