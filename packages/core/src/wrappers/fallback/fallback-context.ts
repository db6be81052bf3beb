import type { Transport } from '../../channel/transport.js';
import type { ConnectionState } from '../../connection/status.js';
import type { ServerFrame } from '../../protocol/frames.js';
import type { WritableStore } from '../../store.js';
import type { FallbackTransportOptions } from './fallback-transport.js';

/** The options with their defaults filled in. */
export type FallbackConfig = Required<FallbackTransportOptions>;

/** What the parts of the fallback transport share. */
export interface FallbackContext {
  /** Best first. */
  readonly factories: readonly (() => Transport)[];
  readonly config: FallbackConfig;
  /** The public state: the active transport's, with its kind in `transport`. */
  readonly state: WritableStore<ConnectionState>;
  emitFrame(frame: ServerFrame): void;
  /** The position in `factories` of the transport in use. */
  index: number;
  /** The transport in use; null before `connect()` and for a moment while switching. */
  active: Transport | null;
  /** How long until the next probe of the better transports: back to `probeIntervalMs` whenever the transport in use changes. */
  probeDelay: number;
  closed: boolean;
}

/** The first probe's delay (0 when probing is off: nothing reads it then). */
export function initialProbeDelay(config: FallbackConfig): number {
  return typeof config.probeIntervalMs === 'number' ? config.probeIntervalMs : 0;
}
