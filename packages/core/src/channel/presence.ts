import type { ClientFrame, PresenceMember, PresenceStatus, ServerFrame } from '../protocol/frames.js';
import { createStore } from '../store.js';
import type { Presence } from './types.js';

type PresenceFrame = Extract<ServerFrame, { type: 'presence' }>;

/** Default of `presenceGraceMs`: long enough to cover a reconnect's first retry, short enough to read as "left". */
export const DEFAULT_PRESENCE_GRACE_MS = 3000;

/** A channel's presence as the client drives it. Internal: the public part is `presence`. */
export interface PresenceController {
  readonly presence: Presence;
  /** Someone watches the members or this client is entered: the channel must stay subscribed. */
  readonly active: boolean;
  /** A new session: enter again (after the channel's `subscribe`) when entered. */
  sessionOpened(): void;
  /** The session ended: the server forgot our enter. */
  sessionEnded(): void;
  /** Applies a presence frame from the server. */
  apply(frame: PresenceFrame): void;
  /** The subscription ended: nobody is known to be here any more. */
  clearMembers(): void;
}

export interface PresenceControllerOptions {
  channel: string;
  /** Sends on the open session; false when not open (the enter is then sent by `sessionOpened`). */
  send(frame: ClientFrame): boolean;
  /** `active` changed. */
  onActiveChange(): void;
  /** Who this client is, as the server said in its `welcome` (null when anonymous or not yet known). */
  userId(): string | null;
  /** How long a member who left stays listed, in case it comes back (a reconnect). 0: leaves at once. */
  graceMs: number;
}

const NO_MEMBERS: readonly PresenceMember[] = /* @__PURE__ */ Object.freeze([]);

/**
 * Presence for one channel. `enter`/`leave` are ref-counted per client (two components entering need two
 * leaves), so the server sees one enter per connection; after a reconnect the enter is sent again with the
 * latest data and status. Members are kept across a disconnect and reconciled with the server's `sync` on
 * resubscribe.
 *
 * Flicker grace: a member who leaves (or is missing from a `sync`) stays listed for `graceMs`; if they come back
 * within it — another user's reconnect, or ours — nobody sees them go and come back.
 */
export function createPresenceController({
  channel,
  send,
  onActiveChange,
  userId,
  graceMs,
}: PresenceControllerOptions): PresenceController {
  let entered = 0;
  let data: unknown;
  let status: PresenceStatus = 'active';
  /** Our enter is known to the server on the current session. */
  let sent = false;
  const members = new Map<string, PresenceMember>();
  /** Members who left, still listed until their timer fires. */
  const leaving = new Map<string, ReturnType<typeof setTimeout>>();
  const store = createStore<readonly PresenceMember[]>(NO_MEMBERS, {
    onFirstSubscribe: onActiveChange,
    onLastUnsubscribe: onActiveChange,
  });

  function publishMembers() {
    store.set(members.size === 0 ? NO_MEMBERS : Object.freeze([...members.values()]));
  }

  function enterFrame(): ClientFrame {
    return {
      type: 'presence',
      channel,
      action: 'enter',
      ...(data === undefined ? {} : { data }),
      ...(status === 'active' ? {} : { status }),
    };
  }

  function sendUpdate(withData: boolean) {
    if (entered === 0 || !sent) return;
    send({ type: 'presence', channel, action: 'update', ...(withData ? { data } : {}), status });
  }

  function stay(key: string) {
    const timer = leaving.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    leaving.delete(key);
  }

  function leaveLater(key: string): boolean {
    if (!members.has(key) || leaving.has(key)) return false;
    if (graceMs <= 0) return members.delete(key);
    const timer = setTimeout(() => {
      leaving.delete(key);
      if (members.delete(key)) publishMembers();
    }, graceMs);
    // A pending removal must not keep a Node process alive.
    (timer as { unref?: () => void }).unref?.();
    leaving.set(key, timer);
    return false;
  }

  function forgetAll() {
    for (const timer of leaving.values()) clearTimeout(timer);
    leaving.clear();
    members.clear();
  }

  const presence: Presence = {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    members: store.getSnapshot,
    self() {
      const id = userId();
      return id === null ? null : (members.get(id) ?? null);
    },
    enter(next) {
      entered += 1;
      if (next !== undefined) data = next;
      if (entered === 1) {
        // Subscribes the channel first (when open), so the server's presence frames reach us.
        onActiveChange();
        sent = send(enterFrame());
      } else if (next !== undefined) {
        sendUpdate(true);
      }
    },
    update(next) {
      data = next;
      sendUpdate(true);
    },
    setStatus(next) {
      if (next === status) return;
      status = next;
      sendUpdate(false);
    },
    leave() {
      if (entered === 0) return;
      entered -= 1;
      if (entered > 0) return;
      if (sent) send({ type: 'presence', channel, action: 'leave' });
      sent = false;
      onActiveChange();
    },
  };

  return {
    presence,
    get active() {
      return entered > 0 || store.size > 0;
    },
    sessionOpened() {
      if (entered > 0) sent = send(enterFrame());
    },
    sessionEnded() {
      sent = false;
    },
    apply(frame) {
      let changed = false;
      if (frame.action === 'sync') {
        const present = new Set(frame.members.map((member) => member.userId));
        for (const key of members.keys()) if (!present.has(key)) changed = leaveLater(key) || changed;
        for (const member of frame.members.map(withStatus)) {
          stay(member.userId);
          if (!sameMember(members.get(member.userId), member)) {
            members.set(member.userId, member);
            changed = true;
          }
        }
      } else if (frame.action === 'leave') {
        changed = leaveLater(frame.member.userId);
      } else {
        stay(frame.member.userId);
        members.set(frame.member.userId, withStatus(frame.member));
        changed = true;
      }
      if (changed) publishMembers();
    },
    clearMembers() {
      forgetAll();
      publishMembers();
    },
  };
}

function withStatus(member: PresenceMember): PresenceMember {
  return PRESENCE_STATUS.has(member.status) ? member : Object.freeze({ ...member, status: 'active' });
}

const PRESENCE_STATUS: ReadonlySet<unknown> = new Set<PresenceStatus>(['active', 'idle', 'away']);

function sameMember(a: PresenceMember | undefined, b: PresenceMember): boolean {
  return (
    a !== undefined &&
    a.connections === b.connections &&
    a.status === b.status &&
    (Object.is(a.data, b.data) || JSON.stringify(a.data) === JSON.stringify(b.data))
  );
}
