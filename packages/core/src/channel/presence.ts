import type { ClientFrame, PresenceMember, ServerFrame } from '../protocol/frames.js';
import { createStore } from '../store.js';
import type { Presence } from './types.js';

type PresenceFrame = Extract<ServerFrame, { type: 'presence' }>;

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
}

const NO_MEMBERS: readonly PresenceMember[] = Object.freeze([]);

/**
 * Presence for one channel. `enter`/`leave` are ref-counted per client (two components entering need two
 * leaves), so the server sees one enter per connection; after a reconnect the enter is sent again with the
 * latest data. Members are kept across a disconnect and replaced by the server's `sync` on resubscribe.
 */
export function createPresenceController({ channel, send, onActiveChange }: PresenceControllerOptions): PresenceController {
  let entered = 0;
  let data: unknown;
  /** Our enter is known to the server on the current session. */
  let sent = false;
  const members = new Map<string, PresenceMember>();
  const store = createStore<readonly PresenceMember[]>(NO_MEMBERS, {
    onFirstSubscribe: onActiveChange,
    onLastUnsubscribe: onActiveChange,
  });

  function publishMembers() {
    store.set(members.size === 0 ? NO_MEMBERS : Object.freeze([...members.values()]));
  }

  function sendEnter() {
    sent = send({ type: 'presence', channel, action: 'enter', ...(data === undefined ? {} : { data }) });
  }

  const presence: Presence = {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    members: store.getSnapshot,
    enter(next) {
      entered += 1;
      if (next !== undefined) data = next;
      if (entered === 1) {
        // Subscribes the channel first (when open), so the server's presence frames reach us.
        onActiveChange();
        sendEnter();
      } else if (next !== undefined && sent) {
        send({ type: 'presence', channel, action: 'update', data });
      }
    },
    update(next) {
      data = next;
      if (entered > 0 && sent) send({ type: 'presence', channel, action: 'update', data });
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
      if (entered > 0) sendEnter();
    },
    sessionEnded() {
      sent = false;
    },
    apply(frame) {
      if (frame.action === 'sync') {
        members.clear();
        for (const member of frame.members) members.set(member.userId, member);
      } else if (frame.action === 'leave') {
        if (!members.delete(frame.member.userId)) return;
      } else {
        members.set(frame.member.userId, frame.member);
      }
      publishMembers();
    },
    clearMembers() {
      members.clear();
      publishMembers();
    },
  };
}
