import type * as Ably from 'ably';
import { isRecord } from '../../lib/is-record.js';
import type { ClientFrame, PresenceMember, PresenceStatus } from '../../protocol/frames.js';
import { diffMembers } from '../shared/diff-members.js';
import { isPresenceStatus, mergeConnections } from '../shared/merge-connections.js';
import { isIdentified, type AblyContext, type ChannelEntry } from './ably-context.js';
import { toFrameError } from './ably-errors.js';

/** Our presence payload inside an Ably presence message's `data`. */
interface PresencePayload {
  readonly rk: 1;
  readonly data: unknown;
  readonly status: PresenceStatus;
}

/**
 * Presence is Ably presence with `clientId` as the user id: one member per clientId, `connections` counting its Ably
 * connections; our data and status travel inside the presence data (a member entered by another Ably client has
 * its data as it is, and counts as `active`).
 */
export interface AblyPresence {
  handleFrame(frame: Extract<ClientFrame, { type: 'presence' }>): void;
  /** A presence message from Ably: the member's `enter`, `update` or `leave` for the client, when it changed. */
  apply(entry: ChannelEntry, message: Ably.PresenceMessage): void;
  /** Reads the whole set from Ably and sends it as a `sync` (unless the subscription changed meanwhile). */
  sync(entry: ChannelEntry, generation: number): Promise<void>;
}

export function createAblyPresence(context: AblyContext): AblyPresence {
  let order = 0;

  function setConnection(entry: ChannelEntry, message: Ably.PresenceMessage) {
    if (!isIdentified(message.clientId)) return;
    const payload = asPresencePayload(message.data);
    entry.members.set(`${message.connectionId}:${message.clientId}`, {
      clientId: message.clientId,
      data: payload ? payload.data : message.data,
      status: payload ? payload.status : 'active',
      timestamp: typeof message.timestamp === 'number' ? message.timestamp : 0,
      order: (order += 1),
    });
  }

  /** One member per clientId, merged over its connections. */
  function membersOf(entry: ChannelEntry): Map<string, PresenceMember> {
    const byUser = new Map<string, { data: unknown; status: PresenceStatus; at: number; order: number }[]>();
    for (const connection of entry.members.values()) {
      let list = byUser.get(connection.clientId);
      if (!list) byUser.set(connection.clientId, (list = []));
      list.push({
        data: connection.data,
        status: connection.status,
        at: connection.timestamp,
        order: connection.order,
      });
    }
    const members = new Map<string, PresenceMember>();
    for (const [userId, connections] of byUser) members.set(userId, mergeConnections(userId, connections)!);
    return members;
  }

  function apply(entry: ChannelEntry, message: Ably.PresenceMessage) {
    if (!isIdentified(message.clientId)) return;
    const previous = membersOf(entry);
    if (message.action === 'leave' || message.action === 'absent')
      entry.members.delete(`${message.connectionId}:${message.clientId}`);
    else setConnection(entry, message);
    const next = membersOf(entry);
    const user = message.clientId;
    const only = (members: Map<string, PresenceMember>) =>
      members.has(user) ? new Map([[user, members.get(user)!]]) : new Map<string, PresenceMember>();
    for (const frame of diffMembers(entry.name, only(previous), only(next))) context.emit(frame);
  }

  async function sync(entry: ChannelEntry, generation: number) {
    const members = await entry.ably.presence.get();
    if (entry.generation !== generation) return;
    entry.members.clear();
    for (const message of members) setConnection(entry, message);
    context.emit({ type: 'presence', channel: entry.name, action: 'sync', members: [...membersOf(entry).values()] });
  }

  function handleFrame(frame: Extract<ClientFrame, { type: 'presence' }>) {
    const entry = context.entryFor(frame.channel);
    const refused = (cause: unknown) =>
      context.emit({
        type: 'error',
        channel: entry.name,
        error: toFrameError(cause, 'unavailable', `Ably refused presence ${frame.action} on "${entry.name}"`),
      });
    if (frame.action === 'leave') {
      entry.own = null;
      if (entry.ably.state === 'attached' || entry.ably.state === 'attaching')
        entry.ably.presence.leave().catch(refused);
      return;
    }
    const data = frame.data !== undefined ? frame.data : entry.own?.data;
    const status = frame.status ?? entry.own?.status ?? 'active';
    entry.own = { data, status };
    const payload: PresencePayload = { rk: 1, data, status };
    (frame.action === 'enter' ? entry.ably.presence.enter(payload) : entry.ably.presence.update(payload)).catch(
      refused,
    );
  }

  return { handleFrame, apply, sync };
}

function asPresencePayload(value: unknown): PresencePayload | null {
  return isRecord(value) && value.rk === 1 && isPresenceStatus(value.status)
    ? (value as unknown as PresencePayload)
    : null;
}
