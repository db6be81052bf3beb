import { publish } from '@realtime-kit/server';

/** The channel of the demo's notifications. Subscribers connect over WebSocket to `/realtime` (the app run by `server.mjs`). */
const CHANNEL = 'demo:notifications';

/** What the demo can send: fixed texts, so the public demo never relays what visitors type. */
const KINDS = {
  deploy: { title: 'Deploy finished', body: 'realtime-kit.dev is live in 3 regions.' },
  comment: { title: 'Maya commented on “Launch plan”', body: 'Looks good — ship it Thursday?' },
  payment: { title: 'Payment received', body: 'Invoice #1042 was paid.' },
  alert: { title: 'CPU above 90 % on api-2', body: 'For the last 5 minutes.' },
} as const;

type Kind = keyof typeof KINDS;

/**
 * Publishes a demo notification from a route handler: `POST { kind }` → `{ id, seq }` once stored. It reaches every
 * subscriber of `demo:notifications` (through Redis when `REDIS_URL` is set), as the notification-center protocol:
 * a `notification` event with `{ title, body }`.
 */
export async function POST(request: Request) {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json(
      { error: { code: 'bad_frame', message: 'Send JSON: { "kind": "deploy" }.' } },
      { status: 400 },
    );
  }
  const kind = (body as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) {
    return Response.json(
      { error: { code: 'invalid_payload', message: `"kind" must be one of ${Object.keys(KINDS).join(', ')}.` } },
      { status: 422 },
    );
  }
  try {
    const receipt = await publish(CHANNEL, 'notification', { ...KINDS[kind as Kind], at: Date.now() });
    return Response.json(receipt);
  } catch (error) {
    const code = (error as { code?: unknown }).code === 'unavailable' ? 'unavailable' : 'server_error';
    return Response.json(
      { error: { code, message: 'The notification could not be published: retry.' } },
      { status: 503 },
    );
  }
}
