import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LOCAL_ORIGIN } from './origins.js';
import { applyTextEdit, diffText, seedText, transformIndex } from './text.js';

describe('seedText', () => {
  it('seeds the same initial text once, however many clients seed it', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    seedText(a, 'text', 'Notes');
    seedText(b, 'text', 'Notes');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('text').toString()).toBe('Notes');
    expect(b.getText('text').toString()).toBe('Notes');
  });
});

describe('diffText', () => {
  it('diffs at the caret and never splits a surrogate pair', () => {
    expect(diffText('aa', 'aaa', 2)).toEqual({ index: 1, remove: 0, insert: 'a' });
    expect(diffText('aa', 'aaa', 3)).toEqual({ index: 2, remove: 0, insert: 'a' });
    expect(diffText('abc', 'ac', 1)).toEqual({ index: 1, remove: 1, insert: '' });
    expect(diffText('a😀b', 'a😃b', 3)).toEqual({ index: 1, remove: 2, insert: '😃' });
    expect(diffText('same', 'same', 2)).toEqual({ index: 2, remove: 0, insert: '' });
  });
});

describe('transformIndex', () => {
  it('maps an index through a Yjs delta', () => {
    expect(transformIndex(5, [{ insert: 'abc' }])).toBe(8);
    expect(transformIndex(5, [{ retain: 5 }, { insert: 'abc' }])).toBe(5);
    expect(transformIndex(5, [{ retain: 1 }, { delete: 2 }, { insert: 'xyz' }])).toBe(6);
    expect(transformIndex(5, [{ retain: 3 }, { delete: 10 }])).toBe(3);
  });
});

describe('applyTextEdit', () => {
  it('applies a replace as one transaction with the local origin, and nothing for an empty edit', () => {
    const doc = new Y.Doc();
    const text = doc.getText('text');
    text.insert(0, 'hello world');
    const origins: unknown[] = [];
    doc.on('afterTransaction', (transaction) => origins.push(transaction.origin));
    applyTextEdit(text, { index: 6, remove: 5, insert: 'there' });
    expect(text.toString()).toBe('hello there');
    expect(origins).toEqual([LOCAL_ORIGIN]);
    applyTextEdit(text, { index: 3, remove: 0, insert: '' });
    expect(origins).toHaveLength(1);
  });
});
