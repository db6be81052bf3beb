import { measureData } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, ClientFrame, FrameError, HubSession, ServerFrame } from '@realtime-kit/core';
import { SOCKET_IO_FRAME_EVENT } from '@realtime-kit/core/socket-io';
import type { AuthenticatedUser } from '../auth/user.js';
import { channelScopeOf, type EndpointAdmission } from '../endpoint/admission.js';
import type { RealtimeSocket } from './socket-events.js';

/** Nesting deeper than this is not even measured (the hub refuses anything past its own, smaller limit). */
const MEASURABLE_DEPTH = 1000;

/** What every connection of one socket server shares. */
export interface SocketServerContext {
  readonly admission: EndpointAdmission<ChannelHub<ChannelBroker>>;
  readonly maxMessageBytes: number;
  readonly maxDurationMs: number | undefined;
  /** The data of typing signals sent for native `typing` events (see the `typing` handler). */
  readonly nativeTyping: WeakSet<object>;
}

/** A native request in flight: the hub's answers to its frame are routed to it instead of `rk`. */
interface Pending {
  readonly channel: string;
  readonly cid?: string;
  /** A `subscribed` (join) or `ack` (publish) frame. */
  succeed?(frame: ServerFrame): void;
  fail(error: FrameError): void;
  /** Called when the hub is done with the frame (after `succeed` or `fail`, or without either). */
  done(): void;
}

/** One connection's hub session, as its event handlers use it. */
export interface SocketSession {
  readonly context: SocketServerContext;
  readonly socket: RealtimeSocket;
  readonly userId: string | undefined;
  readonly connectionId: string;
  /**
   * Natively joined channels and the newest seq emitted on each (restored by connection state recovery). A
   * null-prototype record, read with `Object.hasOwn` only: channels named `constructor` or `__proto__` are channels.
   */
  readonly channels: Record<string, number>;
  joined(channel: string): boolean;
  /** Runs `frame` through the hub after the frames before it; the hub's answers to it go to `pending`. */
  enqueue(frame: ClientFrame, pending?: Pending | null): void;
  /** Sends a protocol frame (`rk`). */
  emitFrame(frame: ServerFrame): void;
  /** The refusal of a client input larger than `maxMessageBytes` (measured on its JSON), reported; undefined when it fits. */
  refuseOversized(input: unknown, channel?: string): FrameError | undefined;
  /** The socket disconnected: frames still waiting are dropped and the hub session closes. */
  close(): void;
}

/**
 * The hub session of one socket: frames go through the hub one at a time, so its answers can be routed to the native
 * request that caused them; everything else reaches the socket as `rk` frames, or as native events for channels it
 * joined natively. A channel is delivered one way per socket, so nothing arrives twice.
 */
export function createSocketSession(
  context: SocketServerContext,
  socket: RealtimeSocket,
  user: AuthenticatedUser | undefined,
): SocketSession {
  const { admission, maxMessageBytes, nativeTyping } = context;
  const userId = user?.userId;
  const channels: Record<string, number> = Object.create(null) as Record<string, number>;
  const joined = (channel: string) => Object.hasOwn(channels, channel);
  socket.data.channels = channels;
  socket.data.owner = userId;
  const queue: { frame: ClientFrame; pending: Pending | null }[] = [];
  let running = false;
  let current: Pending | null = null;
  const emitFrame = (frame: ServerFrame) => void socket.emit(SOCKET_IO_FRAME_EVENT, frame);
  const isNativeTyping = (data: unknown) => typeof data === 'object' && data !== null && nativeTyping.has(data);

  const send = (frame: ServerFrame) => {
    if (!socket.connected) return;
    const pending = current;
    switch (frame.type) {
      case 'message': {
        if (!joined(frame.channel)) return emitFrame(frame);
        channels[frame.channel] = Math.max(channels[frame.channel] ?? 0, frame.seq);
        return void socket.emit('message', frame);
      }
      case 'presence':
        return void (joined(frame.channel) ? socket.emit('presence', frame) : emitFrame(frame));
      case 'signal':
        // A native typist's signal reaches natively joined sockets through the room (across instances with Redis).
        if (joined(frame.channel) && isNativeTyping(frame.data)) return;
        return emitFrame(frame);
      case 'gap':
        if (!joined(frame.channel)) return emitFrame(frame);
        channels[frame.channel] = Math.max(channels[frame.channel] ?? 0, frame.to);
        return void socket.emit('gap', frame);
      case 'subscribed':
        if (pending?.channel === frame.channel && pending.succeed) return pending.succeed(frame);
        if (joined(frame.channel)) return;
        return emitFrame(frame);
      case 'ack':
      case 'nack':
        if (pending?.cid !== undefined && pending.cid === frame.cid)
          return frame.type === 'ack' ? pending.succeed?.(frame) : pending.fail(frame.error);
        return emitFrame(frame);
      case 'error':
        if (pending) return pending.fail(frame.error);
        if (frame.channel !== undefined && joined(frame.channel))
          return void socket.emit('realtime_error', { ...frame.error, channel: frame.channel });
        return emitFrame(frame);
      default:
        return emitFrame(frame);
    }
  };

  const hubSession: HubSession = admission.hub.connect({
    send,
    userId,
    transport: 'socket.io',
    ...channelScopeOf(user),
    close: () => socket.conn.close(),
  });

  function pump() {
    while (!running && queue.length > 0) {
      const job = queue.shift()!;
      current = job.pending;
      let result: void | Promise<void>;
      try {
        result = hubSession.receive(job.frame);
      } catch (error) {
        admission.onError(error);
        result = undefined;
      }
      if (result instanceof Promise) {
        running = true;
        const finish = () => {
          current = null;
          running = false;
          job.pending?.done();
          pump();
        };
        result.then(finish, (error: unknown) => {
          admission.onError(error);
          finish();
        });
        return;
      }
      current = null;
      job.pending?.done();
    }
  }

  return {
    context,
    socket,
    userId,
    connectionId: hubSession.id,
    channels,
    joined,
    enqueue(frame, pending = null) {
      queue.push({ frame, pending });
      pump();
    },
    emitFrame,
    refuseOversized(input, channel) {
      const size = sizeOf(input);
      if (!(size > maxMessageBytes)) return undefined;
      admission.report({
        type: 'refused',
        transport: 'socket.io',
        code: 'message_too_large',
        userId,
        ...(channel === undefined ? {} : { channel }),
      });
      return {
        code: 'message_too_large',
        message: `A ${Number.isFinite(size) ? `${size}-byte` : 'non-serialisable'} message was refused: the limit is ${maxMessageBytes} bytes. Send smaller payloads (store large data elsewhere and send a reference).`,
      };
    },
    close() {
      queue.length = 0;
      hubSession.close();
    },
  };
}

/** The JSON size of an input; NaN for data nested past any sane depth (JSON.stringify would overflow the stack): the hub refuses it `bad_frame`. */
function sizeOf(value: unknown): number {
  if (!measureData(value, MEASURABLE_DEPTH).ok) return Number.NaN;
  try {
    const json = JSON.stringify(value);
    return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The refusal of a malformed native request. */
export function badInput(message: string): FrameError {
  return { code: 'bad_frame', message };
}

/** A socket.io acknowledgement called at most once (and not at all when the client sent none). */
export function answerOnce<T>(ack: unknown): (value: T) => void {
  let called = false;
  return (value: T) => {
    if (called) return;
    called = true;
    if (typeof ack === 'function') (ack as (value: T) => void)(value);
  };
}
