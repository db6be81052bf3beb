// createPollHandler behind a real Node http server on 127.0.0.1, polled by core's createPoller over real fetch: the
// client keeps `after` from answer to answer and must get every message exactly once, in order, across paging
// (`more`), messages published while it polls, and a server restart in the middle.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createChannelHub,
  createPoller,
  RealtimeError,
  type ChannelBroker,
  type PollContext,
} from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPollHandler, type PollAnswer, type PolledMessage, type PollHandler } from '../src/index.js';
import { serveFetch } from './fetch-bridge.js';

const servers = new Set<Server>();
const stops: (() => void)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await Promise.all([...servers].map(close));
});

async function listen(handler: PollHandler, port = 0): Promise<Server> {
  const server = createServer((req, res) => void serveFetch(req, res, (request) => handler.GET(request)));
  servers.add(server);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function close(server: Server) {
  servers.delete(server);
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

interface Feed {
  /** The next `after`. */
  readonly seq: number;
  /** Every message received so far. */
  readonly messages: readonly PolledMessage[];
  readonly more: boolean;
  readonly gaps: number;
  /** Answers that said `more` (paging). */
  readonly pages: number;
}

/** The client side of the poll endpoint, as an app writes it: carry `seq` as the next `after`. */
function feedFetcher(url: string) {
  return async ({ signal, previous }: PollContext<Feed>): Promise<Feed> => {
    const query = previous === undefined ? '' : `&after=${previous.seq}`;
    const response = await fetch(`${url}?channel=room:1${query}`, { signal });
    if (!response.ok)
      throw new RealtimeError('http_error', `The poll answered ${response.status}.`, { status: response.status });
    const answer = (await response.json()) as PollAnswer;
    return {
      seq: answer.seq,
      messages: [...(previous?.messages ?? []), ...answer.messages],
      more: answer.more === true,
      gaps: (previous?.gaps ?? 0) + (answer.gap ? 1 : 0),
      pages: (previous?.pages ?? 0) + (answer.more ? 1 : 0),
    };
  };
}

describe('createPollHandler with createPoller over HTTP', () => {
  it('delivers every message exactly once across polls, pages and a server restart', async () => {
    const hub = createChannelHub<ChannelBroker>();
    const handler = createPollHandler({ hub, maxMessages: 7 });
    const server = await listen(handler);
    const port = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}/api/messages`;

    const poller = createPoller(feedFetcher(url), {
      intervalMs: 15,
      backoff: { minMs: 10, maxMs: 50 },
      hasMore: (feed) => feed.more,
    });
    const errors: string[] = [];
    poller.onResult((outcome) => {
      if (!outcome.ok) errors.push(outcome.error.code);
    });
    stops.push(poller.subscribe(() => {}));
    // The first answer is the head: the client starts from there.
    await vi.waitFor(() => expect(poller.getSnapshot().status).toBe('ok'), { timeout: 5000, interval: 5 });
    expect(poller.getSnapshot().data).toMatchObject({ seq: 0, messages: [] });

    const publish = (from: number, to: number) => {
      for (let n = from; n <= to; n++) hub.publish('room:1', 'chat', { n });
    };
    publish(1, 20); // a burst larger than one page
    for (let n = 21; n <= 40; n++) {
      publish(n, n);
      await new Promise((resolve) => setTimeout(resolve, 3)); // published while the client polls
    }
    await vi.waitFor(() => expect(poller.getSnapshot().data?.seq).toBe(40), { timeout: 10_000, interval: 5 });

    await close(server);
    publish(41, 60); // while the server is down
    await vi.waitFor(() => expect(errors).toContain('network'), { timeout: 5000, interval: 5 });
    await listen(handler, port); // the restart (closed after the test with the rest)
    await vi.waitFor(() => expect(poller.getSnapshot().data?.seq).toBe(60), { timeout: 10_000, interval: 5 });

    const feed = poller.getSnapshot().data as Feed;
    expect(feed.messages.map((message) => message.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(feed.messages.map((message) => (message.data as { n: number }).n)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    expect(new Set(feed.messages.map((message) => message.id)).size).toBe(60);
    expect(feed.gaps).toBe(0);
    expect(feed.pages).toBeGreaterThanOrEqual(4); // 20 at once and 20 while down, 7 per answer
    expect(poller.getSnapshot()).toMatchObject({ status: 'ok', failures: 0, error: null });
    expect(hub.sessions).toBe(0);
  });
});
