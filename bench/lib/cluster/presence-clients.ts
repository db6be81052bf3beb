/**
 * The presence-client child of the cluster suite: `connections` WebSockets subscribed to one channel, spread over
 * the endpoints, the first `members` of them present and churning their data on command. Counts the presence
 * `update` frames every connection receives. Runs in its own process so its CPU never counts as the servers'.
 */
import WebSocket from 'ws';
import type { PresenceMember, ServerFrame } from '@realtime-kit/core';
import {
  presenceUpdate,
  type FromPresenceClients,
  type PresenceClientsConfig,
  type PresenceUpdate,
  type ToPresenceClients,
} from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as PresenceClientsConfig;
const BATCH = 25;

function tell(message: FromPresenceClients) {
  if (process.connected) process.send?.(message);
}

interface Connection {
  readonly ws: WebSocket;
  readonly member: boolean;
  /** Members this connection sees present. */
  readonly present: Set<string>;
  /** Members whose last update of the current round this connection has. */
  readonly finished: Set<string>;
}

const connections: Connection[] = [];
let closing = false;
let round = -1;
let updates = 0;
let received = 0;
let latencies: number[] = [];
let doneConnections = 0;
let onReady: (() => void) | undefined;

function checkReady() {
  if (
    onReady &&
    connections.length === config.connections &&
    connections.every((c) => c.present.size >= config.members)
  ) {
    const ready = onReady;
    onReady = undefined;
    ready();
  }
}

function onUpdate(connection: Connection, member: PresenceMember) {
  const data = member.data as PresenceUpdate | undefined;
  if (data?.r !== round) return;
  received += 1;
  latencies.push(performance.timeOrigin + performance.now() - data.t);
  if (data.n !== updates - 1 || connection.finished.has(member.userId)) return;
  connection.finished.add(member.userId);
  if (connection.finished.size < config.members) return;
  doneConnections += 1;
  if (doneConnections === connections.length) finishRound();
}

function finishRound() {
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  tell({
    type: 'done',
    received,
    expected: config.members * updates * connections.length,
    p50: at(0.5),
    p99: at(0.99),
  });
}

function open(index: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(config.urls[index % config.urls.length] as string, { perMessageDeflate: false });
    const connection: Connection = { ws, member: index < config.members, present: new Set(), finished: new Set() };
    ws.once('error', reject);
    ws.on('message', (raw: WebSocket.RawData) => {
      const frame = JSON.parse(raw.toString()) as ServerFrame;
      if (frame.type === 'presence') {
        if (frame.action === 'sync') for (const member of frame.members) connection.present.add(member.userId);
        else if (frame.action === 'leave') connection.present.delete(frame.member.userId);
        else {
          connection.present.add(frame.member.userId);
          if (frame.action === 'update') onUpdate(connection, frame.member);
        }
        checkReady();
      } else if (frame.type === 'welcome') {
        ws.send(JSON.stringify({ type: 'subscribe', channel: config.channel }));
      } else if (frame.type === 'subscribed') {
        if (connection.member) {
          ws.send(
            JSON.stringify({
              type: 'presence',
              channel: config.channel,
              action: 'enter',
              data: presenceUpdate(index, -1, 0),
            }),
          );
        }
        resolve(connection);
      } else if (frame.type === 'error') {
        tell({
          type: 'failed',
          reason: `server error on connection ${index}: ${frame.error.code} ${frame.error.message}`,
        });
      }
    });
    ws.on('close', () => {
      if (!closing) tell({ type: 'failed', reason: `connection ${index} closed` });
    });
  });
}

function run(message: ToPresenceClients) {
  round = message.round;
  updates = message.updates;
  received = 0;
  latencies = [];
  doneConnections = 0;
  for (const connection of connections) connection.finished.clear();
  const members = connections.filter((c) => c.member);
  const total = members.length * updates;
  const step = message.intervalMs / members.length;
  const began = performance.now();
  let sent = 0;
  // One member at a time, `step` apart, so the load is steady rather than a burst per interval.
  const tick = () => {
    const index = sent % members.length;
    const data = presenceUpdate(index, round, Math.floor(sent / members.length));
    members[index]?.ws.send(JSON.stringify({ type: 'presence', channel: config.channel, action: 'update', data }));
    sent += 1;
    if (sent < total) setTimeout(tick, Math.max(0, began + sent * step - performance.now()));
  };
  tell({ type: 'running' });
  tick();
}

const ready = new Promise<void>((resolve) => (onReady = resolve));
for (let i = 0; i < config.connections; i += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, config.connections - i) }, (_, j) => open(i + j));
  connections.push(...(await Promise.all(batch)));
}
checkReady();
await ready;
tell({ type: 'ready' });

process.on('message', (message: ToPresenceClients) => {
  if (message.type === 'run') run(message);
});

function shutdown() {
  closing = true;
  for (const connection of connections) connection.ws.terminate();
  process.exit(0);
}
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
