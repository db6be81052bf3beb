import type { Transport } from '../../channel/transport.js';
import { release, type ActiveTransport } from './active-transport.js';
import { initialProbeDelay, type FallbackContext } from './fallback-context.js';

/** While a lower transport runs, tries the better ones again in the background and upgrades to one that opens. */
export interface TransportProber {
  /** Probes after the current delay, unless probing is off, the best transport is in use or a probe runs. */
  schedule(): void;
  /** Stops the pending or running probe. */
  cancel(): void;
}

export function createTransportProber(context: FallbackContext, active: ActiveTransport): TransportProber {
  const { config, factories, state } = context;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let probe: { transport: Transport; off: () => void; timer: ReturnType<typeof setTimeout> } | null = null;

  function schedule() {
    if (config.probeIntervalMs === false || context.index === 0 || context.closed || probe !== null) return;
    clearTimeout(probeTimer);
    probeTimer = setTimeout(start, context.probeDelay);
  }

  function cancel() {
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
  function start(position = 0) {
    if (context.closed || context.active === null || position >= context.index) return;
    const transport = factories[position]!();
    const settleFailed = () => {
      if (probe?.transport !== transport) return;
      clearTimeout(probe.timer);
      probe.off();
      probe = null;
      transport.close();
      if (position + 1 < context.index) return start(position + 1);
      context.probeDelay = Math.min(context.probeDelay * 2, config.maxProbeIntervalMs);
      if (context.active?.getSnapshot().status === 'open') schedule();
    };
    const offState = transport.subscribe(() => {
      const { status } = transport.getSnapshot();
      if (status === 'open') upgrade(position, transport);
      else if (status === 'reconnecting' || status === 'closed') settleFailed();
    });
    // Frames before the switch are the probe's `welcome` only (it has no subscriptions): nothing to forward.
    probe = { transport, off: offState, timer: setTimeout(settleFailed, config.openTimeoutMs) };
    transport.connect();
  }

  function upgrade(position: number, transport: Transport) {
    if (probe?.transport !== transport || context.active === null) return;
    clearTimeout(probe.timer);
    probe.off();
    probe = null;
    // A new session for the client: it sees the state leave `open` and come back, then subscribes again on the new
    // transport with its resume points and re-sends what was not acked. The old one's frames are ignored from now.
    const old = active.detach()!;
    state.set((previous) => Object.freeze({ ...previous, status: 'connecting' as const }));
    active.use(position, transport);
    context.probeDelay = initialProbeDelay(config);
    active.refresh();
    schedule();
    release(old.transport, old.off, config.lingerMs);
  }

  return { schedule, cancel };
}
