import { connection } from 'next/server';
import { createChannelEndpoint, getRealtime, type ChannelEndpoint } from '@realtime-kit/server';

/**
 * The channel protocol over SSE + POST and long polling, for clients whose network does not pass the WebSocket at
 * `/realtime` (see lib/demo-transport.ts: the demos fall back here). It shares the process's realtime state with the
 * WebSocket endpoint of server.mjs, so a message reaches subscribers on every transport.
 */
let endpoint: Promise<ChannelEndpoint> | undefined;
const channelEndpoint = () => (endpoint ??= getRealtime().then((realtime) => createChannelEndpoint({ realtime })));

export async function GET(request: Request) {
  await connection(); // a stream or a poll per request: never prerendered
  return (await channelEndpoint()).GET(request);
}

export async function POST(request: Request) {
  return (await channelEndpoint()).POST(request);
}
