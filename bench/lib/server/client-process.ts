/**
 * A client child of the server suite: opens `count` connections of one kind to a server on 127.0.0.1, counts the
 * messages they receive, and tells the suite when every client got what it expects. Runs in its own process so
 * its CPU never counts as the server's.
 */
import http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { ClientConfig, FromClients, ToClients } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
const BATCH = 100;

let received = 0;
let expected = Number.POSITIVE_INFINITY;
let latencies: number[] = [];
let closes = 0;
let opened = 0;
let closing = false;

function tell(message: FromClients) {
  process.send?.(message);
}

function delivered(count: number, sentAt?: number) {
  received += count;
  if (sentAt !== undefined) latencies.push(performance.timeOrigin + performance.now() - sentAt);
  if (received >= expected) {
    expected = Number.POSITIVE_INFINITY;
    tell({ type: 'done', received, latencies, closes });
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const requests: http.ClientRequest[] = [];
const sioSockets: Socket[] = [];
const wsSockets: WebSocket[] = [];

/** One SSE client: resolves on the first chunk (the server's opening comment); counts events that carry data. */
function openSSE(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(config.url, { agent }, (res) => {
      res.setEncoding('utf8');
      let tail = '';
      let first = true;
      res.on('data', (chunk: string) => {
        if (first) {
          first = false;
          resolve();
        }
        const text = tail + chunk;
        let from = 0;
        let count = 0;
        for (;;) {
          const end = text.indexOf('\n\n', from);
          if (end < 0) break;
          if (text.startsWith('id:', from) || text.startsWith('event:', from) || text.startsWith('data:', from))
            count += 1;
          from = end + 2;
        }
        tail = text.slice(from);
        if (count > 0) delivered(count);
      });
      res.on('close', () => {
        if (!closing) closes += 1;
      });
    });
    request.on('error', reject);
    requests.push(request);
  });
}

function openSIO(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(config.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
    socket.on('chat', () => delivered(1));
    socket.on('disconnect', () => {
      if (!closing) closes += 1;
    });
    sioSockets.push(socket);
  });
}

function openRealtime(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(config.url);
    ws.on('error', reject);
    ws.on('message', (raw: WebSocket.RawData) => {
      const frame = JSON.parse(raw.toString()) as { type: string; data?: { t?: number } };
      if (frame.type === 'message') delivered(1, frame.data?.t);
      else if (frame.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', channel: 'room' }));
      else if (frame.type === 'subscribed') resolve();
    });
    ws.on('close', () => {
      if (!closing) closes += 1;
    });
    wsSockets.push(ws);
  });
}

const open = config.kind === 'sse' ? openSSE : config.kind === 'sio' ? openSIO : openRealtime;
// In batches, so the server's accept backlog never overflows (a dropped SYN costs a 1 s retransmit).
while (opened < config.count) {
  const batch = Math.min(BATCH, config.count - opened);
  await Promise.all(Array.from({ length: batch }, () => open()));
  opened += batch;
}
tell({ type: 'ready' });

process.on('message', (message: ToClients) => {
  if (message.type === 'expect') {
    received = 0;
    latencies = [];
    expected = message.perClient * config.count;
    tell({ type: 'expecting' });
  }
});

function shutdown() {
  closing = true;
  for (const request of requests) request.destroy();
  for (const socket of sioSockets) socket.close();
  for (const ws of wsSockets) ws.terminate();
  process.exit(0);
}
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
