import { describe, expect, it } from 'vitest';
import { createResumeCursor } from './resume.js';

const m = (seq: number) => ({ seq });
const seqs = (messages: { seq: number }[]) => messages.map((message) => message.seq);

describe('createResumeCursor', () => {
  it('holds messages until the subscription sets the resume point', () => {
    const cursor = createResumeCursor<{ seq: number }>();
    expect(cursor.message(m(6)).verdict).toBe('waiting');
    expect(cursor.message(m(6)).verdict).toBe('duplicate');
    const { deliver, behind } = cursor.subscribed(5);
    expect(seqs(deliver)).toEqual([6]);
    expect(behind).toBe(false);
    expect(cursor.lastSeq).toBe(6);
  });

  it('keeps messages that beat a late subscribed, even below its seq', () => {
    const cursor = createResumeCursor<{ seq: number }>();
    cursor.message(m(4));
    cursor.message(m(5));
    const { deliver, behind } = cursor.subscribed(5);
    expect(seqs(deliver)).toEqual([4, 5]);
    expect(behind).toBe(false);
  });

  it('delivers in order across holes and drops duplicates', () => {
    const cursor = createResumeCursor<{ seq: number }>();
    cursor.subscribed(0);
    expect(cursor.message(m(2)).verdict).toBe('hole');
    expect(cursor.message(m(3)).verdict).toBe('hole');
    expect(cursor.held).toBe(2);
    const result = cursor.message(m(1));
    expect(result.verdict).toBe('delivered');
    expect(seqs(result.deliver)).toEqual([1, 2, 3]);
    expect(cursor.message(m(2)).verdict).toBe('duplicate');
    expect(cursor.held).toBe(0);
  });

  it('reports a subscription that is behind the server', () => {
    const cursor = createResumeCursor<{ seq: number }>();
    cursor.subscribed(3);
    expect(cursor.subscribed(5).behind).toBe(true);
    cursor.message(m(4));
    cursor.message(m(5));
    expect(cursor.subscribed(5).behind).toBe(false);
  });

  it('skips a gap, reports only what was really missing, and releases held messages', () => {
    const cursor = createResumeCursor<{ seq: number }>();
    cursor.subscribed(2);
    cursor.message(m(9));
    cursor.message(m(5));
    const { gap, deliver } = cursor.gap('room', 1, 7);
    expect(gap).toEqual({ channel: 'room', from: 3, to: 7, reason: 'trimmed' });
    expect(seqs(deliver)).toEqual([]);
    expect(seqs(cursor.message(m(8)).deliver)).toEqual([8, 9]);
    expect(cursor.gap('room', 1, 7).gap).toBeNull();
    cursor.reset();
    expect(cursor.lastSeq).toBeNull();
    expect(cursor.held).toBe(0);
  });
});
