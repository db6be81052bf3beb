import type * as Ably from 'ably';
import type { AblyContext, ChannelEntry } from './ably-context.js';
import { ABLY_SIGNAL_NAME } from './ably-types.js';

export interface AblyRecoveryParts {
  deliver(entry: ChannelEntry, message: Ably.InboundMessage): void;
  syncPresence(entry: ChannelEntry, generation: number): Promise<void>;
}

/**
 * Resume after Ably lost continuity on a channel (`resumed: false`, e.g. after `suspended`): reads what was missed
 * from history (newest first, back to the last message seen, bounded by `untilAttach` so live messages are not read
 * twice) and delivers it, then the live messages held meanwhile. If history does not reach back to the last message
 * seen, a `gap` comes first.
 */
export function createAblyRecovery(
  context: AblyContext,
  parts: AblyRecoveryParts,
): (entry: ChannelEntry) => Promise<void> {
  const { historyPageLimit, historyMaxPages } = context.settings;

  /** The messages after the entry's anchor, newest first; `covered` when history reached back to the anchor. */
  async function readMissed(
    entry: ChannelEntry,
  ): Promise<{ found: Ably.InboundMessage[]; covered: boolean; failed: boolean }> {
    const anchor = entry.lastSeen;
    const start = anchor?.timestamp ?? entry.attachedAt ?? undefined;
    const found: Ably.InboundMessage[] = [];
    let covered = false;
    try {
      let page: Ably.PaginatedResult<Ably.InboundMessage> | null = await entry.ably.history({
        untilAttach: true,
        direction: 'backwards',
        limit: historyPageLimit,
        ...(start === undefined ? {} : { start }),
      });
      for (let pages = 1; page !== null; pages += 1) {
        for (const item of page.items) {
          if (anchor !== null && item.id === anchor.id) {
            covered = true;
            break;
          }
          found.push(item);
        }
        if (covered || !page.hasNext()) break;
        if (pages >= historyMaxPages) break;
        page = await page.next();
      }
      // With no message seen yet there is no anchor to find: reading to the end is all history can do.
      if (anchor === null && (page === null || !page.hasNext())) covered = true;
      return { found, covered, failed: false };
    } catch {
      return { found, covered, failed: true };
    }
  }

  async function recover(entry: ChannelEntry): Promise<void> {
    if (entry.recovering) {
      entry.recoverAgain = true;
      return;
    }
    entry.recovering = true;
    const generation = entry.generation;
    const { found, covered, failed } = await readMissed(entry);
    if (entry.generation !== generation) return;
    if (failed && entry.ably.state !== 'attached') {
      // The channel dropped again meanwhile: its next attach starts over (live messages stay held).
      entry.recovering = false;
      entry.recoverAgain = false;
      await entry.ably
        .attach()
        .then(() => (entry.generation === generation && !entry.recovering ? recover(entry) : undefined))
        .catch(() => {});
      return;
    }
    if (!covered) {
      // History cannot reach back to the last message seen: say so, with one number standing for what was lost.
      entry.counter += 1;
      context.emit({ type: 'gap', channel: entry.name, from: entry.counter, to: entry.counter });
    }
    for (let i = found.length - 1; i >= 0; i -= 1) {
      const item = found[i]!;
      if (item.name !== ABLY_SIGNAL_NAME) parts.deliver(entry, item);
    }
    const live = entry.pendingLive.splice(0);
    entry.recovering = false;
    for (const message of live) parts.deliver(entry, message);
    await parts.syncPresence(entry, generation).catch(() => {});
    if (entry.recoverAgain && entry.generation === generation) {
      entry.recoverAgain = false;
      await recover(entry);
    }
  }

  return recover;
}
