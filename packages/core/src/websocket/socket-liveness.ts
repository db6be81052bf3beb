import { reportListenerError } from '../lib/report-listener-error.js';
import type { ResolvedHeartbeat } from './heartbeat.js';
import type { WebSocketLike } from './types.js';

/**
 * Heartbeat liveness of a WebSocket connection's attempts, on one timer: before an open it bounds the handshake;
 * after, it waits `intervalMs` of silence, pings, and gives the answer `timeoutMs`. Any message counts as an answer.
 * Without a heartbeat (`heartbeat: false`) every method does nothing.
 */
export interface SocketLiveness<A> {
  /** Bounds the handshake of `attempt`'s socket by `timeoutMs`. */
  opening(attempt: A): void;
  /** The socket opened or something arrived: the next ping falls due after `intervalMs` of silence. */
  alive(attempt: A): void;
  /** Pings now, unless a ping already waits for its answer (the page became visible: the socket may have died asleep). */
  probe(attempt: A): void;
  /** Stops waiting (the attempt ended, or opened). */
  stop(): void;
}

export interface SocketLivenessHost<A> {
  /** The attempt's socket while it is the current attempt; null otherwise (nothing to ping). */
  socketOf(attempt: A): WebSocketLike | null;
  /** No answer in time: the attempt failed with `heartbeat_timeout`. */
  timedOut(attempt: A, timeoutMs: number, opening: boolean): void;
}

export function createSocketLiveness<A>(
  heartbeat: ResolvedHeartbeat | null,
  host: SocketLivenessHost<A>,
): SocketLiveness<A> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let awaitingPong = false;

  function arm(ms: number, onTimeout: () => void) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onTimeout();
    }, ms);
  }

  function ping(attempt: A) {
    const socket = host.socketOf(attempt);
    if (heartbeat === null || socket === null) return;
    awaitingPong = true;
    const { timeoutMs } = heartbeat;
    arm(timeoutMs, () => host.timedOut(attempt, timeoutMs, false));
    try {
      socket.send(heartbeat.message() as never);
    } catch (thrown) {
      // The timeout armed above still detects a socket that cannot send.
      reportListenerError(thrown);
    }
  }

  return {
    opening(attempt) {
      if (heartbeat === null) return;
      const { timeoutMs } = heartbeat;
      arm(timeoutMs, () => host.timedOut(attempt, timeoutMs, true));
    },
    alive(attempt) {
      awaitingPong = false;
      if (heartbeat !== null) arm(heartbeat.intervalMs, () => ping(attempt));
    },
    probe(attempt) {
      if (!awaitingPong) ping(attempt);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      awaitingPong = false;
    },
  };
}
