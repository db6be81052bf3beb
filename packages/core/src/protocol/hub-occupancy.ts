import type { ServerFrame } from './frames.js';
import type { ChannelState, SessionState } from './hub-state.js';

/** At most one occupancy frame per channel per this many milliseconds (the newest counts are sent). */
const OCCUPANCY_INTERVAL_MS = 250;

/** The channel's occupancy now: cluster-wide subscribers and present members. */
export function occupancyFrame(state: ChannelState): Extract<ServerFrame, { type: 'occupancy' }> {
  return {
    type: 'occupancy',
    channel: state.name,
    connections: state.presence.connections(),
    members: state.presence.size,
  };
}

/**
 * The counts of `state` may have changed: its watchers get the new ones at once, or at the end of the current
 * interval when one was sent less than {@link OCCUPANCY_INTERVAL_MS} ago (a join storm costs four frames a second).
 */
export function occupancyChanged(
  state: ChannelState,
  now: () => number,
  send: (session: SessionState, frame: ServerFrame) => void,
) {
  if (state.occupancyWatchers.size === 0 || state.occupancyTimer !== undefined) return;
  const flush = () => {
    const frame = occupancyFrame(state);
    const last = state.occupancy;
    if (last && last.connections === frame.connections && last.members === frame.members) return;
    state.occupancy = { connections: frame.connections, members: frame.members };
    state.occupancySentAt = now();
    for (const watcher of [...state.occupancyWatchers]) send(watcher, frame);
  };
  const wait = state.occupancySentAt + OCCUPANCY_INTERVAL_MS - now();
  if (wait <= 0) return flush();
  state.occupancyTimer = setTimeout(() => {
    state.occupancyTimer = undefined;
    flush();
  }, wait);
  (state.occupancyTimer as { unref?: () => void }).unref?.();
}
