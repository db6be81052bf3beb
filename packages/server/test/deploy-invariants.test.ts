// The deployment matrix's checker must catch what it is there to catch: a test of the test.
import type { ChannelMessage } from '@realtime-kit/core';
import { describe, expect, it } from 'vitest';
import type { ReaderEvent } from './deploy/clients.js';
import { checkReader, type AckRecord } from './deploy/invariants.js';

const ack = (n: number, seq: number, epoch = 'e1'): AckRecord => ({ cid: `w-${n}`, seq, epoch, writer: 'w', n });
const got = (n: number, seq: number, epoch = 'e1'): ReaderEvent => ({
  kind: 'message',
  epoch,
  message: { channel: 'c', id: `m${seq}`, seq, event: 'm', data: n, cid: `w-${n}`, at: 0 } as ChannelMessage,
});
const reset = (from: number): ReaderEvent => ({
  kind: 'gap',
  epoch: 'e2',
  gap: { channel: 'c', from, to: Number.POSITIVE_INFINITY, reason: 'reset' },
});
const trimmed = (from: number, to: number, epoch = 'e1'): ReaderEvent => ({
  kind: 'gap',
  epoch,
  gap: { channel: 'c', from, to, reason: 'trimmed' },
});

describe('checkReader', () => {
  it('passes a complete, ordered log', () => {
    expect(checkReader('r', [ack(0, 1), ack(1, 2)], [got(0, 1), got(1, 2)]).problems).toEqual([]);
  });

  it('finds a duplicate, a reordering, a message nobody acked and a silent loss', () => {
    const acks = [ack(0, 1), ack(1, 2), ack(2, 3), ack(3, 4)];
    const events = [got(1, 2), got(0, 1), got(1, 2), got(9, 9)];
    const problems = checkReader('r', acks, events).problems.join('\n');
    expect(problems).toContain('w#0 after #1');
    expect(problems).toContain('delivered w#1 twice');
    expect(problems).toContain('nobody acknowledged');
    expect(problems).toContain('never got w#2');
    expect(problems).toContain('never got w#3');
  });

  it('excuses exactly what a gap or a reset covers, and nothing of the newest epoch', () => {
    const acks = [ack(0, 1), ack(1, 2), ack(2, 3), ack(3, 1, 'e2'), ack(4, 2, 'e2')];
    // Lost 2..3 of e1 with the log (a reset after the last e1 message), then all of e2.
    expect(checkReader('r', acks, [got(0, 1), reset(2), got(3, 1, 'e2'), got(4, 2, 'e2')]).problems).toEqual([]);
    // Without the reset, the loss is silent.
    expect(checkReader('r', acks, [got(0, 1), got(3, 1, 'e2'), got(4, 2, 'e2')]).problems).toHaveLength(2);
    // A trimmed gap covers its range of its epoch only; the newest epoch is owed in full.
    expect(checkReader('r', acks, [got(0, 1), trimmed(2, 2), reset(3), got(3, 1, 'e2')]).problems).toEqual([
      expect.stringContaining('never got w#4'),
    ]);
    expect(
      checkReader('r', acks, [got(0, 1), trimmed(2, 2), reset(3), got(3, 1, 'e2'), trimmed(2, 2, 'e2')]).problems,
    ).toEqual([]);
  });
});
