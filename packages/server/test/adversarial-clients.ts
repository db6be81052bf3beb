// Raw clients of every endpoint of the adversarial stack (adversarial-stack.ts), for the adversarial-hub-* and
// adversarial-sessions tests: each records every frame it gets, in order, and sends what an attacker sends (frames, or
// raw text no well-behaved client library would encode).
import type { ClientFrame, ServerFrame } from '@realtime-kit/core';
import { EventSource, type FetchLike } from 'eventsource';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import type { SocketClientToServerEvents, SocketServerToClientEvents } from '../src/socket-io/socket-events.js';
import { onCleanup, until, type Stack } from './adversarial-stack.js';

type Welcome = Extract<ServerFrame, { type: 'welcome' }>;

/** A raw protocol client: every frame it got, in order, and a way to send frames (or raw text). */
export interface ProtocolClient {
  readonly name: string;
  readonly frames: ServerFrame[];
  readonly welcome: Welcome;
  /** Sends frames (HTTP carriers POST them and expect 204). */
  send(...frames: (ClientFrame | string)[]): Promise<void>;
  /** Whether the server ended the connection. */
  closed(): boolean;
}

export const errorsOf = (client: { frames: ServerFrame[] }, channel?: string) =>
  client.frames.flatMap((frame) =>
    (frame.type === 'error' || frame.type === 'nack') && (channel === undefined || frame.channel === channel)
      ? [frame]
      : [],
  );
export const messagesOf = (client: { frames: ServerFrame[] }, channel: string) =>
  client.frames.flatMap((frame) => (frame.type === 'message' && frame.channel === channel ? [frame] : []));

async function welcomed(frames: ServerFrame[]): Promise<Welcome> {
  await until(() => expect(frames[0]?.type).toBe('welcome'));
  return frames[0] as Welcome;
}

/** A raw client of the WebSocket endpoint (`token` becomes `?token=`). */
export async function wsClient(stack: Stack, token?: string): Promise<ProtocolClient> {
  const socket = new WebSocket(
    `${stack.base.replace('http', 'ws')}/realtime${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`,
  );
  onCleanup(() => socket.terminate());
  const frames: ServerFrame[] = [];
  let closed = false;
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  const welcome = await welcomed(frames);
  return {
    name: 'websocket',
    frames,
    welcome,
    send: async (...sent) =>
      sent.forEach((frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))),
    closed: () => closed,
  };
}

/** Lean clients still open (one set, not a cleanup per client, which would keep hundreds of closed sockets alive). */
const leanSockets = new Set<WebSocket>();

/** Terminates the lean clients still open; call from `afterEach`. */
export function terminateLeanClients() {
  for (const socket of leanSockets) socket.terminate();
  leanSockets.clear();
}

/** A WebSocket protocol client that keeps counts, not frames (the test's own memory must not grow with the attack). */
export async function leanClient(stack: Stack) {
  const socket = new WebSocket(`${stack.base.replace('http', 'ws')}/realtime`);
  leanSockets.add(socket);
  socket.once('close', () => leanSockets.delete(socket));
  const state = { welcomed: false, acks: 0, subscribed: 0, pongs: new Set<number>(), refusals: [] as ServerFrame[] };
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.type === 'welcome') state.welcomed = true;
    else if (frame.type === 'ack') state.acks += 1;
    else if (frame.type === 'subscribed') state.subscribed += 1;
    else if (frame.type === 'pong') state.pongs.add(frame.t);
    else if ((frame.type === 'error' || frame.type === 'nack') && state.refusals.length < 10)
      state.refusals.push(frame);
  });
  socket.on('error', () => {});
  await until(() => expect(state.welcomed).toBe(true));
  let pings = 0;
  return {
    state,
    /** Sends the frames, then waits until the server has handled them all (a ping's pong follows them in order). */
    async run(frames: ClientFrame[]) {
      for (const frame of frames) socket.send(JSON.stringify(frame));
      pings += 1;
      const t = pings;
      socket.send(JSON.stringify({ type: 'ping', t }));
      await until(() => expect(state.pongs.has(t)).toBe(true));
    },
    close: () =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

/** POSTs frames (a frame, an array, or raw text) to the channel endpoint for the session named by `session`. */
export function postFrames(stack: Stack, session: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.base}/api/realtime`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-realtime-session': session, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function posting(stack: Stack, session: string, sent: (ClientFrame | string)[], headers: Record<string, string>) {
  for (const frame of sent) {
    const response = await postFrames(stack, session, frame, headers);
    expect(response.status, await response.clone().text()).toBe(204);
  }
}

/** A client of the channel endpoint over SSE + POST; `query` is added to the stream's URL, `headers` to every request. */
export async function sseSessionClient(
  stack: Stack,
  options: { query?: string; headers?: Record<string, string> } = {},
): Promise<ProtocolClient> {
  const frames: ServerFrame[] = [];
  const headers = options.headers ?? {};
  const withHeaders: FetchLike = (input, init) => {
    const sent = new Headers(init?.headers as HeadersInit);
    for (const [name, value] of Object.entries(headers)) sent.set(name, value);
    return fetch(String(input), { ...init, headers: sent } as RequestInit);
  };
  const source = new EventSource(`${stack.base}/api/realtime${options.query ? `?${options.query}` : ''}`, {
    fetch: withHeaders,
  });
  onCleanup(() => source.close());
  let closed = false;
  source.onmessage = (event) => frames.push(JSON.parse(event.data) as ServerFrame);
  source.onerror = () => {
    // A stream the server ended: stay closed (EventSource would reconnect as a new session).
    closed = true;
    source.close();
  };
  const welcome = await welcomed(frames);
  return {
    name: 'sse-post',
    frames,
    welcome,
    send: (...sent) => posting(stack, welcome.session!, sent, headers),
    closed: () => closed,
  };
}

/** A client of the channel endpoint over long polling: polls in the background, acknowledging each batch. */
export async function pollingClient(
  stack: Stack,
  options: { query?: string; headers?: Record<string, string> } = {},
): Promise<ProtocolClient> {
  const headers = options.headers ?? {};
  const url = `${stack.base}/api/realtime?transport=polling${options.query ? `&${options.query}` : ''}`;
  const first = await fetch(url, { headers });
  expect(first.status, await first.clone().text()).toBe(200);
  const frames: ServerFrame[] = (await first.json()) as ServerFrame[];
  const welcome = frames[0] as Welcome;
  expect(welcome.type).toBe('welcome');
  let batch = Number(first.headers.get('x-realtime-batch') ?? 0);
  let closed = false;
  const aborter = new AbortController();
  const loop = (async () => {
    while (!aborter.signal.aborted) {
      const response = await fetch(
        `${stack.base}/api/realtime?transport=polling&session=${encodeURIComponent(welcome.session!)}&ack=${batch}`,
        {
          headers,
          signal: aborter.signal,
        },
      ).catch(() => undefined);
      if (!response) return;
      if (response.status !== 200) {
        closed = true;
        return;
      }
      const answer = (await response.json()) as ServerFrame[];
      const number = Number(response.headers.get('x-realtime-batch') ?? 0);
      if (number > 0) batch = number;
      frames.push(...answer);
    }
  })();
  onCleanup(async () => {
    aborter.abort();
    await loop;
  });
  return {
    name: 'polling',
    frames,
    welcome,
    send: (...sent) => posting(stack, welcome.session!, sent, headers),
    closed: () => closed,
  };
}

export type NativeSocket = Socket<SocketServerToClientEvents, SocketClientToServerEvents>;

/** A socket.io-client socket (over WebSocket) with `auth.token`; rejects on `connect_error`. */
export async function ioSocket(
  stack: Stack,
  token?: string,
  setUp?: (socket: NativeSocket) => void,
): Promise<NativeSocket> {
  const socket: NativeSocket = io(stack.base, {
    forceNew: true,
    transports: ['websocket'],
    reconnection: false,
    ...(token === undefined ? {} : { auth: { token } }),
  });
  setUp?.(socket);
  onCleanup(() => void socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** A protocol client over Socket.io (what `socketIOTransport` sends: frames as `rk` events). */
export async function ioClient(stack: Stack, token?: string): Promise<ProtocolClient & { socket: NativeSocket }> {
  const frames: ServerFrame[] = [];
  const socket = await ioSocket(stack, token, (created) => created.on('rk', (frame) => frames.push(frame)));
  const welcome = await welcomed(frames);
  return {
    name: 'socket.io',
    socket,
    frames,
    welcome,
    send: async (...sent) =>
      sent.forEach((frame) =>
        socket.emit('rk', (typeof frame === 'string' ? JSON.parse(frame) : frame) as ClientFrame),
      ),
    closed: () => !socket.connected,
  };
}

/**
 * A Socket.io client speaking the wire format itself (Engine.IO 4 over a raw WebSocket: `40` connect, `42[event, …]`
 * events, `42<id>[…]` / `43<id>[…]` acks), so an attacker can send payloads socket.io-client would not encode (its
 * `hasBinary` recursion overflows the stack on 6,000 levels). Records `rk` frames; `emit` sends raw JSON text.
 */
export async function rawIoClient(
  stack: Stack,
  token?: string,
): Promise<ProtocolClient & { emitWithAck(event: string, json: string): Promise<unknown> }> {
  const socket = new WebSocket(`${stack.base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  onCleanup(() => socket.terminate());
  const frames: ServerFrame[] = [];
  const acks = new Map<number, (value: unknown) => void>();
  let nextAck = 1;
  let closed = false;
  let connected: () => void = () => {};
  const ready = new Promise<void>((resolve) => (connected = resolve));
  socket.on('message', (data) => {
    const text = String(data);
    if (text === '2') return void socket.send('3');
    if (text.startsWith('0')) return void socket.send(token === undefined ? '40' : `40${JSON.stringify({ token })}`);
    if (text.startsWith('40')) return connected();
    if (text.startsWith('42')) {
      const [event, frame] = JSON.parse(text.slice(2)) as [string, ServerFrame];
      if (event === 'rk') frames.push(frame);
      return;
    }
    const ack = /^43(\d+)(.*)$/s.exec(text);
    if (ack) {
      acks.get(Number(ack[1]))?.((JSON.parse(ack[2]!) as unknown[])[0]);
      acks.delete(Number(ack[1]));
    }
  });
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  await ready;
  const welcome = await welcomed(frames);
  return {
    name: 'socket.io (raw)',
    frames,
    welcome,
    send: async (...sent) =>
      sent.forEach((frame) => socket.send(`42["rk",${typeof frame === 'string' ? frame : JSON.stringify(frame)}]`)),
    emitWithAck(event, json) {
      const id = nextAck;
      nextAck += 1;
      const answer = new Promise<unknown>((resolve) => acks.set(id, resolve));
      socket.send(`42${id}[${JSON.stringify(event)},${json}]`);
      return answer;
    },
    closed: () => closed,
  };
}

/** One event an EventSource of createSSEEndpoint received. */
export interface LiveEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly lastEventId: string;
}

/**
 * An EventSource on createSSEEndpoint recording the named events in `types`, plus every event type it saw at all
 * (through a wrapped `dispatchEvent`), so a forged event of any name would show up.
 */
export function liveClient(stack: Stack, query: string, types: string[], headers: Record<string, string> = {}) {
  const received: LiveEvent[] = [];
  const seen: string[] = [];
  // Headers an EventSource cannot set itself (a cookie, in a browser).
  const withHeaders: FetchLike = (input, init) => {
    const sent = new Headers(init?.headers as HeadersInit);
    for (const [name, value] of Object.entries(headers)) sent.set(name, value);
    return fetch(String(input), { ...init, headers: sent } as RequestInit);
  };
  const source = new EventSource(`${stack.base}/api/live?${query}`, { fetch: withHeaders });
  const dispatch = source.dispatchEvent.bind(source);
  source.dispatchEvent = (event: Event) => {
    seen.push(event.type);
    return dispatch(event);
  };
  for (const type of types) {
    source.addEventListener(type, (event) => {
      received.push({
        type,
        data: JSON.parse((event as MessageEvent<string>).data) as Record<string, unknown>,
        lastEventId: (event as MessageEvent).lastEventId,
      });
    });
  }
  const errors: unknown[] = [];
  source.addEventListener('error', (event) => errors.push(event));
  onCleanup(() => source.close());
  const of = (type: string) => received.filter((item) => item.type === type);
  return { source, received, seen, errors, of };
}

/** POSTs publishes to createSSEEndpoint: the status and JSON body. */
export async function livePublish(stack: Stack, body: unknown, query = '', headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.base}/api/live${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** GETs the poll handler: the status and JSON body. */
export async function pollMessages(stack: Stack, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.base}/api/messages?${query}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
