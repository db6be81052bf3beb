import type * as Ably from 'ably';
import type { PresenceStatus, ServerFrame } from '../../protocol/frames.js';
import type { SeenIds } from '../shared/seen-ids.js';
import type { AblyChannelLike, AblyRealtimeLike } from './ably-types.js';

export type MessageFrame = Extract<ServerFrame, { type: 'message' }>;

/** One Ably connection's presence on a channel (Ably keys members by connection and clientId). */
interface ConnectionPresence {
  readonly clientId: string;
  readonly data: unknown;
  readonly status: PresenceStatus;
  readonly timestamp: number;
  /** Arrival order, to break timestamp ties. */
  readonly order: number;
}

/** What the adapter keeps per channel the client uses. */
export interface ChannelEntry {
  readonly name: string;
  readonly ably: AblyChannelLike;
  /** Our per-channel sequence: every message delivered gets the next number. */
  counter: number;
  /** Recently delivered frames, oldest first, for replaying a resubscribe. */
  readonly log: MessageFrame[];
  /** Ably ids already delivered, to drop repeats. */
  readonly seen: SeenIds;
  /** cid → delivered frame, for acks that arrive after their echo. */
  readonly delivered: Map<string, MessageFrame>;
  /** Publishes accepted by Ably whose echo has not arrived yet. */
  readonly awaitingEcho: Map<string, ReturnType<typeof setTimeout>>;
  /** The newest delivered Ably message: where a history fill starts. */
  lastSeen: { readonly id: string; readonly timestamp: number } | null;
  /** Local time of the first attach of this subscription (the history anchor when no message was seen yet). */
  attachedAt: number | null;
  /** Our listeners are registered on the Ably channel. */
  active: boolean;
  /** Bumped on every (un)subscribe: callbacks of an older subscription are ignored. */
  generation: number;
  /** Filling a gap from history: live messages wait in `pendingLive`. */
  recovering: boolean;
  recoverAgain: boolean;
  readonly pendingLive: Ably.InboundMessage[];
  /** Presence per Ably member key (`connectionId:clientId`). */
  readonly members: Map<string, ConnectionPresence>;
  /** What we entered with, so an `update` without data keeps it. */
  own: { data: unknown; status: PresenceStatus } | null;
  readonly onMessage: (message: Ably.InboundMessage) => void;
  readonly onPresence: (message: Ably.PresenceMessage) => void;
  readonly onState: (change: Ably.ChannelStateChange) => void;
}

/** The options, resolved. */
export interface AblySettings {
  readonly echoTimeoutMs: number;
  readonly echoes: boolean;
  readonly replayLimit: number;
  readonly historyPageLimit: number;
  readonly historyMaxPages: number;
  /** Ably ids remembered per channel: enough to cover a replay log and a full history fill. */
  readonly seenLimit: number;
}

/** What the parts of the Ably adapter share. */
export interface AblyContext {
  readonly ably: AblyRealtimeLike;
  readonly settings: AblySettings;
  readonly channels: Map<string, ChannelEntry>;
  emit(frame: ServerFrame): void;
  /** A session is open and Ably is connected. */
  isOpen(): boolean;
  /** Bumped every time a session opens. */
  session(): number;
  /** The entry of channel `name`, made on first use. */
  entryFor(name: string): ChannelEntry;
}

/** Ably leaves `clientId` unset (or `*`) for anonymous clients despite its declared type. */
export function isIdentified(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && clientId !== '' && clientId !== '*';
}
