import { unrefTimer } from '../lib/unref-timer.js';
import type { ClusterEvent, Contribution, MaybePromise } from './broker.js';
import { changing, memberKeys, type PresenceState, type RemoteContribution } from './hub-presence-view.js';

/** After a reconnection to the cluster, fetch snapshots again this long after it (see `resync`). */
const RESYNC_SNAPSHOTS_MS = [1000, 4000];

/**
 * The other instances' contributions to a channel's presence, kept current while the channel has subscribers here: a
 * snapshot to start, then their changes in version order; a missed version fetches a fresh snapshot, so the view
 * converges after any lost change.
 */
export interface PresenceFollower {
  /**
   * Start following (fetches a snapshot once `subscribed` settles, so no change published between the snapshot and
   * the subscription can be missed); resolves once the view is complete.
   */
  follow(subscribed?: MaybePromise<void>): Promise<void> | undefined;
  /** Stop following: the remote view is dropped. */
  unfollow(): void;
  /** Another instance's change. */
  apply(event: ClusterEvent): void;
  /** Instances that died: their members go. */
  dropInstances(instances: readonly string[]): void;
  /** The cluster connection came back: fetch a fresh snapshot now, and again once the others had time to announce. */
  resync(): void;
  readonly following: boolean;
}

export function createPresenceFollower(state: PresenceState): PresenceFollower {
  const { host, remote } = state;
  const { cluster } = host;
  let following = false;
  /** Events that arrived while a snapshot was being fetched; applied on top of it. */
  let buffered: ClusterEvent[] | null = null;
  let snapshotting: Promise<void> | undefined;
  /** A snapshot was asked for while one was being read: fetch another once it is in. */
  let lookAgain = false;

  function replaceRemote(contributions: readonly Contribution[]) {
    const affected = memberKeys(state);
    for (const contribution of contributions) for (const member of contribution.members) affected.add(member.key);
    changing(state, affected, () => {
      remote.clear();
      for (const contribution of contributions) {
        if (contribution.instance === cluster?.instanceId) continue;
        remote.set(contribution.instance, {
          generation: contribution.generation,
          version: contribution.version,
          subscribers: contribution.subscribers,
          members: new Map(contribution.members.map((member) => [member.key, member])),
        });
      }
    });
    host.occupancyChanged();
  }

  function fetchSnapshot(subscribed?: MaybePromise<void>): Promise<void> {
    buffered = [];
    const run = (async () => {
      // The changes are heard from here on (buffered until the snapshot is in): only now is the snapshot complete.
      // A subscription that failed is refused by the subscribe itself (nothing more to report here); the next
      // subscribe follows from scratch.
      if (subscribed instanceof Promise) {
        try {
          await subscribed;
        } catch (error) {
          buffered = null;
          following = false;
          throw error;
        }
      }
      try {
        const contributions = await cluster!.snapshot(host.channel);
        if (!following) return;
        const pending = buffered ?? [];
        buffered = null;
        replaceRemote(contributions);
        for (const event of pending) applyChange(event);
      } catch (error) {
        buffered = null;
        host.onError(error);
        throw error;
      }
    })();
    snapshotting = run;
    const clear = () => {
      if (snapshotting !== run) return;
      snapshotting = undefined;
      // A gap seen while this one was read (a buffered change past its versions): read again, now.
      if (lookAgain) {
        lookAgain = false;
        resnapshot();
      }
    };
    run.then(clear, clear);
    return run;
  }

  function applyChange(event: ClusterEvent) {
    if (event.type !== 'contribution' || event.instance === cluster?.instanceId) return;
    const current = remote.get(event.instance);
    if (current && current.generation === event.generation) {
      if (event.version <= current.version) return;
      if (event.version !== current.version + 1) return void resnapshot();
    } else if (event.version !== 1) {
      // A change of a generation we never saw the start of: only a snapshot can tell the whole contribution.
      if (!event.end) resnapshot();
      else if (current) dropInstances([event.instance]);
      return;
    }
    const contribution: RemoteContribution =
      current && current.generation === event.generation
        ? current
        : { generation: event.generation, version: 0, subscribers: 0, members: new Map() };
    const affected = new Set<string>([...(event.upsert ?? []).map((member) => member.key), ...(event.remove ?? [])]);
    if (contribution !== current && current) for (const key of current.members.keys()) affected.add(key);
    const countsBefore = contribution.subscribers;
    changing(state, affected, () => {
      contribution.version = event.version;
      contribution.subscribers = event.subscribers;
      if (contribution !== current) contribution.members.clear();
      for (const member of event.upsert ?? []) contribution.members.set(member.key, member);
      for (const key of event.remove ?? []) contribution.members.delete(key);
      if (event.end) remote.delete(event.instance);
      else remote.set(event.instance, contribution);
    });
    if (countsBefore !== event.subscribers || event.end) host.occupancyChanged();
  }

  function resnapshot() {
    if (!following) return;
    if (snapshotting) return void (lookAgain = true);
    fetchSnapshot().catch(() => {});
  }

  function dropInstances(instances: readonly string[]) {
    const gone = instances.filter((instance) => remote.has(instance));
    if (gone.length === 0) return;
    const affected = new Set<string>();
    for (const instance of gone) for (const key of remote.get(instance)!.members.keys()) affected.add(key);
    changing(state, affected, () => gone.forEach((instance) => remote.delete(instance)));
    host.occupancyChanged();
  }

  return {
    follow(subscribed) {
      if (!cluster || following) return snapshotting;
      following = true;
      return fetchSnapshot(subscribed);
    },
    unfollow() {
      if (!following) return;
      following = false;
      buffered = null;
      changing(state, memberKeys(state), () => remote.clear());
    },
    apply(event) {
      if (!following) return;
      if (buffered) return void buffered.push(event);
      applyChange(event);
    },
    dropInstances,
    resync() {
      if (!following) return;
      snapshotting = undefined;
      fetchSnapshot().catch(() => {});
      // The other instances announce again when *they* are back, which may be after our snapshot and before our
      // subscription to their changes is: look again once they have had time to.
      for (const delay of RESYNC_SNAPSHOTS_MS) unrefTimer(setTimeout(resnapshot, delay));
    },
    get following() {
      return following;
    },
  };
}
