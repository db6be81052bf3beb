'use client';

import * as React from 'react';
import { sseTransport } from '@realtime-kit/core/sse-transport';
import { RealtimeProvider } from '@realtime-kit/react';

import { TicTacToe } from '@/registry/realtime/blocks/tic-tac-toe/tic-tac-toe';
import { ticTacToe } from '@/registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game';
import { DEMO_GAME_CHANNEL, GUEST_HEADER } from '@/lib/demo-tic-tac-toe';

interface Guest {
  id: string;
  name: string;
}

const GUEST_KEY = 'realtime-kit:tic-tac-toe-guest';

/** This tab's guest: made up once per tab (sessionStorage), so a reload keeps the seat and a second tab is a rival. */
function guestOfThisTab(): Guest {
  const stored = sessionStorage.getItem(GUEST_KEY);
  if (stored) return JSON.parse(stored) as Guest;
  const suffix = crypto.randomUUID().replaceAll('-', '').slice(0, 12);
  const guest = { id: `guest-${suffix}`, name: `Guest ${suffix.slice(0, 4).toUpperCase()}` };
  sessionStorage.setItem(GUEST_KEY, JSON.stringify(guest));
  return guest;
}

/**
 * The game on this app's server: open this page in a second tab (or window) and play yourself; a third watches.
 * The server runs the same reducer (registered in server.mjs and the game's route) with each tab's guest id.
 */
export function TicTacToeDemo() {
  const [guest, setGuest] = React.useState<Guest | null>(null);
  // The guest lives in sessionStorage, which the server render cannot read: the board appears after hydration.
  React.useEffect(() => setGuest(guestOfThisTab()), []);
  const transport = React.useMemo(
    () => guest && sseTransport({ url: '/api/demo/tic-tac-toe', headers: { [GUEST_HEADER]: guest.id } }),
    [guest],
  );
  if (!guest || !transport) return <div className="h-[36rem] w-full max-w-md rounded-xl border" aria-busy="true" />;
  return (
    <RealtimeProvider transport={transport}>
      <TicTacToe channel={DEMO_GAME_CHANNEL} name={guest.name} definition={ticTacToe} />
    </RealtimeProvider>
  );
}
