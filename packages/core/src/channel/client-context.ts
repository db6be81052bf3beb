import type { RealtimeError } from '../errors.js';
import type { ChannelRecord } from './channel-record.js';
import type { ClientConnection } from './client-connection.js';

/** What the parts of one channel client share: its channels, its session, and how a channel's news goes out. */
export interface ClientContext {
  /** Every channel handed out, by name. */
  readonly channels: Map<string, ChannelRecord>;
  readonly connection: ClientConnection;
  /** Publishes the channel's state (`subscribed`, `lastSeq`, `pending`, `epoch`) when it changed. */
  refresh(record: ChannelRecord): void;
  /**
   * To the channel's error listeners, else the client's; with nobody listening it is reported (never swallowed)
   * unless `quiet` (the client handles it itself, as a subscribe it retries).
   */
  emitError(record: ChannelRecord | undefined, error: RealtimeError, quiet?: boolean): void;
}
