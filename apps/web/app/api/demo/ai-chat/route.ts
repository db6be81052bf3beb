import { after, connection } from 'next/server';
import { getRealtime } from '@realtime-kit/server';

import { handleDemoChat } from '@/lib/demo-ai-chat';

/**
 * The ai-chat demo's chat route (see lib/demo-ai-chat.ts): POST starts an answer from the mock model on a realtime
 * channel, GET names the answer in progress (for `useChat({ resume: true })` after a reload), DELETE stops it. The
 * channels are served by the app's realtime endpoint (server.mjs's WebSocket, or /api/realtime).
 */
export async function POST(request: Request) {
  // `after`: the answer goes on being written once this request has been answered.
  return handleDemoChat(await getRealtime(), request, { waitUntil: after });
}

export async function GET(request: Request) {
  await connection(); // the answer in progress now: never prerendered
  return handleDemoChat(await getRealtime(), request);
}

export async function DELETE(request: Request) {
  return handleDemoChat(await getRealtime(), request);
}
