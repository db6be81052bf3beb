import { getRealtime, publish } from '@realtime-kit/server';

/** The channel of the demo chat. Subscribers connect over WebSocket to `/realtime` when the app runs with `server.mjs`. */
const CHANNEL = 'demo:chat';
const MAX_TEXT = 500;
/** Messages per page of "load older". */
const PAGE = 30;

/**
 * Earlier messages of the demo chat, for chat-room's `loadHistory`: `GET ?before=<seq>` → the `PAGE` messages before
 * that seq (the newest ones without it), oldest first, from the channel's own log (`realtime.history`).
 */
export async function GET(request: Request) {
  const raw = new URL(request.url).searchParams.get('before');
  const before = raw === null ? undefined : Number(raw);
  if (before !== undefined && !(Number.isSafeInteger(before) && before > 0)) {
    return Response.json({ error: { code: 'bad_frame', message: '"before" must be a message seq.' } }, { status: 400 });
  }
  try {
    const { messages } = await (await getRealtime()).history(CHANNEL, { before, limit: PAGE });
    return Response.json(
      messages.map((message) => {
        const data = message.data as { text?: unknown; author?: { id: string; name: string }; sentAt?: number };
        return {
          id: message.id,
          seq: message.seq,
          text: String(data.text ?? ''),
          author: data.author ?? { id: '', name: 'Server' },
          sentAt: data.sentAt ?? message.at,
        };
      }),
      { headers: { 'cache-control': 'no-store' } },
    );
  } catch {
    return Response.json(
      { error: { code: 'unavailable', message: 'The history could not be read: retry.' } },
      { status: 503 },
    );
  }
}

/**
 * Publishes a demo chat message from a route handler: `POST { text }` → `{ id, seq }` once stored. The message
 * reaches every subscriber of `demo:chat` on every instance (through Redis when `REDIS_URL` is set).
 */
export async function POST(request: Request) {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: { code: 'bad_frame', message: 'Send JSON: { "text": "…" }.' } }, { status: 400 });
  }
  const text = (body as { text?: unknown } | null)?.text;
  if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT) {
    return Response.json(
      { error: { code: 'invalid_payload', message: `"text" must be 1–${MAX_TEXT} characters.` } },
      { status: 422 },
    );
  }
  try {
    const receipt = await publish(CHANNEL, 'message', { text: text.trim() });
    return Response.json(receipt);
  } catch (error) {
    const code = (error as { code?: unknown }).code === 'unavailable' ? 'unavailable' : 'server_error';
    return Response.json({ error: { code, message: 'The message could not be published: retry.' } }, { status: 503 });
  }
}
