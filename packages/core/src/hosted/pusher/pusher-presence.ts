import { RealtimeError } from '../../errors.js';
import { isRecord } from '../../lib/is-record.js';
import { safeText } from '../../lib/safe-json.js';
import { unrefTimer } from '../../lib/unref-timer.js';
import type { ClientFrame, PresenceMember } from '../../protocol/frames.js';
import { diffMembers } from '../shared/diff-members.js';
import { mergeConnections, toPresenceStatus } from '../shared/merge-connections.js';
import { PUSHER_PRESENCE_EVENT, PUSHER_UNANNOUNCED_MEMBER_MS } from './pusher-constants.js';
import { entryFor, membersOf, type ChannelEntry, type PusherContext } from './pusher-context.js';

/**
 * Presence over Pusher. Pusher fixes `user_info` when it authorizes a `presence-` channel, so `enter(data)`,
 * `update` and status travel as the client event {@link PUSHER_PRESENCE_EVENT}, one announcement per tab, and every
 * tab announces itself again when a new one says hello. Members are Pusher's (deduplicated by user id), counted by
 * the tabs that entered; a member that never announces (a plain pusher-js client) is listed after
 * {@link PUSHER_UNANNOUNCED_MEMBER_MS} with its `user_info`.
 */
export interface PusherPresence {
  /** The client's `presence` frame. */
  handleFrame(frame: Extract<ClientFrame, { type: 'presence' }>): void;
  /** Tells the channel's other tabs what this one is; `hello` asks them to answer with theirs. */
  announce(entry: ChannelEntry, hello: boolean): void;
  /** An announcement from another tab arrived. */
  announcement(entry: ChannelEntry, data: unknown, metadata: { user_id?: string } | undefined): void;
  /** Pusher's member list changed, or a tab's announcement did: tell the client what changed. */
  membersChanged(entry: ChannelEntry): void;
  /** The members as the client should see them now. */
  computeMembers(entry: ChannelEntry): Map<string, PresenceMember>;
  clearUnannounced(entry: ChannelEntry): void;
}

export function createPusherPresence(context: PusherContext): PusherPresence {
  function announce(entry: ChannelEntry, hello: boolean) {
    if (!entry.ready || entry.channel === null) return;
    const { entered, data, status } = entry.self;
    entry.channel.trigger(PUSHER_PRESENCE_EVENT, {
      tab: context.tabId,
      entered,
      status,
      ...(entered && data !== undefined ? { data } : {}),
      ...(hello ? { hello: true } : {}),
    });
  }

  function announcement(entry: ChannelEntry, data: unknown, metadata: { user_id?: string } | undefined) {
    const from = metadata?.user_id;
    if (
      entry.kind !== 'presence' ||
      (typeof from !== 'string' && typeof from !== 'number') ||
      !isRecord(data) ||
      typeof data.tab !== 'string' ||
      typeof data.entered !== 'boolean'
    ) {
      context.reportError(
        new RealtimeError('bad_frame', `Dropped a malformed ${PUSHER_PRESENCE_EVENT} event on "${entry.name}".`, {
          raw: safeText(data),
        }),
      );
      return;
    }
    const user = String(from);
    if (data.tab === context.tabId) return;
    let tabs = entry.tabs.get(user);
    if (data.gone === true) {
      tabs?.delete(data.tab);
      if (tabs?.size === 0) entry.tabs.delete(user);
    } else {
      if (!tabs) entry.tabs.set(user, (tabs = new Map()));
      tabs.set(data.tab, {
        entered: data.entered,
        data: data.data,
        status: toPresenceStatus(data.status),
        order: context.nextOrder(),
      });
    }
    entry.unannounced.delete(user);
    if (data.hello === true && entry.ready) announce(entry, false);
    membersChanged(entry);
  }

  function membersChanged(entry: ChannelEntry) {
    if (!entry.synced) return;
    const next = computeMembers(entry);
    const previous = entry.visible;
    entry.visible = next;
    for (const frame of diffMembers(entry.name, previous, next)) context.emit(frame);
  }

  /** One member per user id Pusher reports, from what its connections announced (self included). */
  function computeMembers(entry: ChannelEntry): Map<string, PresenceMember> {
    const result = new Map<string, PresenceMember>();
    const members = membersOf(entry);
    if (members === null) return result;
    const now = Date.now();
    const ids: string[] = [];
    members.each((member: { id: string }) => ids.push(String(member.id)));
    for (const id of ids) {
      const tabs = [...(entry.tabs.get(id)?.values() ?? [])];
      if (id === context.userId()) tabs.push(entry.self);
      if (tabs.length === 0) {
        const member = unannouncedMember(entry, id, now);
        if (member !== null) result.set(id, member);
        continue;
      }
      const entered = tabs
        .filter((tab) => tab.entered)
        .map((tab) => ({ data: tab.data, status: tab.status, at: tab.order }));
      const member = mergeConnections(id, entered);
      if (member !== null) result.set(id, member);
    }
    for (const id of [...entry.unannounced.keys()]) if (!ids.includes(id)) entry.unannounced.delete(id);
    return result;
  }

  /** A member no tab announced (yet): hidden for a moment, then listed with its `user_info`. */
  function unannouncedMember(entry: ChannelEntry, id: string, now: number): PresenceMember | null {
    const seen = entry.unannounced.get(id);
    if (seen === undefined) {
      entry.unannounced.set(id, now);
      scheduleUnannounced(entry);
      return null;
    }
    if (now - seen < PUSHER_UNANNOUNCED_MEMBER_MS) return null;
    const info: unknown = (membersOf(entry)?.get(id) as { info?: unknown } | null)?.info;
    return Object.freeze({ userId: id, data: info ?? null, connections: 1, status: 'active' });
  }

  function scheduleUnannounced(entry: ChannelEntry) {
    if (entry.unannouncedTimer !== null) return;
    entry.unannouncedTimer = setTimeout(() => {
      entry.unannouncedTimer = null;
      membersChanged(entry);
      if (
        entry.unannounced.size > 0 &&
        [...entry.unannounced.values()].some((seen) => Date.now() - seen < PUSHER_UNANNOUNCED_MEMBER_MS)
      ) {
        scheduleUnannounced(entry);
      }
    }, PUSHER_UNANNOUNCED_MEMBER_MS);
    unrefTimer(entry.unannouncedTimer);
  }

  function clearUnannounced(entry: ChannelEntry) {
    if (entry.unannouncedTimer !== null) clearTimeout(entry.unannouncedTimer);
    entry.unannouncedTimer = null;
    entry.unannounced.clear();
  }

  function handleFrame(frame: Extract<ClientFrame, { type: 'presence' }>) {
    const entry = entryFor(context, frame.channel);
    if (entry.kind !== 'presence') {
      context.emit({
        type: 'error',
        channel: frame.channel,
        error: {
          code: 'forbidden',
          message: `Presence on Pusher needs a presence- channel: "${frame.channel}" is not one.`,
        },
      });
      return;
    }
    const self = entry.self;
    const status =
      frame.status === undefined ? (frame.action === 'enter' ? 'active' : self.status) : toPresenceStatus(frame.status);
    if (frame.action === 'leave') entry.self = { ...self, entered: false, order: context.nextOrder() };
    else if (frame.action === 'enter' || 'data' in frame)
      entry.self = { entered: true, data: frame.data, status, order: context.nextOrder() };
    // A status-only update does not make this tab's data the newest.
    else entry.self = { ...self, entered: true, status };
    announce(entry, false);
    membersChanged(entry);
  }

  return { handleFrame, announce, announcement, membersChanged, computeMembers, clearUnannounced };
}
