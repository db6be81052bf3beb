import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../lib/time-ordered-id.js';
import { createCompactFrameDecoder } from './compact-frame-decoder.js';
import { encodeCompactFrame, type CompactTopic } from './compact-frame-encoder.js';
import { MAX_SESSION_TOPICS } from './compact-frame-keys.js';
import type { ServerFrame } from './frames.js';

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;

const AT = 1_765_000_000_123;
const message: MessageFrame = {
  type: 'message',
  channel: 'room:42',
  id: timeOrderedId(AT),
  seq: 17,
  event: 'chat',
  data: { text: 'hello', n: [1, 2] },
  at: AT,
};

/** Encodes then decodes with one session's decoder (a fresh one unless given). */
function roundTrip(frame: ServerFrame, topic?: CompactTopic, decode = createCompactFrameDecoder()) {
  const text = encodeCompactFrame(frame, topic);
  return { text, frame: decode(JSON.parse(text)) };
}

const otherFrames: ServerFrame[] = [
  { type: 'welcome', v: 2, connectionId: 'c1', heartbeatMs: 25_000, userId: 'u', session: 's.x', encoding: 'compact' },
  { type: 'subscribed', channel: 'room:42', seq: 17, epoch: 'ep1' },
  { type: 'reset', channel: 'room:42', epoch: 'ep2' },
  { type: 'occupancy', channel: 'room:42', connections: 3, members: 2 },
  { type: 'gap', channel: 'room:42', from: 3, to: 9 },
  { type: 'ack', cid: 'k1', channel: 'room:42', id: 'i1', seq: 5, epoch: 'ep1' },
  { type: 'nack', cid: 'k1', channel: 'room:42', error: { code: 'rate_limited', message: 'slow', retryAfterMs: 10 } },
  {
    type: 'presence',
    channel: 'room:42',
    action: 'sync',
    members: [{ userId: 'u', data: { name: 'A' }, connections: 1, status: 'active' }],
  },
  {
    type: 'presence',
    channel: 'room:42',
    action: 'leave',
    member: { userId: 'u', data: null, connections: 0, status: 'away' },
  },
  { type: 'signal', channel: 'room:42', event: 'rk:typing', data: { typing: true }, from: 'u' },
  { type: 'error', error: { code: 'bad_frame', message: 'no' }, channel: 'room:42' },
  { type: 'error', error: { code: 'unauthorized', message: 'no' } },
  { type: 'pong', t: 123 },
];

describe('the compact frame encoding', () => {
  it('round-trips every frame type', () => {
    for (const frame of otherFrames) expect(roundTrip(frame).frame).toEqual(frame);
    expect(roundTrip(message, { alias: 1, define: true }).frame).toEqual(message);
    expect(roundTrip(message).frame).toEqual(message);
  });

  it('round-trips every optional field of a message', () => {
    const full: MessageFrame = {
      ...message,
      cid: 'c-1',
      from: 'user-1',
      action: 'reaction',
      target: 'target-id',
      version: 3,
      deleted: true,
      reactions: { '👍': { count: 1, users: ['user-1'], clipped: false } },
      error: { code: 'decryption_failed', message: 'x' },
    };
    expect(roundTrip(full, { alias: 2, define: true }).frame).toEqual(full);
  });

  it('sends a time-ordered id as 22 characters and rebuilds `at` from it', () => {
    const { text, frame } = roundTrip(message, { alias: 1, define: true });
    const parts = JSON.parse(text) as unknown[];
    expect(parts).toHaveLength(4);
    expect(parts[0]).toEqual([1, 'room:42', 'chat']);
    expect(parts[1]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(parts.slice(2)).toEqual([17, message.data]);
    expect(frame).toEqual(message);
  });

  it('sends any other id as it is, with `at`', () => {
    const random = { ...message, id: 'not-a-uuid' };
    const otherTime = { ...message, id: timeOrderedId(AT + 1) };
    for (const frame of [random, otherTime]) {
      const { text, frame: decoded } = roundTrip(frame, { alias: 1, define: true });
      expect(JSON.parse(text)[4]).toEqual({ t: AT });
      expect(decoded).toEqual(frame);
    }
  });

  it('names a topic once per session, then by its alias', () => {
    const decode = createCompactFrameDecoder();
    const first = roundTrip(message, { alias: 7, define: true }, decode);
    const second = roundTrip({ ...message, seq: 18 }, { alias: 7, define: false }, decode);
    expect(first.text.startsWith('[[7,"room:42","chat"],')).toBe(true);
    expect(second.text.startsWith('[7,')).toBe(true);
    expect(second.frame).toEqual({ ...message, seq: 18 });
    expect(second.text.length).toBeLessThan(first.text.length);
    // Another session never heard of alias 7: not a frame.
    expect(createCompactFrameDecoder()(JSON.parse(second.text))).toBeUndefined();
  });

  it('keeps a message without data without data', () => {
    const { data: _data, ...bare } = message;
    const { frame } = roundTrip(bare as MessageFrame, { alias: 1, define: true });
    expect(frame).toEqual(bare);
    expect(frame && 'data' in frame).toBe(false);
    expect(roundTrip({ ...message, data: null }).frame).toEqual({ ...message, data: null });
  });

  it('is much smaller than plain JSON for a chat line', () => {
    const plain = JSON.stringify(message);
    const known = encodeCompactFrame(message, { alias: 3, define: false });
    expect(plain.length - known.length).toBeGreaterThan(80);
  });

  it('sends frames with fields it has no name for as plain JSON, which decodes too', () => {
    const future = { ...message, priority: 'high' } as unknown as ServerFrame;
    const futureAck = { type: 'ack', cid: 'k', channel: 'c', id: 'i', seq: 1, extra: 1 } as unknown as ServerFrame;
    for (const frame of [future, futureAck]) {
      const { text, frame: decoded } = roundTrip(frame);
      expect(text).toBe(JSON.stringify(frame));
      expect(decoded).toEqual(frame);
    }
  });

  it('caps the aliases one session keeps', () => {
    const decode = createCompactFrameDecoder();
    for (let alias = 1; alias <= MAX_SESSION_TOPICS + 1; alias++)
      expect(roundTrip({ ...message, event: `e${alias}` }, { alias, define: true }, decode).frame?.type).toBe(
        'message',
      );
    expect(decode(JSON.parse(encodeCompactFrame(message, { alias: 1, define: false })))).toMatchObject({ event: 'e1' });
    expect(decode(JSON.parse(encodeCompactFrame(message, { alias: MAX_SESSION_TOPICS + 1, define: false })))).toBe(
      undefined,
    );
  });

  it('reads malformed frames as no frame (the transport reports bad_frame), never throws', () => {
    const decode = createCompactFrameDecoder();
    const id = JSON.parse(encodeCompactFrame(message))[1] as string;
    const malformed: unknown[] = [
      null,
      42,
      'text',
      [],
      [1],
      [99, id, 1, null],
      [['c', 'e'], id, 1],
      [['c', 'e'], id, '1', null],
      [['c', 7], id, 1, null],
      [['c', 'e'], 'short', 1, null],
      [['c', 'e'], `${id.slice(0, 21)}*`, 1, null],
      [['c', 'e'], id, 1, null, { zz: 1 }],
      [['c', 'e'], id, 1, null, [1]],
      [['c', 'e'], 'raw-id', 1, null, { t: 'soon' }],
      [['c', 'e'], id, 1, null, {}, 'more'],
      [[1, 'c'], id, 1, null],
      { t: 'zz', c: 'room' },
      { t: 's', constructor: 1 },
      { t: 's', c: 'room', zz: 1 },
      {},
    ];
    for (const value of malformed) expect(decode(value), JSON.stringify(value)).toBeUndefined();
  });
});
