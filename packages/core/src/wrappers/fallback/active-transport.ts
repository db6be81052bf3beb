import type { Transport } from '../../channel/transport.js';
import { initialProbeDelay, type FallbackContext } from './fallback-context.js';
import { sameConnectionState } from './same-connection-state.js';

/** The transport in use: watching whether it holds sessions, and giving it up for the next one when it does not. */
export interface ActiveTransport {
  /** Runs `factories[position]` (or `transport`, a probe that opened) as the transport in use. */
  use(position: number, transport?: Transport): void;
  /** Publishes the active transport's state, with its kind, when it changed. */
  refresh(): void;
  /** Gives up the active transport for the next one. */
  demote(): void;
  /** Stops listening to the active transport and hands it back (to close now or after a linger); none is active after. */
  detach(): { readonly transport: Transport; readonly off: (() => void)[] } | null;
  /** Stops watching the active transport and closes it; it stays `context.active` (closed), for `current`. */
  close(): void;
}

/** What the active transport tells the prober. */
export interface ActiveTransportHooks {
  /** A session opened: probe the better transports later. */
  sessionOpened(): void;
  /** The session ended, or the transport is given up: stop any probe. */
  sessionLost(): void;
}

/** Stops listening to `transport` and closes it, now or after `lingerMs`. */
export function release(transport: Transport, off: (() => void)[], lingerMs: number): void {
  for (const stop of off) stop();
  if (lingerMs > 0) setTimeout(() => transport.close(), lingerMs);
  else transport.close();
}

export function createActiveTransport(context: FallbackContext, hooks: ActiveTransportHooks): ActiveTransport {
  const { config, factories, state } = context;
  let offActive: (() => void)[] = [];
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

  function refresh() {
    const { active } = context;
    if (active === null) return;
    const next = Object.freeze({ ...active.getSnapshot(), transport: active.kind });
    if (!sameConnectionState(next, state.getSnapshot())) state.set(next);
  }

  function use(position: number, transport: Transport = factories[position]!()) {
    context.index = position;
    context.active = transport;
    failures = 0;
    wasOpen = transport.getSnapshot().status === 'open';
    proven = wasOpen;
    openedAt = wasOpen ? Date.now() : null;
    offActive = [transport.subscribe(onActiveState), transport.onFrame((frame) => context.emitFrame(frame))];
    armOpenTimer();
  }

  function stopOpenTimer() {
    clearTimeout(openTimer);
    openTimer = undefined;
  }

  function armOpenTimer() {
    stopOpenTimer();
    const { active } = context;
    if (active === null || proven || context.index === factories.length - 1) return;
    const status = active.getSnapshot().status;
    if (status === 'open' || status === 'offline' || status === 'closed' || status === 'idle') return;
    openTimer = setTimeout(() => demote(), config.openTimeoutMs);
  }

  function onActiveState() {
    const { active } = context;
    if (active === null) return;
    const status = active.getSnapshot().status;
    if (status === 'open' && !wasOpen) {
      wasOpen = true;
      proven = true;
      openedAt = Date.now();
      stopOpenTimer();
      hooks.sessionOpened();
    } else if (status !== 'open' && wasOpen) {
      wasOpen = false;
      const lived = openedAt === null ? 0 : Date.now() - openedAt;
      openedAt = null;
      if (lived < config.minSessionMs) failures += 1;
      else failures = 0;
      hooks.sessionLost();
    } else if (status === 'reconnecting' && !proven && active.getSnapshot().attempt > failures) {
      // Another attempt that never opened.
      failures = active.getSnapshot().attempt;
    }
    if (failures >= config.maxFailures && context.index < factories.length - 1 && status !== 'closed') return demote();
    if (status !== 'open' && openTimer === undefined) armOpenTimer();
    if (status === 'offline' || status === 'closed') stopOpenTimer();
    refresh();
  }

  function demote() {
    if (context.closed || context.active === null || context.index >= factories.length - 1) return;
    stopOpenTimer();
    hooks.sessionLost();
    release(context.active, offActive, 0);
    use(context.index + 1);
    context.probeDelay = initialProbeDelay(config);
    context.active!.connect();
    refresh();
  }

  return {
    use,
    refresh,
    demote,
    detach() {
      const { active } = context;
      if (active === null) return null;
      context.active = null;
      return { transport: active, off: offActive };
    },
    close() {
      stopOpenTimer();
      if (context.active === null) return;
      for (const stop of offActive) stop();
      context.active.close();
    },
  };
}
