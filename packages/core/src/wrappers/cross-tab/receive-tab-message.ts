import type { CrossTabContext } from './cross-tab-context.js';
import type { LeaderRelay } from './leader-relay.js';
import { fromWire, toWire, type TabMessage } from './tab-wire.js';

/** What a tab does with a message from another: a follower takes the leader's state and frames, the leader serves. */
export function receiveTabMessage(context: CrossTabContext, relay: LeaderRelay, message: TabMessage): void {
  const { inner, state, tabId } = context;
  if (context.closed) return;
  switch (message.t) {
    case 'state':
      if (inner === null && (message.to === undefined || message.to === tabId)) state.set(fromWire(message.state));
      return;
    case 'frame':
      if (inner === null && message.except !== tabId && (message.to === undefined || message.to === tabId))
        context.emitFrame(message.frame);
      return;
    case 'resign':
      if (inner === null && state.getSnapshot().status === 'open')
        state.set((previous) => Object.freeze({ ...previous, status: 'reconnecting' as const }));
      return;
    case 'hello':
      if (inner === null) return;
      // The newcomer learns who it is before it sees `open` (and subscribes).
      if (context.welcome && inner.getSnapshot().status === 'open')
        context.post({ t: 'frame', frame: context.welcome, to: message.from });
      context.post({ t: 'state', state: toWire(inner.getSnapshot()), to: message.from });
      return;
    case 'send':
      if (inner !== null) relay.relay(message.from, message.frame);
      return;
    case 'bye':
      if (inner !== null) relay.dropTab(message.from);
      return;
  }
}
