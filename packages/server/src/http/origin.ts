import { refusalResponse } from './refusal-response.js';

/**
 * Which browser origins may connect: `'*'` (any), a list of exact origins (`'https://app.example.com'`) and
 * anchored regular expressions (`/^https:\/\/[a-z0-9-]+\.example\.com$/`), or a predicate.
 */
export type AllowedOrigins = '*' | readonly (string | RegExp)[] | ((origin: string) => boolean);

/** Options for {@link createOriginPolicy}. */
export interface OriginPolicyOptions {
  /** Allow cookies / HTTP auth on cross-origin requests (`Access-Control-Allow-Credentials: true`). Default false. */
  credentials?: boolean;
  /** How long browsers may cache a preflight answer (`Access-Control-Max-Age`). Default 600. */
  maxAgeSeconds?: number;
  /** Request headers allowed cross-origin. Default `['Authorization', 'Content-Type', 'Last-Event-ID']`. */
  allowHeaders?: readonly string[];
  /** Methods allowed cross-origin. Default `['GET', 'POST', 'OPTIONS']`. */
  allowMethods?: readonly string[];
}

/** See {@link createOriginPolicy}. */
export interface OriginPolicy {
  /**
   * Whether a request with this `Origin` header may go ahead. `null` (no header: same-origin GETs and
   * non-browser clients, which CORS does not constrain) is allowed.
   */
  isAllowed(origin: string | null): boolean;
  /** The CORS headers for a response to `origin`: the echoed origin when allowed, and always `Vary: Origin`. */
  corsHeaders(origin: string | null): Record<string, string>;
  /** Answers an `OPTIONS` preflight: 204 with the CORS headers, or 403 `forbidden` for a refused origin. */
  preflight(request: Request): Response;
  /** A 403 JSON response `{ error: { code: 'forbidden', message } }`. */
  forbidden(): Response;
}

const DEFAULT_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Last-Event-ID'];
const DEFAULT_ALLOW_METHODS = ['GET', 'POST', 'OPTIONS'];
const FORBIDDEN_MESSAGE = 'origin not allowed';

/** The serialised origin of `value` when it is exactly one (as browsers send it), else null. */
function canonicalOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.origin !== 'null' && url.origin === value ? url.origin : null;
}

/** Normalises a configured origin (`'https://Example.com:443/'` → `'https://example.com'`); throws for anything else. */
function configuredOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    url.origin === 'null' ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new TypeError(`allowed origin "${value}" is not an origin (scheme://host[:port], nothing after it)`);
  }
  return url.origin;
}

function anchoredPattern(pattern: RegExp): RegExp {
  const { source } = pattern;
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) {
    throw new TypeError(
      `allowed origin pattern ${String(pattern)} must be anchored with ^ and $ (else "https://evil.com/?x=example.com" could match)`,
    );
  }
  // Without g/y, test() keeps no lastIndex between calls.
  return new RegExp(source, pattern.flags.replace(/[gy]/g, ''));
}

function jsonForbidden(headers: Record<string, string> = {}): Response {
  return refusalResponse({ code: 'forbidden', message: FORBIDDEN_MESSAGE }, headers);
}

/**
 * Checks the `Origin` of requests and WebSocket upgrades, and builds CORS headers and preflight answers.
 * Strings match exactly on scheme, host and port (`https://example.com` does not admit
 * `https://evil-example.com`, `https://example.com.evil.com` or `http://example.com`); patterns must be anchored.
 * The allowed origin is echoed with `Vary: Origin`, never `*`, so credentials work and caches stay correct.
 *
 * ```ts
 * const origins = createOriginPolicy(['https://app.example.com', /^https:\/\/[a-z0-9-]+\.preview\.example\.com$/], { credentials: true })
 * export const OPTIONS = (request: Request) => origins.preflight(request)
 * export async function GET(request: Request) {
 *   const origin = request.headers.get('origin')
 *   if (!origins.isAllowed(origin)) return origins.forbidden()
 *   return new Response(stream, { headers: { ...origins.corsHeaders(origin), 'Content-Type': 'text/event-stream' } })
 * }
 * ```
 */
export function createOriginPolicy(allowed: AllowedOrigins, options: OriginPolicyOptions = {}): OriginPolicy {
  const credentials = options.credentials ?? false;
  const maxAgeSeconds = options.maxAgeSeconds ?? 600;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 0) {
    throw new RangeError(`maxAgeSeconds must be an integer ≥ 0, got ${String(maxAgeSeconds)}`);
  }
  const allowHeaders = (options.allowHeaders ?? DEFAULT_ALLOW_HEADERS).join(', ');
  const allowMethods = (options.allowMethods ?? DEFAULT_ALLOW_METHODS).join(', ');

  let matches: (origin: string) => boolean;
  if (allowed === '*') {
    matches = () => true;
  } else if (typeof allowed === 'function') {
    matches = (origin) => canonicalOrigin(origin) !== null && allowed(origin) === true;
  } else if (Array.isArray(allowed)) {
    const exact = new Set<string>();
    const patterns: RegExp[] = [];
    for (const entry of allowed as readonly (string | RegExp)[]) {
      if (entry instanceof RegExp) patterns.push(anchoredPattern(entry));
      else if (typeof entry === 'string') exact.add(configuredOrigin(entry));
      else throw new TypeError(`allowed origins must be strings or RegExps, got ${typeof entry}`);
    }
    matches = (origin) =>
      exact.has(origin) || (canonicalOrigin(origin) !== null && patterns.some((pattern) => pattern.test(origin)));
  } else {
    throw new TypeError("allowed origins must be '*', an array of origins/RegExps, or a function");
  }

  const isAllowed = (origin: string | null): boolean => origin === null || matches(origin);

  const corsHeaders = (origin: string | null): Record<string, string> => {
    if (origin === null || !matches(origin)) return { Vary: 'Origin' };
    const headers: Record<string, string> = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
    if (credentials) headers['Access-Control-Allow-Credentials'] = 'true';
    return headers;
  };

  return {
    isAllowed,
    corsHeaders,
    preflight(request) {
      const origin = request.headers.get('origin');
      if (!isAllowed(origin)) return jsonForbidden({ Vary: 'Origin' });
      return new Response(null, {
        status: 204,
        headers: {
          ...corsHeaders(origin),
          'Access-Control-Allow-Methods': allowMethods,
          'Access-Control-Allow-Headers': allowHeaders,
          'Access-Control-Max-Age': String(maxAgeSeconds),
        },
      });
    },
    forbidden: () => jsonForbidden(),
  };
}
