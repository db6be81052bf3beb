import { refusalResponse, type HttpRefusal } from './refusal-response.js';

/** A request body refused by {@link readBody}, ready to answer with `refusalResponse`. */
interface BodyRefusal {
  readonly ok: false;
  /** `message_too_large` (413) past the byte budget; `bad_frame` (400) when the body is not UTF-8 or could not be read. */
  readonly code: 'message_too_large' | 'bad_frame';
  readonly message: string;
}

/** What {@link readBody} answers: the body as text, or why it was refused. */
export type BodyResult = { readonly ok: true; readonly text: string } | BodyRefusal;

/**
 * Reads a request body as UTF-8 text with a byte budget, without trusting `Content-Length`: a declared length past
 * the budget is refused before a byte is read, and a body without one (chunked) is counted as it arrives and its
 * stream cancelled the moment it passes the budget, so at most `maxBytes` (plus one chunk) is ever held. Cancelling
 * tells the host to stop reading the upload (Node hosts then close the connection after the answer).
 *
 * Authenticate before calling it whenever the credentials are in the headers or cookies, and call
 * {@link discardBody} on every path that answers without reading.
 *
 * ```ts
 * const body = await readBody(request, 64 * 1024)
 * if (!body.ok) return refusalResponse(body)
 * const input: unknown = JSON.parse(body.text)
 * ```
 *
 * @throws {RangeError} when `maxBytes` is not a positive, finite number.
 */
export async function readBody(request: Request, maxBytes: number): Promise<BodyResult> {
  if (!Number.isFinite(maxBytes) || maxBytes <= 0)
    throw new RangeError(`readBody: maxBytes must be a positive, finite number; got ${String(maxBytes)}.`);
  const tooLarge: BodyRefusal = {
    ok: false,
    code: 'message_too_large',
    message: `The request body is larger than ${maxBytes} bytes.`,
  };
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    discardBody(request);
    return tooLarge;
  }
  if (request.bodyUsed) return unreadable('The request body was already read.');
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        // Not awaited: a host slow to cancel must not hold the answer back.
        reader.cancel().catch(() => {});
        return tooLarge;
      }
      chunks.push(value);
    }
  } catch {
    return unreadable('The request body could not be read.');
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return unreadable('The request body is not valid UTF-8.');
  }
}

/**
 * Tells the host that the body will not be read (an answer given before it: 401, 405, 415), so it stops receiving
 * the upload instead of buffering or draining it. Safe on a request without a body or whose body was read.
 */
export function discardBody(request: Request): void {
  if (request.body && !request.bodyUsed && !request.body.locked) request.body.cancel().catch(() => {});
}

/**
 * Whether the request says its body is JSON: `Content-Type: application/json`, with or without parameters such as
 * `charset=utf-8`. Browsers send a cross-site `text/plain` or form POST without a preflight, so an endpoint that
 * requires this cannot be posted to by another site's page (CSRF) even when it authenticates with cookies.
 */
export function isJsonContentType(request: Request): boolean {
  const type = request.headers.get('content-type');
  return type !== null && type.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}

/** Answers a refusal without reading the body (see {@link discardBody}). */
export function refuseUnread(request: Request, refusal: HttpRefusal, headers?: HeadersInit): Response {
  discardBody(request);
  return refusalResponse(refusal, headers);
}

function unreadable(message: string): BodyRefusal {
  return { ok: false, code: 'bad_frame', message };
}
