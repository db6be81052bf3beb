// The deployment-matrix invariant suite: the kit's promise, checked from what real clients saw, in every shape a
// user deploys. Each shape runs real server processes (test/deploy/instance.ts) behind a real HTTP/WebSocket
// balancer, with a real redis-server where the shape has one, and drives all four transports at once (WebSocket,
// SSE + POST, long polling, Socket.io), each on its own channel: two writers and a reader per transport exchange
// 500 messages while the shape's faults happen, every client present on its channel. Then, per channel:
// - every acknowledged message reached every reader exactly once, in seq order within its log's epoch, or the reader
//   was told (a trimmed gap covering it, or a reset after it when its log was lost) — checked by deploy/invariants.ts;
// - presence converges to the true member set within 2 s of the last change.
import { afterEach, describe, expect, it } from 'vitest';
import { startBalancer, type Balancer, type BalancerMode } from './deploy/balancer.js';
import { startMatrixClient, TRANSPORTS, type MatrixClient, type TransportKind } from './deploy/clients.js';
import { startInstance, type Instance, type InstanceEnv } from './deploy/fleet.js';
import { checkReader, presenceMatches, type AckRecord } from './deploy/invariants.js';
import { useRedis } from './redis-server.js';

const redisServer = useRedis();
const MESSAGES_PER_WRITER = 250;
/** Milliseconds between two publishes of one writer: the run spans the shape's faults. */
const PACE_MS = 12;
const CONVERGE_MS = 2000;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

interface Fleet {
  readonly instances: Instance[];
  readonly balancer: Balancer;
}

async function startFleet(count: number, mode: BalancerMode, env: InstanceEnv): Promise<Fleet> {
  const instances = await Promise.all(Array.from({ length: count }, () => startInstance(env)));
  cleanups.push(() => Promise.all(instances.map((instance) => instance.kill())));
  const balancer = await startBalancer(
    mode,
    instances.map((instance) => instance.port),
  );
  cleanups.push(() => balancer.close());
  return { instances, balancer };
}

interface Lane {
  readonly kind: TransportKind;
  readonly channel: string;
  readonly writers: MatrixClient[];
  readonly reader: MatrixClient;
  readonly acks: AckRecord[];
  readonly refusals: string[];
}

function startLane(kind: TransportKind, base: string, shape: string): Lane {
  const channel = `matrix-${shape}-${kind}`;
  const make = (role: string) => {
    const client = startMatrixClient(kind, base, `${kind}-${role}-${shape}`, channel);
    cleanups.push(() => client.close());
    client.client.channel(channel).presence.enter({ role });
    return client;
  };
  return { kind, channel, writers: [make('w1'), make('w2')], reader: make('r'), acks: [], refusals: [] };
}

/**
 * One writer: its messages in order, pipelined. No retries of its own: the client keeps a publish the server could
 * not store (`unavailable`) in its outbox and sends it again, in order, so every rejection is a failure here.
 */
async function write(lane: Lane, writer: MatrixClient): Promise<void> {
  const room = writer.client.channel(lane.channel);
  const pending: Promise<void>[] = [];
  for (let n = 0; n < MESSAGES_PER_WRITER; n += 1) {
    const cid = `${writer.name}-${n}`;
    pending.push(
      room.publish('m', { w: writer.name, n }, { cid }).then(
        (receipt) => void lane.acks.push({ cid, seq: receipt.seq, epoch: receipt.epoch ?? '', writer: writer.name, n }),
        (error: unknown) => void lane.refusals.push(`${cid}: ${String((error as { code?: string }).code)}`),
      ),
    );
    await sleep(PACE_MS);
  }
  await Promise.all(pending);
}

async function settleLane(lane: Lane, timeoutMs = 20_000): Promise<void> {
  // Every acked message of the newest epoch is owed to every client; wait until they have them.
  const deadline = Date.now() + timeoutMs;
  const owed = () => {
    const newest = lane.acks.at(-1)?.epoch;
    const due = new Set(lane.acks.filter((ack) => ack.epoch === newest).map((ack) => ack.cid));
    return [lane.reader, ...lane.writers].every((client) =>
      [...due].every((cid) => client.received.some((message) => message.cid === cid)),
    );
  };
  while (!owed() && Date.now() < deadline) await sleep(50);
}

/** Waits until every client of every lane shows exactly the members `present(lane)`; resolves with how long it took. */
async function presenceConverges(
  lanes: readonly Lane[],
  within: number,
  present = (lane: Lane) => [...lane.writers, lane.reader],
): Promise<number> {
  const started = Date.now();
  const matches = () =>
    lanes.every((lane) => {
      const clients = [...lane.writers, lane.reader];
      const truth = new Set(present(lane).map((client) => client.name));
      return presenceMatches(
        clients.map((client) => client.client.channel(lane.channel).presence.members()),
        truth,
      );
    });
  while (!matches()) {
    if (Date.now() - started > within) {
      const views = lanes.map((lane) =>
        [...lane.writers, lane.reader]
          .map(
            (client) =>
              `${client.name}: ${client.client
                .channel(lane.channel)
                .presence.members()
                .map((m) => m.userId)
                .join(',')}`,
          )
          .join(' | '),
      );
      throw new Error(`presence did not converge within ${within} ms:\n${views.join('\n')}`);
    }
    await sleep(50);
  }
  return Date.now() - started;
}

/** Runs all four transports through `fleet` while `chaos` happens; checks every invariant; prints the counts. */
async function runShape(shape: string, fleet: Fleet, chaos: (lanes: Lane[]) => Promise<void>): Promise<Lane[]> {
  const lanes = TRANSPORTS.map((kind) => startLane(kind, fleet.balancer.base, shape));
  await presenceConverges(lanes, 15_000);
  const writing = Promise.all(lanes.flatMap((lane) => lane.writers.map((writer) => write(lane, writer))));
  const watchdog = process.env.MATRIX_DEBUG ? setInterval(() => reportStall(shape, fleet, lanes), 15_000) : undefined;
  await chaos(lanes);
  await writing.finally(() => clearInterval(watchdog));
  if (process.env.MATRIX_DEBUG) {
    for (const instance of fleet.instances) {
      const timeouts = instance.stderr.split('\n').filter((line) => line.includes('was not handled within'));
      if (timeouts.length > 0) console.log(`[matrix:stall] instance ${instance.port}: ${timeouts.join('\n')}`);
    }
  }
  await Promise.all(lanes.map((lane) => settleLane(lane)));
  const presenceMs = await presenceConverges(lanes, CONVERGE_MS + 8000).catch((error: unknown) => {
    // What the servers said is the first thing to read when presence did not converge.
    for (const instance of fleet.instances)
      console.error(`[matrix] instance ${instance.port} stderr:\n${instance.stderr.slice(-4000)}`);
    throw error;
  });
  const problems: string[] = [];
  for (const lane of lanes) {
    problems.push(...lane.refusals.map((refusal) => `${lane.kind}: refused ${refusal}`));
    if (lane.acks.length !== 2 * MESSAGES_PER_WRITER)
      problems.push(`${lane.kind}: ${lane.acks.length} acked of ${2 * MESSAGES_PER_WRITER}`);
    const reports = [lane.reader, ...lane.writers].map((client) => checkReader(client.name, lane.acks, client.events));
    for (const report of reports) problems.push(...report.problems);
    if (process.env.MATRIX_DEBUG && reports.some((report) => report.problems.length > 0)) {
      for (const client of [lane.reader, ...lane.writers]) {
        console.log(
          client.name,
          client.events
            .map((event) =>
              event.kind === 'gap'
                ? `GAP(${event.gap.reason} ${event.gap.from})`
                : `${event.message.seq}@${String(event.epoch).slice(0, 4)}:${String(event.message.cid).replace(/^.*-(w\d)-.*-(\d+)$/, '$1.$2')}`,
            )
            .join(' '),
        );
      }
    }
    const epochs = new Set(lane.acks.map((ack) => ack.epoch)).size;
    const clients = [lane.reader, ...lane.writers];
    const line = reports
      .map(
        (report, index) =>
          `${report.delivered} delivered, ${report.gaps} gaps, ${report.resets} resets, ${report.excused} excused, ${clients[index]!.sessions()} sessions`,
      )
      .join(' / ');
    console.log(
      `[matrix] ${shape} ${lane.kind}: acked ${lane.acks.length} in ${epochs} epoch(s); ${line}; presence converged in ${presenceMs} ms`,
    );
  }
  expect(problems.slice(0, 20)).toEqual([]);
  // A presence change now (every reader leaves, then comes back) shows everywhere within 2 s, cluster-wide.
  for (const lane of lanes) lane.reader.client.channel(lane.channel).presence.leave();
  const left = await presenceConverges(lanes, CONVERGE_MS, (lane) => [...lane.writers]);
  for (const lane of lanes) lane.reader.client.channel(lane.channel).presence.enter({ role: 'r' });
  const entered = await presenceConverges(lanes, CONVERGE_MS);
  console.log(`[matrix] ${shape}: a leave showed everywhere in ${left} ms, an enter in ${entered} ms`);
  return lanes;
}

/** MATRIX_DEBUG: what every writer waits for, when a run takes long (a stalled publish shows here). */
function reportStall(shape: string, fleet: Fleet, lanes: readonly Lane[]): void {
  for (const lane of lanes) {
    const acked = new Set(lane.acks.map((ack) => ack.cid));
    for (const writer of lane.writers) {
      const waiting = Array.from({ length: MESSAGES_PER_WRITER }, (_, n) => `${writer.name}-${n}`).filter(
        (cid) => !acked.has(cid) && !lane.refusals.some((refusal) => refusal.startsWith(`${cid}:`)),
      );
      const state = writer.client.channel(lane.channel).getSnapshot();
      console.log(
        `[matrix:stall] ${shape} ${writer.name}: transport ${writer.transport.getSnapshot().status}, ` +
          `${writer.sessions()} sessions, channel pending ${state.pending}, waiting ${waiting.length}: ${waiting.slice(0, 5).join(' ')}`,
      );
      if (waiting.length > 0)
        console.log(`[matrix:stall]   ${compressTrail(writer.trail).join('\n[matrix:stall]   ')}`);
    }
  }
  for (const instance of fleet.instances)
    console.log(`[matrix:stall] instance ${instance.port} stderr: ${instance.stderr.slice(-1500)}`);
}

/** Runs of the same kind of line (`< nack 210 …`, `< nack 211 …`) as one: `< nack 210…249 (40) …`. */
function compressTrail(trail: readonly string[]): string[] {
  const out: string[] = [];
  let run: { head: string; first: string; last: string; count: number; tail: string } | undefined;
  const flush = () => {
    if (run) out.push(`${run.head} ${run.first}${run.count > 1 ? `…${run.last} (${run.count})` : ''}${run.tail}`);
    run = undefined;
  };
  for (const line of trail) {
    const match = /^(\d+ [<>] \w+) (\d+)(.*)$/.exec(line);
    if (!match) {
      flush();
      out.push(line);
      continue;
    }
    const [, head, n, tail] = match as unknown as [string, string, string, string];
    const kind = head.replace(/^\d+ /, '');
    if (run && run.head.replace(/^\d+ /, '') === kind && run.tail === tail) {
      run.last = n;
      run.count += 1;
    } else {
      flush();
      run = { head, first: n, last: n, count: 1, tail };
    }
  }
  flush();
  return out.slice(-60);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('deployment matrix: every acked message once and in order (or a reported gap), presence converges', () => {
  it('one memory instance, SIGKILLed and restarted with a fresh log three times', async () => {
    const fleet = await startFleet(1, 'sticky', {});
    await runShape('memory-restart', fleet, async () => {
      for (let round = 0; round < 3; round += 1) {
        await sleep(700);
        await fleet.instances[0]!.kill();
        await sleep(200);
        await fleet.instances[0]!.start();
      }
    });
  }, 90_000);

  it('two instances over Redis behind a sticky balancer', async () => {
    const fleet = await startFleet(2, 'sticky', { REDIS_URL: redisServer.current.url, CLUSTER_HEARTBEAT_MS: '1000' });
    await runShape('redis-sticky', fleet, async () => {});
  }, 90_000);

  it('three instances over Redis behind a per-request round-robin balancer (no sticky sessions)', async () => {
    const fleet = await startFleet(3, 'round-robin', {
      REDIS_URL: redisServer.current.url,
      CLUSTER_HEARTBEAT_MS: '1000',
    });
    await runShape('redis-round-robin', fleet, async () => {});
    // Every instance served requests: the sessions really were spread.
    for (const instance of fleet.instances) expect(fleet.balancer.counts.get(instance.port) ?? 0).toBeGreaterThan(10);
  }, 90_000);

  it('an instance SIGKILLed mid-run (three over Redis, round-robin): clients move on, nothing lost', async () => {
    const fleet = await startFleet(3, 'round-robin', {
      REDIS_URL: redisServer.current.url,
      CLUSTER_HEARTBEAT_MS: '1000',
    });
    let died = 0;
    const ghosts: MatrixClient[] = [];
    await runShape('instance-kill', fleet, async (lanes) => {
      // A member connected straight to the instance that will die, who will never come back (its tab closed with it).
      for (const lane of lanes) {
        const ghost = startMatrixClient(
          'websocket',
          `127.0.0.1:${fleet.instances[1]!.port}`,
          `ghost-${lane.kind}`,
          lane.channel,
        );
        cleanups.push(() => ghost.close());
        ghost.client.channel(lane.channel).presence.enter({ role: 'ghost' });
        ghosts.push(ghost);
      }
      await waitFor(
        () =>
          lanes.every((lane) =>
            lane.reader.client
              .channel(lane.channel)
              .presence.members()
              .some((member) => member.userId.startsWith('ghost-')),
          ),
        5000,
      );
      await sleep(500);
      await fleet.instances[1]!.kill();
      died = Date.now();
      for (const ghost of ghosts) ghost.close();
      fleet.balancer.setBackends([fleet.instances[0]!.port, fleet.instances[2]!.port]);
    });
    // runShape's last check saw the true set, without the ghosts: how long their instance's death took to show.
    console.log(
      `[matrix] instance-kill: the dead instance's members were gone ${Date.now() - died} ms after the kill at most (heartbeat 1 s)`,
    );
  }, 90_000);

  it('Redis restarted without persistence mid-run (two instances): the logs start over, readers are told, presence comes back', async () => {
    const fleet = await startFleet(2, 'sticky', { REDIS_URL: redisServer.current.url, CLUSTER_HEARTBEAT_MS: '1000' });
    await runShape('redis-restart', fleet, async () => {
      await sleep(1500);
      await redisServer.current.kill();
      await sleep(500);
      await redisServer.current.start();
    });
  }, 90_000);

  it('streams cut every 2 s by maxDurationMs (two over Redis, round-robin): clients resume on any instance', async () => {
    const fleet = await startFleet(2, 'round-robin', {
      REDIS_URL: redisServer.current.url,
      CLUSTER_HEARTBEAT_MS: '1000',
      MAX_DURATION_MS: '2000',
    });
    const lanes = await runShape('stream-cut', fleet, async () => {
      await sleep(4500);
    });
    // The host really cut them: every streaming client started several sessions (polls are never longer anyway).
    for (const lane of lanes.filter((candidate) => candidate.kind !== 'polling')) {
      for (const client of [lane.reader, ...lane.writers])
        expect(client.sessions(), `${client.name} sessions`).toBeGreaterThanOrEqual(3);
    }
  }, 90_000);
});
