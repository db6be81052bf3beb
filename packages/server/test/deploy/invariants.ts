// The promise, checked from what clients saw: every acknowledged message is delivered to every reader exactly once
// and in seq order within its log's epoch, or the reader was told, for exactly the missing range, by a gap (trimmed)
// or a reset (the log started over: what came after the reader's last message of the old epoch may be lost).
import type { PresenceMember } from '@realtime-kit/core';
import type { ReaderEvent } from './clients.js';

/** One acknowledged publish: where the server stored it. */
export interface AckRecord {
  readonly cid: string;
  readonly seq: number;
  readonly epoch: string;
  /** The writer and its running number (`data`), for the per-writer order check. */
  readonly writer: string;
  readonly n: number;
}

export interface ReaderReport {
  readonly delivered: number;
  readonly gaps: number;
  readonly resets: number;
  /** Acked messages this reader never got but was told it may have missed. */
  readonly excused: number;
  readonly problems: readonly string[];
}

/** Checks one reader's log against every acked publish of the channel. */
export function checkReader(name: string, acks: readonly AckRecord[], events: readonly ReaderEvent[]): ReaderReport {
  const problems: string[] = [];
  const byCid = new Map(acks.map((ack) => [ack.cid, ack]));
  // Epochs in the order their first message was acknowledged.
  const epochOrder: string[] = [];
  for (const ack of acks) if (!epochOrder.includes(ack.epoch)) epochOrder.push(ack.epoch);

  const seen = new Set<string>();
  const lastN = new Map<string, number>();
  /** Per epoch: the delivered seqs, and the event index of the last delivery. */
  const delivered = new Map<string, { seqs: Set<number>; lastIndex: number; lastSeq: number }>();
  const trimmed: { from: number; to: number; epoch: string }[] = [];
  const resetIndexes: number[] = [];
  let messages = 0;

  events.forEach((event, index) => {
    if (event.kind === 'gap') {
      if (event.gap.reason === 'reset') resetIndexes.push(index);
      else trimmed.push({ from: event.gap.from, to: event.gap.to, epoch: event.epoch ?? '' });
      return;
    }
    messages += 1;
    const { message } = event;
    const ack = message.cid === undefined ? undefined : byCid.get(message.cid);
    if (!ack)
      return void problems.push(
        `${name}: delivered a message nobody acknowledged (cid ${String(message.cid)}, seq ${message.seq})`,
      );
    if (seen.has(ack.cid)) return void problems.push(`${name}: delivered ${ack.writer}#${ack.n} twice`);
    seen.add(ack.cid);
    // A copy stored in a log that was then lost (its ack never came) is delivered under that log's epoch; the publish
    // was stored again in a later one and acknowledged there. Same epoch: the same seq.
    if (event.epoch === ack.epoch && message.seq !== ack.seq)
      problems.push(`${name}: ${ack.writer}#${ack.n} acked as seq ${ack.seq} but delivered as ${message.seq}`);
    const previousN = lastN.get(ack.writer) ?? -1;
    if (ack.n <= previousN)
      problems.push(`${name}: ${ack.writer}#${ack.n} after #${previousN} (out of the writer's order)`);
    lastN.set(ack.writer, ack.n);
    const epoch = event.epoch ?? '';
    const entry = delivered.get(epoch) ?? { seqs: new Set<number>(), lastIndex: -1, lastSeq: 0 };
    if (message.seq <= entry.lastSeq)
      problems.push(`${name}: seq ${message.seq} after ${entry.lastSeq} in epoch ${epoch}`);
    entry.seqs.add(message.seq);
    entry.lastIndex = index;
    entry.lastSeq = Math.max(entry.lastSeq, message.seq);
    delivered.set(epoch, entry);
  });

  let excused = 0;
  for (const ack of acks) {
    if (seen.has(ack.cid)) continue;
    if (trimmed.some((gap) => gap.epoch === ack.epoch && gap.from <= ack.seq && ack.seq <= gap.to)) {
      excused += 1;
      continue;
    }
    const mine = delivered.get(ack.epoch);
    // Lost with its log: after the last message this reader got of that epoch, and a reset was reported since.
    const after = mine ? mine.lastIndex : lastIndexBefore(ack.epoch, epochOrder, delivered);
    const resetSince = resetIndexes.some((index) => index > after);
    if (resetSince && (!mine || ack.seq > mine.lastSeq) && ack.epoch !== epochOrder.at(-1)) {
      excused += 1;
      continue;
    }
    problems.push(
      `${name}: never got ${ack.writer}#${ack.n} (seq ${ack.seq}, epoch ${ack.epoch}) and was not told it may have missed it`,
    );
  }
  return { delivered: messages, gaps: trimmed.length, resets: resetIndexes.length, excused, problems };
}

/** Where a reader stood before `epoch` began: its last delivery of any earlier epoch (-1: none). */
function lastIndexBefore(
  epoch: string,
  order: readonly string[],
  delivered: ReadonlyMap<string, { lastIndex: number }>,
): number {
  let last = -1;
  for (const earlier of order.slice(0, order.indexOf(epoch)))
    last = Math.max(last, delivered.get(earlier)?.lastIndex ?? -1);
  return last;
}

/** Whether every client's presence shows exactly `truth` (user ids). */
export function presenceMatches(views: readonly (readonly PresenceMember[])[], truth: ReadonlySet<string>): boolean {
  return views.every((members) => members.length === truth.size && members.every((member) => truth.has(member.userId)));
}
