import type { Transport } from '../../channel/transport.js';

/** What the parts of the encrypted transport share. */
export interface EncryptedContext {
  readonly inner: Transport;
  readonly cryptoApi: Crypto;
  /** Which channels are sealed. */
  readonly isEncrypted: (channel: string) => boolean;
  /** Bumped when the session ends: a pump of the old session stops, its queued frames are dropped. */
  session: number;
  /** Server frames received so far: orders key requests against frames (see `ChannelKeys.rotatedKey`). */
  arrivals: number;
  /**
   * Notices the session ending (queued frames are dropped) and starting (failed key fetches are retried), and says
   * whether it is open.
   */
  observe(): boolean;
}
