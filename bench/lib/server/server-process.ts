/**
 * A server child of the server suite: serves one mode on 127.0.0.1, runs broadcasts on command and reports its own
 * CPU time (process.cpuUsage), so client work (in other processes) is never counted.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Server as SocketIOServer } from 'socket.io';
import {
  createEventStream,
  createNodeEventStream,
  createRealtime,
  createWebSocketEndpoint,
  encodeEvent,
  type EventStreamBase,
  type Realtime,
} from '@realtime-kit/server';
import { payload, type FromServer, type ServerConfig, type ToServer } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;

function reply(message: FromServer) {
  process.send?.(message);
}

/** Serves a Fetch `Response` on a Node response the way Next.js does: the body's chunks go to `res.write`. */
async function pipeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const body = response.body;
  if (!body) return void res.end();
  const reader = body.getReader();
  res.once('close', () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await once(res, 'drain');
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/** The Fetch `Request` for a Node request, aborted when the connection closes (as Next.js builds it). */
function toRequest(req: IncomingMessage, res: ServerResponse): Request {
  const aborter = new AbortController();
  res.once('close', () => aborter.abort());
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(key, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(key, item);
  }
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, { headers, signal: aborter.signal });
}

const streams = new Set<EventStreamBase>();
const plain = new Set<ServerResponse>();
const sockets = new Set<Socket>();
let realtime: Realtime | undefined;
let io: SocketIOServer | undefined;

const server = createServer((req, res) => {
  if (config.mode === 'sse-node') {
    const stream = createNodeEventStream(req, res);
    streams.add(stream);
    stream.onClose(() => streams.delete(stream));
    stream.comment('hi');
  } else if (config.mode === 'sse-web') {
    const stream = createEventStream(toRequest(req, res));
    streams.add(stream);
    stream.onClose(() => streams.delete(stream));
    stream.comment('hi');
    void pipeResponse(res, stream.response);
  } else if (config.mode === 'sse-plain') {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
    });
    res.write(': hi\n\n');
    plain.add(res);
    res.once('close', () => plain.delete(res));
  } else if (config.mode !== 'sio') {
    res.writeHead(404).end();
  }
});
server.on('connection', (socket: Socket) => {
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
});

if (config.mode === 'sio') {
  io = new SocketIOServer(server, { transports: ['websocket'], serveClient: false });
} else if (config.mode === 'rk-ws') {
  realtime = await createRealtime({ redis: config.redisUrl ?? false, rateLimit: false });
  createWebSocketEndpoint({ server, path: '/realtime', realtime });
}

function broadcast(n: number) {
  const data = payload(n);
  switch (config.mode) {
    case 'sse-node':
    case 'sse-web': {
      const event = encodeEvent({ id: String(n), event: 'chat', data });
      for (const stream of streams) stream.send(event);
      break;
    }
    case 'sse-plain': {
      const text = `id: ${n}\nevent: chat\ndata: ${JSON.stringify(data)}\n\n`;
      for (const res of plain) res.write(text);
      break;
    }
    case 'sio':
      io?.emit('chat', data);
      break;
    case 'rk-ws':
      realtime?.publish('room', 'chat', data).catch(() => (publishErrors += 1));
      break;
  }
}

let cpuStart: NodeJS.CpuUsage | undefined;
let publishErrors = 0;
let maxQueuedBytes = 0;
let sampler: NodeJS.Timeout | undefined;
let sent = 0;

function sample() {
  for (const socket of sockets) if (socket.writableLength > maxQueuedBytes) maxQueuedBytes = socket.writableLength;
}

function run(count: number, intervalMs: number) {
  cpuStart = process.cpuUsage();
  publishErrors = 0;
  maxQueuedBytes = 0;
  // Queue depth is sampled only for the WebSocket endpoint rows (row 5), where it is reported.
  if (config.mode === 'rk-ws') sampler = setInterval(sample, 5);
  if (count === 0) return;
  const start = performance.now();
  let i = 0;
  const tick = () => {
    broadcast(sent++);
    i += 1;
    if (i >= count) return;
    if (intervalMs === 0) setImmediate(tick);
    else setTimeout(tick, Math.max(0, start + i * intervalMs - performance.now()));
  };
  if (intervalMs === 0) setImmediate(tick);
  else tick();
}

async function collectGarbage() {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

process.on('message', (message: ToServer) => {
  if (message.type === 'run') run(message.count, message.intervalMs);
  else if (message.type === 'stop') {
    clearInterval(sampler);
    sample();
    const used = process.cpuUsage(cpuStart);
    reply({ type: 'cpu', user: used.user, system: used.system, maxQueuedBytes, publishErrors });
  } else if (message.type === 'rss')
    void collectGarbage().then(() => {
      const usage = process.memoryUsage();
      reply({ type: 'rss', bytes: usage.rss, heapBytes: usage.heapUsed + usage.external });
    });
});
// Orphaned (the suite died): exit rather than linger.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', 2048, () => reply({ type: 'listening', port: (server.address() as AddressInfo).port }));
