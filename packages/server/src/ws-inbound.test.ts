import { describe, expect, it } from 'vitest';
import { createInboundPacer, type InboundPacerOptions } from './ws-inbound.js';

/** A pacer whose turns and clock the test runs by hand; each handled frame costs `costMs` of the clock. */
function manualPacer(options: Partial<InboundPacerOptions> = {}) {
  const turns: (() => void)[] = [];
  const clock = { now: 0 };
  const pacer = createInboundPacer({ sliceMs: 8, now: () => clock.now, defer: (run) => turns.push(run), ...options });
  /** Runs the turn, then lets the drain's microtasks (its frames' fan-out) finish. */
  const nextTurn = async () => {
    const due = turns.splice(0);
    for (const run of due) run();
    // A real macrotask later, every microtask has run.
    await new Promise((resolve) => setImmediate(resolve));
    return due.length;
  };
  const handled: string[] = [];
  const socket = (name: string, costMs = 1, async = false) => {
    const events: string[] = [];
    const port = pacer.attach<number>(
      { pause: () => events.push('pause'), resume: () => events.push('resume') },
      (n) => {
        const work = () => {
          handled.push(`${name}${n}`);
          clock.now += costMs;
        };
        // An async handling (a rate limit check before the fan-out) costs its time in a microtask.
        if (async) return Promise.resolve().then(work);
        work();
        return undefined;
      },
    );
    return { port, events };
  };
  return { pacer, clock, nextTurn, handled, socket };
}

describe('createInboundPacer', () => {
  it('handles frames at once while the turn is within its budget', () => {
    const { socket, handled } = manualPacer();
    const a = socket('a');
    for (let n = 1; n <= 8; n++) a.port.receive(n);
    expect(handled).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
  });

  it('queues what comes after the budget is spent, and handles it in later turns, in order per socket and first come first served', async () => {
    const { socket, handled, nextTurn, pacer } = manualPacer({ sliceMs: 4 });
    const a = socket('a');
    const b = socket('b');
    for (let n = 1; n <= 6; n++) a.port.receive(n);
    b.port.receive(1);
    b.port.receive(2);
    expect(handled).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(pacer.waiting).toBe(4);
    await nextTurn();
    // A new turn: 4 ms again, round robin between the waiting sockets.
    expect(handled.slice(4)).toEqual(['a5', 'b1', 'a6', 'b2']);
    expect(pacer.waiting).toBe(0);
  });

  it('keeps a socket’s later frames behind its waiting ones, even in a fresh turn', async () => {
    const { socket, handled, nextTurn, clock } = manualPacer({ sliceMs: 2 });
    const a = socket('a');
    a.port.receive(1);
    a.port.receive(2);
    a.port.receive(3);
    expect(handled).toEqual(['a1', 'a2']);
    await nextTurn();
    clock.now += 100;
    a.port.receive(4);
    expect(handled).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('handles at most one batch of a read at once, since their fan-out (microtasks) has not run when they arrive', async () => {
    const { socket, handled, nextTurn, pacer } = manualPacer({ sliceMs: 100 });
    const a = socket('a', 1, true);
    for (let n = 1; n <= 20; n++) a.port.receive(n);
    await Promise.resolve();
    expect(handled).toHaveLength(8);
    expect(pacer.waiting).toBe(12);
    while ((await nextTurn()) > 0);
    expect(handled).toEqual(Array.from({ length: 20 }, (_, i) => `a${i + 1}`));
  });

  it('drains in slices that count each batch’s fan-out, and learns a smaller batch when frames fan out widely', async () => {
    const { socket, handled, nextTurn, clock } = manualPacer({ sliceMs: 8 });
    // Each frame costs 10 ms in its microtasks: a channel with very many subscribers.
    const a = socket('a', 10, true);
    for (let n = 1; n <= 30; n++) a.port.receive(n);
    await new Promise((resolve) => setImmediate(resolve));
    // Handled at once: one batch, the most a read can start before its cost shows.
    expect(handled).toHaveLength(8);
    const perTurn: number[] = [];
    let before = handled.length;
    let started = clock.now;
    const costs: number[] = [];
    for (;;) {
      const ran = await nextTurn();
      if (handled.length > before) {
        perTurn.push(handled.length - before);
        costs.push(clock.now - started);
      }
      before = handled.length;
      started = clock.now;
      if (ran === 0) break;
    }
    expect(handled).toEqual(Array.from({ length: 30 }, (_, i) => `a${i + 1}`));
    // The batch halves each slice until one frame (10 ms, the least there is) is a turn's work.
    expect(perTurn.slice(0, 3)).toEqual([8, 4, 2]);
    expect(perTurn.slice(3).every((count) => count === 1)).toBe(true);
    expect(Math.max(...costs.slice(3))).toBe(10);
  });

  it('learns a larger batch when frames are cheap', async () => {
    const { socket, handled, nextTurn } = manualPacer({ sliceMs: 8 });
    const a = socket('a', 0.01, true);
    for (let n = 1; n <= 600; n++) a.port.receive(n);
    await Promise.resolve();
    expect(handled).toHaveLength(8);
    // One slice: batches of 8, 16, 32, … while each costs under an eighth of the budget.
    await nextTurn();
    expect(handled).toHaveLength(600);
  });

  it('stops reading a socket with pauseAt frames waiting, until they are handled', async () => {
    const { socket, nextTurn, clock } = manualPacer({ sliceMs: 1, pauseAt: 3 });
    const a = socket('a', 0.1);
    clock.now = 0;
    a.port.receive(0);
    clock.now += 5;
    for (let n = 1; n <= 4; n++) a.port.receive(n);
    expect(a.events).toEqual(['pause']);
    while ((await nextTurn()) > 0);
    expect(a.events).toEqual(['pause', 'resume']);
  });

  it('drops what waits for a socket that closed', async () => {
    const { socket, handled, nextTurn, pacer } = manualPacer({ sliceMs: 1 });
    const a = socket('a', 2);
    const b = socket('b', 2);
    a.port.receive(1);
    a.port.receive(2);
    b.port.receive(1);
    a.port.release();
    expect(pacer.waiting).toBe(1);
    while ((await nextTurn()) > 0);
    expect(handled).toEqual(['a1', 'b1']);
    a.port.receive(3);
    expect(handled).toEqual(['a1', 'b1']);
  });
});
