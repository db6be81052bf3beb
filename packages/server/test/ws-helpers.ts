// Shared by the ws-*.integration tests: real servers on 127.0.0.1, clients over `ws`, and cleanup.
import { createServer, type Server } from 'node:http';
import { connect as connectTcp, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import {
  createRealtimeClient,
  type ChannelMessage,
  type RealtimeClient,
  type RealtimeError,
  type ServerFrame,
} from '@realtime-kit/core';
import { websocketTransport, type WebSocketTransportOptions } from '@realtime-kit/core/websocket';
import { WebSocket } from 'ws';
import { createWebSocketEndpoint, type WebSocketEndpoint, type WebSocketEndpointOptions } from '../src/index.js';

/** Tiny backoff so every retry runs in milliseconds. */
export const FAST_BACKOFF = { minMs: 10, maxMs: 100 };
export const WAIT = { timeout: 10_000, interval: 5 };

const cleanups: (() => void | Promise<void>)[] = [];

/** Runs (newest first) everything the tests registered; call from `afterEach`. */
export async function cleanup(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) await step();
}

export function onCleanup(step: () => void | Promise<void>): void {
  cleanups.push(step);
}

export interface RunningEndpoint {
  readonly server: Server;
  readonly endpoint: WebSocketEndpoint;
  readonly port: number;
  readonly url: string;
  /** `endpoint.close()`, then the http server (idempotent). */
  stop(): Promise<void>;
}

/** An http server on 127.0.0.1 (ephemeral port, or `port` to come back on the same one) with an endpoint at /realtime. */
export async function startEndpoint(
  options: Omit<WebSocketEndpointOptions, 'server' | 'path'> = {},
  port = 0,
): Promise<RunningEndpoint> {
  const server = createServer((_request, response) => response.writeHead(404).end());
  const endpoint = createWebSocketEndpoint({ ...options, server, path: '/realtime' });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await endpoint.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })());
  onCleanup(stop);
  return { server, endpoint, port: actual, url: `ws://127.0.0.1:${actual}/realtime`, stop };
}

/** A channel client over websocketTransport; closed on cleanup. Errors are collected, never reported. */
export function startClient(url: string, options: Partial<WebSocketTransportOptions> = {}) {
  const transport = websocketTransport({ url, WebSocket, backoff: FAST_BACKOFF, heartbeat: false, ...options });
  const client = createRealtimeClient({ transport });
  onCleanup(() => client.close());
  const errors: RealtimeError[] = [];
  transport.onError((error) => errors.push(error));
  client.onError((error) => errors.push(error));
  return { client, transport, errors };
}

export function collect(client: RealtimeClient, channel: string): ChannelMessage[] {
  const messages: ChannelMessage[] = [];
  const off = client.channel(channel).subscribe('*', (message) => messages.push(message));
  onCleanup(off);
  return messages;
}

/** A bare `ws` socket that sends raw text or bytes and records every frame and the close. */
export async function rawSocket(url: string) {
  const socket = new WebSocket(url);
  onCleanup(() => socket.terminate());
  const frames: ServerFrame[] = [];
  let closed: { code: number; reason: string } | null = null;
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  socket.on('close', (code, reason) => {
    closed = { code, reason: String(reason) };
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    closed: () => closed,
    send: (data: string | Buffer) => socket.send(data),
    errors: () => frames.flatMap((frame) => (frame.type === 'error' ? [frame.error.code] : [])),
  };
}

/**
 * A TCP proxy on a fixed port forwarding each new connection to whichever backend port is current: the load
 * balancer in front of several instances. `point(port)` sends the next connections elsewhere.
 */
export async function startBalancer(target: number) {
  let current = target;
  const sockets = new Set<Socket>();
  const server = createTcpServer((inbound) => {
    const outbound = connectTcp(current, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onCleanup(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/realtime`,
    point: (port: number) => void (current = port),
  };
}
