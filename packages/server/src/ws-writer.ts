// The write side of the WebSocket endpoint: every outgoing frame of every socket goes through one writer per endpoint.
//
// Why: a broadcast used to cost one `ws.send` per frame and socket, i.e. one write syscall each. In a storm (100
// accounts publishing and churning presence on one channel within their limits) 100 × 100 sends per tick spent
// nearly all the server's time in `writev` and stalled the event loop for seconds. Now:
// - each frame becomes a finished WebSocket frame once, shared by every socket it goes to (plain text frames here,
//   compressed ones in ws-compression.ts), and is queued on the socket;
// - a socket's queue goes out as one write at the end of the event-loop turn (`setImmediate`, or after `coalesceMs`):
//   everything the hub fanned out while one poll phase read its sockets reaches each socket as one write;
// - the writing is sliced: one macrotask writes sockets for at most `sliceMs`, then yields to the loop
//   (timers, pings, reads) and goes on in the next one, so one huge fan-out cannot hold the loop for seconds.
// Frames of one socket are written in the order they were sent, plain and compressed alike (one queue), each its own
// WebSocket message: the wire format is what `ws.send` produced.
import type { Duplex } from 'node:stream';
import type { ServerFrame } from '@realtime-kit/core';
import type { WebSocket } from 'ws';
import { encodeFrame } from './encode-frame.js';
import { compressedFrame, compressedText, type ResolvedCompression } from './ws-compression.js';
import { SERVER_CLOSE_CODES } from './server-close-codes.js';

/**
 * Default write window: 0, the end of the event-loop turn. What the hub fans out while the loop handles one round of
 * reads goes out together, so batches grow exactly when the server is busy, and a frame on a quiet server leaves as
 * soon as the callback that sent it returns (no timer, no added latency). A window in milliseconds only adds latency
 * to batch traffic that is spread over time, which costs the server little to begin with.
 */
export const DEFAULT_WS_COALESCE_MS = 0;
/**
 * Default fan-out budget of one event-loop turn: 8 ms of handling client frames (with the hub's fan-out), and as much
 * of writing queued frames. A storm of any size then delays timers, pings and reads by a few budgets per turn instead
 * of the whole fan-out, far below what a person notices; a slice still does a lot (a batch to one socket costs ~5–20
 * µs to write, a delivery ~0.5 µs to fan out).
 */
export const DEFAULT_FANOUT_BUDGET_MS = 8;
/**
 * A socket whose queue reaches this many bytes within one turn is written at once (a replay of a long log, say):
 * queues stay small, and `maxBufferedBytes` keeps meaning what the kernel did not take, as without coalescing.
 */
export const FLUSH_AT_BYTES = 64 * 1024;
/** Writes of queued frames past this size go out as a corked series of writes rather than one copied buffer. */
const CONCAT_UP_TO_BYTES = 64 * 1024;
/** Checking the clock after every socket would cost more than it saves; sockets written between two checks. */
const SOCKETS_PER_CLOCK_CHECK = 8;
const OPEN = 1;

/** What the writer needs, resolved by the endpoint. */
export interface FrameWriterOptions {
  /** `false`: every frame is written as it is sent. A number: the window in ms (0: the end of the turn). */
  readonly coalesceMs: number | false;
  /** Longest a macrotask writes before yielding, in ms. */
  readonly sliceMs: number;
  /** A socket whose unsent bytes (kernel-refused plus queued) pass this is closed with 1013. */
  readonly maxBufferedBytes: number;
  /** permessage-deflate settings when compression is on. */
  readonly compression: ResolvedCompression | undefined;
  /** The clock the slices are measured with (tests inject one). Default `performance.now`. */
  readonly now?: () => number;
  /** Schedules the next slice, and the end-of-turn flush (tests inject one). Default `setImmediate`. */
  readonly defer?: (run: () => void) => void;
}

/** One socket's side of the writer. */
export interface SocketWriter {
  /** Queues a frame (encoded once for all its sockets); dropped when the socket is no longer open. */
  send(frame: ServerFrame): void;
  /** Writes what is queued now: before a close, so frames sent before it arrive before the close frame. */
  flush(): void;
  /** Flushes, then closes the WebSocket with `code`. */
  close(code: number, reason: string): void;
  /** The socket closed: queued frames are dropped. */
  release(): void;
}

/** Where a socket's frames go: the `ws` socket (for its state) and the stream under it (for the writes). */
export interface WriterTarget {
  readonly ws: Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'close'>;
  readonly socket: Pick<Duplex, 'write' | 'cork' | 'uncork'>;
  /** The window the client accepted for compressed frames; undefined when permessage-deflate was not negotiated. */
  readonly windowBits: number | undefined;
  /** The JSON text of each frame for this socket (a compact session's encoder); undefined: plain JSON frames. */
  readonly encode?: (frame: ServerFrame) => string;
}

/** The writer of one endpoint: see the top of this file. */
export interface FrameWriter {
  attach(target: WriterTarget): SocketWriter;
  /** Sockets with frames waiting for a slice. */
  readonly waiting: number;
}

interface Output {
  readonly target: WriterTarget;
  readonly queue: Buffer[];
  bytes: number;
  /** In the writer's FIFO of sockets to write. */
  listed: boolean;
  released: boolean;
}

/** The write side of one endpoint: frames queued per socket, written once per turn, in slices (see the top of this file). */
export function createFrameWriter(options: FrameWriterOptions): FrameWriter {
  const { coalesceMs, sliceMs, maxBufferedBytes, compression } = options;
  const now = options.now ?? (() => performance.now());
  const defer = options.defer ?? ((run: () => void) => void setImmediate(run));
  /** Sockets with queued frames, in the order they got their first one: written first come, first served. */
  let fifo: Output[] = [];
  let head = 0;
  let scheduled = false;

  function schedule(window: number) {
    if (scheduled) return;
    scheduled = true;
    if (window > 0) setTimeout(slice, window);
    else defer(slice);
  }

  /** One macrotask's share of the writing: sockets in FIFO order until `sliceMs` is spent, the rest in the next one. */
  function slice() {
    scheduled = false;
    const deadline = now() + sliceMs;
    let written = 0;
    while (head < fifo.length) {
      const output = fifo[head] as Output;
      fifo[head] = undefined as unknown as Output;
      head += 1;
      output.listed = false;
      write(output);
      written += 1;
      if (written % SOCKETS_PER_CLOCK_CHECK === 0 && now() >= deadline) break;
    }
    if (head < fifo.length) {
      // The rest waits one turn: timers, pings and reads run in between. Their queues keep growing meanwhile (in order).
      if (head > 1024 && head * 2 > fifo.length) {
        fifo = fifo.slice(head);
        head = 0;
      }
      return schedule(0);
    }
    fifo = [];
    head = 0;
  }

  function write(output: Output) {
    const { queue } = output;
    if (queue.length === 0) return;
    const { ws, socket } = output.target;
    if (output.released || ws.readyState !== OPEN) return clear(output);
    if (queue.length === 1) socket.write(queue[0] as Buffer);
    else if (output.bytes <= CONCAT_UP_TO_BYTES) socket.write(Buffer.concat(queue, output.bytes));
    else {
      socket.cork();
      for (const chunk of queue) socket.write(chunk);
      socket.uncork();
    }
    clear(output);
  }

  function clear(output: Output) {
    output.queue.length = 0;
    output.bytes = 0;
  }

  /** The WebSocket frame of a socket-encoded text (compressed as a plain frame would be). */
  function encodedFrame(json: string, windowBits: number | undefined): Buffer {
    return (
      (windowBits !== undefined && compression ? compressedText(json, compression, windowBits) : null) ??
      textFrameOf(json)
    );
  }

  return {
    get waiting() {
      return fifo.length - head;
    },
    attach(target) {
      const output: Output = { target, queue: [], bytes: 0, listed: false, released: false };
      const { ws } = target;
      return {
        send(frame) {
          if (output.released || ws.readyState !== OPEN) return;
          const bytes = target.encode
            ? encodedFrame(target.encode(frame), target.windowBits)
            : ((target.windowBits !== undefined && compression
                ? compressedFrame(frame, compression, target.windowBits)
                : null) ?? textFrame(frame));
          output.queue.push(bytes);
          output.bytes += bytes.byteLength;
          if (coalesceMs === false || output.bytes >= FLUSH_AT_BYTES) write(output);
          else if (!output.listed) {
            output.listed = true;
            fifo.push(output);
            schedule(coalesceMs);
          }
          // What the kernel has not taken yet plus what waits here: the client is not reading, so it resumes later.
          if (ws.bufferedAmount + output.bytes > maxBufferedBytes) {
            clear(output);
            ws.close(SERVER_CLOSE_CODES.TRY_AGAIN_LATER, 'slow consumer');
          }
        },
        flush() {
          write(output);
        },
        close(code, reason) {
          write(output);
          ws.close(code, reason);
        },
        release() {
          output.released = true;
          clear(output);
        },
      };
    },
  };
}

/** FIN + opcode 1 (text), unmasked: what `ws.send(text, { compress: false })` frames for a server. */
const TEXT = 0x81;
/** The last frames built, by identity: a broadcast sends one frame object to every subscriber in a row. */
const recent: { frame: ServerFrame | undefined; bytes: Buffer }[] = Array.from({ length: 4 }, () => ({
  frame: undefined,
  bytes: Buffer.alloc(0),
}));
let nextSlot = 0;

/**
 * The whole WebSocket text frame (header and UTF-8 payload) of `frame`, built once per frame object for all the sockets
 * it is broadcast to. Only the last few are kept (a broadcast loop reuses one), so nothing grows with the log.
 * Never mutate the result.
 *
 * @throws {TypeError} when the frame's data has no JSON form (as `encodeFrame`).
 */
export function textFrame(frame: ServerFrame): Buffer {
  for (const entry of recent) if (entry.frame === frame) return entry.bytes;
  const bytes = buildTextFrame(encodeFrame(frame));
  const slot = recent[nextSlot] as (typeof recent)[number];
  nextSlot = (nextSlot + 1) % recent.length;
  slot.frame = frame;
  slot.bytes = bytes;
  return bytes;
}

/** The last frames built from a session encoder's text (compact sessions), by the text: a broadcast reuses one. */
const recentTexts: { json: string | undefined; bytes: Buffer }[] = Array.from({ length: 4 }, () => ({
  json: undefined,
  bytes: Buffer.alloc(0),
}));
let nextTextSlot = 0;

/** The whole WebSocket text frame of a JSON text, shared by the sockets it is broadcast to. Never mutate the result. */
function textFrameOf(json: string): Buffer {
  for (const entry of recentTexts) if (entry.json === json) return entry.bytes;
  const bytes = buildTextFrame(json);
  const slot = recentTexts[nextTextSlot] as (typeof recentTexts)[number];
  nextTextSlot = (nextTextSlot + 1) % recentTexts.length;
  slot.json = json;
  slot.bytes = bytes;
  return bytes;
}

function buildTextFrame(json: string): Buffer {
  const length = Buffer.byteLength(json, 'utf8');
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const bytes = Buffer.allocUnsafe(headerBytes + length);
  bytes[0] = TEXT;
  if (length < 126) bytes[1] = length;
  else if (length < 65_536) {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 127;
    bytes.writeBigUInt64BE(BigInt(length), 2);
  }
  bytes.write(json, headerBytes, 'utf8');
  return bytes;
}
