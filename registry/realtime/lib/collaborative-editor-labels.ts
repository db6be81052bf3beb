import type { PresenceMember } from "@realtime-kit/react"

/** You, to the others: `id` picks your colour, `name` labels your caret. */
export interface CollaborativeEditorUser {
  id: string
  name: string
}

/** What each editor puts in the channel's presence set. */
export interface CollaborativeEditorPresence {
  id: string
  name: string
}

/** What the status shows. */
export type CollaborativeEditorStatus =
  "connecting" | "syncing" | "saved" | "offline"

/** Every text the editor shows or announces. Override any of them to translate. */
export interface CollaborativeEditorLabels {
  status: Record<CollaborativeEditorStatus, string>
  /** "1,234 characters" — `formatted` is the count in the reader's locale. */
  characters: (count: number, formatted: string) => string
  /** The accessible name of the list of people editing. */
  people: string
  /** Appended to your own name in that list. */
  you: string
}

export const defaultCollaborativeEditorLabels: CollaborativeEditorLabels = {
  status: {
    connecting: "Connecting…",
    syncing: "Syncing…",
    saved: "Saved",
    offline: "Offline — changes will sync",
  },
  characters: (count, formatted) =>
    `${formatted} ${count === 1 ? "character" : "characters"}`,
  people: "People editing",
  you: "(you)",
}

/** The Y.Text every editor of the document edits. */
export const TEXT_FIELD = "text"
/** The signal carrying a member's caret and selection. */
export const CARET_SIGNAL = "yjs-caret"

/** You, however the server knows you: by user id, or (anonymous) by the id in your presence data. */
export function isSelf(
  member: PresenceMember<CollaborativeEditorPresence>,
  selfUserId: string | null,
  selfId: string
): boolean {
  return (
    (selfUserId !== null && member.userId === selfUserId) ||
    member.data?.id === selfId
  )
}

/** Your app's user id for a member (picks their colour). */
export function idOf(
  member: PresenceMember<CollaborativeEditorPresence>
): string {
  return typeof member.data?.id === "string" ? member.data.id : member.userId
}

export function nameOf(
  member: PresenceMember<CollaborativeEditorPresence>
): string {
  const name = member.data?.name
  return typeof name === "string" && name.trim() !== "" ? name : member.userId
}

/** Characters as a reader counts them: an emoji or an accented letter is one, however many code units. */
export function countCharacters(text: string, locale: string): number {
  if (text === "") return 0
  if (typeof Intl.Segmenter !== "function") return Array.from(text).length
  let count = 0
  for (const _ of new Intl.Segmenter(locale, {
    granularity: "grapheme",
  }).segment(text))
    count++
  return count
}
