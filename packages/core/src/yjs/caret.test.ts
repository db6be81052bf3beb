import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeCaret, encodeCaret, resolvePosition } from './caret.js';
import { seedText } from './text.js';

describe('carets', () => {
  it('carries a selection as relative positions that follow the text on another client', () => {
    const ada = new Y.Doc();
    const grace = new Y.Doc();
    seedText(ada, 'text', 'hello world');
    seedText(grace, 'text', 'hello world');
    const caret = decodeCaret(JSON.parse(JSON.stringify(encodeCaret(grace.getText('text'), 6, 11))))!;
    const text = ada.getText('text');
    expect([resolvePosition(ada, text, caret.anchor), resolvePosition(ada, text, caret.head)]).toEqual([6, 11]);
    // Text typed before it moves it along; the caret stays on "world".
    text.insert(0, 'oh, ');
    expect([resolvePosition(ada, text, caret.anchor), resolvePosition(ada, text, caret.head)]).toEqual([10, 15]);
  });

  it('rejects malformed signals', () => {
    expect(decodeCaret({ anchor: 'not base64!', head: '' })).toBeNull();
    expect(decodeCaret(null)).toBeNull();
    expect(decodeCaret({ anchor: 1, head: 2 })).toBeNull();
  });

  it('resolves nothing for a position in text this client does not have', () => {
    const other = new Y.Doc();
    other.getText('text').insert(0, 'abc');
    const caret = decodeCaret(encodeCaret(other.getText('text'), 1, 2))!;
    const doc = new Y.Doc();
    expect(resolvePosition(doc, doc.getText('text'), caret.head)).toBeNull();
  });
});
