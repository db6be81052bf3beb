// Shared by the SSE tests: runs Fetch-API route handlers on a Node http server, the way Next.js and other Node
// hosts do — the request body as a Web stream, the response body read chunk by chunk into `res.write` with
// backpressure, and the request's signal aborted when the client goes away.
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Serves one request with `handler`. Resolves when the response has been written (or the client went away). */
export async function serveFetch(
  req: IncomingMessage,
  res: ServerResponse,
  handler: (request: Request) => Response | Promise<Response>,
): Promise<void> {
  const aborter = new AbortController();
  // 'close' before the response finished means the client went away.
  res.once('close', () => {
    if (!res.writableFinished) aborter.abort(new Error('client disconnected'));
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), {
    method: req.method,
    headers,
    signal: aborter.signal,
    ...(hasBody ? { body: bodyOf(req), duplex: 'half' } : {}),
  } as RequestInit);
  let response: Response;
  try {
    response = await handler(request);
  } catch (error) {
    res.writeHead(500).end(String(error));
    return;
  }
  // A handler that answered before reading the whole body (413): the connection cannot be reused.
  if (hasBody && !req.complete) res.shouldKeepAlive = false;
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.flushHeaders();
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  aborter.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Honour socket backpressure, as real hosts do: unread bytes stay in the event stream's bounded queue.
      if (!res.write(value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/** The request body as a Web stream; a handler that stops reading early leaves the rest drained and dropped. */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (!cancelled) controller.enqueue(new Uint8Array(chunk));
      });
      req.once('end', () => {
        if (!cancelled) controller.close();
      });
      req.once('error', (error) => {
        if (!cancelled) controller.error(error);
      });
    },
    cancel() {
      cancelled = true;
      req.resume();
    },
  });
}
