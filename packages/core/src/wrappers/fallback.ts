import type { Transport } from '../channel/transport.js';
import type { ConnectionState } from '../connection/status.js';
import { INITIAL_CONNECTION_STATE } from '../connection/status.js';
import type { ServerFrame } from '../protocol/frames.js';
import { createStore } from '../store.js';
import { createTransportListeners } from '../transports/transport-events.js';

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

const DEFAULTS = { openTimeoutMs: 10_000, maxFailures: 2, minSessionMs: 5_000, probeIntervalMs: 30_000, maxProbeIntervalMs: 600_000, lingerMs: 1_000 };

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
export function fallbackTransport(factories: readonly (() => Transport)[], options: FallbackTransportOptions = {}): FallbackTransport {
  if (factories.length === 0) throw new TypeError('fallbackTransport: give at least one transport factory.');
  const config = { ...DEFAULTS, ...options };
  const probeBase = config.probeIntervalMs;
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  const state = createStore<ConnectionState>(INITIAL_CONNECTION_STATE);

  let index = 0;
  let active: Transport | null = null;
  let offActive: (() => void)[] = [];
  let connected = false;
  let closed = false;
  /** Failures of the active transport since it last held a session long enough. */
  let failures = 0;
  let openedAt: number | null = null;
  let wasOpen = false;
  /**
   * The active transport has held a session here: from now on failed attempts are the server's (a restart, an
   * outage) and only sessions cut within `minSessionMs` (a proxy) count against it.
   */
  let proven = false;
  let openTimer: ReturnType<typeof setTimeout> | undefined;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let probeDelay = typeof probeBase === 'number' ? probeBase : 0;
  let probe: { transport: Transport; index: number; off: () => void; timer: ReturnType<typeof setTimeout> } | null = null;

  function refresh() {
    if (active === null) return;
    const next = Object.freeze({ ...active.getSnapshot(), transport: active.kind });
    if (!sameState(next, state.getSnapshot())) state.set(next);
  }

  function use(position: number, transport: Transport = factories[position]!()) {
    index = position;
    active = transport;
    failures = 0;
    wasOpen = transport.getSnapshot().status === 'open';
    proven = wasOpen;
    openedAt = wasOpen ? Date.now() : null;
    offActive = [transport.subscribe(onActiveState), transport.onFrame((frame) => emitFrame(frame))];
    armOpenTimer();
  }

  function release(transport: Transport, off: (() => void)[], lingerMs: number) {
    for (const stop of off) stop();
    if (lingerMs > 0) setTimeout(() => transport.close(), lingerMs);
    else transport.close();
  }

  function armOpenTimer() {
    clearTimeout(openTimer);
    openTimer = undefined;
    if (active === null || proven || index === factories.length - 1) return;
    const status = active.getSnapshot().status;
    if (status === 'open' || status === 'offline' || status === 'closed' || status === 'idle') return;
    openTimer = setTimeout(() => demote(), config.openTimeoutMs);
  }

  function onActiveState() {
    if (active === null) return;
    const status = active.getSnapshot().status;
    if (status === 'open' && !wasOpen) {
      wasOpen = true;
      proven = true;
      openedAt = Date.now();
      clearTimeout(openTimer);
      openTimer = undefined;
      scheduleProbe();
    } else if (status !== 'open' && wasOpen) {
      wasOpen = false;
      const lived = openedAt === null ? 0 : Date.now() - openedAt;
      openedAt = null;
      if (lived < config.minSessionMs) failures += 1;
      else failures = 0;
      cancelProbe();
    } else if (status === 'reconnecting' && !proven && active.getSnapshot().attempt > failures) {
      // Another attempt that never opened.
      failures = active.getSnapshot().attempt;
    }
    if (failures >= config.maxFailures && index < factories.length - 1 && status !== 'closed') return demote();
    if (status !== 'open' && openTimer === undefined) armOpenTimer();
    if (status === 'offline' || status === 'closed') {
      clearTimeout(openTimer);
      openTimer = undefined;
    }
    refresh();
  }

  /** Gives up the active transport for the next one. */
  function demote() {
    if (closed || active === null || index >= factories.length - 1) return;
    clearTimeout(openTimer);
    openTimer = undefined;
    cancelProbe();
    release(active, offActive, 0);
    use(index + 1);
    probeDelay = typeof probeBase === 'number' ? probeBase : 0;
    active!.connect();
    refresh();
  }

  function scheduleProbe() {
    if (probeBase === false || index === 0 || closed || probe !== null) return;
    clearTimeout(probeTimer);
    probeTimer = setTimeout(startProbe, probeDelay);
  }

  function cancelProbe() {
    clearTimeout(probeTimer);
    probeTimer = undefined;
    if (probe) {
      clearTimeout(probe.timer);
      probe.off();
      probe.transport.close();
      probe = null;
    }
  }

  /** Tries the best transport again, beside the running session; upgrades if it opens within `openTimeoutMs`. */
  function startProbe(position = 0) {
    if (closed || active === null || position >= index) return;
    const transport = factories[position]!();
    const settleFailed = () => {
      if (probe?.transport !== transport) return;
      clearTimeout(probe.timer);
      probe.off();
      probe = null;
      transport.close();
      if (position + 1 < index) return startProbe(position + 1);
      probeDelay = Math.min(probeDelay * 2, config.maxProbeIntervalMs);
      if (active?.getSnapshot().status === 'open') scheduleProbe();
    };
    const offState = transport.subscribe(() => {
      const state = transport.getSnapshot();
      if (state.status === 'open') upgrade(position, transport);
      else if (state.status === 'reconnecting' || state.status === 'closed') settleFailed();
    });
    // Frames before the switch are the probe's `welcome` only (it has no subscriptions): nothing to forward.
    probe = { transport, index: position, off: offState, timer: setTimeout(settleFailed, config.openTimeoutMs) };
    transport.connect();
  }

  function upgrade(position: number, transport: Transport) {
    if (probe?.transport !== transport || active === null) return;
    clearTimeout(probe.timer);
    probe.off();
    probe = null;
    const old = active;
    const oldOff = offActive;
    // A new session for the client: it sees the state leave `open` and come back, then subscribes again on the new
    // transport with its resume points and re-sends what was not acked. The old one's frames are ignored from now.
    active = null;
    state.set((previous) => Object.freeze({ ...previous, status: 'connecting' as const }));
    use(position, transport);
    probeDelay = typeof probeBase === 'number' ? probeBase : 0;
    refresh();
    scheduleProbe();
    release(old, oldOff, config.lingerMs);
  }

  return {
    kind: 'fallback',
    get current() {
      return (active ?? { kind: 'none' }).kind;
    },
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    connect() {
      if (closed || connected) return;
      connected = true;
      use(0);
      active!.connect();
      refresh();
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(openTimer);
      cancelProbe();
      if (active) {
        for (const stop of offActive) stop();
        active.close();
        state.set(Object.freeze({ ...active.getSnapshot(), transport: active.kind }));
      } else state.set(Object.freeze({ ...INITIAL_CONNECTION_STATE, status: 'closed' as const }));
    },
    reconnect() {
      if (closed) return;
      if (!connected) return this.connect();
      active?.reconnect();
    },
    send: (frame) => active !== null && active.send(frame),
    onFrame: addFrameListener,
  };
}

function sameState(a: ConnectionState, b: ConnectionState): boolean {
  return (
    a.status === b.status &&
    a.error === b.error &&
    a.attempt === b.attempt &&
    a.retryInMs === b.retryInMs &&
    a.retryAt === b.retryAt &&
    a.lastEventId === b.lastEventId &&
    a.transport === b.transport
  );
}
