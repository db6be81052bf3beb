// One server instance of the deployment-matrix tests, run as its own process (so it can be SIGKILLed) with
// `node --conditions=source --import tsx`. Everything a user deploys, on one port: the WebSocket endpoint at
// /realtime, SSE + POST and long polling at /api/realtime, Socket.io at /socket.io, over one `createRealtime`.
//
// Env: PORT (0 picks one), REDIS_URL (absent: memory), MAX_DURATION_MS (streams and sockets end after it),
// CLUSTER_HEARTBEAT_MS (Redis instance heartbeat), AUCTION=1 (a beforePublish rule: a bid must beat the newest).
// Prints "READY <port> <instanceId>" once listening. Anonymous clients name themselves with `?user=`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelEndpoint, createRealtime, createWebSocketEndpoint } from '../../src/index.js';
import { createRedisBroker } from '../../src/redis/index.js';
import { createSocketServer } from '../../src/socket-io/index.js';

const env = process.env;
const redisUrl = env.REDIS_URL || undefined;
const maxDurationMs = env.MAX_DURATION_MS ? Number(env.MAX_DURATION_MS) : undefined;
const broker = redisUrl
  ? createRedisBroker({ redis: redisUrl, heartbeatMs: Number(env.CLUSTER_HEARTBEAT_MS || 5000) })
  : undefined;

const realtime = await createRealtime({
  redis: redisUrl ?? false,
  ...(broker ? { broker } : {}),
  rateLimit: false,
  subscribeLimit: false,
  onError: (error) => console.error('[instance] realtime:', error),
  ...(env.AUCTION === '1'
    ? {
        beforePublish: async ({ user, event, data, latest }) => {
          if (event !== 'bid') return undefined;
          const amount = (data as { amount: number }).amount;
          const top = await latest();
          const leading = (top?.data as { amount?: number } | undefined)?.amount ?? 0;
          if (amount <= leading) return { reject: `Outbid: ${leading} leads`, details: { leading } };
          return { data: { amount, bidder: user.userId } };
        },
      }
    : {}),
});

/** Who the request says it is (`?user=`): the tests' stand-in for a session cookie or a token. */
const userOf = (url: string | undefined) => new URL(url ?? '/', 'http://x').searchParams.get('user') ?? undefined;

const channelEndpoint = createChannelEndpoint({
  realtime,
  heartbeatMs: 2000,
  maxDurationMs,
  polling: { waitMs: 1000, sessionTimeoutMs: 4000 },
  authenticate: (request) => {
    const user = userOf(request.url);
    return user ? { userId: user } : null;
  },
  onError: (error) => console.error('[instance] channel endpoint:', error),
});

const server = createServer((request, response) => {
  if (!request.url?.startsWith('/api/realtime')) return void response.writeHead(404).end();
  void handle(request, response);
});

async function handle(request: IncomingMessage, response: ServerResponse) {
  const controller = new AbortController();
  response.on('close', () => controller.abort());
  const body = request.method === 'POST' ? await readAll(request) : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
  const fetchRequest = new Request(`http://127.0.0.1${request.url}`, {
    method: request.method,
    headers,
    body: body ? new Uint8Array(body) : undefined,
    signal: controller.signal,
  });
  const answer = await (request.method === 'POST'
    ? channelEndpoint.POST(fetchRequest)
    : channelEndpoint.GET(fetchRequest));
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  if (!answer.body) return void response.end();
  const reader = answer.body.getReader();
  controller.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      response.write(value);
    }
  } catch {
    // The client went away.
  }
  response.end();
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

createWebSocketEndpoint({
  server,
  path: '/realtime',
  realtime,
  maxDurationMs,
  pingIntervalMs: 2000,
  authenticate: (_token, request) => {
    const user = userOf(request.url);
    return user ? { userId: user } : null;
  },
  onError: (error) => console.error('[instance] websocket:', error),
});

createSocketServer(server, {
  realtime,
  maxDurationMs,
  authenticate: (_token, handshake) => {
    const user = handshake.query.user;
    return typeof user === 'string' ? { userId: user } : null;
  },
  onError: (error) => console.error('[instance] socket.io:', error),
});

server.listen(Number(env.PORT || 0), '127.0.0.1', () => {
  const id = broker?.cluster.instanceId ?? 'memory';
  console.log(`READY ${(server.address() as AddressInfo).port} ${id}`);
});
