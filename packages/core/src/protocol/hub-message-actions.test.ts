import { describe, expect, it, vi } from 'vitest';
import type { HubMessage } from './broker.js';
import type { ClientFrame, ReactionChange, ServerFrame } from './frames.js';
import { createChannelHub, type ChannelHubOptions } from './hub.js';
import { applyMessage } from '../channel/apply-message.js';
import type { ChannelMessage } from '../channel/types.js';

function setup(options: ChannelHubOptions = {}) {
  let n = 0;
  const hub = createChannelHub({ createId: () => `id-${++n}`, now: () => 1000, ...options });
  function connect(userId?: string) {
    const frames: ServerFrame[] = [];
    const session = hub.connect({ send: (frame) => frames.push(frame), userId });
    let cids = 0;
    const take = () => frames.splice(0);
    const send = async (frame: ClientFrame) => session.receive(frame);
    /** Sends a publish and answers its ack or nack. */
    const publish = async (frame: Omit<Extract<ClientFrame, { type: 'publish' }>, 'type' | 'cid' | 'channel'>) => {
      const cid = `${userId}-${++cids}`;
      await send({ type: 'publish', channel: 'room', cid, ...frame });
      return frames.find((f) => (f.type === 'ack' || f.type === 'nack') && f.cid === cid);
    };
    return { session, take, send, publish };
  }
  return { hub, connect };
}

const messagesOf = (frames: ServerFrame[]) => frames.filter((f): f is HubMessage => f.type === 'message');

async function chat(options: ChannelHubOptions = {}) {
  const { hub, connect } = setup(options);
  const ann = connect('ann');
  const bob = connect('bob');
  await ann.send({ type: 'subscribe', channel: 'room' });
  await bob.send({ type: 'subscribe', channel: 'room' });
  const ack = await ann.publish({ event: 'message', data: { text: 'hello' } });
  if (ack?.type !== 'ack') throw new Error('not stored');
  ann.take();
  bob.take();
  return { hub, connect, ann, bob, id: ack.id };
}

describe('message actions: edit, delete, react', () => {
  it('an author edits and deletes; every subscriber gets versioned changes under the original event', async () => {
    const { ann, bob, id } = await chat();
    expect(
      (await ann.publish({ event: 'message', data: { text: 'hello!' }, action: 'update', target: id }))?.type,
    ).toBe('ack');
    expect((await ann.publish({ event: 'message', data: null, action: 'delete', target: id }))?.type).toBe('ack');
    const seen = messagesOf(bob.take());
    expect(
      seen.map(({ action, target, version, data, event, from }) => ({ action, target, version, data, event, from })),
    ).toEqual([
      { action: 'update', target: id, version: 2, data: { text: 'hello!' }, event: 'message', from: 'ann' },
      { action: 'delete', target: id, version: 3, data: null, event: 'message', from: 'ann' },
    ]);
  });

  it('refuses others forbidden, unknown targets not_found, edits under another event bad_frame; loses nothing', async () => {
    const { ann, bob, id } = await chat();
    const edit = await bob.publish({ event: 'message', data: { text: 'mine now' }, action: 'update', target: id });
    expect(edit).toMatchObject({ type: 'nack', error: { code: 'forbidden' } });
    const remove = await bob.publish({ event: 'message', data: null, action: 'delete', target: id });
    expect(remove).toMatchObject({ type: 'nack', error: { code: 'forbidden' } });
    expect(await bob.publish({ event: 'message', data: null, action: 'delete', target: 'nope' })).toMatchObject({
      type: 'nack',
      error: { code: 'not_found' },
    });
    expect(await ann.publish({ event: 'other', data: {}, action: 'update', target: id })).toMatchObject({
      type: 'nack',
      error: { code: 'bad_frame' },
    });
    // An edit of an edit is not a message of its own.
    const first = await ann.publish({ event: 'message', data: { text: 'v2' }, action: 'update', target: id });
    const editId = first?.type === 'ack' ? first.id : '';
    expect(await ann.publish({ event: 'message', data: {}, action: 'update', target: editId })).toMatchObject({
      type: 'nack',
      error: { code: 'not_found' },
    });
    expect(messagesOf(ann.take()).map((m) => m.version)).toEqual([2]);
  });

  it('authorizeMessage lets a moderator delete, and may forbid authors; a throwing rule refuses', async () => {
    const authorizeMessage = vi.fn(({ session, isAuthor, action }) =>
      session.userId === 'mod' ? true : isAuthor && action !== 'delete',
    );
    const { connect, ann, id } = await chat({ authorizeMessage });
    const mod = connect('mod');
    expect(await ann.publish({ event: 'message', data: null, action: 'delete', target: id })).toMatchObject({
      type: 'nack',
      error: { code: 'forbidden' },
    });
    expect((await mod.publish({ event: 'message', data: null, action: 'delete', target: id }))?.type).toBe('ack');
    expect(authorizeMessage).toHaveBeenLastCalledWith(
      expect.objectContaining({ action: 'delete', isAuthor: false, message: { id, event: 'message', author: 'ann' } }),
    );
    expect(await mod.publish({ event: 'message', data: {}, action: 'update', target: id })).toMatchObject({
      type: 'nack',
      error: { code: 'not_found', message: expect.stringContaining('deleted') },
    });
  });

  it('beforePublish sees edits (action, target) and may reject or rewrite them', async () => {
    const { ann, bob, id } = await chat({
      beforePublish: ({ action, data }) =>
        action === 'update' && (data as { text: string }).text.includes('spam')
          ? { reject: 'No spam.' }
          : action === 'update'
            ? { data: { ...(data as object), edited: true } }
            : undefined,
    });
    expect(await ann.publish({ event: 'message', data: { text: 'spam' }, action: 'update', target: id })).toMatchObject(
      {
        type: 'nack',
        error: { code: 'rejected', message: 'No spam.' },
      },
    );
    await ann.publish({ event: 'message', data: { text: 'fine' }, action: 'update', target: id });
    expect(messagesOf(bob.take()).map((m) => m.data)).toEqual([{ text: 'fine', edited: true }]);
  });

  it('a late joiner with rewind, and history, see the current state: edits applied, deleted text gone', async () => {
    const { hub, connect, ann, id } = await chat();
    const second = await ann.publish({ event: 'message', data: { text: 'secret' } });
    const secondId = second?.type === 'ack' ? second.id : '';
    await ann.publish({ event: 'message', data: { text: 'hello, edited' }, action: 'update', target: id });
    await ann.publish({ event: 'message', data: { text: 'secret, edited' }, action: 'update', target: secondId });
    await ann.publish({ event: 'message', data: null, action: 'delete', target: secondId });
    const late = connect('cat');
    await late.send({ type: 'subscribe', channel: 'room', rewind: 100 });
    const replay = messagesOf(late.take());
    expect(JSON.stringify(replay)).not.toContain('secret');
    expect(replay[0]).toMatchObject({ id, data: { text: 'hello, edited' }, version: 2 });
    expect(replay[1]).toMatchObject({ id: secondId, data: null, deleted: true, version: 3 });
    // The client's fold of that replay ends where the live clients are.
    let list: readonly ChannelMessage[] = [];
    for (const message of replay) list = applyMessage(list, message as unknown as ChannelMessage);
    expect(list.map((m) => [m.id, m.data, m.deleted ?? false])).toEqual([
      [id, { text: 'hello, edited' }, false],
      [secondId, null, true],
    ]);
    const history = await hub.history('room', {});
    expect(JSON.stringify(history.messages)).not.toContain('secret');
    // The server keeps every version.
    const versions = await hub.history('room', {}, { versions: true });
    expect(versions.messages.filter((m) => m.target === secondId || m.id === secondId).map((m) => m.data)).toEqual([
      { text: 'secret' },
      { text: 'secret, edited' },
      null,
    ]);
  });
});

describe('reactions', () => {
  const react = (reaction: string, target: string, op: 'add' | 'remove' = 'add') => ({
    event: 'message',
    data: { reaction, op },
    action: 'reaction' as const,
    target,
  });
  const summaryOf = (frames: ServerFrame[]) => (messagesOf(frames).at(-1)?.data as ReactionChange).summary;

  it('distinct (default): one of each per user; remove takes it back', async () => {
    const { ann, bob, id } = await chat();
    await ann.publish(react('👍', id));
    await ann.publish(react('👍', id));
    await ann.publish(react('🎉', id));
    await bob.publish(react('👍', id));
    expect(summaryOf(ann.take())).toEqual({
      '👍': { count: 2, users: ['ann', 'bob'], clipped: false },
      '🎉': { count: 1, users: ['ann'], clipped: false },
    });
    await ann.publish(react('🎉', id, 'remove'));
    expect(summaryOf(bob.take())).toEqual({ '👍': { count: 2, users: ['ann', 'bob'], clipped: false } });
  });

  it('unique: a new reaction replaces the user’s last; multiple: every add counts', async () => {
    const unique = await chat({ reactions: { mode: 'unique' } });
    await unique.ann.publish(react('👍', unique.id));
    await unique.ann.publish(react('🎉', unique.id));
    expect(summaryOf(unique.bob.take())).toEqual({ '🎉': { count: 1, users: ['ann'], clipped: false } });
    const multiple = await chat({ reactions: { mode: (channel) => (channel === 'room' ? 'multiple' : 'distinct') } });
    await multiple.ann.publish(react('👏', multiple.id));
    await multiple.ann.publish(react('👏', multiple.id));
    await multiple.bob.publish(react('👏', multiple.id));
    expect(summaryOf(multiple.bob.take())).toEqual({ '👏': { count: 3, users: ['ann', 'bob'], clipped: false } });
    await multiple.ann.publish(react('👏', multiple.id, 'remove'));
    expect(summaryOf(multiple.bob.take())).toEqual({ '👏': { count: 1, users: ['bob'], clipped: false } });
  });

  it('clips the users a summary names, keeps the count exact; caps kinds; refuses malformed reactions', async () => {
    const { connect, ann, id } = await chat({ reactions: { maxUsers: 2, maxKinds: 2 } });
    for (const user of ['u1', 'u2', 'u3']) await connect(user).publish(react('👍', id));
    expect(summaryOf(ann.take())).toEqual({ '👍': { count: 3, users: ['u1', 'u2'], clipped: true } });
    await ann.publish(react('🎉', id));
    expect(await ann.publish(react('🔥', id))).toMatchObject({ type: 'nack', error: { code: 'rejected' } });
    for (const data of [{ reaction: '', op: 'add' }, { reaction: 'x'.repeat(33), op: 'add' }, { reaction: '👍' }, 7]) {
      const answer = await ann.publish({ event: 'message', data, action: 'reaction', target: id });
      expect(answer).toMatchObject({ type: 'nack', error: { code: 'bad_frame' } });
    }
    expect(await ann.publish({ event: 'message', data: {}, action: 'shout' as never, target: id })).toMatchObject({
      type: 'nack',
      error: { code: 'bad_frame' },
    });
    expect(await ann.publish({ event: 'message', data: {}, action: 'update', target: 'x'.repeat(257) })).toMatchObject({
      type: 'nack',
      error: { code: 'bad_frame' },
    });
  });

  it('a late joiner sees the summary on the original itself, without the reaction messages', async () => {
    const { hub, connect, ann, id } = await chat();
    await ann.publish(react('👍', id));
    await ann.publish(react('🎉', id));
    const late = connect('late');
    await late.send({ type: 'subscribe', channel: 'room', rewind: 10 });
    const [original] = messagesOf(late.take());
    const summary = {
      '👍': { count: 1, users: ['ann'], clipped: false },
      '🎉': { count: 1, users: ['ann'], clipped: false },
    };
    expect(original).toMatchObject({ id, version: 1, reactions: summary });
    // One page of history holding only the original carries it too.
    const page = await hub.history('room', { after: 0, limit: 1 });
    expect(page.messages).toEqual([expect.objectContaining({ id, reactions: summary })]);
  });

  it('a repeated cid is acknowledged once and counts once', async () => {
    const { ann, bob, id } = await chat();
    const frame: ClientFrame = { type: 'publish', channel: 'room', cid: 'same', ...react('👍', id) };
    await ann.send(frame);
    await ann.send(frame);
    expect(messagesOf(bob.take())).toHaveLength(1);
    expect(ann.take().filter((f) => f.type === 'ack')).toHaveLength(2);
  });
});

describe('message actions under attack', () => {
  it('keeps states bounded by the log: 2000 reacted messages on a log of 50 leave at most 50 states', async () => {
    const { hub, connect } = setup({ logSize: 50 });
    const ann = connect('ann');
    const ids: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const stored = await ann.publish({ event: 'message', data: { i } });
      if (stored?.type !== 'ack') throw new Error('not stored');
      ids.push(stored.id);
      await ann.publish({
        event: 'message',
        data: { reaction: '👍', op: 'add' },
        action: 'reaction',
        target: stored.id,
      });
      ann.take();
    }
    const kept = hub.broker.states.get('room', ids) as readonly unknown[];
    expect(kept.filter((state) => state !== undefined).length).toBeLessThanOrEqual(50);
    // The newest message still has its state; the oldest is gone with its message, so changing it is not_found.
    expect(kept.at(-1)).toBeDefined();
    expect(await ann.publish({ event: 'message', data: null, action: 'delete', target: ids[0]! })).toMatchObject({
      type: 'nack',
      error: { code: 'not_found' },
    });
  });

  it('refuses deep or huge changes like publishes, typed, and the session goes on', async () => {
    const { ann, id } = await chat();
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i += 1) deep = [deep];
    expect(await ann.publish({ event: 'message', data: deep, action: 'update', target: id })).toMatchObject({
      type: 'nack',
      error: { code: 'bad_frame' },
    });
    expect(
      await ann.publish({
        event: 'message',
        data: { reaction: '👍', op: 'add', extra: deep },
        action: 'reaction',
        target: id,
      }),
    ).toMatchObject({ type: 'nack', error: { code: 'bad_frame' } });
    expect(await ann.publish({ event: 'message', data: 'still here' })).toMatchObject({ type: 'ack' });
  });

  it('refuses changes on a broker without message states instead of storing them as messages', async () => {
    const { createMemoryBroker } = await import('./memory-broker.js');
    const full = createMemoryBroker();
    const { states: _states, ...withoutStates } = full;
    const { connect } = setup({ broker: withoutStates as never });
    const ann = connect('ann');
    const stored = await ann.publish({ event: 'message', data: 'hi' });
    const id = stored?.type === 'ack' ? stored.id : '';
    expect(await ann.publish({ event: 'message', data: 'edit', action: 'update', target: id })).toMatchObject({
      type: 'nack',
      error: { code: 'bad_frame' },
    });
    expect(full.messages('room')).toHaveLength(1);
  });
});

describe('a change whose append failed', () => {
  it('is appended from the state on retry (same cid): never applied twice, never refused as already deleted', async () => {
    const { createMemoryBroker } = await import('./memory-broker.js');
    const broker = createMemoryBroker();
    let failNext = false;
    const flaky = {
      ...broker,
      publish: (channel: string, draft: Parameters<typeof broker.publish>[1]) => {
        if (failNext && draft.action !== undefined) {
          failNext = false;
          throw new Error('store down after the state was written');
        }
        return broker.publish(channel, draft);
      },
    };
    const { connect } = setup({ broker: flaky as never, reactions: { mode: 'multiple' }, onError: () => {} });
    const ann = connect('ann');
    const stored = await ann.publish({ event: 'message', data: 'hi' });
    const id = stored?.type === 'ack' ? stored.id : '';
    ann.take();
    const retry = async (frame: Omit<Extract<ClientFrame, { type: 'publish' }>, 'type' | 'channel'>) => {
      failNext = true;
      await ann.send({ type: 'publish', channel: 'room', ...frame });
      const first = ann.take().find((f) => f.type === 'nack' || f.type === 'ack');
      await ann.send({ type: 'publish', channel: 'room', ...frame });
      const second = ann.take().find((f) => f.type === 'nack' || f.type === 'ack');
      return [first, second];
    };
    const [refused, stored2] = await retry({
      cid: 'r1',
      event: 'message',
      data: { reaction: '👏', op: 'add' },
      action: 'reaction',
      target: id,
    });
    expect(refused).toMatchObject({ type: 'nack', error: { code: 'unavailable' } });
    expect(stored2).toMatchObject({ type: 'ack' });
    const deleted = await retry({ cid: 'd1', event: 'message', data: null, action: 'delete', target: id });
    expect(deleted.map((f) => f?.type)).toEqual(['nack', 'ack']);
    const changes = broker.messages('room').filter((m) => m.action !== undefined);
    expect(changes.map((m) => [m.action, m.version ?? null])).toEqual([
      ['reaction', null],
      ['delete', 2],
    ]);
    expect((changes[0]!.data as ReactionChange).summary).toEqual({
      '👏': { count: 1, users: ['ann'], clipped: false },
    });
  });
});
