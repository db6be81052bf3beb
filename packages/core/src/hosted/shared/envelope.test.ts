import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';

describe('the hosted envelope', () => {
  it('carries the cid as the id, the data and the publish time; it decodes to what was encoded', () => {
    const envelope = encodeEnvelope('cid-1', { text: 'hi' }, 1234);
    expect(envelope).toEqual({ rk: 1, id: 'cid-1', cid: 'cid-1', data: { text: 'hi' }, at: 1234 });
    expect(decodeEnvelope(JSON.parse(JSON.stringify(envelope)))).toEqual({
      id: 'cid-1',
      cid: 'cid-1',
      data: { text: 'hi' },
      at: 1234,
    });
  });

  it('reads envelopes other writers made: without a cid, without a time, or with only a cid', () => {
    expect(decodeEnvelope({ rk: 1, id: 'msg-1', data: 1 })).toEqual({ id: 'msg-1', data: 1 });
    expect(decodeEnvelope({ rk: 1, cid: 'c', data: null, at: 'soon' })).toEqual({ id: 'c', cid: 'c', data: null });
    expect(decodeEnvelope({ rk: 1, id: 'x', cid: 'c', data: 2, at: Number.NaN })).toEqual({
      id: 'x',
      cid: 'c',
      data: 2,
    });
  });

  it('is null for anything that is not one (delivered as it is)', () => {
    for (const value of [
      null,
      'text',
      42,
      [1],
      { id: 'a', data: 1 },
      { rk: 2, id: 'a', data: 1 },
      { rk: 1, id: 'a' },
      { rk: 1, data: 1 },
      { rk: 1, id: 5, data: 1 },
      { rk: 1, id: '', data: 1 },
      { rk: 1, id: 'a', cid: 7, data: 1 },
    ]) {
      expect([value, decodeEnvelope(value)]).toEqual([value, null]);
    }
  });
});
