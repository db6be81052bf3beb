import { randomId } from '../lib/random-id.js';
import { unrefTimer } from '../lib/unref-timer.js';
import type { ContributionChange, ContributionMember } from './broker.js';
import { localEntry, type PresenceState } from './hub-presence-view.js';

/**
 * Member changes are announced to the other instances at most this often: under churn one Redis call and one delta
 * carry many changes, and each instance handles them in one turn (measured: presence across two instances costs
 * 1.05-1.12x the CPU per delivered update of one instance, 1.45x when every change went alone). Local subscribers
 * are told at once; the others within this much more.
 */
const ANNOUNCE_BATCH_MS = 50;

/** First wait before a failed announcement is made again; it doubles up to the max while the cluster stays away. */
const ANNOUNCE_RETRY_MIN_MS = 1000;
const ANNOUNCE_RETRY_MAX_MS = 30_000;

/** Milliseconds between two announcements of a changed subscriber count (members are announced at once). */
const SUBSCRIBER_ANNOUNCE_MS = 200;

/** This instance's contribution to a channel's presence, told to the other instances. No-ops without a cluster. */
export interface PresenceAnnouncer {
  /** The local member `key` changed: announced with the others that change within {@link ANNOUNCE_BATCH_MS}. */
  announceMember(key: string): void;
  /** The local subscriber count changed: announced (throttled), or the contribution ended when nothing is left. */
  subscribersChanged(): void;
  /** The cluster connection came back: a new generation states the whole contribution again. */
  restate(): void;
  /** Something is announced or waits to be: the channel's state must be kept. */
  readonly pending: boolean;
}

export function createPresenceAnnouncer(state: PresenceState): PresenceAnnouncer {
  const { host, local } = state;
  const { cluster } = host;
  /** The current generation of our contribution (null: not contributing), and its last version. */
  let generation: string | null = null;
  let version = 0;
  let announcedSubscribers = 0;
  let subscriberTimer: ReturnType<typeof setTimeout> | undefined;
  let lastSubscriberAnnounce = -Infinity;
  let announceRetry: ReturnType<typeof setTimeout> | undefined;
  /** Local members changed since the last announcement, and the timer that announces them. */
  const changedKeys = new Set<string>();
  let batchTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = ANNOUNCE_RETRY_MIN_MS;

  function announce(change: Omit<ContributionChange, 'generation' | 'version' | 'subscribers'>) {
    if (!cluster) return;
    const subscribers = host.localSubscribers();
    if (generation === null) {
      if (change.end || (local.size === 0 && subscribers === 0)) return;
      // A new generation starts with the whole contribution, so a receiver that missed the previous one is complete.
      generation = randomId();
      version = 0;
      const upsert = [...local.keys()].map((key) => localEntry(state, key)!).filter(Boolean);
      return send({ generation, version: ++version, subscribers, upsert });
    }
    const full: ContributionChange = { generation, version: ++version, subscribers, ...change };
    if (change.end) generation = null;
    send(full);
  }

  function send(change: ContributionChange) {
    announcedSubscribers = change.subscribers;
    const failed = (error: unknown) => {
      host.onError(error);
      announceAgainLater();
    };
    try {
      const result = cluster!.announce(host.channel, change);
      if (result instanceof Promise) result.then(() => (retryDelay = ANNOUNCE_RETRY_MIN_MS), failed);
    } catch (error) {
      failed(error);
    }
  }

  /**
   * An announcement failed (the cluster was unreachable): what the others know of this instance is uncertain, so
   * once it is back a new generation states the whole contribution again (its end, if nothing is left). Until then
   * the channel's state is kept, so no change is lost in between.
   */
  function announceAgainLater() {
    if (announceRetry !== undefined) return;
    announceRetry = setTimeout(() => {
      announceRetry = undefined;
      const wasAnnounced = generation !== null;
      generation = null;
      if (local.size > 0 || host.localSubscribers() > 0) announce({});
      else if (wasAnnounced) send({ generation: randomId(), version: 1, subscribers: 0, end: true });
      host.settled();
    }, retryDelay);
    unrefTimer(announceRetry);
    retryDelay = Math.min(retryDelay * 2, ANNOUNCE_RETRY_MAX_MS);
  }

  function flushChanged() {
    batchTimer = undefined;
    const upsert: ContributionMember[] = [];
    const remove: string[] = [];
    for (const key of changedKeys) {
      const entry = localEntry(state, key);
      if (entry) upsert.push(entry);
      else remove.push(key);
    }
    changedKeys.clear();
    if (upsert.length > 0 || remove.length > 0)
      announce({ ...(upsert.length > 0 ? { upsert } : {}), ...(remove.length > 0 ? { remove } : {}) });
    endIfIdle();
    host.settled();
  }

  function endIfIdle() {
    if (generation !== null && local.size === 0 && host.localSubscribers() === 0) announce({ end: true });
  }

  return {
    announceMember(key) {
      if (!cluster) return;
      changedKeys.add(key);
      if (batchTimer !== undefined) return;
      batchTimer = setTimeout(flushChanged, ANNOUNCE_BATCH_MS);
      unrefTimer(batchTimer);
    },
    subscribersChanged() {
      if (!cluster) return;
      const count = host.localSubscribers();
      if (count === 0 && local.size === 0) {
        clearTimeout(subscriberTimer);
        subscriberTimer = undefined;
        return endIfIdle();
      }
      if (subscriberTimer !== undefined || count === announcedSubscribers) return;
      const wait = lastSubscriberAnnounce + SUBSCRIBER_ANNOUNCE_MS - host.now();
      const flush = () => {
        subscriberTimer = undefined;
        lastSubscriberAnnounce = host.now();
        if (host.localSubscribers() !== announcedSubscribers) announce({});
        endIfIdle();
        host.settled();
      };
      if (wait <= 0) return flush();
      subscriberTimer = setTimeout(flush, wait);
      unrefTimer(subscriberTimer);
    },
    restate() {
      if (generation !== null || local.size > 0 || host.localSubscribers() > 0) {
        generation = null;
        announce({});
      }
    },
    get pending() {
      return (
        generation !== null || subscriberTimer !== undefined || announceRetry !== undefined || batchTimer !== undefined
      );
    },
  };
}
