import * as Y from 'yjs';
import { fromBase64, toBase64 } from './base64.js';

/** A selection as others see it: Yjs relative positions (they follow the text as it is edited), base64-encoded. */
export interface CaretSignal {
  readonly anchor: string;
  readonly head: string;
}

/** Encodes a selection of `text` (anchor = where it started, head = where the caret is). */
export function encodeCaret(text: Y.Text, anchor: number, head: number): CaretSignal {
  return {
    anchor: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, anchor))),
    head: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, head))),
  };
}

/** Decoded relative positions of a caret signal, or null when it is malformed. */
export function decodeCaret(data: unknown): { anchor: Y.RelativePosition; head: Y.RelativePosition } | null {
  if (typeof data !== 'object' || data === null) return null;
  const { anchor, head } = data as Partial<CaretSignal>;
  if (typeof anchor !== 'string' || typeof head !== 'string') return null;
  const anchorBytes = fromBase64(anchor);
  const headBytes = fromBase64(head);
  if (!anchorBytes || !headBytes) return null;
  try {
    return { anchor: Y.decodeRelativePosition(anchorBytes), head: Y.decodeRelativePosition(headBytes) };
  } catch {
    return null;
  }
}

/** A relative position's index in `text` now, or null when it points into a document this client does not have yet. */
export function resolvePosition(doc: Y.Doc, text: Y.Text, position: Y.RelativePosition): number | null {
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
  if (!absolute || absolute.type !== text) return null;
  return Math.min(absolute.index, text.length);
}
