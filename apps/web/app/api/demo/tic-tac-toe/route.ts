import { connection } from 'next/server';
import { createChannelEndpoint, getRealtime, type ChannelEndpoint } from '@realtime-kit/server';

import { authenticateGuest, demoRealtimeOptions } from '@/lib/demo-tic-tac-toe';

/**
 * The tic-tac-toe demo's channel endpoint (SSE + POST): the process's realtime (where `tictactoe:` runs the game's
 * reducer), with guests authenticated by the id their tab sends, since seats belong to user ids. The other demos stay
 * anonymous on `/realtime` and `/api/realtime`.
 */
let endpoint: Promise<ChannelEndpoint> | undefined;
const gameEndpoint = () =>
  (endpoint ??= getRealtime(demoRealtimeOptions).then((realtime) =>
    createChannelEndpoint({ realtime, authenticate: authenticateGuest }),
  ));

export async function GET(request: Request) {
  await connection(); // a stream per request: never prerendered
  return (await gameEndpoint()).GET(request);
}

export async function POST(request: Request) {
  return (await gameEndpoint()).POST(request);
}
