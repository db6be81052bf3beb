import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame } from '../protocol/frames.js';
import { createTestTransport } from '../testing/create-test-transport.js';
import { createRealtimeClient } from './client.js';
import type { ChannelMessage, PublishReceipt } from './types.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** mulberry32: a tiny seeded PRNG, so every run injects the same faults. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('chaos soak over the memory transport', () => {
  it('1,000 messages through 20 server restarts and random drop/duplicate/reorder: all received, once, in order', async () => {
    const TOTAL = 1000;
    const RESTARTS = 20;
    const random = seeded(20_240_601);
    const kit = createTestTransport();

    // The receiver's subscribe frames: each one after the first is a resume or a hole recovery.
    const subscribes: ClientFrame[] = [];
    const send = kit.transport.send;
    kit.transport.send = (frame) => {
      const sent = send(frame);
      if (sent && frame.type === 'subscribe') subscribes.push(frame);
      return sent;
    };
    const receiver = createRealtimeClient({ transport: kit.transport });
    // Half the messages come from another client, through the same faulty link (its acks get lost too).
    const publisher = createRealtimeClient({ transport: kit.createTransport({ userId: 'publisher' }) });
    const received: ChannelMessage[] = [];
    const gaps: unknown[] = [];
    receiver.channel('soak').subscribe('*', (message) => received.push(message));
    receiver.channel('soak').onGap((gap) => gaps.push(gap));
    publisher.connect();
    await vi.advanceTimersByTimeAsync(0);

    // 19 restarts at seeded places during the run; the 20th after the last publish, so a lost tail (which a
    // live app would recover with its next message) is recovered by resuming.
    const restartAt = new Set<number>();
    while (restartAt.size < RESTARTS - 1) restartAt.add(1 + Math.floor(random() * (TOTAL - 1)));
    const injected = { drop: 0, duplicate: 0, reorder: 0, restarts: 0 };
    const receipts: Promise<PublishReceipt>[] = [];

    for (let i = 0; i < TOTAL; i += 1) {
      if (restartAt.has(i)) {
        kit.chaos.serverRestart();
        injected.restarts += 1;
      }
      const roll = random();
      const count = 1 + Math.floor(random() * 3);
      if (roll < 0.06) {
        kit.chaos.drop(count);
        injected.drop += count;
      } else if (roll < 0.12) {
        kit.chaos.duplicate(count);
        injected.duplicate += count;
      } else if (roll < 0.18) {
        kit.chaos.reorder(count + 1);
        injected.reorder += count + 1;
      }
      if (i % 2 === 0) kit.server.publish('soak', 'n', i);
      else receipts.push(publisher.channel('soak').publish('n', i));
      if (random() < 0.3) await vi.advanceTimersByTimeAsync(0);
    }
    kit.chaos.serverRestart();
    injected.restarts += 1;
    await vi.advanceTimersByTimeAsync(0);
    kit.chaos.heal();
    let acked = 0;
    for (const receipt of receipts) void receipt.then(() => (acked += 1));
    // Bounded: if something were lost for good, the assertions below say what.
    for (let round = 0; round < 50 && (received.length < TOTAL || acked < receipts.length); round += 1) {
      await vi.advanceTimersByTimeAsync(10);
    }

    const seqs = received.map((message) => message.seq);
    const unique = new Set(seqs).size;
    const inOrder = seqs.every((seq, index) => index === 0 || seq > seqs[index - 1]!);
    const stored = kit.server.messages('soak');
    console.log(
      `[chaos soak] received ${received.length}, unique ${unique}, in order ${inOrder}, stored ${stored.length}, ` +
        `acked ${acked}, gaps ${gaps.length}, subscribes ${subscribes.length}, injected ${JSON.stringify(injected)}`,
    );

    expect(injected.restarts).toBe(RESTARTS);
    expect(received).toHaveLength(TOTAL);
    expect(unique).toBe(TOTAL);
    expect(inOrder).toBe(true);
    expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(gaps).toEqual([]);
    // The server stored each publish exactly once, the client's in the order they were made.
    expect(stored).toHaveLength(TOTAL);
    expect(received.map((message) => message.id)).toEqual(stored.map((message) => message.id));
    const fromClient = stored.filter((message) => message.cid !== undefined).map((message) => message.data as number);
    expect(fromClient).toEqual(Array.from({ length: TOTAL / 2 }, (_, i) => 2 * i + 1));
    expect(acked).toBe(TOTAL / 2);
    expect(new Set((await Promise.all(receipts)).map((receipt) => receipt.seq)).size).toBe(TOTAL / 2);
    receiver.close();
    publisher.close();
  });
});
