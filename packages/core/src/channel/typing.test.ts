import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestTransport } from '../testing/create-test-transport.js';
import { createRealtimeClient } from './client.js';
import { createTypingIndicator, TYPING_EVENT } from './typing.js';
import type { RealtimeClient } from './types.js';

describe('createTypingIndicator', () => {
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
      return client.channel('room');
    };
    return { kit, alice: make('alice'), bob: make('bob'), aliceTab2: make('alice') };
  }

  it('throttles keystrokes to one signal per throttleMs and refreshes while typing continues', async () => {
    const { alice, bob } = setup();
    const sent: unknown[] = [];
    bob.onSignal(TYPING_EVENT, (signal) => sent.push(signal.data));
    const typing = createTypingIndicator(alice, { throttleMs: 1000, timeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 10; i += 1) {
      typing.keystroke();
      await vi.advanceTimersByTimeAsync(250);
    }
    // 2.5 s of typing: signals at 0, 1000 and 2000 ms.
    expect(sent).toEqual([{ typing: true }, { typing: true }, { typing: true }]);
    typing.stop();
    typing.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.at(-1)).toEqual({ typing: false });
    expect(sent).toHaveLength(4);
  });

  it('lists typists in order, expires them after timeoutMs of silence, and drops them at once on stop', async () => {
    const { alice, bob } = setup();
    const aliceTyping = createTypingIndicator(alice, { timeoutMs: 3000 });
    const seen = createTypingIndicator(bob, { timeoutMs: 3000 });
    const snapshots: (readonly string[])[] = [];
    const off = seen.subscribe(() => snapshots.push(seen.getSnapshot()));
    await vi.advanceTimersByTimeAsync(0);
    aliceTyping.keystroke();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.getSnapshot()).toEqual(['alice']);
    await vi.advanceTimersByTimeAsync(2999);
    expect(seen.getSnapshot()).toEqual(['alice']);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.getSnapshot()).toEqual([]);

    aliceTyping.keystroke();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.getSnapshot()).toEqual(['alice']);
    aliceTyping.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.getSnapshot()).toEqual([]);
    expect(snapshots).toEqual([['alice'], [], ['alice'], []]);
    off();
  });

  it('never shows your own user typing in another tab, and stops listening when nobody watches', async () => {
    const { alice, aliceTab2 } = setup();
    const mine = createTypingIndicator(alice);
    const off = mine.subscribe(() => {});
    createTypingIndicator(aliceTab2).keystroke();
    await vi.advanceTimersByTimeAsync(0);
    expect(alice.userId).toBe('alice');
    expect(mine.getSnapshot()).toEqual([]);
    off();
    await vi.advanceTimersByTimeAsync(0);
    expect(alice.getSnapshot().subscribed).toBe(false);
  });

  it('sends nothing while offline and tries again on the next keystroke', async () => {
    const { kit, alice, bob } = setup();
    const sent: unknown[] = [];
    bob.onSignal(TYPING_EVENT, (signal) => sent.push(signal.data));
    const typing = createTypingIndicator(alice, { throttleMs: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    kit.chaos.disconnect();
    typing.keystroke();
    kit.chaos.reconnect();
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toEqual([]);
    typing.keystroke();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ typing: true }]);
  });

  it('rejects option values that would make it misbehave', () => {
    const { alice } = setup();
    expect(() => createTypingIndicator(alice, { timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createTypingIndicator(alice, { throttleMs: -1 })).toThrow(RangeError);
  });
});
