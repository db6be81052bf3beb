import type { Transport } from '../../channel/transport.js';
import { INITIAL_CONNECTION_STATE } from '../../connection/status.js';
import type { CrossTabContext } from './cross-tab-context.js';
import type { LeaderRelay } from './leader-relay.js';
import { toWire } from './tab-wire.js';

/** A tab's part in the election: queueing for the leader lock, and holding the real connection while it has it. */
export interface Leadership {
  /** Queue for leadership; until granted, follow whoever leads. */
  stand(): void;
  /** Gives up the connection (this tab closes, is frozen, or the transport is closed); another tab takes over. */
  stepDown(): void;
  /** Leaves the queue for good and closes the transport made up front if it was never used. */
  withdraw(): void;
}

export interface LeadershipOptions {
  readonly factory: () => Transport;
  /** The transport made up front (to read its kind and url): the first time this tab leads, it runs this one. */
  readonly spare: Transport;
  readonly tabCheckMs: number;
}

export function createLeadership(context: CrossTabContext, relay: LeaderRelay, options: LeadershipOptions): Leadership {
  const { state } = context;
  let spare: Transport | null = options.spare;
  let candidacy: AbortController | null = null;
  let resign: (() => void) | null = null;
  let offInner: (() => void)[] = [];
  let tabCheck: ReturnType<typeof setInterval> | undefined;

  function stand() {
    if (context.closed || candidacy) return;
    state.set(Object.freeze({ ...INITIAL_CONNECTION_STATE, status: 'connecting' as const }));
    const controller = new AbortController();
    candidacy = controller;
    context.post({ t: 'hello', from: context.tabId });
    context.locks
      .request(
        context.name,
        { signal: controller.signal },
        () =>
          new Promise<void>((resolve) => {
            if (context.closed || candidacy !== controller) return resolve();
            resign = resolve;
            lead();
          }),
      )
      .catch(() => {});
  }

  function lead() {
    const transport = spare ?? options.factory();
    spare = null;
    context.inner = transport;
    context.welcome = null;
    relay.resetSession();
    offInner = [
      transport.subscribe(() => {
        const current = transport.getSnapshot();
        if (current.status !== 'open') relay.resetSession();
        context.post({ t: 'state', state: toWire(current) });
        state.set(current);
      }),
      transport.onFrame((frame) => {
        if (frame.type === 'welcome') context.welcome = frame;
        context.post({ t: 'frame', frame });
        context.emitFrame(frame);
      }),
    ];
    state.set(transport.getSnapshot());
    transport.connect();
    tabCheck = setInterval(relay.checkTabs, options.tabCheckMs);
  }

  return {
    stand,
    stepDown() {
      clearInterval(tabCheck);
      tabCheck = undefined;
      if (context.inner) {
        for (const off of offInner.splice(0)) off();
        context.inner.close();
        context.inner = null;
        context.post({ t: 'resign' });
      }
      candidacy?.abort();
      candidacy = null;
      resign?.();
      resign = null;
    },
    withdraw() {
      candidacy?.abort();
      spare?.close();
    },
  };
}
