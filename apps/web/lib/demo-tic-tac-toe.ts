import type { AuthenticationResult, RealtimeOptions } from '@realtime-kit/server';

import { ticTacToe } from '../../../registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game';

/** The docs demo's game channel: everyone on the page plays (or watches) the same board. */
export const DEMO_GAME_CHANNEL = 'tictactoe:demo';
/** The header the demo's transport sends its guest id in. */
export const GUEST_HEADER = 'x-guest-id';
const GUEST_ID = /^guest-[a-z0-9]{8,32}$/;

/**
 * What the demo server's realtime registers: the tic-tac-toe reducer on `tictactoe:` channels. server.mjs and the
 * game's route both pass it to `getRealtime`, so whichever runs first creates the process's realtime with it.
 */
export const demoRealtimeOptions = {
  sharedState: { 'tictactoe:': ticTacToe },
} satisfies RealtimeOptions;

/**
 * The demo's sign-in: a guest id the tab made up (kept in sessionStorage, so a reload is the same player). Good
 * enough for a demo that two tabs can play; a real app authenticates its users and passes their ids instead.
 */
export function authenticateGuest(request: Request): AuthenticationResult {
  const id = request.headers.get(GUEST_HEADER) ?? new URL(request.url).searchParams.get('guest');
  return id !== null && GUEST_ID.test(id) ? { userId: id } : null;
}
