import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestTransport } from '../testing/create-test-transport.js';
import { createRealtimeClient } from './client.js';
import { createRoomReactions, ROOM_REACTION_EVENT } from './room-reactions.js';
import type { RealtimeClient } from './types.js';

describe('createRoomReactions', () => {
  let clients: RealtimeClient[] = [];
  beforeEach(() => {
    vi.useFakeTimers();
  });
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
      return client.channel('stage');
    };
    return { ann: make('ann'), bob: make('bob') };
  }

  it('shows each reaction to everyone (own ones too) for showMs, throttles sends, drops malformed ones', async () => {
    const { ann, bob } = setup();
    const sent = createRoomReactions(ann, { throttleMs: 100, showMs: 1000, now: () => Date.now() });
    const seen = createRoomReactions(bob, { showMs: 1000 });
    const offA = sent.subscribe(() => {});
    const offB = seen.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.send('👏')).toBe(true);
    expect(sent.send('👏')).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent.send('🎉')).toBe(true);
    bob.signal(ROOM_REACTION_EVENT, { reaction: 'x'.repeat(33) });
    bob.signal(ROOM_REACTION_EVENT, { nope: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.getSnapshot().map((r) => [r.reaction, r.from, r.own])).toEqual([
      ['👏', 'ann', false],
      ['🎉', 'ann', false],
    ]);
    expect(sent.getSnapshot().map((r) => [r.reaction, r.own])).toEqual([
      ['👏', true],
      ['🎉', true],
    ]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.getSnapshot()).toEqual([]);
    expect(() => sent.send('')).toThrow(RangeError);
    offA();
    offB();
  });

  it('keeps at most 50 at once however many arrive', async () => {
    const { ann, bob } = setup();
    const seen = createRoomReactions(bob);
    const off = seen.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(10);
    for (let i = 0; i < 200; i += 1) ann.signal(ROOM_REACTION_EVENT, { reaction: String(i) });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.getSnapshot()).toHaveLength(50);
    expect(seen.getSnapshot().at(-1)?.reaction).toBe('199');
    off();
    expect(seen.getSnapshot()).toEqual([]);
  });
});
