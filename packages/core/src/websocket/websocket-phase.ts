import type { ConnectionPhase } from '../connection/machine.js';
import { assertNever } from '../lib/assert-never.js';

/**
 * What a WebSocket connection is doing, in more detail than {@link ConnectionPhase}.
 * - `authenticating`: waiting for `auth()` to return the token for this attempt.
 * - `connecting`: the socket exists and its opening handshake runs.
 * - `open`: messages flow; with a heartbeat, the idle timer runs.
 * - `awaiting-pong`: a ping went out; any message before `timeoutMs` proves the socket alive.
 * The rest are the shared phases.
 */
export type WebSocketPhase =
  | 'idle'
  | 'authenticating'
  | 'connecting'
  | 'open'
  | 'awaiting-pong'
  | 'backoff'
  | 'offline'
  | 'closed';

/** The shared phase of a WebSocket phase (then `toConnectionStatus` gives what users see). */
export function toConnectionPhase(phase: WebSocketPhase): ConnectionPhase {
  switch (phase) {
    case 'idle':
      return 'idle';
    case 'authenticating':
    case 'connecting':
      return 'connecting';
    case 'open':
    case 'awaiting-pong':
      return 'open';
    case 'backoff':
      return 'backoff';
    case 'offline':
      return 'offline';
    case 'closed':
      return 'closed';
    default:
      return assertNever(phase);
  }
}
