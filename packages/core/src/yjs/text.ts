import * as Y from 'yjs';
import { LOCAL_ORIGIN, REMOTE_ORIGIN } from './origins.js';

/** The client id seeds are written as (never a real client's: Yjs picks random 32-bit ids for those). */
const SEED_CLIENT_ID = 0;

/**
 * Puts `text` into `doc`'s `Y.Text` named `field` as if one fixed, shared client had typed it, so every client
 * that seeds the same text creates the same Yjs items: seeding twice (two tabs opening an empty document at
 * once, or a newcomer seeding before the peers' state arrives) merges into one copy instead of two.
 * All clients must seed the same `text` (e.g. the document as your database stored it).
 */
export function seedText(doc: Y.Doc, field: string, text: string): void {
  if (text === '') return;
  const seed = new Y.Doc({ gc: false });
  seed.clientID = SEED_CLIENT_ID;
  seed.getText(field).insert(0, text);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed), REMOTE_ORIGIN);
  seed.destroy();
}

/** One contiguous edit: remove `remove` characters at `index`, then insert `insert` there. */
export interface TextEdit {
  readonly index: number;
  readonly remove: number;
  readonly insert: string;
}

/**
 * The smallest single edit that turns `before` into `after`, placed where the caret says the user typed:
 * typing "a" after the first "a" of "aa" is an insert at 1, not at 2. `caret` is the caret in `after` (the
 * textarea's `selectionEnd` after the input); without it the edit is placed as late as possible.
 */
export function diffText(before: string, after: string, caret: number = after.length): TextEdit {
  const caretInAfter = Math.min(Math.max(caret, 0), after.length);
  // The unchanged tail cannot reach before the caret (the edit ends at it), and the head cannot overlap the tail.
  const maxSuffix = Math.min(before.length, after.length - caretInAfter);
  let suffix = 0;
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const maxPrefix = Math.min(before.length, after.length) - suffix;
  let prefix = 0;
  while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix++;
  // Never split a surrogate pair: an emoji is inserted or removed whole.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { index: prefix, remove: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

/** A Y.Text change in Quill delta form (what `YTextEvent.delta` gives). */
export type TextDelta = ReadonlyArray<{
  readonly insert?: unknown;
  readonly retain?: number;
  readonly delete?: number;
}>;

/**
 * Where `index` is after `delta` was applied to the text: moved right by text inserted before it, left by text
 * deleted before it. Text inserted exactly at `index` goes after it, so your caret does not jump over what
 * someone else types right where you are.
 */
export function transformIndex(index: number, delta: TextDelta): number {
  let position = 0;
  let shift = 0;
  for (const op of delta) {
    if (position >= index) break;
    if (op.retain !== undefined) {
      position += op.retain;
    } else if (op.insert !== undefined) {
      shift += typeof op.insert === 'string' ? op.insert.length : 1;
    } else if (op.delete !== undefined) {
      shift -= Math.min(op.delete, index - position);
      position += op.delete;
    }
  }
  return index + shift;
}

/** Applies an edit to a Y.Text as one transaction with {@link LOCAL_ORIGIN}. */
export function applyTextEdit(text: Y.Text, edit: TextEdit): void {
  if (edit.remove === 0 && edit.insert === '') return;
  text.doc!.transact(() => {
    if (edit.remove > 0) text.delete(edit.index, edit.remove);
    if (edit.insert !== '') text.insert(edit.index, edit.insert);
  }, LOCAL_ORIGIN);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
