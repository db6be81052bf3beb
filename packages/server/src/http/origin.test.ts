import { describe, expect, it, vi } from 'vitest';
import { createOriginPolicy } from './origin.js';

const preflightRequest = (origin?: string) =>
  new Request('https://api.example.com/realtime', {
    method: 'OPTIONS',
    headers: origin === undefined ? {} : { Origin: origin, 'Access-Control-Request-Method': 'GET' },
  });

describe('createOriginPolicy with exact origins', () => {
  const policy = createOriginPolicy(['https://example.com', 'http://localhost:3000', 'https://App.Example.com:443/']);

  it('allows listed origins exactly', () => {
    expect(policy.isAllowed('https://example.com')).toBe(true);
    expect(policy.isAllowed('http://localhost:3000')).toBe(true);
    expect(policy.isAllowed('https://app.example.com')).toBe(true); // configured form normalised
  });

  it('allows requests without an Origin header', () => {
    expect(policy.isAllowed(null)).toBe(true);
  });

  it('refuses look-alikes: prefix, suffix, scheme, port, subdomain, path and case tricks', () => {
    for (const origin of [
      'https://evil-example.com',
      'https://example.com.evil.com',
      'https://notexample.com',
      'http://example.com',
      'https://example.com:8443',
      'http://localhost:3001',
      'http://localhost',
      'https://sub.example.com',
      'https://example.com/',
      'https://example.com/path',
      'https://EXAMPLE.com',
      'https://example.com@evil.com',
      'null',
      '',
      'example.com',
    ]) {
      expect(policy.isAllowed(origin), origin).toBe(false);
    }
  });

  it('rejects configured entries that are not origins', () => {
    expect(() => createOriginPolicy(['example.com'])).toThrow(TypeError);
    expect(() => createOriginPolicy(['https://example.com/app'])).toThrow(/not an origin/);
    expect(() => createOriginPolicy(['https://example.com?x=1'])).toThrow(TypeError);
    expect(() => createOriginPolicy(['https://user:pass@example.com'])).toThrow(TypeError);
    expect(() => createOriginPolicy([42 as unknown as string])).toThrow(TypeError);
    expect(() => createOriginPolicy({} as unknown as '*')).toThrow(TypeError);
  });
});

describe('createOriginPolicy with patterns and predicates', () => {
  it('matches anchored patterns against canonical origins only', () => {
    const policy = createOriginPolicy([/^https:\/\/[a-z0-9-]+\.preview\.example\.com$/]);
    expect(policy.isAllowed('https://pr-12.preview.example.com')).toBe(true);
    expect(policy.isAllowed('https://preview.example.com')).toBe(false);
    expect(policy.isAllowed('https://pr-12.preview.example.com.evil.com')).toBe(false);
    expect(policy.isAllowed('http://pr-12.preview.example.com')).toBe(false);
  });

  it('refuses unanchored patterns', () => {
    expect(() => createOriginPolicy([/example\.com/])).toThrow(/anchored/);
    expect(() => createOriginPolicy([/^https:\/\/example\.com/])).toThrow(/anchored/);
    expect(() => createOriginPolicy([/example\.com$/])).toThrow(/anchored/);
    expect(() => createOriginPolicy([/^https:\/\/example\.com\$/])).toThrow(/anchored/);
  });

  it('gives the same answer on repeated calls with a global pattern', () => {
    const policy = createOriginPolicy([/^https:\/\/example\.com$/g]);
    expect([1, 2, 3].map(() => policy.isAllowed('https://example.com'))).toEqual([true, true, true]);
  });

  it('asks a predicate, only with canonical origins', () => {
    const predicate = vi.fn((origin: string) => origin.endsWith('.example.com'));
    const policy = createOriginPolicy(predicate);
    expect(policy.isAllowed('https://a.example.com')).toBe(true);
    expect(policy.isAllowed('https://example.com')).toBe(false);
    expect(policy.isAllowed('https://evil.com/x.example.com')).toBe(false);
    expect(predicate).toHaveBeenCalledTimes(2);
  });

  it("allows any origin with '*'", () => {
    const policy = createOriginPolicy('*');
    expect(policy.isAllowed('https://anything.test')).toBe(true);
    expect(policy.isAllowed('null')).toBe(true);
  });
});

describe('corsHeaders', () => {
  it('echoes an allowed origin with Vary, never *', () => {
    expect(createOriginPolicy('*').corsHeaders('https://a.test')).toEqual({
      'Access-Control-Allow-Origin': 'https://a.test',
      Vary: 'Origin',
    });
  });

  it('adds credentials when configured, still echoing the origin for *', () => {
    expect(createOriginPolicy('*', { credentials: true }).corsHeaders('https://a.test')).toEqual({
      'Access-Control-Allow-Origin': 'https://a.test',
      'Access-Control-Allow-Credentials': 'true',
      Vary: 'Origin',
    });
  });

  it('gives only Vary for refused or missing origins', () => {
    const policy = createOriginPolicy(['https://example.com'], { credentials: true });
    expect(policy.corsHeaders('https://evil-example.com')).toEqual({ Vary: 'Origin' });
    expect(policy.corsHeaders(null)).toEqual({ Vary: 'Origin' });
  });
});

describe('preflight and forbidden', () => {
  it('answers an allowed preflight with 204 and the CORS headers', () => {
    const policy = createOriginPolicy(['https://example.com'], {
      credentials: true,
      maxAgeSeconds: 120,
      allowHeaders: ['Authorization'],
    });
    const response = policy.preflight(preflightRequest('https://example.com'));
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toEqual({
      'access-control-allow-origin': 'https://example.com',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'Authorization',
      'access-control-max-age': '120',
      vary: 'Origin',
    });
  });

  it('uses the default headers, methods and max age', () => {
    const response = createOriginPolicy('*', { allowMethods: ['GET'] }).preflight(preflightRequest('https://a.test'));
    expect(response.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, Last-Event-ID');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET');
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it('answers a preflight without Origin with 204 and no allow-origin', () => {
    const response = createOriginPolicy(['https://example.com']).preflight(preflightRequest());
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a preflight from another origin with 403 forbidden', async () => {
    const response = createOriginPolicy(['https://example.com']).preflight(
      preflightRequest('https://evil-example.com'),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
    expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'origin not allowed' } });
  });

  it('forbidden() is a 403 JSON response', async () => {
    const response = createOriginPolicy('*').forbidden();
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'origin not allowed' } });
  });

  it('rejects a bad maxAgeSeconds', () => {
    expect(() => createOriginPolicy('*', { maxAgeSeconds: -1 })).toThrow(RangeError);
    expect(() => createOriginPolicy('*', { maxAgeSeconds: 1.5 })).toThrow(RangeError);
  });
});
