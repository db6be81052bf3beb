// SIGTERM on a real server process (a deploy): it stops accepting, closes its clients with 1012, lets frames in
// flight be stored and acked, and exits 0. Its clients move to another instance behind the same address and
// re-send what was not acked: every publish is stored exactly once, and nothing acked is missing from Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { PublishReceipt } from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtime } from '../src/index.js';
import { useRedis } from './redis-server.js';
import { cleanup, collect, onCleanup, startBalancer, startClient, startEndpoint, WAIT } from './ws-helpers.js';

const redisServer = useRedis();
afterEach(cleanup);

async function startChild(): Promise<{ child: ChildProcess; port: number; output: string[] }> {
  const script = path.join(import.meta.dirname, 'shutdown-server.ts');
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, redisServer.current.url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup(() => void child.kill('SIGKILL'));
  const output: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early with ${String(code)}`)));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output.push(...chunk.split('\n').filter(Boolean));
      const ready = output.find((line) => line.startsWith('READY '));
      if (ready) resolve(Number(ready.slice(6)));
    });
  });
  return { child, port, output };
}

describe('graceful shutdown on SIGTERM', () => {
  it('drains: exit 0, clients move to the next instance, every publish stored once and every ack backed by Redis', async () => {
    const first = await startChild();
    const realtime = await createRealtime({ redis: redisServer.current.url, rateLimit: false, onError: () => {} });
    onCleanup(() => realtime.close());
    const second = await startEndpoint({ realtime, onError: () => {} });
    const lb = await startBalancer(first.port);

    const writer = startClient(lb.url);
    const reader = startClient(lb.url);
    const seen = collect(reader.client, 'orders');
    await vi.waitFor(() => expect(reader.client.channel('orders').getSnapshot().subscribed).toBe(true), WAIT);

    const receipts: Promise<PublishReceipt>[] = [];
    const acked: PublishReceipt[] = [];
    for (let n = 0; n < 300; n += 1) {
      const receipt = writer.client.channel('orders').publish('order', { n });
      void receipt.then((value) => acked.push(value));
      receipts.push(receipt);
      if (n === 150) {
        // Mid-stream: new connections go to the second instance, and the first is told to stop.
        lb.point(second.port);
        first.child.kill('SIGTERM');
      }
      if (n % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const exit = await new Promise<number | null>((resolve) => {
      if (first.child.exitCode !== null) resolve(first.child.exitCode);
      else first.child.once('exit', (code) => resolve(code));
    });
    expect(exit).toBe(0);
    expect(first.output).toContain('EXIT 0');

    const settled = await Promise.all(receipts);
    const stored = (await realtime.broker.history('orders', 0)).messages;
    // Stored exactly once each, in publish order, and every ack names what Redis holds.
    expect(stored.map((message) => message.data)).toEqual(Array.from({ length: 300 }, (_, n) => ({ n })));
    expect(settled.map((receipt) => receipt.seq)).toEqual(stored.map((message) => message.seq));
    await vi.waitFor(() => expect(seen).toHaveLength(300), WAIT);
    expect(seen.map((message) => message.seq)).toEqual(stored.map((message) => message.seq));
    expect(second.endpoint.clients).toBe(2);
  });
});
