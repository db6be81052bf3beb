import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../channel/client.js';
import { manualTransport } from '../channel/manual-transport.js';
import { classifyHttpRefusal } from '../connection/http-refusal.js';
import type { RealtimeError } from '../errors.js';
import type { ServerFrame } from '../protocol/frames.js';
import { classifySSEOutcome } from '../sse/classify-sse-outcome.js';
import { classifyClose } from '../websocket/classify-close.js';

// Production builds keep only the short side of `process.env.NODE_ENV !== 'production' ? advice : short`: the error
// must still say what failed (code, status, URL, the server's words) without the advice. The check reads
// process.env at call time, so stubbing it here exercises the production branch of the same code.
describe('error messages in production builds', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('an HTTP refusal names method, URL, status and what the server said, without advice', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { error, verdict } = classifyHttpRefusal(
      403,
      new Headers(),
      { code: 'forbidden', message: 'not a member' },
      {
        url: 'https://api.test/rt',
        method: 'POST',
        now: () => 0,
      },
    );
    expect(verdict.action).toBe('stop');
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
    expect(error.message).toBe('POST https://api.test/rt 403 not a member');
    vi.stubEnv('NODE_ENV', 'development');
    const dev = classifyHttpRefusal(
      403,
      new Headers(),
      { code: 'forbidden', message: 'not a member' },
      {
        url: 'https://api.test/rt',
        method: 'POST',
        now: () => 0,
      },
    );
    expect(dev.error.message).toMatch(/Not retried\.$/);
  });

  it('SSE outcomes name the URL and what happened', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const context = { url: 'https://api.test/events', now: () => 0 };
    const cut = classifySSEOutcome({ type: 'read-error', cause: new Error('socket hang up') }, context);
    expect(cut.action === 'retry' && cut.error.message).toBe('https://api.test/events read-error socket hang up');
    const html = classifySSEOutcome(
      { type: 'response', status: 200, headers: new Headers({ 'content-type': 'text/html' }) },
      context,
    );
    expect(html.action === 'stop' && [html.error.code, html.error.message]).toEqual([
      'bad_content_type',
      'https://api.test/events 200 text/html',
    ]);
  });

  it('a WebSocket close names URL, code and reason; the advice is left out', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const verdict = classifyClose(
      { type: 'close', code: 1008, reason: 'bad origin' },
      { url: 'wss://api.test/ws', reauthenticated: false },
    );
    expect(verdict.error.code).toBe('policy_violation');
    expect(verdict.error.message).toBe('wss://api.test/ws closed the WebSocket with 1008 ("bad origin")');
    vi.stubEnv('NODE_ENV', 'test');
    const dev = classifyClose(
      { type: 'close', code: 1008, reason: 'bad origin' },
      { url: 'wss://api.test/ws', reauthenticated: false },
    );
    expect(dev.error.message).toMatch(
      /^wss:\/\/api\.test\/ws closed the WebSocket with 1008 \("bad origin"\): a policy violation\./,
    );
  });

  it('the channel client says what failed (code, channel, counts) and keeps its advice to development', async () => {
    const refusal = (publish: Promise<unknown>) =>
      publish.then(
        () => undefined,
        (error: RealtimeError) => error,
      );
    const messages = async () => {
      const manual = manualTransport();
      const client = createRealtimeClient({ transport: manual.transport, maxQueued: 1 });
      const errors: RealtimeError[] = [];
      client.onError((error) => errors.push(error));
      const room = client.channel('room');
      const waiting = refusal(room.publish('m', 1));
      const full = await refusal(room.publish('m', 2));
      manual.open();
      manual.emit({ type: 'bogus' } as unknown as ServerFrame);
      client.close();
      const afterClose = await refusal(room.publish('m', 3));
      return [full, errors[0], await waiting, afterClose].map((error) => [error?.code, error?.message]);
    };
    vi.stubEnv('NODE_ENV', 'production');
    expect(await messages()).toEqual([
      ['outbox_full', 'Publish on "room" refused: 1 publishes already wait for the server (maxQueued 1).'],
      ['bad_frame', 'Unknown frame type "bogus" from the server'],
      ['closed', 'The client was closed before the server stored this publish.'],
      ['closed', 'Cannot publish on "room": this client was closed.'],
    ]);
    vi.stubEnv('NODE_ENV', 'development');
    expect(await messages()).toEqual([
      [
        'outbox_full',
        'Publish on "room" refused: 1 publishes already wait for the server (maxQueued 1). Nothing was dropped; retry once the connection is back, or raise maxQueued.',
      ],
      ['bad_frame', 'Unknown frame type "bogus" from the server: is the client older than the server?'],
      [
        'closed',
        'The client was closed before the server stored this publish (a persistent outbox keeps it for the next client).',
      ],
      ['closed', 'Cannot publish on "room": this client was closed. Create a new client.'],
    ]);
  });
});
