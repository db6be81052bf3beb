import type { Transport } from '../../channel/transport.js';
import type { ConnectionState } from '../../connection/status.js';
import type { ServerFrame } from '../../protocol/frames.js';
import type { WritableStore } from '../../store.js';
import type { TabLocks } from './share-across-tabs.js';
import type { TabMessage } from './tab-wire.js';

/** What the parts of a tab's shared transport share. */
export interface CrossTabContext {
  /** The `BroadcastChannel`'s name and the locks' prefix: `realtime-kit:<key>`. */
  readonly name: string;
  readonly tabId: string;
  readonly locks: TabLocks;
  /** This tab's view of the connection: its own while it leads, else what the leader posts. */
  readonly state: WritableStore<ConnectionState>;
  /** To this tab's client. */
  emitFrame(frame: ServerFrame): void;
  /** To the other tabs. */
  post(message: TabMessage): void;
  /** The real connection while this tab leads, else null. */
  inner: Transport | null;
  /** The leader's `welcome` of the current session, for tabs that join later. */
  welcome: Extract<ServerFrame, { type: 'welcome' }> | null;
  /** The shared transport was closed. */
  closed: boolean;
}
