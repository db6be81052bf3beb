import type { ConnectionState } from '../connection/status.js';
import type { Store } from '../store.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';

/**
 * What a channel client needs from a connection, whatever carries it (our WebSocket protocol, SSE + POST,
 * Socket.io, Pusher, Ably, Supabase, the in-memory test transport). Small on purpose: a transport moves
 * protocol frames and reports its state; everything else (resume, dedupe, outbox, presence) lives in the
 * client once.
 *
 * The store's snapshot is the connection state. Every time it becomes `open` a new session has begun: the
 * client then re-subscribes its channels (with resume points) and flushes its outbox.
 */
export interface Transport extends Store<ConnectionState> {
  /** Starts connecting (idempotent). */
  connect(): void;
  /** Stops for good (status `closed`). */
  close(): void;
  /** Drops the current connection and connects again now. */
  reconnect(): void;
  /**
   * Sends a frame on the open session. Returns false when not open: the frame was NOT sent and the caller
   * keeps it (the client re-sends subscribes on open and keeps publishes in its outbox).
   */
  send(frame: ClientFrame): boolean;
  /** Every frame the server sends. */
  onFrame(listener: (frame: ServerFrame) => void): () => void;
  /** A short name for devtools and errors: 'websocket', 'sse', 'socket.io', 'memory', … */
  readonly kind: string;
  /** Where it connects, for transports with one endpoint (devtools, the default key of `shareAcrossTabs`). */
  readonly url?: string;
}
