import type { Duplex } from 'node:stream';
import {
  COMPACT_ENCODING,
  type ChannelBroker,
  type ChannelHub,
  type ClientFrame,
  type RealtimeErrorCode,
  type ServerFrame,
} from '@realtime-kit/core';
import type { RawData, WebSocket } from 'ws';
import type { AuthenticatedUser } from './auth/user.js';
import { channelScopeOf, type EndpointAdmission } from './endpoint/admission.js';
import { SERVER_CLOSE_CODES } from './server-close-codes.js';
import { createCompactSessionEncoder } from './compact-session.js';
import type { InboundPacer } from './ws-inbound.js';
import type { FrameWriter, SocketWriter } from './ws-writer.js';

/** What the connections of one WebSocket endpoint share. */
export interface WebSocketEndpointContext {
  readonly admission: EndpointAdmission<ChannelHub<ChannelBroker>>;
  readonly writer: FrameWriter;
  readonly pacer: InboundPacer;
  readonly maxMessageBytes: number;
  readonly maxDurationMs: number | undefined;
  /** Open connections, each with its side of the writer. */
  readonly clients: Map<WebSocket, SocketWriter>;
  /** Connections that answered since the last ping. */
  readonly alive: WeakSet<WebSocket>;
  /** Frames being handled (an async broker, authorize or limit): `close()` lets them finish and answer first. */
  readonly inFlight: Set<Promise<unknown>>;
  /** Whether the endpoint is shutting down (frames are then left for the next server). */
  closing(): boolean;
}

/**
 * One accepted connection: a hub session fed by the socket's frames. `socket` is the stream under `ws`. Data frames
 * are finished WebSocket frames (built once per frame for every client, compressed when `windowBits` says the client
 * accepted permessage-deflate; in the compact encoding when `compact`, the client asked for it) that the writer writes
 * to it directly, coalesced per turn; `ws` itself only writes
 * control frames (pings, pongs, the close), always whole, between them.
 */
export function openWebSocketSession(
  context: WebSocketEndpointContext,
  ws: WebSocket,
  user: AuthenticatedUser | undefined,
  socket: Duplex,
  { windowBits, compact }: { windowBits: number | undefined; compact: boolean },
): void {
  const { admission, clients, alive, maxDurationMs } = context;
  const encode = compact ? createCompactSessionEncoder() : undefined;
  const output = context.writer.attach({ ws, socket, windowBits, ...(encode && { encode }) });
  clients.set(ws, output);
  alive.add(ws);
  const session = admission.hub.connect({
    send: (frame: ServerFrame) => output.send(frame),
    userId: user?.userId,
    transport: 'websocket',
    ...(compact && { encoding: COMPACT_ENCODING }),
    ...channelScopeOf(user),
    close: () => output.close(SERVER_CLOSE_CODES.SERVICE_RESTART, 'session ended'),
  });
  admission.report({ type: 'connect', transport: 'websocket', connectionId: session.id, userId: user?.userId });
  const stopExpiry = admission.expireWith(user, 'websocket', () =>
    output.close(SERVER_CLOSE_CODES.UNAUTHORIZED, 'token expired'),
  );
  // A host that cuts connections after a while: end first, as a restart, so the client resumes elsewhere at once.
  const lifetime =
    maxDurationMs === undefined
      ? undefined
      : setTimeout(() => output.close(SERVER_CLOSE_CODES.SERVICE_RESTART, 'max duration'), maxDurationMs);

  const input = context.pacer.attach(ws, (message: { data: RawData; isBinary: boolean }) =>
    handleMessage(context, output, session, user, message),
  );
  ws.on('pong', () => alive.add(ws));
  ws.on('message', (data: RawData, isBinary: boolean) => {
    alive.add(ws);
    input.receive({ data, isBinary });
  });
  // ws always follows 'error' with 'close'; the listener keeps the error from being thrown.
  ws.on('error', () => {});
  ws.on('close', () => {
    stopExpiry();
    clearTimeout(lifetime);
    clients.delete(ws);
    output.release();
    input.release();
    session.close();
    admission.report({ type: 'disconnect', transport: 'websocket', connectionId: session.id, userId: user?.userId });
  });
}

/**
 * One client message. Never throws: every failure is answered or reported (the pacer relies on it). Returns the
 * frame's handling when it is asynchronous (the pacer waits for it, fan-out included, before it reads its clock).
 */
function handleMessage(
  context: WebSocketEndpointContext,
  output: SocketWriter,
  session: { receive(frame: ClientFrame): Promise<void> | void },
  user: AuthenticatedUser | undefined,
  { data, isBinary }: { data: RawData; isBinary: boolean },
): unknown {
  const { admission, maxMessageBytes, inFlight } = context;
  const refuseFrame = (code: RealtimeErrorCode, message: string) =>
    output.send({ type: 'error', error: { code, message } });
  const size = byteLength(data);
  if (context.closing()) return; // Shutting down: the client re-sends what was not acked to the next server.
  if (size > maxMessageBytes) {
    admission.report({ type: 'refused', transport: 'websocket', code: 'message_too_large', userId: user?.userId });
    return refuseFrame(
      'message_too_large',
      `A ${size}-byte message was refused: the limit is ${maxMessageBytes} bytes. Send smaller payloads (store large data elsewhere and send a reference).`,
    );
  }
  if (isBinary) return refuseFrame('bad_frame', 'Binary messages are not part of the protocol: send JSON text frames.');
  let frame: ClientFrame;
  try {
    frame = JSON.parse(rawToString(data)) as ClientFrame;
  } catch {
    return refuseFrame('bad_frame', 'The message is not valid JSON: send one JSON protocol frame per message.');
  }
  // The hub checks the frame's shape (answering bad ones with `bad_frame`) and keeps one session's frames in order.
  try {
    const pending = session.receive(frame);
    if (pending) {
      const tracked = pending.catch(admission.onError).finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      return tracked;
    }
  } catch (error) {
    admission.onError(error);
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  return data.byteLength;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
