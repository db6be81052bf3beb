import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from '../channel/client.js';
import type { ChannelMessage, RealtimeClient } from '../channel/types.js';
import { isRealtimeError } from '../errors.js';
import { createTestTransport } from '../testing/create-test-transport.js';
import { createSharedState, type SharedState } from './shared-state.js';
import { sharedStateRules } from './shared-state-rules.js';
import { tally, turns, type TurnsAction, type TurnsState } from './shared-state.fixtures.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const kit = createTestTransport({ hub: sharedStateRules({ 'turns:': turns, 'tally:': tally }) });
  const clients: RealtimeClient[] = [];
  const player = (userId: string, channel = 'turns:1') => {
    const client = createRealtimeClient({ transport: kit.createTransport({ userId }) });
    clients.push(client);
    return createSharedState(client.channel(channel, { rewind: 1 }), turns);
  };
  return { kit, player, clients };
}

const settle = () => vi.advanceTimersByTimeAsync(10);

describe('createSharedState', () => {
  it('predicts an action at once, then holds the server state once it is confirmed', async () => {
    const { player } = setup();
    const ann = player('ann');
    await settle();
    expect(ann.getSnapshot()).toMatchObject({ synced: true, version: 0, pending: 0 });
    const sent = ann.dispatch({ type: 'add', by: 3 });
    expect(ann.getSnapshot().state.total).toBe(3);
    expect(ann.getSnapshot().confirmed.total).toBe(0);
    expect(ann.getSnapshot().pending).toBe(1);
    await sent;
    await settle();
    expect(ann.getSnapshot()).toMatchObject({ version: 1, pending: 0, state: { total: 3, moves: ['ann+3'] } });
  });

  it('refuses an illegal action before sending it: typed error, no prediction, nothing stored', async () => {
    const { player, kit } = setup();
    const ann = player('ann');
    await settle();
    await ann.dispatch({ type: 'add', by: 1 });
    const refused = ann.dispatch({ type: 'add', by: 2 });
    await expect(refused).rejects.toMatchObject({ code: 'rejected', message: 'Not your turn' });
    expect(ann.getSnapshot().refusal?.details).toEqual({ waitingFor: 'someone else' });
    expect(ann.getSnapshot().state.total).toBe(1);
    expect((await kit.server.hub.history('turns:1', {})).messages).toHaveLength(1);
  });

  it('rolls back a prediction the server refuses (someone else acted first) and shows the server order', async () => {
    const { player, kit } = setup();
    const ann = player('ann');
    const bob = player('bob');
    await settle();
    await ann.dispatch({ type: 'add', by: 1 });
    await settle();
    // Bob and Cat both think it is their turn; the server takes Bob's first. Cat's prediction is legal locally.
    const cat = player('cat');
    await settle();
    kit.chaos.delay(50);
    const bobs = bob.dispatch({ type: 'add', by: 2 });
    const cats = cat.dispatch({ type: 'add', by: 5 });
    expect(cat.getSnapshot().state.total).toBe(6);
    await vi.advanceTimersByTimeAsync(200);
    await bobs;
    await cats;
    kit.chaos.heal();
    await settle();
    // Cat's action is legal after Bob's too (Bob was last, not Cat): both stored, in the server's order, and every
    // client ends on the same state.
    for (const who of [ann, bob, cat]) expect(who.getSnapshot().state).toEqual(ann.getSnapshot().confirmed);
    expect(ann.getSnapshot().state.moves).toEqual(['ann+1', 'bob+2', 'cat+5']);

    // Now Ann and Bob race for the next turn after Cat; Bob already... Ann wins, Bob's second move is out of turn.
    await ann.dispatch({ type: 'add', by: 4 });
    await settle();
    const bobAgain = bob.dispatch({ type: 'add', by: 1 });
    const annAgain = ann.dispatch({ type: 'add', by: 1 }).catch((error: unknown) => error);
    expect(isRealtimeError(await annAgain, 'rejected')).toBe(true);
    await bobAgain;
    await settle();
    expect(bob.getSnapshot().state.moves.at(-1)).toBe('bob+1');
  });

  it('a server-side refusal rolls the prediction back and sets `refusal`', async () => {
    const { player } = setup();
    const ann = player('ann');
    const annTab = player('ann');
    const bob = player('bob');
    await settle();
    await bob.dispatch({ type: 'add', by: 1 });
    await settle();
    // Both of Ann's tabs see Bob's move and play at once: legal in each tab, but only the first reaches the server
    // in turn; the second is then out of turn there.
    const first = ann.dispatch({ type: 'add', by: 2 });
    const second = annTab.dispatch({ type: 'add', by: 3 });
    expect(annTab.getSnapshot()).toMatchObject({ pending: 1, state: { total: 4 } });
    await first;
    await expect(second).rejects.toMatchObject({ code: 'rejected', message: 'Not your turn' });
    await settle();
    expect(annTab.getSnapshot()).toMatchObject({ pending: 0, refusal: { code: 'rejected' } });
    expect(annTab.getSnapshot().state).toEqual(bob.getSnapshot().state);
    expect(bob.getSnapshot().state).toMatchObject({ total: 3, moves: ['bob+1', 'ann+2'] });
  });

  it('before the state is read, an action the prediction refuses is still sent: the server decides', async () => {
    const { player } = setup();
    const ann = player('ann');
    await settle();
    await ann.dispatch({ type: 'add', by: 1 });
    const bob = player('bob');
    // Not connected yet: Bob's client knows neither the state nor that it is Bob.
    expect(bob.getSnapshot().synced).toBe(false);
    await bob.dispatch({ type: 'add', by: 5 });
    await settle();
    expect(bob.getSnapshot()).toMatchObject({ synced: true, pending: 0, state: { total: 6 } });
  });

  it('a late joiner gets the newest state from one stored entry, not a replay', async () => {
    const { player, kit } = setup();
    const ann = player('ann');
    const bob = player('bob');
    await settle();
    for (let i = 0; i < 6; i += 1) {
      await (i % 2 === 0 ? ann : bob).dispatch({ type: 'add', by: 1 });
      await settle();
    }
    const frames: string[] = [];
    const late = createRealtimeClient({ transport: kit.createTransport({ userId: 'dan' }) });
    late.channel('turns:1', { rewind: 1 });
    const state = createSharedState(late.channel('turns:1'), turns);
    late.channel('turns:1').subscribe('action', (message) => frames.push(message.id));
    await settle();
    expect(state.getSnapshot()).toMatchObject({ synced: true, version: 6, state: { total: 6 } });
    expect(frames).toHaveLength(1);
  });

  it('the initial state may depend on the channel; a log that starts over starts the state over', async () => {
    const kit = createTestTransport({ hub: sharedStateRules({ 'tally:': tally }) });
    const client = createRealtimeClient({ transport: kit.createTransport({ userId: 'ann' }) });
    const list = createSharedState(client.channel('tally:x', { rewind: 1 }), tally);
    await settle();
    expect(list.getSnapshot().state).toEqual(['start:tally:x']);
    await list.dispatch('a');
    await settle();
    expect(list.getSnapshot().state).toEqual(['start:tally:x', 'a']);
    kit.chaos.serverRestart({ restartLogs: true });
    await settle();
    expect(list.getSnapshot()).toMatchObject({ version: 0, state: ['start:tally:x'] });
    await list.dispatch('b');
    await settle();
    expect(list.getSnapshot().state).toEqual(['start:tally:x', 'b']);
  });

  it('offline actions are predicted, wait in the outbox, and are reduced by the server on reconnect', async () => {
    const kit = createTestTransport({ hub: sharedStateRules({ 'tally:': tally }) });
    const ann = createRealtimeClient({ transport: kit.createTransport({ userId: 'ann' }) });
    const bob = createRealtimeClient({ transport: kit.createTransport({ userId: 'bob' }) });
    const a = createSharedState(ann.channel('tally:o', { rewind: 1 }), tally);
    const b = createSharedState(bob.channel('tally:o', { rewind: 1 }), tally);
    await settle();
    kit.chaos.offline();
    const queued = [a.dispatch('a1'), b.dispatch('b1'), a.dispatch('a2')];
    expect(a.getSnapshot().state).toEqual(['start:tally:o', 'a1', 'a2']);
    expect(a.getSnapshot().pending).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    kit.chaos.online();
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(queued);
    await settle();
    expect(a.getSnapshot().pending).toBe(0);
    expect(a.getSnapshot().state).toEqual(b.getSnapshot().state);
    expect([...a.getSnapshot().state].sort()).toEqual(['a1', 'a2', 'b1', 'start:tally:o']);
    // Ann's own actions keep their order.
    expect(a.getSnapshot().state.indexOf('a1')).toBeLessThan(a.getSnapshot().state.indexOf('a2'));
  });

  it('three clients under drop, reorder, delay and disconnects converge on the server state', async () => {
    const kit = createTestTransport({ hub: sharedStateRules({ 'tally:': tally }) });
    const users = ['ann', 'bob', 'cat'];
    const states = users.map((userId) => {
      const client = createRealtimeClient({ transport: kit.createTransport({ userId }) });
      return createSharedState(client.channel('tally:chaos', { rewind: 1 }), tally);
    });
    await settle();
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const sent: Promise<void>[] = [];
    for (let i = 0; i < 150; i += 1) {
      const roll = random();
      if (roll < 0.05) kit.chaos.drop(1 + Math.floor(random() * 3));
      else if (roll < 0.1) kit.chaos.reorder(3);
      else if (roll < 0.13) kit.chaos.delay(20);
      else if (roll < 0.16) kit.chaos.heal();
      else if (roll < 0.18) {
        kit.chaos.disconnect();
        await vi.advanceTimersByTimeAsync(30);
        kit.chaos.reconnect();
      }
      const who = Math.floor(random() * 3);
      sent.push(states[who]!.dispatch(`${users[who]}-${i}`));
      if (random() < 0.4) await vi.advanceTimersByTimeAsync(5);
    }
    kit.chaos.heal();
    await vi.advanceTimersByTimeAsync(30_000);
    await Promise.all(sent);
    const history = await kit.server.hub.history('tally:chaos', { limit: 1000 });
    const server = (history.messages.at(-1)!.data as { state: readonly string[] }).state;
    expect(server).toHaveLength(151);
    for (const state of states) {
      expect(state.getSnapshot().pending).toBe(0);
      expect(state.getSnapshot().state).toEqual(server);
    }
    // Each user's actions are stored in the order they dispatched them.
    for (const user of users) {
      const mine = server.filter((item) => item.startsWith(`${user}-`)).map((item) => Number(item.split('-')[1]));
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
  });

  it('the server refuses other events, edits and deletions on a shared-state channel', async () => {
    const { clients, player } = setup();
    const ann: SharedState<TurnsState, TurnsAction> = player('ann');
    await settle();
    const channel = clients[0]!.channel('turns:1');
    let stored: ChannelMessage | undefined;
    channel.subscribe('action', (message) => (stored = message));
    await ann.dispatch({ type: 'add', by: 2 });
    await settle();
    await expect(channel.publish('chat', { text: 'hi' })).rejects.toMatchObject({ code: 'rejected' });
    await expect(channel.edit(stored!, { type: 'add', by: 9 })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(channel.remove(stored!)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(channel.react(stored!, '👍')).rejects.toMatchObject({ code: 'forbidden' });
    expect(ann.getSnapshot().state.total).toBe(2);
  });
});

describe('createSharedState on a channel that stays subscribed', () => {
  it('a second follower (StrictMode, a remount) starts from the newest entry without a replay', async () => {
    const kit = createTestTransport({ hub: sharedStateRules({ 'tally:': tally }) });
    const client = createRealtimeClient({ transport: kit.createTransport({ userId: 'ann' }) });
    const channel = client.channel('tally:s', { rewind: 1 });
    const first = createSharedState(channel, tally);
    const unsubscribe = first.subscribe(() => {});
    await settle();
    await first.dispatch('a');
    await settle();
    first.destroy();
    unsubscribe();
    const second = createSharedState(channel, tally);
    expect(second.getSnapshot()).toMatchObject({ synced: true, version: 1, state: ['start:tally:s', 'a'] });
    await second.dispatch('b');
    await settle();
    expect(second.getSnapshot().state).toEqual(['start:tally:s', 'a', 'b']);
  });
});
