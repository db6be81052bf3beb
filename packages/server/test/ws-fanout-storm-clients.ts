// The client side of ws-fanout-storm.integration.test.ts, forked with `--conditions=source --import tsx` so the
// clients' work (parsing 100 × every frame) never runs on the server's event loop, which the test measures.
//
// Usage (IPC): fork(script, [url, accounts, ticks, tickMs, publishesPerTick]). Opens one bare `ws` socket per
// account (`?token=user-<i>`), subscribes all of them to one channel and says `ready`; on `start` every account, on
// one shared timer (so their frames reach the server together: the storm), sends `publishesPerTick` publishes and one
// presence frame (enter, update, update, leave, enter, …) per tick; then it leaves, waits for every delivery and
// reports what each account received. Every frame it sends is within the server's default rate limits (the test
// checks that nothing was refused).
import { WebSocket } from 'ws';

const [url = '', accountsArg = '100', ticksArg = '16', tickMsArg = '250', perTickArg = '3'] = process.argv.slice(2);
const ACCOUNTS = Number(accountsArg);
const TICKS = Number(ticksArg);
const TICK_MS = Number(tickMsArg);
const PER_TICK = Number(perTickArg);
const CHANNEL = 'storm';
/** Bounded: the whole run must fit in the test's timeout. */
const DRAIN_MS = 20_000;

/** What the test gets back: per account, what it saw; and what went wrong anywhere. */
export interface StormReport {
  readonly type: 'report';
  /** Publishes acknowledged (stored) across all accounts: every account must receive each exactly once. */
  readonly acked: number;
  readonly perAccount: readonly {
    readonly received: number;
    /** Seqs received twice or more. */
    readonly duplicates: number;
    /** Times a seq was not the previous one + 1. */
    readonly outOfOrder: number;
    /** Times a publisher's counter was not the next one this account saw from that publisher. */
    readonly publisherOrder: number;
    /** Presence members this account holds after the storm, as `userId:version` (sorted). */
    readonly presence: readonly string[];
  }[];
  /** nack/error frames (e.g. rate_limited): must be none. */
  readonly refusals: readonly string[];
  /** Sockets closed by the server during the run. */
  readonly closes: readonly string[];
  /** Publish → receive latency over every delivery, ms. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Whether every account got every acked message before the drain deadline. */
  readonly complete: boolean;
}

type Frame = { type: string; [key: string]: unknown };

interface Account {
  readonly index: number;
  readonly ws: WebSocket;
  subscribed: boolean;
  lastSeq: number;
  received: number;
  duplicates: number;
  outOfOrder: number;
  publisherOrder: number;
  readonly seen: Set<number>;
  readonly fromPublisher: Map<number, number>;
  readonly presence: Map<string, number>;
  present: boolean;
  version: number;
  acked: number;
  sent: number;
}

const refusals: string[] = [];
const closes: string[] = [];
const latencies: number[] = [];
let finished = false;

function tell(message: unknown) {
  if (process.connected) process.send?.(message);
}

function open(index: number): Promise<Account> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?token=user-${index}`);
    const account: Account = {
      index,
      ws,
      subscribed: false,
      lastSeq: 0,
      received: 0,
      duplicates: 0,
      outOfOrder: 0,
      publisherOrder: 0,
      seen: new Set(),
      fromPublisher: new Map(),
      presence: new Map(),
      present: false,
      version: 0,
      acked: 0,
      sent: 0,
    };
    ws.once('error', reject);
    ws.on('close', (code, reason) => {
      if (!finished) closes.push(`user-${index}: ${code} ${String(reason)}`);
    });
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as Frame;
      switch (frame.type) {
        case 'welcome':
          ws.send(JSON.stringify({ type: 'subscribe', channel: CHANNEL }));
          break;
        case 'subscribed':
          account.subscribed = true;
          resolve(account);
          break;
        case 'message': {
          const seq = frame.seq as number;
          const data = frame.data as { p: number; k: number; t: number };
          latencies.push(Date.now() - data.t);
          if (account.seen.has(seq)) account.duplicates += 1;
          account.seen.add(seq);
          if (seq !== account.lastSeq + 1) account.outOfOrder += 1;
          account.lastSeq = seq;
          account.received += 1;
          const previous = account.fromPublisher.get(data.p) ?? -1;
          if (data.k !== previous + 1) account.publisherOrder += 1;
          account.fromPublisher.set(data.p, data.k);
          break;
        }
        case 'presence': {
          if (frame.action === 'sync') {
            account.presence.clear();
            for (const member of frame.members as { userId: string; data: { v: number } }[])
              account.presence.set(member.userId, member.data.v);
          } else {
            const member = frame.member as { userId: string; data: { v: number } };
            if (frame.action === 'leave') account.presence.delete(member.userId);
            else account.presence.set(member.userId, member.data.v);
          }
          break;
        }
        case 'ack':
          account.acked += 1;
          break;
        case 'nack':
        case 'error':
          refusals.push(`user-${index}: ${JSON.stringify(frame)}`);
          break;
      }
    });
  });
}

const accounts: Account[] = [];
// In batches, so the accept backlog never overflows.
for (let i = 0; i < ACCOUNTS; i += 25) {
  accounts.push(...(await Promise.all(Array.from({ length: Math.min(25, ACCOUNTS - i) }, (_, j) => open(i + j)))));
}
tell({ type: 'ready' });

/** enter, update, update, leave, then again: every fourth tick of an account changes its membership. */
function churn(account: Account) {
  const step = account.version % 4;
  account.version += 1;
  const data = { v: account.version };
  if (step === 3) {
    account.present = false;
    return { type: 'presence', channel: CHANNEL, action: 'leave' };
  }
  const action = account.present ? 'update' : 'enter';
  account.present = true;
  return { type: 'presence', channel: CHANNEL, action, data };
}

function tick() {
  const t = Date.now();
  for (const account of accounts) {
    for (let n = 0; n < PER_TICK; n++) {
      const k = account.sent++;
      account.ws.send(
        JSON.stringify({
          type: 'publish',
          channel: CHANNEL,
          event: 'chat',
          cid: `u${account.index}-${k}`,
          data: { p: account.index, k, t, text: 'a chat line of a typical size, sent in a storm' },
        }),
      );
    }
    account.ws.send(JSON.stringify(churn(account)));
  }
}

async function storm() {
  const began = performance.now();
  for (let i = 0; i < TICKS; i++) {
    tick();
    const next = began + (i + 1) * TICK_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  // Everyone leaves, so every account's final view must be empty: presence frames may not be lost or misordered.
  for (const account of accounts)
    if (account.present) account.ws.send(JSON.stringify({ type: 'presence', channel: CHANNEL, action: 'leave' }));
  const published = ACCOUNTS * TICKS * PER_TICK;
  const deadline = Date.now() + DRAIN_MS;
  const acked = () => accounts.reduce((sum, account) => sum + account.acked, 0);
  const settled = () =>
    acked() + refusals.length >= published &&
    accounts.every((account) => account.received >= acked() && account.presence.size === 0);
  while (!settled() && Date.now() < deadline && closes.length === 0)
    await new Promise((resolve) => setTimeout(resolve, 20));
  // Anything late (a duplicate) would show up in this pause.
  await new Promise((resolve) => setTimeout(resolve, 200));
  finished = true;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  const report: StormReport = {
    type: 'report',
    acked: acked(),
    perAccount: accounts.map((account) => ({
      received: account.received,
      duplicates: account.duplicates,
      outOfOrder: account.outOfOrder,
      publisherOrder: account.publisherOrder,
      presence: [...account.presence].map(([key, v]) => `${key}:${v}`).sort(),
    })),
    refusals,
    closes,
    latency: { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? Number.NaN },
    complete: settled(),
  };
  tell(report);
  for (const account of accounts) account.ws.terminate();
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'start') void storm();
});
process.on('disconnect', () => process.exit(0));
