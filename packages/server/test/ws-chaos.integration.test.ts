// Chaos: the endpoint runs in a child process that is SIGKILLed and restarted 20 times while 1,000 messages are
// published; one client must receive every one of them exactly once, in order.
//
// Design (see ws-chaos-server.ts): the child appends each server-side publish to a JSONL log before answering,
// and rebuilds its hub from that file on start, so seqs (and ids) survive a kill. The test publishes through
// the child's POST /publish, one message at a time, retrying each with the same cid until it is acknowledged;
// the child answers a known cid from its log, so a retry never stores twice. The client only reconnects and
// resubscribes with `after: lastSeq`: everything it missed while the server was dead is replayed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChannelGap } from '@realtime-kit/core';
import { afterEach, expect, it, vi } from 'vitest';
import { cleanup, collect, onCleanup, startClient } from './ws-helpers.js';

const MESSAGES = 1000;
const KILLS = 20;
const CHANNEL = 'chaos';
/** Upper bound of the whole run; each wait inside has its own, shorter bound. */
const DEADLINE_MS = 100_000;
const READY_TIMEOUT_MS = 15_000;

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const serverScript = fileURLToPath(new URL('./ws-chaos-server.ts', import.meta.url));

afterEach(cleanup);

interface Child {
  readonly process: ChildProcess;
  readonly port: number;
  /** Messages the child rebuilt from its log on start. */
  readonly restored: number;
}

/** Starts the server process and resolves once it listens ("READY <port> <restored>"). */
async function startChild(logFile: string, port: number): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', serverScript, logFile, String(port)],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  onCleanup(() => kill(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout! });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<Child>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`chaos server not ready within ${READY_TIMEOUT_MS} ms: ${stderr}`)),
        READY_TIMEOUT_MS,
      );
      child.once('exit', (code, signal) =>
        reject(new Error(`chaos server exited (${code ?? signal}) before READY: ${stderr}`)),
      );
      lines.on('line', (line) => {
        const [word, actualPort, restored] = line.split(' ');
        if (word === 'READY') resolve({ process: child, port: Number(actualPort), restored: Number(restored) });
      });
    });
  } finally {
    clearTimeout(timer);
  }
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(
  `delivers ${MESSAGES} messages exactly once, in order, across ${KILLS} SIGKILLs of the server`,
  async () => {
    const deadline = Date.now() + DEADLINE_MS;
    const dir = await mkdtemp(path.join(tmpdir(), 'realtime-kit-chaos-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    const logFile = path.join(dir, 'log.jsonl');

    let child = await startChild(logFile, 0);
    const { port } = child;
    const { client, transport } = startClient(`ws://127.0.0.1:${port}/realtime`);
    const received = collect(client, CHANNEL);
    const gaps: ChannelGap[] = [];
    onCleanup(client.channel(CHANNEL).onGap((gap) => gaps.push(gap)));
    let opens = 0;
    let wasOpen = false;
    onCleanup(
      transport.subscribe(() => {
        const open = transport.getSnapshot().status === 'open';
        if (open && !wasOpen) opens += 1;
        wasOpen = open;
      }),
    );
    await vi.waitFor(() => expect(client.channel(CHANNEL).getSnapshot().subscribed).toBe(true), {
      timeout: 10_000,
      interval: 5,
    });

    let published = 0;
    let retries = 0;
    const publisher = (async () => {
      for (let n = 0; n < MESSAGES; n += 1) {
        const body = JSON.stringify({ cid: `chaos-${n}`, channel: CHANNEL, event: 'tick', data: { n } });
        for (;;) {
          if (Date.now() > deadline) throw new Error(`publisher timed out at message ${n}`);
          const ok = await fetch(`http://127.0.0.1:${port}/publish`, {
            method: 'POST',
            body,
            signal: AbortSignal.timeout(2000),
          }).then(
            (response) => response.ok,
            () => false,
          );
          if (ok) break;
          retries += 1;
          await sleep(5);
        }
        published = n + 1;
      }
    })();

    const restored: number[] = [];
    for (let round = 0; round < KILLS; round += 1) {
      const threshold = Math.round(((round + 0.5) * MESSAGES) / KILLS);
      while (published < threshold) {
        if (Date.now() > deadline) throw new Error(`killer timed out waiting for ${threshold} publishes`);
        await sleep(1);
      }
      await kill(child.process);
      child = await startChild(logFile, port);
      restored.push(child.restored);
    }
    await publisher;

    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(MESSAGES), {
      timeout: Math.max(1000, deadline - Date.now()),
      interval: 10,
    });
    // Anything arriving twice would come right behind the last message.
    await sleep(200);

    const log = (await readFile(logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; data: { n: number } });
    const numbers = received.map((message) => (message.data as { n: number }).n);
    const duplicates = numbers.length - new Set(numbers).size;
    console.log(
      `[chaos] published ${published}, stored ${log.length}, received ${received.length} (${new Set(numbers).size} distinct, ` +
        `${duplicates} duplicates), ${KILLS} SIGKILLs, ${opens} sessions, ${retries} publish retries, ${gaps.length} gaps; ` +
        `restored on restart: ${restored.join(',')}`,
    );

    expect(restored).toHaveLength(KILLS);
    expect(log.map((line) => line.data.n)).toEqual(Array.from({ length: MESSAGES }, (_, n) => n));
    expect(numbers).toEqual(Array.from({ length: MESSAGES }, (_, n) => n));
    expect(received.map((message) => message.seq)).toEqual(Array.from({ length: MESSAGES }, (_, n) => n + 1));
    expect(received.map((message) => message.id)).toEqual(log.map((line) => line.id));
    expect(gaps).toEqual([]);
    expect(opens).toBeGreaterThan(1);
  },
  DEADLINE_MS + 20_000,
);
