import { httpStatusOf, httpStatusVerdict, type HttpRefusalCode } from '@realtime-kit/core';
import { describe, expect, it } from 'vitest';
import {
  isHttpRefusalCode,
  PRECISE_STATUSES,
  refusalOfFrameError,
  refusalResponse,
  statusOfRefusal,
  type PreciseStatus,
} from './refusal-response.js';

const TABLE: readonly HttpRefusalCode[] = [
  'bad_frame',
  'unauthorized',
  'token_expired',
  'forbidden',
  'not_found',
  'session_gone',
  'message_too_large',
  'too_many_channels',
  'rate_limited',
  'unavailable',
  'server_error',
];

describe('refusalResponse', () => {
  it('answers every code of core’s table with httpStatusOf(code), a typed JSON body and no-store', async () => {
    for (const code of TABLE) {
      const response = refusalResponse({ code, message: `refused: ${code}` });
      expect(response.status, code).toBe(httpStatusOf(code));
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(await response.json()).toEqual({ error: { code, message: `refused: ${code}` } });
    }
  });

  it('answers a precise status only in its own row, where clients act on it as on the row’s status', () => {
    for (const [name, { status, code }] of Object.entries(PRECISE_STATUSES)) {
      expect(statusOfRefusal({ code, precise: name as PreciseStatus, message: '' })).toBe(status);
      expect(httpStatusVerdict(status).action, name).toBe(httpStatusVerdict(httpStatusOf(code)).action);
    }
    expect(() => statusOfRefusal({ code: 'forbidden', precise: 'unsupported_media_type', message: '' })).toThrow(
      TypeError,
    );
  });

  it('adds Retry-After in whole seconds, the endpoint’s headers, the body’s precise name and more fields', async () => {
    const response = refusalResponse(
      {
        code: 'bad_frame',
        named: 'rejected',
        message: 'Outbid',
        retryAfterMs: 1500,
        fields: { details: { leading: 130 } },
        beside: { index: 1, results: [] },
      },
      { 'Access-Control-Allow-Origin': 'https://app.example', Vary: 'Origin' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(await response.json()).toEqual({
      error: { code: 'rejected', message: 'Outbid', details: { leading: 130 } },
      index: 1,
      results: [],
    });
  });
});

describe('refusalOfFrameError', () => {
  it('answers a hub refusal in the row clients should act on', () => {
    // A channel the hub's authorize refused: new credentials would not help.
    expect(refusalOfFrameError({ code: 'unauthorized', message: 'no' })).toEqual({ code: 'forbidden', message: 'no' });
    expect(refusalOfFrameError({ code: 'invalid_payload', message: 'bad' })).toEqual({
      code: 'bad_frame',
      named: 'invalid_payload',
      precise: 'unprocessable_content',
      message: 'bad',
    });
    expect(refusalOfFrameError({ code: 'rejected', message: 'Outbid', details: 1 })).toEqual({
      code: 'bad_frame',
      named: 'rejected',
      message: 'Outbid',
    });
    expect(refusalOfFrameError({ code: 'rate_limited', message: 'slow down', retryAfterMs: 900 })).toEqual({
      code: 'rate_limited',
      message: 'slow down',
      retryAfterMs: 900,
    });
    expect(refusalOfFrameError({ code: 'unavailable', message: 'down' })).toEqual({
      code: 'unavailable',
      message: 'down',
    });
    // A code this server has no row for (a newer hub's) keeps its name as a bad_frame.
    expect(refusalOfFrameError({ code: 'brand_new', message: '?' })).toEqual({
      code: 'bad_frame',
      named: 'brand_new',
      message: '?',
    });
  });

  it('tells the codes of the table from the rest', () => {
    for (const code of TABLE) expect(isHttpRefusalCode(code)).toBe(true);
    for (const code of ['invalid_payload', 'rejected', 'http_error', 'constructor', 7, undefined])
      expect(isHttpRefusalCode(code)).toBe(false);
  });
});
