// Edits, deletions and reactions across two server instances over one real redis-server: real channel clients over
// websocketTransport on each instance, a late joiner with rewind, and an instance replaced by a fresh process.
import { applyMessage, type ChannelMessage } from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtime } from '../src/index.js';
import { useRedis } from './redis-server.js';
import { cleanup, onCleanup, startClient, startEndpoint, WAIT } from './ws-helpers.js';

const redisServer = useRedis();
afterEach(cleanup);

async function instance(options: Parameters<typeof createRealtime>[0] = {}) {
  const realtime = await createRealtime({
    redis: redisServer.current.url,
    rateLimit: false,
    onError: () => {},
    ...options,
  });
  onCleanup(() => realtime.close());
  const running = await startEndpoint({
    realtime,
    onError: () => {},
    // The token is the user's name: enough to tell authors apart.
    authenticate: (token) => (token ? { userId: token } : null),
  });
  return { realtime, ...running };
}

/** A client of `user` on `url`, folding `channel` (rewinding 100) into a list as a chat UI would. */
function member(url: string, user: string, channel: string) {
  const { client } = startClient(url, { auth: () => user });
  const room = client.channel<{ message: { text: string } }>(channel, { rewind: 100 });
  let list: readonly ChannelMessage[] = [];
  const off = room.subscribe('message', (message) => {
    list = applyMessage(list, message);
  });
  onCleanup(off);
  return { room, list: () => list };
}

/** What a user sees of a list: text (null once deleted), version, reactions. */
const view = (list: readonly ChannelMessage[]) =>
  list.map(({ id, data, version, deleted, reactions }) => ({ id, data, version: version ?? 1, deleted, reactions }));

describe('chat actions over two instances and Redis', () => {
  for (const mode of ['distinct', 'unique', 'multiple'] as const) {
    it(`edit, delete and react (${mode}) converge for live clients on both instances and a late joiner`, async () => {
      const room = `room-${mode}`;
      const a = await instance({ reactions: { mode } });
      const b = await instance({ reactions: { mode } });
      const ann = member(a.url, 'ann', room);
      const bob = member(b.url, 'bob', room);
      await vi.waitFor(() => expect(bob.room.getSnapshot().subscribed).toBe(true), WAIT);
      const first = await ann.room.publish('message', { text: 'hello' });
      const second = await ann.room.publish('message', { text: 'to be deleted' });
      await ann.room.edit(first.id, { text: 'hello, edited' });
      await bob.room.react(first.id, '👍');
      await ann.room.react(first.id, '👍');
      await ann.room.react(first.id, '🎉');
      await bob.room.react(first.id, '👍');
      await ann.room.remove(second.id);
      // Non-authors are refused, across instances too.
      await expect(bob.room.edit(first.id, { text: 'hijack' })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(bob.room.remove(first.id)).rejects.toMatchObject({ code: 'forbidden' });

      const expected = {
        distinct: {
          '👍': { count: 2, users: ['bob', 'ann'], clipped: false },
          '🎉': { count: 1, users: ['ann'], clipped: false },
        },
        unique: {
          '👍': { count: 1, users: ['bob'], clipped: false },
          '🎉': { count: 1, users: ['ann'], clipped: false },
        },
        multiple: {
          '👍': { count: 3, users: ['bob', 'ann'], clipped: false },
          '🎉': { count: 1, users: ['ann'], clipped: false },
        },
      }[mode];
      await vi.waitFor(() => expect(view(bob.list())[0]?.reactions).toEqual(expected), WAIT);
      await vi.waitFor(() => expect(view(bob.list())[1]?.deleted).toBe(true), WAIT);
      await vi.waitFor(() => expect(view(ann.list())).toEqual(view(bob.list())), WAIT);
      expect(view(bob.list())[0]).toMatchObject({ data: { text: 'hello, edited' }, version: 2 });

      const late = member(b.url, 'cat', room);
      await vi.waitFor(() => expect(view(late.list())).toEqual(view(ann.list())), WAIT);
      expect(JSON.stringify(late.list())).not.toContain('to be deleted');
    });
  }

  it('reactions and edits survive an instance replaced by a fresh process; the versions stay on the server', async () => {
    const room = 'room-restart';
    const a = await instance();
    const ann = member(a.url, 'ann', room);
    const { id } = await ann.room.publish('message', { text: 'v1' });
    await ann.room.edit(id, { text: 'v2' });
    await ann.room.react(id, '🔥');
    await a.stop();
    await a.realtime.close();

    const fresh = await instance();
    const late = member(fresh.url, 'dan', room);
    await vi.waitFor(
      () =>
        expect(view(late.list())).toEqual([
          {
            id,
            data: { text: 'v2' },
            version: 2,
            deleted: undefined,
            reactions: { '🔥': { count: 1, users: ['ann'], clipped: false } },
          },
        ]),
      WAIT,
    );
    // The edit goes on from the kept state: the author is still the author.
    await expect(late.room.edit(id, { text: 'not mine' })).rejects.toMatchObject({ code: 'forbidden' });
    const versions = await fresh.realtime.history(room, { versions: true });
    expect(versions.messages.filter((m) => m.id === id || m.target === id).map((m) => m.action ?? 'create')).toEqual([
      'create',
      'update',
      'reaction',
    ]);
    const current = await fresh.realtime.history(room);
    expect(current.messages[0]).toMatchObject({ id, data: { text: 'v2' }, version: 2 });
  });
});
