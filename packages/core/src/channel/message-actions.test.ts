import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRealtimeError } from '../errors.js';
import { createTestTransport } from '../testing/create-test-transport.js';
import { applyMessage } from './apply-message.js';
import { createRealtimeClient } from './client.js';
import type { ChannelMessage, RealtimeClient } from './types.js';

describe('channel.edit / remove / react over the client', () => {
  let clients: RealtimeClient[] = [];
  afterEach(() => {
    for (const client of clients) client.close();
    clients = [];
    vi.useRealTimers();
  });

  function setup() {
    const kit = createTestTransport();
    const make = (userId: string) => {
      const client = createRealtimeClient({ transport: kit.createTransport({ userId }) });
      client.connect();
      clients.push(client);
      const room = client.channel<{ message: { text: string } }>('room', { rewind: 100 });
      let list: readonly ChannelMessage[] = [];
      room.subscribe('message', (message) => {
        list = applyMessage(list, message);
      });
      return { room, list: () => list };
    };
    return { kit, ann: make('ann'), bob: make('bob') };
  }

  it('edits, reactions and a deletion reach every client; their folded lists agree', async () => {
    const { ann, bob } = setup();
    const { id } = await ann.room.publish('message', { text: 'hello' });
    await ann.room.edit(id, { text: 'hello, world' });
    await bob.room.react(id, '👍');
    await ann.room.react({ id, event: 'message' }, '👍');
    await bob.room.unreact(id, '👍');
    await vi.waitFor(
      () => expect(ann.list()[0]?.reactions).toEqual({ '👍': { count: 1, users: ['ann'], clipped: false } }),
      { timeout: 5_000 },
    );
    expect(ann.list()).toEqual(bob.list());
    expect(ann.list()[0]).toMatchObject({ data: { text: 'hello, world' }, version: 2 });
    await ann.room.remove(id);
    await vi.waitFor(() => expect(bob.list()[0]).toMatchObject({ deleted: true, data: null, version: 3 }), {
      timeout: 5_000,
    });
    expect(ann.list()).toEqual(bob.list());
  });

  it('rejects a non-author with a typed forbidden error and changes nothing', async () => {
    const { ann, bob } = setup();
    const { id } = await ann.room.publish('message', { text: 'mine' });
    const refused = await bob.room.edit(id, { text: 'hijacked' }).catch((error: unknown) => error);
    expect(isRealtimeError(refused, 'forbidden')).toBe(true);
    await expect(bob.room.remove(id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(bob.room.edit('unknown-id', { text: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await vi.waitFor(() => expect(bob.list()).toHaveLength(1), { timeout: 5_000 });
    expect(bob.list()[0]).toMatchObject({ data: { text: 'mine' } });
    expect(bob.room.getSnapshot().pending).toBe(0);
  });

  it('an edit made while offline waits in the outbox and goes once the connection is back', async () => {
    const { kit, ann, bob } = setup();
    const { id } = await ann.room.publish('message', { text: 'draft' });
    kit.chaos.disconnect();
    const edited = ann.room.edit(id, { text: 'final' });
    expect(ann.room.getSnapshot().pending).toBe(1);
    kit.chaos.reconnect();
    await edited;
    await vi.waitFor(() => expect(bob.list()[0]).toMatchObject({ data: { text: 'final' }, version: 2 }), {
      timeout: 5_000,
    });
  });
});

describe('applyMessage', () => {
  const message = (fields: Partial<ChannelMessage>): ChannelMessage =>
    ({ channel: 'room', id: 'm1', seq: 1, event: 'message', data: { text: 'a' }, at: 0, ...fields }) as ChannelMessage;

  it('appends once, ignores older or repeated versions and changes to unknown messages, keeps identity when unchanged', () => {
    const one = applyMessage([], message({}));
    expect(applyMessage(one, message({}))).toBe(one);
    const v3 = applyMessage(one, message({ id: 'e2', seq: 3, action: 'update', target: 'm1', version: 3, data: 'c' }));
    expect(v3[0]).toMatchObject({ data: 'c', version: 3 });
    expect(applyMessage(v3, message({ id: 'e1', seq: 2, action: 'update', target: 'm1', version: 2, data: 'b' }))).toBe(
      v3,
    );
    expect(applyMessage(v3, message({ id: 'x', action: 'delete', target: 'nobody', version: 9 }))).toBe(v3);
    const gone = applyMessage(v3, message({ id: 'd', seq: 4, action: 'delete', target: 'm1', version: 4, data: null }));
    expect(gone[0]).toMatchObject({ deleted: true, data: null, version: 4 });
    expect(one[0]).toMatchObject({ data: { text: 'a' } });
  });
});
