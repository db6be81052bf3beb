// A channel server for contract tests: createChannelHub behind one Node http server on 127.0.0.1 that speaks every
// carrier of our own protocol — WebSocket (`ws`), SSE + POST and long polling + POST, as createChannelEndpoint does —
// plus the same hub on Socket.io's `rk` event. Connections carry `?peer=<tag>` so a test can cut one peer, and new
// connections can be refused (503) to keep a cut peer down while the others go on.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIOServer } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { randomId } from '../src/lib/random-id.js';
import { SESSION_HEADER, type ClientFrame, type ServerFrame } from '../src/protocol/frames.js';
import { createChannelHub, type ChannelHub, type HubSession } from '../src/protocol/hub.js';
import { SOCKET_IO_FRAME_EVENT } from '../src/transports/socket-io.js';

/** How long an empty poll is held before it is answered `[]`. */
const POLL_WAIT_MS = 1000;

export interface HubTestServer {
  readonly hub: ChannelHub;
  /** `http://127.0.0.1:<port>/realtime`: SSE (GET), long polling (GET `?transport=polling`) and POSTed frames. */
  readonly httpUrl: string;
  /** `ws://127.0.0.1:<port>/realtime`. */
  readonly wsUrl: string;
  /** While false, new connections (a WebSocket, an event stream, a new polling session) are refused with 503. */
  setAccepting(accepting: boolean): void;
  /** Cuts every connection of peer `tag` abruptly; resolves once the hub has ended their sessions. */
  drop(tag: string): Promise<void>;
  close(): Promise<void>;
}

/** One carrier connection of a peer: how to cut it, and its hub session. */
interface Carried {
  readonly tag: string;
  readonly session: HubSession;
  cut(): void;
}

interface PollingSession {
  readonly queue: ServerFrame[];
  wake: (() => void) | null;
  /** The held poll's response, to cut it. */
  held: ServerResponse | null;
}

export async function startHubTestServer(hub: ChannelHub = createChannelHub()): Promise<HubTestServer> {
  const carried = new Set<Carried>();
  /** Sessions POSTs and polls name, by the `session` secret of their welcome. */
  const byToken = new Map<string, HubSession>();
  const polling = new Map<string, PollingSession>();
  let accepting = true;

  function track(tag: string, session: HubSession, cut: () => void): Carried {
    const entry: Carried = { tag, session, cut };
    carried.add(entry);
    return entry;
  }

  function end(entry: Carried, token?: string) {
    if (!carried.delete(entry)) return;
    if (token !== undefined) {
      byToken.delete(token);
      polling.delete(token);
    }
    entry.session.close();
  }

  const server = http.createServer((req, res) => void handle(req, res));
  const wss = new WebSocketServer({ server, verifyClient: (_info, done) => done(accepting, 503) });
  wss.on('connection', (socket: WebSocket, request) => {
    const tag = new URL(request.url ?? '/', 'http://x').searchParams.get('peer') ?? '';
    const session = hub.connect({ send: (frame) => socket.send(JSON.stringify(frame)), close: () => socket.close() });
    const entry = track(tag, session, () => socket.terminate());
    socket.on('message', (data) => void session.receive(JSON.parse(String(data)) as ClientFrame));
    socket.on('error', () => {});
    socket.on('close', () => end(entry));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const tag = url.searchParams.get('peer') ?? '';
    if (req.method === 'POST') return receive(req, res);
    if (url.searchParams.get('transport') !== 'polling') return stream(tag, res);
    const token = url.searchParams.get('session');
    return token === null ? openPolling(tag, res) : poll(token, res);
  }

  function stream(tag: string, res: ServerResponse) {
    if (!accepting) return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const token = randomId();
    const session = hub.connect({
      session: token,
      send: (frame) => void (!res.writableEnded && res.write(`data: ${JSON.stringify(frame)}\n\n`)),
      close: () => res.end(),
    });
    byToken.set(token, session);
    const entry = track(tag, session, () => res.destroy());
    res.once('close', () => end(entry, token));
  }

  function openPolling(tag: string, res: ServerResponse) {
    if (!accepting) return void res.writeHead(503).end();
    const token = randomId();
    const state: PollingSession = { queue: [], wake: null, held: null };
    const session = hub.connect({
      session: token,
      send(frame) {
        state.queue.push(frame);
        state.wake?.();
      },
    });
    byToken.set(token, session);
    polling.set(token, state);
    track(tag, session, () => state.held?.destroy());
    answer(res, state.queue.splice(0));
  }

  async function poll(token: string, res: ServerResponse) {
    const state = polling.get(token);
    if (!state)
      return void res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'session_gone', message: 'no such session' } }));
    state.held = res;
    // A poll cut before its answer ends the session, as a polling endpoint's session timeout would (sooner).
    res.once('close', () => {
      if (res.writableEnded) return;
      const entry = [...carried].find((candidate) => candidate.session === byToken.get(token));
      if (entry) end(entry, token);
    });
    if (state.queue.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_WAIT_MS);
        state.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      state.wake = null;
    }
    if (state.held === res) state.held = null;
    if (!res.destroyed) answer(res, state.queue.splice(0));
  }

  async function receive(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const session = byToken.get(String(req.headers[SESSION_HEADER] ?? ''));
    if (!session)
      return void res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'session_gone', message: 'no such session' } }));
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ClientFrame | ClientFrame[];
    for (const frame of Array.isArray(body) ? body : [body]) void session.receive(frame);
    res.writeHead(204).end();
  }

  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    hub,
    httpUrl: `http://127.0.0.1:${port}/realtime`,
    wsUrl: `ws://127.0.0.1:${port}/realtime`,
    setAccepting(next) {
      accepting = next;
    },
    async drop(tag) {
      const cut = [...carried].filter((entry) => entry.tag === tag);
      for (const entry of cut) {
        entry.cut();
        const token = [...byToken].find(([, session]) => session === entry.session)?.[0];
        end(entry, token);
      }
    },
    async close() {
      for (const entry of [...carried]) {
        entry.cut();
        end(entry);
      }
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(res: ServerResponse, frames: ServerFrame[]) {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(frames));
}

export interface SocketIOHubServer {
  readonly hub: ChannelHub;
  readonly url: string;
  /** While false, new Socket.io connections are refused (their handshake answered 403): Socket.io retries. */
  setAccepting(accepting: boolean): void;
  /** Cuts the connection of the peer whose handshake carried `query.peer === tag`; resolves once it is gone. */
  drop(tag: string): Promise<void>;
  close(): Promise<void>;
}

/** The hub on Socket.io's {@link SOCKET_IO_FRAME_EVENT} event. */
export async function startSocketIOHubServer(hub: ChannelHub = createChannelHub()): Promise<SocketIOHubServer> {
  let accepting = true;
  const httpServer = http.createServer();
  const io = new SocketIOServer(httpServer, { allowRequest: (_req, done) => done(null, accepting) });
  io.on('connection', (socket) => {
    const session = hub.connect({
      send: (frame) => socket.emit(SOCKET_IO_FRAME_EVENT, frame),
      close: () => socket.disconnect(true),
    });
    socket.on(SOCKET_IO_FRAME_EVENT, (frame: ClientFrame) => void session.receive(frame));
    socket.on('disconnect', () => session.close());
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    hub,
    url: `http://127.0.0.1:${port}`,
    setAccepting(next) {
      accepting = next;
    },
    async drop(tag) {
      const sockets = [...io.sockets.sockets.values()].filter((socket) => socket.handshake.query.peer === tag);
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              socket.once('disconnect', () => resolve());
              // The engine's transport closes under the Socket.io session: the client sees a lost transport, not a
              // server disconnect, and reconnects.
              socket.conn.close();
            }),
        ),
      );
    },
    async close() {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
