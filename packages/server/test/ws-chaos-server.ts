// The server process of ws-chaos.integration.test.ts, run with `node --conditions=source --import tsx`.
// Usage: ws-chaos-server.ts <log.jsonl> <port>   (port 0 picks one; prints "READY <port>" once listening)
//
// The test SIGKILLs this process again and again, so nothing may live only in memory. The design is the
// smallest honest one: every server-side publish is appended to a JSONL file (one line, written before the
// publish is acknowledged) and, on start, the hub is rebuilt by re-publishing those lines in order. The hub
// numbers a channel 1, 2, 3, … so the rebuilt log has the same seqs; ids and timestamps are replayed through the
// hub's injected `createId` / `now`. A cid already in the file is answered from it, so retries store nothing twice.
// SIGKILL loses no completed write (the page cache survives the process); only a torn last line can be
// left, and it was never acknowledged, so it is cut off and its publish is retried by the test.
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelHub } from '@realtime-kit/core';
import { createWebSocketEndpoint } from '../src/index.js';

interface LogLine {
  cid: string;
  channel: string;
  event: string;
  data: unknown;
  id: string;
  at: number;
}

const [logFile = '', portArg = '0'] = process.argv.slice(2);

let replayId: string | undefined;
let replayAt: number | undefined;
const hub = createChannelHub({
  logSize: 100_000,
  createId: () => replayId ?? randomUUID(),
  now: () => replayAt ?? Date.now(),
  // The log is rebuilt from the file with the same numbers: the same log, so the same epoch (the file's name).
  epoch: () => createHash('sha1').update(logFile).digest('hex').slice(0, 12),
});
const stored = new Map<string, { id: string; seq: number }>();

function publish(line: LogLine) {
  replayId = line.id;
  replayAt = line.at;
  try {
    stored.set(line.cid, hub.publish(line.channel, line.event, line.data, { cid: line.cid }));
  } finally {
    replayId = undefined;
    replayAt = undefined;
  }
}

if (existsSync(logFile)) {
  const text = readFileSync(logFile, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) truncateSync(logFile, Buffer.byteLength(text.slice(0, end)));
  for (const line of text.slice(0, end).split('\n')) if (line) publish(JSON.parse(line) as LogLine);
}

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/publish') return void response.writeHead(404).end();
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    const { cid, channel, event, data } = JSON.parse(body) as Omit<LogLine, 'id' | 'at'>;
    let result = stored.get(cid);
    if (!result) {
      const line: LogLine = { cid, channel, event, data, id: randomUUID(), at: Date.now() };
      appendFileSync(logFile, `${JSON.stringify(line)}\n`);
      publish(line);
      result = stored.get(cid);
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  });
});

createWebSocketEndpoint({ server, hub, path: '/realtime', pingIntervalMs: false });
server.listen(Number(portArg), '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port} ${stored.size}\n`);
});
