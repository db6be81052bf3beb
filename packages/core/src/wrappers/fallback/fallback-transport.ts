import type { Transport } from '../../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../../connection/status.js';
import type { ServerFrame } from '../../protocol/frames.js';
import { createStore } from '../../store.js';
import { createTransportListeners } from '../../transports/transport-events.js';
import { createActiveTransport } from './active-transport.js';
import { initialProbeDelay, type FallbackConfig, type FallbackContext } from './fallback-context.js';
import { createTransportProber } from './transport-prober.js';

/** Options for {@link fallbackTransport}. */
export interface FallbackTransportOptions {
  /**
   * A transport that has not reached `open` this long after it started (a proxy that swallows the WebSocket
   * upgrade, an event stream that is buffered and never delivers `welcome`) is given up for the next one.
   * Time spent offline does not count. Default 10 000.
   */
  openTimeoutMs?: number;
  /**
   * Consecutive failures before moving on: attempts that never opened, or sessions cut within `minSessionMs` of
   * opening (a proxy that kills upgraded connections). Default 2.
   */
  maxFailures?: number;
  /** A session shorter than this counts as a failure. Default 5 000. */
  minSessionMs?: number;
  /**
   * While on a lower transport, how long until the better ones are probed again (in the background, without
   * touching the running session); doubles after each failed probe, up to `maxProbeIntervalMs`. Default 30 000.
   * `false` never probes.
   */
  probeIntervalMs?: number | false;
  /** Default 600 000. */
  maxProbeIntervalMs?: number;
  /**
   * After an upgrade, the old transport stays connected (its frames ignored) this long before it is closed, so
   * others never see the user's presence leave and come back. Default 1 000.
   */
  lingerMs?: number;
}

/** A {@link Transport} that runs the first of several transports that works (see {@link fallbackTransport}). */
export interface FallbackTransport extends Transport {
  readonly kind: 'fallback';
  /** The `kind` of the transport in use (`'websocket'`, `'sse'`, `'polling'`, …); also in `getSnapshot().transport`. */
  readonly current: string;
}

const DEFAULTS: FallbackConfig = {
  openTimeoutMs: 10_000,
  maxFailures: 2,
  minSessionMs: 5_000,
  probeIntervalMs: 30_000,
  maxProbeIntervalMs: 600_000,
  lingerMs: 1_000,
};

/**
 * Degrades gracefully: tries the first transport (the best: a WebSocket), falls back to the next when it cannot
 * open or keeps being cut (SSE + POST, then long polling), and later probes the better ones in the background,
 * upgrading when one opens. Every switch is a new session for the client, which subscribes again with its resume
 * points and re-sends un-acked publishes — so messages carry across transports with none lost and none repeated.
 * The transport in use is in the connection state (`state.transport`).
 *
 * ```ts
 * import { fallbackTransport } from '@realtime-kit/core/fallback'
 * const transport = fallbackTransport([
 *   () => websocketTransport({ url: '/realtime' }),
 *   () => sseTransport({ url: '/api/realtime' }),
 *   () => pollingTransport({ url: '/api/realtime' }),
 * ])
 * ```
 *
 * Each entry is a factory: a closed transport cannot be reused, and probing needs a fresh one. Errors that another
 * transport cannot fix (`unauthorized`, `forbidden`, …: the transport stops as `closed`) are shown as they are,
 * without falling back.
 */
export function fallbackTransport(
  factories: readonly (() => Transport)[],
  options: FallbackTransportOptions = {},
): FallbackTransport {
  if (factories.length === 0) throw new TypeError('fallbackTransport: give at least one transport factory.');
  const config = { ...DEFAULTS, ...options };
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  const context: FallbackContext = {
    factories,
    config,
    state: createStore<ConnectionState>(INITIAL_CONNECTION_STATE),
    emitFrame,
    index: 0,
    active: null,
    probeDelay: initialProbeDelay(config),
    closed: false,
  };
  const { state } = context;
  const active = createActiveTransport(context, {
    sessionOpened: () => prober.schedule(),
    sessionLost: () => prober.cancel(),
  });
  const prober = createTransportProber(context, active);
  let connected = false;

  return {
    kind: 'fallback',
    get current() {
      return (context.active ?? { kind: 'none' }).kind;
    },
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    connect() {
      if (context.closed || connected) return;
      connected = true;
      active.use(0);
      context.active!.connect();
      active.refresh();
    },
    close() {
      if (context.closed) return;
      context.closed = true;
      prober.cancel();
      active.close();
      const closing = context.active;
      state.set(
        Object.freeze(
          closing
            ? { ...closing.getSnapshot(), transport: closing.kind }
            : { ...INITIAL_CONNECTION_STATE, status: 'closed' as const },
        ),
      );
    },
    reconnect() {
      if (context.closed) return;
      if (!connected) return this.connect();
      context.active?.reconnect();
    },
    send: (frame) => context.active !== null && context.active.send(frame),
    onFrame: addFrameListener,
  };
}
