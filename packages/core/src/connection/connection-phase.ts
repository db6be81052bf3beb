import { assertNever } from '../lib/assert-never.js';
import type { ConnectionStatus } from './status.js';

/**
 * What a connection is doing, in more detail than users see.
 * - `idle`: never started.
 * - `connecting`: an attempt is in flight (preparing headers, waiting for the response).
 * - `open`: the stream is being read.
 * - `backoff`: an attempt failed; a timer will start the next one.
 * - `offline`: the network is down; nothing runs until it is back.
 * - `closed`: stopped by `close()` or a non-retryable error.
 */
export type ConnectionPhase = 'idle' | 'connecting' | 'open' | 'backoff' | 'offline' | 'closed';

/**
 * The public status of a phase. `attempt` is the number of consecutive failures: an attempt in flight
 * after a failure is a *re*connection, which is what users need to tell apart from the first connect.
 */
export function toConnectionStatus(phase: ConnectionPhase, attempt: number): ConnectionStatus {
  switch (phase) {
    case 'idle':
      return 'idle';
    case 'connecting':
      return attempt === 0 ? 'connecting' : 'reconnecting';
    case 'backoff':
      return 'reconnecting';
    case 'open':
      return 'open';
    case 'offline':
      return 'offline';
    case 'closed':
      return 'closed';
    default:
      return assertNever(phase);
  }
}
