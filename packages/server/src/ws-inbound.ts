// The read side of the WebSocket endpoint's fan-out budget: how much client input one event-loop turn handles.
//
// Each client frame a socket delivers is handed to the hub, and a publish or presence change there fans out to every
// subscriber of its channel, synchronously (in the microtasks after the read). One poll phase reads every socket
// that has data: in a storm, 100 accounts × their burst × 100 subscribers is hundreds of thousands of deliveries in
// one macrotask, and the loop stalls for that long. So the endpoint meters it:
// - a frame is handled at once while this turn's handling has taken less than `sliceMs` (measured from the first
//   frame of the turn, so it includes the fan-out of the frames before it) and fewer frames than one batch (frames of
//   one read come in one go, before any of their fan-out has run: the clock cannot see them yet);
// - past that, frames wait in a queue (per socket, in order; sockets first come, first served) that drains in slices
//   of `sliceMs` in later turns, batch by batch, each batch's fan-out finished before the clock is read again. The
//   batch size is learned: it halves when a batch took more than half a slice (a channel with many subscribers) and
//   doubles when it took less than an eighth;
// - a socket with more than `pauseAt` waiting frames stops being read until its queue is empty: the client's own TCP
//   window holds the rest, nothing grows without bound.
// A socket's frames are always handled in the order they arrived, and only one at a time is in the hub's hands
// beyond what the hub itself orders (its per-session chain).

/** Waiting frames of one socket past which it is paused (not read) until they are handled. */
const PAUSE_AT_FRAMES = 64;
/** Frames handled between two looks at the clock at first; then learned (see the top of this file), within 1–256. */
const INITIAL_BATCH = 8;
const MAX_BATCH = 256;

/** A socket that can stop and start being read (`ws`'s `pause`/`resume`). */
interface Pausable {
  pause(): void;
  resume(): void;
}

export interface InboundPacerOptions {
  /** Longest a turn spends handling client frames (and their fan-out) before the rest waits, in ms. */
  readonly sliceMs: number;
  /** Waiting frames of one socket past which it is paused. Default {@link PAUSE_AT_FRAMES}. */
  readonly pauseAt?: number;
  /** The clock (tests inject one). Default `performance.now`. */
  readonly now?: () => number;
  /** Runs `run` in the next turn (tests inject one). Default `setImmediate`. */
  readonly defer?: (run: () => void) => void;
}

/** One socket's input. */
interface InboundPort<M> {
  /** A frame from the client: handled now, or queued behind this socket's earlier ones. */
  receive(message: M): void;
  /** The socket closed: what waits is dropped (unacknowledged publishes are resent by the client on reconnect). */
  release(): void;
}

/** The pacer of one endpoint: see the top of this file. */
export interface InboundPacer {
  attach<M>(socket: Pausable, handle: (message: M) => unknown): InboundPort<M>;
  /** Frames waiting, over all sockets. */
  readonly waiting: number;
}

interface Port {
  readonly socket: Pausable;
  readonly handle: (message: unknown) => unknown;
  readonly queue: unknown[];
  listed: boolean;
  paused: boolean;
  released: boolean;
}

/** The read side of one endpoint's fan-out budget: client frames handled within a budget per turn (see the top of this file). */
export function createInboundPacer(options: InboundPacerOptions): InboundPacer {
  const { sliceMs } = options;
  const pauseAt = options.pauseAt ?? PAUSE_AT_FRAMES;
  const now = options.now ?? (() => performance.now());
  const defer = options.defer ?? ((run: () => void) => void setImmediate(run));
  const nextTurn = () => new Promise<void>((resolve) => defer(resolve));
  /** Sockets with waiting frames, in the order they started waiting (from `head` on: no O(n) shift per frame). */
  let fifo: Port[] = [];
  let head = 0;
  let waiting = 0;
  /** When this turn's direct handling started; undefined once the turn is over. */
  let turnStart: number | undefined;
  /** Frames handled directly in this turn. */
  let direct = 0;
  let batch = INITIAL_BATCH;
  let draining = false;

  function handleNow(port: Port, message: unknown) {
    if (turnStart === undefined) {
      turnStart = now();
      direct = 0;
      defer(() => (turnStart = undefined));
    }
    direct += 1;
    return port.handle(message);
  }

  function mayHandleNow(): boolean {
    if (waiting > 0) return false;
    return turnStart === undefined || (direct < batch && now() - turnStart < sliceMs);
  }

  /** The next frame in FIFO order, round robin over sockets so a busy one cannot starve the others. */
  function take(): [Port, unknown] | undefined {
    while (head < fifo.length) {
      const port = fifo[head] as Port;
      head += 1;
      if (head > 1024 && head * 2 > fifo.length) {
        fifo = fifo.slice(head);
        head = 0;
      }
      if (port.released || port.queue.length === 0) {
        port.listed = false;
        continue;
      }
      const message = port.queue.shift();
      waiting -= 1;
      if (port.queue.length > 0) fifo.push(port);
      else {
        port.listed = false;
        if (port.paused) {
          port.paused = false;
          port.socket.resume();
        }
      }
      return [port, message];
    }
    return undefined;
  }

  async function drain() {
    draining = true;
    try {
      while (waiting > 0) {
        await nextTurn();
        let start = now();
        while (waiting > 0 && now() - start < sliceMs) {
          const began = now();
          const handled: unknown[] = [];
          for (let i = 0; i < batch; i++) {
            const next = take();
            if (!next) break;
            handled.push(next[0].handle(next[1]));
          }
          // Their fan-out runs in microtasks: wait for it (or for the next turn, if a frame waits on I/O) before the
          // clock is read again, so a slice counts what its frames cost.
          const settled = await Promise.race([
            Promise.allSettled(handled).then(() => true),
            nextTurn().then(() => false),
          ]);
          if (!settled) {
            // Waiting on I/O says nothing about what a batch costs; this is a new turn, with a budget of its own.
            start = now();
            continue;
          }
          const cost = now() - began;
          if (cost > sliceMs / 2) batch = Math.max(1, Math.floor(batch / 2));
          else if (cost < sliceMs / 8 && handled.length === batch) batch = Math.min(MAX_BATCH, batch * 2);
        }
      }
    } finally {
      draining = false;
    }
  }

  return {
    get waiting() {
      return waiting;
    },
    attach<M>(socket: Pausable, handle: (message: M) => unknown) {
      const port: Port = {
        socket,
        handle: handle as (message: unknown) => unknown,
        queue: [],
        listed: false,
        paused: false,
        released: false,
      };
      return {
        receive(message: M) {
          if (port.released) return;
          if (mayHandleNow()) return void handleNow(port, message);
          port.queue.push(message);
          waiting += 1;
          if (!port.listed) {
            port.listed = true;
            fifo.push(port);
          }
          if (!port.paused && port.queue.length >= pauseAt) {
            port.paused = true;
            socket.pause();
          }
          if (!draining) void drain();
        },
        release() {
          port.released = true;
          waiting -= port.queue.length;
          port.queue.length = 0;
        },
      };
    },
  };
}
