import type { BrokerCluster, ClusterEvent, MaybePromise } from './broker.js';
import type { PresenceMember, PresenceStatus, ServerFrame } from './frames.js';
import { createPresenceAnnouncer } from './hub-presence-announcer.js';
import { createPresenceFollower } from './hub-presence-follower.js';
import { changing, mergedMembers, mergedSize, subscriberCount, type PresenceState } from './hub-presence-view.js';

/** What the presence of one channel needs from the hub. */
export interface ChannelPresenceHost {
  readonly channel: string;
  /** Sends a presence frame to every local subscriber of the channel. */
  broadcast(frame: ServerFrame): void;
  /** Local subscribers of the channel (this instance's share of the occupancy). */
  localSubscribers(): number;
  /** Something the occupancy counts changed. */
  occupancyChanged(): void;
  /** A pending announcement went out: the channel's state may be released now (see `idle`). */
  settled(): void;
  /** Present on a networked broker: this channel's presence is shared with the other instances. */
  readonly cluster: BrokerCluster | undefined;
  readonly now: () => number;
  /** A failed announcement or snapshot (the broker is down): reported, never thrown. */
  onError(error: unknown): void;
}

/**
 * The presence set of one channel as this instance sees it: its own connections merged with what every other
 * instance contributes (one member per key: connections summed, the most present status, the newest data).
 * Local changes are announced to the cluster; remote ones arrive as {@link ClusterEvent}s with a version per
 * instance, and a missed version fetches a fresh snapshot, so the view converges after any lost delta.
 *
 * Three parts share one {@link PresenceState}: the merged view (`hub-presence-view.ts`), the announcer of this
 * instance's contribution (`hub-presence-announcer.ts`) and the follower of the others' (`hub-presence-follower.ts`).
 */
export interface ChannelPresence {
  enter(session: object, key: string, data: unknown, status: PresenceStatus | undefined): void;
  /** The session's connection leaves the member `key` (no-op when it was not present). */
  leave(session: object, key: string): void;
  /** The members, merged across instances. */
  members(): PresenceMember[];
  /** Merged member count. */
  readonly size: number;
  /** Whether this instance holds nothing for the channel (its state may be released). */
  readonly idle: boolean;
  /** The local subscriber count changed: tell the other instances (throttled). */
  subscribersChanged(): void;
  /**
   * Start following the other instances (fetches a snapshot once `subscribed`, the broker subscription that carries
   * their changes, is confirmed); resolves once the view is complete.
   */
  follow(subscribed?: MaybePromise<void>): Promise<void> | undefined;
  /** Stop following (no local subscriber any more): the remote view is dropped. */
  unfollow(): void;
  /** Another instance's change. */
  apply(event: ClusterEvent): void;
  /** Instances that died: their members go. */
  dropInstances(instances: readonly string[]): void;
  /** The cluster connection came back: announce everything again, fetch a fresh snapshot. */
  resync(): void;
  /** Cluster-wide subscribers of the channel. */
  connections(): number;
}

export function createChannelPresence(host: ChannelPresenceHost): ChannelPresence {
  const state: PresenceState = { host, local: new Map(), remote: new Map() };
  const { local } = state;
  const announcer = createPresenceAnnouncer(state);
  const follower = createPresenceFollower(state);

  return {
    enter(session, key, data, status) {
      changing(state, [key], () => {
        let member = local.get(key);
        if (!member) {
          member = { data, at: host.now(), sessions: new Map() };
          local.set(key, member);
        } else if (data !== undefined && !Object.is(data, member.data)) {
          member.data = data;
          member.at = host.now();
        }
        member.sessions.set(session, status ?? member.sessions.get(session) ?? 'active');
      });
      announcer.announceMember(key);
    },
    leave(session, key) {
      const member = local.get(key);
      if (!member?.sessions.has(session)) return;
      changing(state, [key], () => {
        member.sessions.delete(session);
        if (member.sessions.size === 0) local.delete(key);
      });
      announcer.announceMember(key);
    },
    members: () => mergedMembers(state),
    get size() {
      return mergedSize(state);
    },
    get idle() {
      return local.size === 0 && !follower.following && !announcer.pending;
    },
    subscribersChanged() {
      host.occupancyChanged();
      announcer.subscribersChanged();
    },
    follow: follower.follow,
    unfollow: follower.unfollow,
    apply: follower.apply,
    dropInstances: follower.dropInstances,
    resync() {
      announcer.restate();
      follower.resync();
    },
    connections: () => subscriberCount(state),
  };
}
