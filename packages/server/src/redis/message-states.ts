import type { BrokerPublishOptions, HubMessage, MessageState, MessageStates } from '@realtime-kit/core';
import type { Redis } from 'ioredis';
import { command, isRecord, unavailable } from './connection.js';
import type { ChannelKeys } from './redis-keys.js';
import { findScript, setStateScript } from './scripts.js';
import { messageJsonHead, parseMessage } from './stored-message.js';

/**
 * A Redis broker's message states (see `ChannelBroker.states`): per channel, a hash of state JSON by message id and a
 * sorted set of the same ids by `seq`, in the channel's hash slot. Every method answers asynchronously.
 */
export interface RedisMessageStates extends MessageStates {
  find(channel: string, id: string): Promise<HubMessage | undefined>;
  get(channel: string, ids: readonly string[]): Promise<readonly (MessageState | undefined)[]>;
  set(channel: string, id: string, state: MessageState, options?: BrokerPublishOptions): Promise<void>;
}

/** How one broker's message states are kept: beside its logs, as long as they are. */
export interface MessageStatesSettings {
  readonly commands: Redis;
  readonly keys: (channel: string) => ChannelKeys;
  readonly logSize: number;
  readonly retentionMs: number;
}

/** See {@link RedisMessageStates}. */
export function createMessageStates(settings: MessageStatesSettings): RedisMessageStates {
  const { commands, keys, logSize, retentionMs } = settings;
  return {
    async find(channel, id) {
      // Scanned on the Redis server, so a find moves one message to Node, not the whole log.
      const reply = await command(commands, `Could not find message "${id}" of "${channel}"`, () =>
        findScript.run(commands, [keys(channel).log], [messageJsonHead(channel, id), logSize]),
      );
      const message = typeof reply === 'string' ? parseMessage(reply) : undefined;
      return message?.id === id ? message : undefined;
    },

    async get(channel, ids) {
      if (ids.length === 0) return [];
      const texts = await command(commands, `Could not read message states of "${channel}"`, () =>
        commands.hmget(keys(channel).states, ...ids),
      );
      return texts.map((text) => (text === null ? undefined : parseMessageState(text)));
    },

    async set(channel, id, state, options = {}) {
      if (!Number.isSafeInteger(state.seq) || state.seq < 1) {
        throw new RangeError(`states.set: the state's seq must be a positive integer (got ${String(state.seq)}).`);
      }
      const fence = options.fence ?? '';
      const k = keys(channel);
      const what = `Could not set the state of message "${id}" of "${channel}"`;
      const reply = await command(commands, what, () =>
        setStateScript.run(
          commands,
          [k.states, k.stateSeqs, k.seq, ...(fence === '' ? [] : [k.lock])],
          [id, JSON.stringify(state), state.seq, logSize, retentionMs, fence],
        ),
      );
      if (reply === -1)
        throw unavailable(what, new Error('the channel turn passed to another instance (the lease ran out)'));
      if (reply !== 1) throw unavailable(what, new Error('Unexpected reply from the state script.'));
    },
  };
}

/** A stored state JSON as a {@link MessageState}; `undefined` if malformed (then the message shows as stored). */
function parseMessageState(text: string): MessageState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (
    !isRecord(raw) ||
    typeof raw.seq !== 'number' ||
    typeof raw.epoch !== 'string' ||
    typeof raw.event !== 'string' ||
    typeof raw.version !== 'number' ||
    (raw.author !== undefined && typeof raw.author !== 'string') ||
    (raw.changedAt !== undefined && typeof raw.changedAt !== 'number') ||
    (raw.deleted !== undefined && typeof raw.deleted !== 'boolean') ||
    (raw.cid !== undefined && typeof raw.cid !== 'string') ||
    (raw.reactions !== undefined && !isRecord(raw.reactions))
  ) {
    return undefined;
  }
  return raw as unknown as MessageState;
}
