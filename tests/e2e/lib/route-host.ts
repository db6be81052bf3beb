/**
 * Runs Next.js-style route handler modules the way a serverless host does: one process, each request turned into a
 * web `Request` for the module's exported method, the `Response` streamed back, the request's signal aborted when
 * the client goes away. Used by the quickstart test to run a quickstart's route handlers as several instances.
 *
 *   tsx route-host.ts <port> /api/realtime=app/api/realtime/route.ts /api/realtime-token=app/api/realtime-token/route.ts
 *
 * Run it with the app as the working directory, so tsx resolves the app's `@/*` paths from its tsconfig.json.
 */
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

type RouteModule = Partial<Record<string, (request: Request) => Response | Promise<Response>>>;

const [portArgument, ...routeArguments] = process.argv.slice(2);
const routes = new Map<string, RouteModule>();
for (const argument of routeArguments) {
  const [urlPath, file] = argument.split('=');
  if (!urlPath || !file) throw new Error(`route-host: expected <url path>=<file>, got ${argument}`);
  routes.set(urlPath, (await import(pathToFileURL(path.resolve(file)).href)) as RouteModule);
}

function toRequest(incoming: IncomingMessage, signal: AbortSignal): Request {
  const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? '127.0.0.1'}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
  return new Request(url, {
    method: incoming.method,
    headers,
    signal,
    body: hasBody ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : undefined,
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}

const server = createServer(async (incoming, outgoing) => {
  const handler = routes.get(new URL(incoming.url ?? '/', 'http://x').pathname)?.[incoming.method ?? 'GET'];
  if (handler === undefined) return void outgoing.writeHead(404).end();
  const aborted = new AbortController();
  outgoing.on('close', () => aborted.abort());
  try {
    const response = await handler(toRequest(incoming, aborted.signal));
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.flushHeaders();
    const reader = response.body?.getReader();
    for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) outgoing.write(read.value);
    outgoing.end();
  } catch (error) {
    if (aborted.signal.aborted) return;
    console.error('route-host: handler failed', error);
    if (!outgoing.headersSent) outgoing.writeHead(500);
    outgoing.end();
  }
});
server.listen(Number(portArgument), '127.0.0.1', () => console.log(`route host ready on ${portArgument}`));
